"""Zensical, by Material for MkDocs's team: it reads mkdocs.yml and has a ``classic`` variant with
Material's look, but runs no MkDocs hooks, so nothing would generate the procedure pages.

So this engine writes the site's content (``pages.generate``: pages as Markdown, forms, the
search index, open data, blank forms) as real files into a temporary project, beside
``docs/``'s hand-written pages, with a config made from the project's mkdocs.yml: what the
hooks set at run time (the site's name and address, each page's title and description for
``templates/theme/main.html``, the manifest and the worker's registration) becomes the
config's ``extra`` and each page's front matter. Zensical builds that project; then comes
what the MkDocs adapter does after a build: the service worker (``offline.write_worker``).

Zensical renders the theme with MiniJinja; the overrides in ``templates/theme/`` use nothing
beyond what both render alike (the tests build and open the site with every engine).
Zensical's own search stays off: the site's search is ``tim-kiem/`` (``generator/search.py``).
It has no preview the project can drive page by page (``preview.py``), hence no ``serve``.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path

import yaml
from markupsafe import escape

from generator import offline, security
from generator.engines import BuildFailed, Job
from generator.exports import joined
from generator.loader import load_catalogue_cached
from generator.pages import SiteContent, generate

NAME = "Zensical"
# Settings of mkdocs.yml that only MkDocs reads: Zensical runs no hooks and watches nothing itself.
_MKDOCS_ONLY = ("hooks", "watch", "strict")


def unsupported(command: str, offline: bool) -> str | None:
    if command == "serve":
        return ("Zensical không chạy được các hook của MkDocs nên chưa xem trước (serve) được: trang thủ tục "
                "được tạo từ procedures/ sẽ không tự cập nhật khi sửa tệp. Hãy xem trước với --engine mkdocs "
                "hoặc --engine properdocs; dựng trang (build) với Zensical vẫn được.")
    return None


def build(job: Job) -> None:
    import zensical

    root = job.config.resolve().parent
    result = load_catalogue_cached(job.catalogue, display_root=Path.cwd())  # the CLI's load, from its cache
    if not result.ok:
        raise BuildFailed(f"Bộ thủ tục có {len(result.diagnostics)} lỗi; hãy sửa rồi dựng lại.")
    content = generate(result.catalogue, root / "templates", job.directory_urls)
    # Zensical wants docs_dir and site_dir inside the project: the project sits beside the
    # staging folder (one file system), its site is renamed into place.
    project = Path(tempfile.mkdtemp(prefix=".tthc-zensical-", dir=job.site_dir.parent))
    try:
        config = project / "mkdocs.yml"
        config.write_text(yaml.safe_dump(_config(job, root, content), allow_unicode=True, sort_keys=False),
                          encoding="utf-8")
        _write_sources(root, project / "docs", content)
        sys.stdout.flush()
        try:
            zensical.build(str(config), {"strict": False, "clean": True})
        except Exception as exc:  # its configuration and build errors all come back as exceptions
            raise BuildFailed(f"Zensical: {exc}") from exc
        if not (project / "site" / "index.html").is_file():
            raise BuildFailed("Zensical không ghi ra trang chủ (index.html).")
        job.site_dir.rmdir()  # the empty staging folder the CLI made
        (project / "site").rename(job.site_dir)
    finally:
        shutil.rmtree(project, ignore_errors=True)
    print(f"Tìm kiếm: {content.search.report()}", file=sys.stderr)
    _add_policy(job.site_dir, content.shell is not None)
    if content.shell is not None:
        worker = offline.write_worker(job.site_dir, content.shell)
        print(f"Không cần mạng sau lần xem đầu: {worker.report()}", file=sys.stderr)


def _add_policy(site: Path, online: bool) -> None:
    """What the MkDocs adapter's on_post_page does: every page's Content Security Policy, and
    ``_headers`` for a site published online (before the worker, whose version covers it)."""
    sources = security.SELF if online else security.FILE
    every = set()
    for page in sorted(site.rglob("*.html")):
        try:
            html, hashes = security.with_policy(page.read_text(encoding="utf-8"), sources)
        except ValueError as problem:
            raise BuildFailed(f"Zensical: {page.relative_to(site)}: {problem}") from None
        page.write_text(html, encoding="utf-8")
        every.update(hashes)
    if online:
        (site / security.HEADERS).write_text(security.headers_file(every), encoding="utf-8")


def _config(job: Job, root: Path, content: SiteContent) -> dict:
    """The project's mkdocs.yml with what the MkDocs hooks would set while building."""
    config = yaml.safe_load(job.config.read_text(encoding="utf-8"))
    for key in _MKDOCS_ONLY:
        config.pop(key, None)
    config.update(site_name=str(escape(content.title)), docs_dir="docs", site_dir="site",
                  use_directory_urls=job.directory_urls, plugins={"search": {"enabled": False}})
    if content.site_url and not config.get("site_url"):
        config["site_url"] = content.site_url
    theme = config["theme"]
    theme["variant"] = "classic"  # Material for MkDocs's look; "modern" is Zensical's own
    if theme.get("custom_dir"):
        theme["custom_dir"] = str((root / theme["custom_dir"]).resolve())
    config.setdefault("extra", {})["tthc_offline"] = None if content.shell is None else {
        "manifest": offline.MANIFEST, "register": offline.REGISTER, "theme_color": offline.THEME_COLOUR,
        "touch_icon": offline.TOUCH_ICON}
    return config


def _write_sources(root: Path, docs: Path, content: SiteContent) -> None:
    """docs/ as written by hand, then every generated page and file."""
    shutil.copytree(root / "docs", docs)
    for page in content.pages:
        # Material prints meta values unescaped, so they are made HTML-safe here, as the adapter does;
        # the home page's <title> is the site's name.
        meta = {"description": str(escape(page.description)), "og_title": str(escape(page.title))}
        if page.path != "index.md":
            meta["title"] = str(escape(page.title))
        front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=True, width=10**6)
        joined.write(docs / page.path, f"---\n{front}---\n\n{page.markdown}")
    for asset in content.assets:
        target = docs / asset.path
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(asset.source, target)
    for path, data in content.data.items():
        joined.write(docs / path, data)

