"""``python -m generator validate | build | serve | check-links | …``: the editors' commands.

Output is Vietnamese and never a traceback: an editor who sees one cannot tell
their mistake from ours. ``--debug`` shows it for developers.
"""

from __future__ import annotations

import argparse
import gc
import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from generator import engines
from generator.diagnostics import Diagnostic, Severity, as_json, github_annotation, gitlab_code_quality, summary
from generator.loader import LoadResult, load_catalogue_cached, release_files
from generator.text import file_size

PROJECT = Path(__file__).resolve().parent.parent


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m generator",
                                     description="Kiểm tra và dựng trang web bộ thủ tục hành chính.")
    parser.add_argument("--debug", action="store_true", help="in chi tiết lỗi nội bộ (cho lập trình viên)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="LỆNH")

    def command(name: str, help: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help, description=help)
        sub.add_argument("--catalogue", type=Path, default=Path("procedures"),
                         help="thư mục bộ thủ tục (mặc định: procedures)")
        sub.add_argument("--config", type=Path, default=PROJECT / "mkdocs.yml", help=argparse.SUPPRESS)
        return sub

    def engine_option(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--engine", choices=engines.ENGINES, default=engines.DEFAULT,
                         help="phần mềm dựng trang: mkdocs (mặc định), properdocs hoặc zensical "
                              "(xem docs/maintainers/engines.md)")

    validate = command("validate", "kiểm tra mọi tệp thủ tục và in tất cả lỗi")
    validate.add_argument("--format", choices=["text", "github", "gitlab", "json"], default="text",
                          help="text: path:line:col (mặc định); github: chú thích cho GitHub Actions; "
                               "gitlab: báo cáo Code Quality cho GitLab; json: cho công cụ khác")
    validate.add_argument("--strict", action="store_true", help="coi cảnh báo là lỗi")
    new = command("new", "tạo tệp thủ tục mới, hợp lệ, có chú thích (không ghi đè tệp đã có)")
    for flag, text in (("--code", "mã thủ tục, ví dụ 1.001193"), ("--name", "tên thủ tục"),
                       ("--agency", "mã cơ quan trong catalogue.yml"), ("--field", "mã lĩnh vực"),
                       ("--tiers", "mã cấp, cách nhau bằng dấu phẩy"), ("--level", "mức độ 1–4"),
                       ("--online-url", "nơi nộp trực tuyến (mức độ 3, 4; mặc định: portal_url)"),
                       ("--inherit", "MÃ: tiếp nhận thủ tục MÃ của bộ gốc (base) bằng tệp hai dòng")):
        new.add_argument(flag, help=text)
    importing = command("import", "tạo tệp khung cho các thủ tục trong bảng danh mục (.csv, .xlsx) kèm Quyết "
                                   "định công bố; thêm lĩnh vực, cơ quan, cấp mới vào catalogue.yml; "
                                   "không ghi đè tệp đã có")
    importing.add_argument("file", type=Path, metavar="TỆP", help="bảng danh mục: .xlsx hoặc .csv (UTF-8)")
    importing.add_argument("--sheet", help="tên trang tính trong tệp .xlsx (mặc định: trang đầu tiên có dòng tiêu đề)")
    importing.add_argument("--dry-run", action="store_true", help="chỉ báo cáo sẽ làm gì, không ghi tệp nào")
    command("schema", "tạo JSON Schema cho trình soạn thảo (gợi ý khóa, mã cơ quan, lĩnh vực, cấp; báo lỗi khi gõ)")
    changes = command("changes", "liệt kê thay đổi đối với người dân so với một phiên bản git: thủ tục mới, "
                                 "bị bỏ, thay đổi từng mục (gồm cả tệp chưa commit)")
    changes.add_argument("rev", nargs="?", default="HEAD", metavar="REV",
                         help="phiên bản git để so sánh, ví dụ HEAD, main, origin/main (mặc định: HEAD)")
    changes.add_argument("--format", choices=["text", "markdown"], default="text",
                         help="text: cho cửa sổ lệnh (mặc định); markdown: cho bình luận pull request")
    build = command("build", "kiểm tra rồi dựng trang web")
    build.add_argument("--site-dir", type=Path, default=Path("site"),
                       help="thư mục đặt trang web (mặc định: site)")
    build.add_argument("--offline", action="store_true",
                       help="bản dùng không cần mạng: mở thẳng từ ổ đĩa (file://), tìm kiếm vẫn chạy")
    engine_option(build)
    links = command("check-links", "mở thử mọi liên kết ra ngoài trong bộ thủ tục (nơi nộp trực tuyến, văn bản, "
                                   "trang của cơ quan…) và báo liên kết hỏng, liên kết đã đổi địa chỉ; cần mạng")
    links.add_argument("--format", choices=["text", "github", "json"], default="text",
                       help="text: path:line:col (mặc định); github: chú thích cho GitHub Actions; json: cho công cụ khác")
    links.add_argument("--timeout", type=_seconds, default=10.0, metavar="GIÂY",
                       help="chờ mỗi máy chủ trả lời tối đa bao nhiêu giây (mặc định: 10)")
    serve = command("serve", "xem trước trang web, tự cập nhật khi sửa tệp")
    serve.add_argument("--dev-addr", default="127.0.0.1:8000", help="địa chỉ máy chủ xem trước")
    engine_option(serve)
    return parser


def _seconds(text: str) -> float:
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        value = 0
    if not 0 < value < float("inf"):
        raise argparse.ArgumentTypeError(f"“{text}” không phải một số giây lớn hơn 0, ví dụ 10 hoặc 2,5")
    return value


def _validate(catalogue: Path, output: str = "text", warnings: bool = True) -> LoadResult:
    """Print the diagnostics; ``build`` leaves warnings to ``validate`` and only counts them."""
    result = load_catalogue_cached(catalogue)
    shown = [d for d in result.diagnostics if warnings or d.severity is Severity.ERROR]
    if output == "json":
        print(json.dumps(as_json(shown, result.files_checked), ensure_ascii=False, indent=2))
    elif output == "gitlab":
        print(json.dumps(gitlab_code_quality(shown), ensure_ascii=False, indent=2))
    else:
        for diagnostic in shown:
            print(github_annotation(diagnostic) if output == "github" else diagnostic)
    print(summary(result.diagnostics, result.files_checked), file=sys.stderr)
    if result.catalogue is not None and result.catalogue.drafts and warnings:
        print(f"{len(result.catalogue.drafts)} thủ tục còn chữ mẫu của công cụ nên chưa lên trang web.", file=sys.stderr)
    if len(shown) < len(result.diagnostics):
        print("Xem các cảnh báo: python -m generator validate", file=sys.stderr)
    return result


def _has_errors(result: LoadResult) -> bool:
    return not result.ok


def _setup_logging() -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    for name in ("mkdocs", "properdocs"):  # ProperDocs's own modules log under their own name
        logger = logging.getLogger(name)
        logger.handlers[:] = [handler]
        logger.setLevel(logging.WARNING)
        logger.propagate = False
    logging.getLogger("mkdocs.hooks.tthc").setLevel(logging.INFO)


def _tree_size(path: Path) -> tuple[int, int]:
    """Files and bytes below ``path``; one stat a file (a national site has 7,000)."""
    count = size = 0
    for folder, _, names in os.walk(path):
        count += len(names)
        size += sum(os.stat(os.path.join(folder, name)).st_size for name in names)
    return count, size


def _source_date_epoch(catalogue: Path, result: LoadResult) -> str | None:
    """The one date MkDocs writes (sitemap ``<lastmod>``, sitemap.xml.gz's header), taken
    from the content so that two builds of one commit are byte-identical on any day.

    The newest ``updated`` says when the procedures last changed and needs no git (a
    copy from a zip builds the same); without it, the commit date of HEAD, which a
    shallow clone knows as well as a full one. Neither known: MkDocs uses today.
    """
    dates = [e.procedure.updated for e in result.catalogue.entries if e.procedure.updated]
    if dates:  # all YYYY-MM-DD, so the newest is the largest string
        return str(int(datetime.fromisoformat(max(dates)).replace(tzinfo=timezone.utc).timestamp()))
    try:
        git = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=catalogue, capture_output=True,
                             text=True, timeout=30)
    except OSError:
        return None
    return git.stdout.strip() if git.returncode == 0 and git.stdout.strip().isdigit() else None


def _unsupported(engine_name: str, command: str, config: Path, offline: bool = False) -> bool:
    """Say, as a diagnostic, what the chosen engine cannot do; True when it cannot."""
    reason = engines.get(engine_name).unsupported(command, offline)
    if reason:
        print(Diagnostic(_shown(config), 1, 1, f"--engine {engine_name}", reason), file=sys.stderr)
    return bool(reason)


def _shown(path: Path) -> str:
    try:
        return path.resolve().relative_to(Path.cwd()).as_posix()
    except ValueError:
        return path.as_posix()


def build(catalogue: Path, site_dir: Path, config: Path, offline: bool = False, engine: str = engines.DEFAULT) -> int:
    """Build into a fresh folder beside ``site_dir`` and swap it in only on success."""
    if _unsupported(engine, "build", config, offline):
        return 1
    started = time.monotonic()
    result = _validate(catalogue, warnings=False)
    if _has_errors(result):
        print("Chưa dựng trang web vì bộ thủ tục còn lỗi.", file=sys.stderr)
        return 1
    release_files(result)
    # The loaded catalogue (and its base) lives to the end of the build: keep the garbage
    # collector from walking its hundreds of thousands of objects again on every collection.
    # What release_files let go is collected first, or frozen with them it would never be.
    gc.collect()
    gc.freeze()
    site_dir = site_dir.absolute()
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{site_dir.name}.new-", dir=site_dir.parent))
    if "SOURCE_DATE_EPOCH" not in os.environ and (epoch := _source_date_epoch(catalogue, result)):
        os.environ["SOURCE_DATE_EPOCH"] = epoch
    _setup_logging()
    drafts = result.catalogue.drafts
    if drafts:
        print(f"Chưa đưa lên trang web {len(drafts)} thủ tục còn chữ mẫu của công cụ (xem: python -m generator "
              "validate): " + ", ".join(f"{e.procedure.code} ({e.source.name})" for e in drafts), file=sys.stderr)
    by = "" if engine == engines.DEFAULT else f" bằng {engines.get(engine).NAME}"
    print(f"Đang dựng {len(result.catalogue.entries)} thủ tục{by}…", file=sys.stderr)
    try:
        # Offline: links name index.html files, which a browser opening file:// needs.
        engines.get(engine).build(engines.Job(config, catalogue, staging, directory_urls=not offline))
    except engines.BuildFailed as exc:
        shutil.rmtree(staging, ignore_errors=True)
        print(f"Dựng trang web thất bại: {exc}", file=sys.stderr)
        print(f"Thư mục {site_dir} được giữ nguyên.", file=sys.stderr)
        return 1
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    old = None
    if site_dir.exists():
        old = site_dir.with_name(staging.name.replace(".new-", ".old-"))
        site_dir.rename(old)
    staging.rename(site_dir)
    if old:
        shutil.rmtree(old)
    files, size = _tree_size(site_dir)
    forms = sum(len(e.procedure.forms) for e in result.catalogue.entries)
    print(f"Xong: {len(result.catalogue.entries)} thủ tục, {forms} biểu mẫu; {files} tệp, "
          f"{file_size(size)} trong {site_dir} ({time.monotonic() - started:.1f} giây).", file=sys.stderr)
    if offline:
        print(f"Mở {site_dir / 'index.html'} bằng trình duyệt; không cần mạng.", file=sys.stderr)
    return 0


_PROMPTS = {"code": "Mã thủ tục", "name": "Tên thủ tục", "agency": "Cơ quan (mã)", "field": "Lĩnh vực (mã)",
            "tiers": "Cấp (mã, cách nhau bằng dấu phẩy)", "level": "Mức độ (1–4)"}


def new_procedure(args) -> int:
    """Flags first; what is missing is asked for at a terminal, refused in a script."""
    from generator.scaffold import ScaffoldError, adopt, new_procedure as scaffold

    result = load_catalogue_cached(args.catalogue)
    if result.catalogue is None:
        for diagnostic in result.diagnostics:
            print(diagnostic)
        print("Hãy sửa catalogue.yml trước khi thêm thủ tục.", file=sys.stderr)
        return 1
    if args.inherit:
        try:
            path = adopt(result.catalogue, result.base, args.inherit.strip())
        except ScaffoldError as exc:
            print(f"Chưa tạo tệp: {exc}.", file=sys.stderr)
            return 1
        print(path.as_posix())
        print("Đã tạo tệp kế thừa; ghi thêm khóa nào tỉnh quy định khác bộ gốc rồi chạy: python -m generator validate",
              file=sys.stderr)
        return 0
    values = {key: getattr(args, key) for key in _PROMPTS}
    missing = [key for key, value in values.items() if not value]
    if missing and not sys.stdin.isatty():
        print("Thiếu: " + ", ".join("--" + key for key in missing), file=sys.stderr)
        return 1
    checks = _answer_checks(result.catalogue)
    for key in missing:  # each answer checked at once, asked again until it is right
        options = _options(result.catalogue, key)
        while True:
            answer = input(f"{_PROMPTS[key]}{options}: ").strip()
            problem = checks[key](answer)
            if not problem:
                values[key] = answer
                break
            print(f"  {problem}", file=sys.stderr)
    try:
        level = int(values["level"])
    except ValueError:
        print("Mức độ phải là 1, 2, 3 hoặc 4.", file=sys.stderr)
        return 1
    try:
        path = scaffold(result.catalogue, code=values["code"], name=values["name"], agency=values["agency"],
                        field=values["field"], tiers=[t.strip() for t in values["tiers"].split(",") if t.strip()],
                        level=level, online_url=args.online_url)
    except ScaffoldError as exc:
        print(f"Chưa tạo tệp: {exc}.", file=sys.stderr)
        return 1
    print(path.as_posix())
    print("Đã tạo tệp; hãy điền nội dung rồi chạy: python -m generator validate", file=sys.stderr)
    return 0


def _options(catalogue, key: str) -> str:
    """The ids a prompt takes, listed when there are few enough to read."""
    registry = {"agency": catalogue.agencies, "field": catalogue.fields, "tiers": catalogue.tiers}.get(key)
    if registry is None:
        return ""
    ids = sorted(registry)
    return f" (có: {', '.join(ids)})" if len(ids) <= 12 else f" ({len(ids)} mã; gõ sai sẽ được gợi ý mã gần nhất)"


def _answer_checks(catalogue) -> dict:
    """Per prompt: the answer → why it cannot be used (Vietnamese), or None; the registry
    answers are checked by the scaffold's own ``_pick``, hint included."""
    from generator.model import CODE_PATTERN
    from generator.scaffold import ScaffoldError, _pick

    taken = {e.procedure.code for e in catalogue.entries + catalogue.drafts}

    def registry_id(known: dict, what: str):
        def check(answer: str) -> str | None:
            if not answer:
                return f"hãy nhập mã {what}"
            try:
                for value in [a.strip() for a in answer.split(",")] if what == "cấp" else [answer]:
                    _pick(value, known, what)
            except ScaffoldError as exc:
                return str(exc)
            return None
        return check

    return {
        "code": lambda a: ("mã thủ tục chỉ gồm chữ, số, dấu chấm và gạch ngang, ví dụ 1.001193"
                           if not CODE_PATTERN.fullmatch(a) else f"mã “{a}” đã có trong bộ thủ tục" if a in taken
                           else None),
        "name": lambda a: None if a else "tên thủ tục không được để trống",
        "agency": registry_id(catalogue.agencies, "cơ quan"),
        "field": registry_id(catalogue.fields, "lĩnh vực"),
        "tiers": registry_id(catalogue.tiers, "cấp"),
        "level": lambda a: None if a in ("1", "2", "3", "4") else "mức độ phải là 1, 2, 3 hoặc 4",
    }


def import_procedures(args) -> int:
    """Rows that cannot become files are reported and skipped; only an unreadable list fails."""
    from generator.importer import ImportFailure, import_file

    result = load_catalogue_cached(args.catalogue)
    if result.catalogue is None:
        for diagnostic in result.diagnostics:
            print(diagnostic)
        print("Hãy sửa catalogue.yml trước khi nhập danh mục.", file=sys.stderr)
        return 1
    try:
        report = import_file(args.file, result.catalogue, dry_run=args.dry_run, sheet=args.sheet, base=result.base)
    except ImportFailure as exc:
        print(f"Chưa nhập được: {exc}", file=sys.stderr)
        return 1
    for line in report.lines(Path.cwd()):
        print(line)
    if report.skipped:  # CI must be able to tell: the list has rows that did not become files
        print(f"Mã thoát 1: {len(report.skipped)} dòng bị bỏ qua (lý do ở từng dòng trên).", file=sys.stderr)
        return 1
    return 0


def write_schema(catalogue: Path) -> int:
    """Schemas for the catalogue's editors; its own ids when catalogue.yml is valid."""
    from generator import schema

    result = load_catalogue_cached(catalogue)
    info = result.catalogue.info if result.catalogue else None
    for path in schema.write(catalogue, info):
        print(path.as_posix())
    if info is None:
        print("catalogue.yml còn lỗi: lược đồ chưa có danh sách mã cơ quan, lĩnh vực, cấp.", file=sys.stderr)
    return 0


def show_changes(catalogue: Path, rev: str, output: str) -> int:
    """The report on stdout (to pipe into a comment); why it cannot be made on stderr."""
    from generator import changes

    try:
        report = changes.compare(catalogue, rev)
    except changes.ChangesError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(changes.as_markdown(report) if output == "markdown" else changes.as_text(report), end="")
    return 0


def check_links(catalogue: Path, output: str, timeout: float) -> int:
    """Exit 1 only for a broken link: a moved page still opens for citizens, so it is reported
    (the scheduled job's issue lists it) without failing the run."""
    from generator import links

    result = load_catalogue_cached(catalogue)
    if not catalogue.is_dir():
        for diagnostic in result.diagnostics:
            print(diagnostic)
        return 1
    if result.base is None and any(d.key == "base" for d in result.diagnostics):
        print("Bộ gốc (base) chưa đọc được nên chưa kiểm tra liên kết lấy từ bộ gốc; xem: python -m generator "
              "validate", file=sys.stderr)
    report = links.check_links(links.collect(result, Path.cwd()), timeout=timeout)
    if output == "json":
        data = as_json(report.diagnostics, report.files)
        data.update(addresses=report.addresses, links=report.links, broken=report.broken, moved=report.moved)
        print(json.dumps(data, ensure_ascii=False, indent=2))
    else:
        for diagnostic in report.diagnostics:
            print(github_annotation(diagnostic) if output == "github" else diagnostic)
    print(links.summary(report), file=sys.stderr)
    return 1 if report.broken else 0


def serve(catalogue: Path, config: Path, dev_addr: str, engine: str = engines.DEFAULT) -> int:
    """Build once into a temporary folder, then update only what each save changes."""
    from generator import preview

    if _unsupported(engine, "serve", config):
        return 1
    host, _, port = dev_addr.rpartition(":")
    if not port.isdigit():
        print(f"--dev-addr phải có dạng máy:cổng, ví dụ 127.0.0.1:8000 (nhận được “{dev_addr}”).", file=sys.stderr)
        return 1
    _setup_logging()
    site_dir = Path(tempfile.mkdtemp(prefix="tthc-preview-"))
    try:
        root = config.resolve().parent
        live = engines.get(engine).live_site(config, catalogue, site_dir)
        return preview.run(catalogue.absolute(), root / "templates", live,
                           host or "127.0.0.1", int(port), whole=[root / "templates", root / "docs"])
    finally:
        shutil.rmtree(site_dir, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "validate":
            result = _validate(args.catalogue, args.format)
            return 1 if _has_errors(result) or (args.strict and result.diagnostics) else 0
        if args.command == "new":
            return new_procedure(args)
        if args.command == "schema":
            return write_schema(args.catalogue)
        if args.command == "import":
            return import_procedures(args)
        if args.command == "changes":
            return show_changes(args.catalogue, args.rev, args.format)
        if args.command == "check-links":
            return check_links(args.catalogue, args.format, args.timeout)
        if args.command == "build":
            return build(args.catalogue, args.site_dir, args.config, args.offline, args.engine)
        return serve(args.catalogue, args.config, args.dev_addr, args.engine)
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # the last line of defence: no traceback for editors
        if args.debug:
            raise
        print(f"Lỗi nội bộ của công cụ: {type(exc).__name__}: {exc}", file=sys.stderr)
        print("Đây không phải lỗi của bạn. Hãy báo cho người quản trị kèm lệnh vừa chạy "
              "(chạy lại với --debug để xem chi tiết).", file=sys.stderr)
        return 2
