"""End-to-end: the CLI builds real catalogues into complete, self-contained sites."""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from conftest import BASE, FIXTURES, NATIONAL, ROOT, copy_base
from generator.loader import load_catalogue
from helpers import Elements, run_cli


def _tree_digest(root: Path) -> dict[str, str]:
    """Every file's bytes and every folder, empty ones included."""
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() if p.is_file() else "folder"
            for p in sorted(root.rglob("*"))}


def _broken_links(site: Path) -> list[str]:
    """Every relative link, form download and asset reference that does not resolve to a
    built file, and every #fragment whose id is not in the page it points to."""
    broken = []
    ids_in: dict[Path, set[str]] = {}

    def ids(page: Path) -> set[str]:
        if page not in ids_in:
            ids_in[page] = {a["id"] for _, a in Elements(page.read_text(encoding="utf-8")).tags if a.get("id")}
        return ids_in[page]

    # 404.html is served at any missing path, so Material links it from the site root.
    for page in (p.resolve() for p in site.rglob("*.html") if p.name != "404.html"):
        doc = Elements(page.read_text(encoding="utf-8"))
        refs = doc.links() + [a.get("src") or "" for t, a in doc.tags if t in ("script", "img")] + \
            [a["href"] for t, a in doc.tags if t == "link" and a.get("href")]
        ids_in.setdefault(page, {a["id"] for _, a in doc.tags if a.get("id")})
        for ref in refs:
            parts = urlsplit(ref)
            if parts.scheme or parts.netloc or not ref:
                continue
            target = (page.parent / unquote(parts.path)).resolve() if parts.path else page
            if target.is_dir():
                target = target / "index.html"
            if not target.is_file():
                broken.append(f"{page.relative_to(site.resolve())} → {ref}")
            elif parts.fragment and target.suffix == ".html" and unquote(parts.fragment) not in ids(target):
                broken.append(f"{page.relative_to(site.resolve())} → {ref}")
    return broken


def test_link_check_finds_missing_pages_anchors_and_downloads(tmp_path: Path) -> None:
    (tmp_path / "thu-tuc" / "1.1").mkdir(parents=True)
    (tmp_path / "thu-tuc" / "1.1" / "to-khai.docx").write_bytes(b"PK")
    (tmp_path / "thu-tuc" / "1.1" / "index.html").write_text(
        '<h2 id="ho-so">Hồ sơ</h2><a href="#ho-so">ok</a><a href="#mau-don">thiếu neo</a>'
        '<a href="to-khai.docx" download="1.1-to-khai.docx">ok</a><a href="to-khai.pdf" download>thiếu tệp</a>',
        encoding="utf-8")
    (tmp_path / "index.html").write_text(
        '<a href="thu-tuc/1.1/#ho-so">ok</a><a href="thu-tuc/1.1/#can-cu">thiếu neo</a>'
        '<a href="thu-tuc/1.2/">thiếu trang</a><a href="https://example.org/#x">ngoài</a>', encoding="utf-8")
    assert sorted(_broken_links(tmp_path)) == [
        "index.html → thu-tuc/1.1/#can-cu", "index.html → thu-tuc/1.2/",
        "thu-tuc/1.1/index.html → #mau-don", "thu-tuc/1.1/index.html → to-khai.pdf"]


def _external_resources(site: Path) -> list[str]:
    """Anything a browser would fetch from another host while showing the site."""
    found = []
    for page in site.rglob("*.html"):
        for tag, attrs in Elements(page.read_text(encoding="utf-8")).tags:
            # rel=canonical names the page's published address; browsers never fetch it.
            ref = attrs.get("src") if tag in ("script", "img", "iframe", "audio", "video") else \
                attrs.get("href") if tag == "link" and attrs.get("rel") != "canonical" else None
            if ref and urlsplit(ref).netloc:
                found.append(f"{page.relative_to(site)}: <{tag}> {ref}")
    for css in site.rglob("*.css"):
        found += [f"{css.name}: {u}" for u in re.findall(r"url\((?:'|\")?(https?:[^)'\"]+)", css.read_text())]
    return found


def test_sample_site_is_complete(sample_site: Path) -> None:
    catalogue = load_catalogue(ROOT / "procedures").catalogue
    for entry in catalogue.entries:
        page = sample_site / "thu-tuc" / entry.procedure.code / "index.html"
        assert page.is_file(), entry.procedure.code
        for form in entry.procedure.forms:
            published = page.parent / f"{form.id}{entry.form_path(form).suffix.lower()}"
            assert published.read_bytes() == entry.form_path(form).read_bytes()
    for folder in ("linh-vuc", "co-quan", "cap", "muc-do", "bieu-mau", "hoi-dap", "huong-dan"):
        assert (sample_site / folder / "index.html").is_file(), folder
    home = (sample_site / "index.html").read_text(encoding="utf-8")
    assert '<html lang="vi"' in home
    assert "<title>Bộ thủ tục hành chính tỉnh Điện Biên</title>" in home
    procedure = (sample_site / "thu-tuc" / "1.001193" / "index.html").read_text(encoding="utf-8")
    assert "<title>Thủ tục đăng ký khai sinh - Bộ thủ tục hành chính tỉnh Điện Biên</title>" in procedure


def test_sample_links_resolve_and_nothing_is_fetched_from_outside(sample_site: Path) -> None:
    assert _broken_links(sample_site) == []
    assert _external_resources(sample_site) == []


def test_faq_carries_the_seed_content_and_catalogue_contacts(sample_site: Path) -> None:
    text = Elements((sample_site / "hoi-dap" / "index.html").read_text(encoding="utf-8")).text
    for phrase in ("Dịch vụ công trực tuyến là gì?", "mức độ 4", "Đăng ký tài khoản",
                   "Theo dõi, giám sát được tình trạng giải quyết hồ sơ", "TTHC <mã hồ sơ>", "8188",
                   "dichvucong.dienbien.gov.vn", "Bộ thủ tục", "một phần", "toàn trình"):
        assert phrase in text, phrase


def test_procedures_are_not_in_the_navigation(sample_site: Path) -> None:
    home = Elements((sample_site / "index.html").read_text(encoding="utf-8"))
    nav_links = [a["href"] for t, a in home.tags if t == "a" and "md-nav__link" in a.get("class", "")]
    assert nav_links and not [h for h in nav_links if "thu-tuc/" in h]


def test_pages_made_as_html_keep_their_table_of_contents_title_and_meta(sample_site: Path) -> None:
    """Procedure pages skip Markdown: what the Markdown pass gave them must still be there."""
    html = (sample_site / "thu-tuc" / "1.001193" / "index.html").read_text(encoding="utf-8")
    doc = Elements(html)
    sections = [a["id"] for t, a in doc.tags if t == "h2" and "id" in a]
    assert sections[:3] == ["doi-tuong", "dieu-kien", "ho-so"] and "can-cu" in sections
    assert html.count('class="headerlink"') == len(sections)
    [toc] = re.findall(r'<nav class="md-nav md-nav--secondary".*?</nav>', html, re.S)
    assert re.findall(r'href="#([^"]+)" class="md-nav__link"', toc) == sections
    assert "Hồ sơ cần chuẩn bị" in Elements(toc).text
    assert '<meta property="og:title" content="Thủ tục đăng ký khai sinh">' in html
    assert re.search(r'<meta name="description" content="[^"]+">', html)
    # A page of the nav made as HTML keeps the nav's title there, and its own as <title>.
    fields = (sample_site / "linh-vuc" / "index.html").read_text(encoding="utf-8")
    assert "<title>Thủ tục theo lĩnh vực - " in fields
    assert re.search(r'md-nav__link--active[^>]*>\s*<span class="md-ellipsis">\s*Lĩnh vực\s*</span>', fields)


def test_build_output_names_what_it_did(tmp_path: Path) -> None:
    run = run_cli("build", "--catalogue", str(BASE), "--site-dir", str(tmp_path / "site"))
    assert run.returncode == 0, run.stderr
    assert re.search(r"Xong: 2 thủ tục, 1 biểu mẫu; \d+ tệp, [\d,]+ [KM]B trong .* \([\d.]+ giây\)\.", run.stderr)


def test_invalid_catalogue_leaves_the_previous_site_untouched(tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert run_cli("build", "--catalogue", str(BASE), "--site-dir", str(site)).returncode == 0
    before = _tree_digest(site)
    broken = copy_base(tmp_path / "broken")
    shutil.copy(FIXTURES / "invalid" / "agency_unknown.yml", broken)
    run = run_cli("build", "--catalogue", str(broken), "--site-dir", str(site))
    assert run.returncode == 1
    assert "agency_unknown.yml:4:9: error: agency:" in run.stdout
    assert _tree_digest(site) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site")] == []


def test_failing_engine_build_leaves_the_previous_site_untouched(tmp_path: Path) -> None:
    site = tmp_path / "site"
    assert run_cli("build", "--catalogue", str(BASE), "--site-dir", str(site)).returncode == 0
    before = _tree_digest(site)
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    broken_config = ROOT / ".broken-mkdocs-test.yml"
    broken_config.write_text(config.replace("  - Hướng dẫn: huong-dan.md", "  - Mất: khong-co.md"),
                             encoding="utf-8")
    try:
        run = run_cli("build", "--catalogue", str(BASE), "--site-dir", str(site), "--config", str(broken_config))
    finally:
        broken_config.unlink()
    assert run.returncode == 1
    assert "Traceback" not in run.stderr
    assert "được giữ nguyên" in run.stderr
    assert _tree_digest(site) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site")] == []


_CRASH_HOOK = """
from pathlib import Path

def on_post_build(config):
    built = [p for p in Path(config.site_dir).rglob("*") if p.is_file()]
    Path({report!r}).write_text(str(len(built)))
    raise {error}("hỏng sau khi đã dựng xong mọi trang")
"""


@pytest.mark.parametrize("error, code, message", [
    ("RuntimeError", 2, "Lỗi nội bộ của công cụ: RuntimeError"),
    ("__import__('mkdocs.exceptions').exceptions.PluginError", 1, "được giữ nguyên"),
    ("KeyboardInterrupt", 130, ""),
], ids=["internal-error", "engine-error", "interrupted"])
def test_failure_after_the_whole_new_site_was_written_leaves_the_previous_site_untouched(
        tmp_path: Path, error: str, code: int, message: str) -> None:
    site = tmp_path / "site"
    assert run_cli("build", "--catalogue", str(BASE), "--site-dir", str(site)).returncode == 0
    before = _tree_digest(site)
    hook, report = tmp_path / "crash.py", tmp_path / "files-built.txt"
    hook.write_text(_CRASH_HOOK.format(report=str(report), error=error), encoding="utf-8")
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    crashing_config = ROOT / f".crashing-mkdocs-test-{tmp_path.name}.yml"
    crashing_config.write_text(config.replace("  - generator/mkdocs_hooks.py\n",
                                              f"  - generator/mkdocs_hooks.py\n  - {hook}\n"), encoding="utf-8")
    try:
        run = run_cli("build", "--catalogue", str(BASE), "--site-dir", str(site), "--config", str(crashing_config))
    finally:
        crashing_config.unlink()
    assert run.returncode == code, run.stderr
    assert message in run.stderr and "Traceback" not in run.stderr
    assert int(report.read_text()) >= len([v for v in before.values() if v != "folder"])  # a whole site was staged
    assert _tree_digest(site) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site")] == []


@pytest.mark.national
def test_national_catalogue_validates_and_builds(national_site: Path) -> None:
    output = (national_site.parent / "build-output.txt").read_text(encoding="utf-8")
    assert re.search(r"Đã kiểm tra 2643 tệp: không có lỗi, \d+ cảnh báo\.\nXem các cảnh báo", output)
    assert "warning:" not in output  # the build counts warnings; validate lists them
    assert re.search(r"Tìm kiếm: lõi \d+ KB gzip, 128 mảnh", output)
    assert len(list((national_site / "thu-tuc").glob("*/index.html"))) == 2642
    assert len(list((national_site / "thu-tuc").glob("*/*.pdf"))) == len(list(NATIONAL.rglob("*.pdf")))  # 940
    assert _broken_links(national_site) == []
    assert _external_resources(national_site) == []


def test_a_catalogue_with_empty_groups_links_to_no_missing_page(tmp_path: Path) -> None:
    """The test catalogue has no procedure at levels 1 and 3: nothing may link to their lists."""
    catalogue = copy_base(tmp_path / "catalogue")
    levels = {e.procedure.level for e in load_catalogue(catalogue).catalogue.entries}
    assert {1, 3} - levels == {1, 3}
    site = tmp_path / "site"
    run = run_cli("build", "--catalogue", str(catalogue), "--site-dir", str(site))
    assert run.returncode == 0, run.stderr
    assert not (site / "muc-do" / "1").exists()
    assert _broken_links(site) == []


def test_a_long_group_is_split_into_short_pages_that_link_every_procedure(tmp_path: Path) -> None:
    catalogue = copy_base(tmp_path / "catalogue")
    template = (catalogue / "chung-thuc" / "2.000815.yml").read_text(encoding="utf-8")
    for n in range(230):
        (catalogue / "chung-thuc" / f"9.{n:06d}.yml").write_text(
            template.replace('code: "2.000815"', f'code: "9.{n:06d}"').replace(
                "name: Chứng thực bản sao từ bản chính", f"name: Thủ tục thử số {n:03d}"), encoding="utf-8")
    site = tmp_path / "site"
    run = run_cli("build", "--catalogue", str(catalogue), "--site-dir", str(site))
    assert run.returncode == 0, run.stderr
    pages = [site / "muc-do" / "2" / "index.html"] + [site / "muc-do" / "2" / f"trang-{n}" / "index.html"
                                                      for n in (2, 3)]
    assert all(p.is_file() for p in pages) and not (site / "muc-do" / "2" / "trang-4").exists()
    linked = []
    for page in pages:
        html = page.read_text(encoding="utf-8")
        linked += re.findall(r'href="[./]*thu-tuc/([^/"]+)/"', html)
        assert 'aria-label="Các trang của danh sách"' in html
    assert sorted(linked) == sorted(["2.000815"] + [f"9.{n:06d}" for n in range(230)])  # each once, no JS
    assert _broken_links(site) == []


@pytest.mark.national
def test_every_list_page_of_the_national_catalogue_is_short(national_site: Path) -> None:
    sizes = {p.relative_to(national_site).as_posix(): p.stat().st_size
             for slug in ("linh-vuc", "co-quan", "cap", "muc-do") for p in (national_site / slug).rglob("index.html")}
    assert sizes and max(sizes.values()) <= 100_000, sorted(sizes.items(), key=lambda kv: -kv[1])[:3]
    assert (national_site / "index.html").stat().st_size <= 30_000  # the home page: tasks, not 139 fields


def test_a_printed_procedure_page_carries_the_qr_code_of_its_address(tmp_path: Path) -> None:
    import segno

    catalogue = copy_base(tmp_path / "catalogue")
    info = catalogue / "catalogue.yml"
    info.write_text(info.read_text(encoding="utf-8") + "site_url: https://thutuc.example.com\n", encoding="utf-8")
    site = tmp_path / "site"
    assert run_cli("build", "--catalogue", str(catalogue), "--site-dir", str(site)).returncode == 0
    html = (site / "thu-tuc" / "1.001193" / "index.html").read_text(encoding="utf-8")
    url = "https://thutuc.example.com/thu-tuc/1.001193/"
    expected = segno.make(url, error="m").svg_inline(scale=3, border=2, omitsize=False, title=f"Mã QR của trang: {url}")
    assert expected in html and 'class="tthc-qr"' in html
    # Without a site address there is nothing to encode: no code rather than a wrong one.
    plain = tmp_path / "plain"
    assert run_cli("build", "--catalogue", str(BASE), "--site-dir", str(plain)).returncode == 0
    assert "tthc-qr" not in (plain / "thu-tuc" / "1.001193" / "index.html").read_text(encoding="utf-8")
