"""The MkDocs adapter: everything MkDocs-specific lives in this file.

Its hook functions are registered through ``mkdocs_hooks.py``. It loads and
validates the catalogue, hands the generated pages and forms to MkDocs as virtual files (nothing is written
into docs/), gives generated pages their titles and every page its Content Security Policy
(``generator/security.py``). Pages the core made as HTML skip Python-Markdown (``HtmlPage``),
which took half of a national build. ``build_site`` runs a whole
build; ``LiveSite`` keeps one build's state to re-render single pages for the
preview. Swapping MkDocs for another engine means rewriting these two files only.
"""

from __future__ import annotations

import logging
import os
import shutil
from pathlib import Path

from markdown.extensions.toc import nest_toc_tokens
from markupsafe import escape
from mkdocs.commands import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, MkDocsException
from mkdocs.structure.files import File, Files, InclusionLevel
from mkdocs.structure.pages import Page as MkDocsPage
from mkdocs.structure.toc import get_toc

from generator import offline, security
from generator.exports import joined
from generator.loader import load_catalogue_cached
from generator.pages import PROCEDURES, Page, SiteContent, generate

CATALOGUE_ENV = "TTHC_CATALOGUE"
log = logging.getLogger("mkdocs.hooks.tthc")

_state: dict = {}


def catalogue_dir(config) -> Path:
    """The catalogue the CLI asked for, else ``procedures/`` beside mkdocs.yml."""
    root = Path(config.config_file_path).parent
    return Path(os.environ.get(CATALOGUE_ENV) or root / "procedures")


def on_config(config):
    content = _state.pop("preset", None)  # LiveSite generates the content itself
    if content is None:
        root = Path(config.config_file_path).parent
        result = load_catalogue_cached(catalogue_dir(config), display_root=Path.cwd())
        if not result.ok:
            for diagnostic in result.diagnostics:
                log.error(str(diagnostic))
            raise Abort(f"Bộ thủ tục có {len(result.diagnostics)} lỗi; hãy sửa rồi dựng lại.")
        content = generate(result.catalogue, root / "templates", config.use_directory_urls)
    config.site_name = str(escape(content.title))
    # templates/theme/main.html links the manifest and the worker's registration when the site has
    # them; never in the preview, whose pages change under a worker that would serve its old copies.
    config.extra["tthc_offline"] = None if content.shell is None or _state.get("live") else {
        "manifest": offline.MANIFEST, "register": offline.REGISTER, "theme_color": offline.THEME_COLOUR,
        "touch_icon": offline.TOUCH_ICON}
    if content.site_url and not config.site_url:  # canonical links and a sitemap that names real pages
        config.site_url = content.site_url
    _state["content"] = content
    _state["pages"] = {}
    _state["done"] = 0
    # The build opened from disk is the one with index.html links (cli.build --offline).
    _state["sources"] = security.SELF if config.use_directory_urls else security.FILE
    _state["script_hashes"] = set()  # every page's, for _headers
    _state["progress"] = content.procedure_pages >= 500  # counted once: counting per page made builds quadratic
    return config


class HtmlPage(MkDocsPage):
    """A generated page whose text is already HTML: MkDocs reads it and runs the page
    events as for any page, but no Markdown converts it. The table of contents is made
    from the headings the core rendered, as Python-Markdown's toc extension makes it.

    Links inside it are not checked by MkDocs, as they were not before: they were raw
    HTML, which Markdown does not parse. Its anchors are not listed (``present_anchor_ids``
    stays None), so MkDocs' informational check of links into it from Markdown pages skips it.
    """

    def read_source(self, config) -> None:
        """The text as it is: MkDocs' own reading looks for metadata lines and, finding none,
        joins the page again, a second copy of every page kept to the end of the build."""
        source = config.plugins.on_page_read_source(page=self, config=config)
        self.markdown, self.meta = (self.file.content_string if source is None else source), {}

    def render(self, config, files) -> None:
        self.content = self.markdown
        page: Page = _state["pages"][self.file.src_uri]
        self.toc = get_toc(nest_toc_tokens([{"level": h.level, "id": h.id, "name": str(escape(h.text))}
                                            for h in page.headings]))


class JoinedFile(File):
    """A generated file kept as parts (``joined.Joined``: the large open-data files), written part
    by part: MkDocs would want it as one buffer."""

    def copy_file(self, dirty: bool = False) -> None:
        joined.write(Path(self.abs_dest_path), self._content)


def _nav_titles(items) -> dict[str, str]:
    """mkdocs.yml's nav as {page: title}: a page made before the nav keeps the nav's title."""
    titles = {}
    for item in items if isinstance(items, list) else [items]:
        for title, value in item.items() if isinstance(item, dict) else ():
            if isinstance(value, str):
                titles[value] = title
            else:
                titles.update(_nav_titles(value))
    return titles


def _add_page(files: Files, page: Page, config, nav_titles: dict[str, str]) -> File:
    inclusion = InclusionLevel.UNDEFINED if page.in_nav else InclusionLevel.NOT_IN_NAV
    file = File.generated(config, page.path, content=page.markdown, inclusion=inclusion)
    files.append(file)
    _state["pages"][page.path] = page
    if page.html:  # MkDocs takes a page a hook made (File.page) instead of making its own
        HtmlPage(nav_titles.get(page.path), file, config)
    return file


def on_files(files: Files, config) -> Files:
    content: SiteContent = _state["content"]
    nav_titles = _nav_titles(config.nav or [])
    for page in content.pages:
        _add_page(files, page, config, nav_titles)
    for asset in content.assets:
        files.append(File.generated(config, asset.path, abs_src_path=str(asset.source)))
    for path, data in content.data.items():
        files.append((JoinedFile if isinstance(data, joined.Joined) else File).generated(config, path, content=data))
    if not _state.get("live"):  # the preview has no use for the sizes, and gzipping them costs
        log.info("Tìm kiếm: %s", content.search.report())
    return files


def on_nav(nav, config, files):
    _state["nav"] = nav
    return nav


def on_env(env, config, files):
    _state["env"], _state["files"] = env, files
    return env


def on_post_build(config) -> None:
    """``_headers`` and the service worker, made from the site as written: the worker's version is a
    digest of every file, ``_headers`` included."""
    content: SiteContent = _state["content"]
    if content.shell is None or _state.get("live"):  # from disk, or the preview: no host reads either
        return
    (Path(config.site_dir) / security.HEADERS).write_text(security.headers_file(_state["script_hashes"]),
                                                           encoding="utf-8")
    worker = offline.write_worker(Path(config.site_dir), content.shell)
    log.info("Không cần mạng sau lần xem đầu: %s", worker.report())


def on_post_page(output: str, page, config) -> str:
    return _with_policy(output, page.file.src_uri)


def on_post_template(output_content: str, template_name: str, config) -> str:
    """The theme's pages of its own: 404.html (and sitemap.xml, left alone)."""
    return _with_policy(output_content, template_name) if template_name.endswith(".html") else output_content


def _with_policy(html: str, name: str) -> str:
    """The page with its Content Security Policy, which must come before any script it governs."""
    try:
        html, hashes = security.with_policy(html, _state["sources"])
    except ValueError as problem:
        raise Abort(f"{name}: {problem}") from None
    _state["script_hashes"].update(hashes)
    return html


def on_page_markdown(markdown: str, page, config, files) -> str:
    ours: Page | None = _state["pages"].get(page.file.src_uri)
    title, description = (ours.title, ours.description) if ours else (None, None)
    if description:  # Material prints meta values unescaped, so they must be HTML-safe here
        page.meta["description"] = str(escape(description))
    if title is not None:  # for the link preview (templates/theme/main.html)
        page.meta["og_title"] = str(escape(title))
    if title is not None and not page.is_homepage:  # the home page's <title> is the site name
        page.meta["title"] = str(escape(title))
        _state["done"] += 1
        if _state["progress"] and page.file.src_uri.startswith(PROCEDURES + "/") and _state["done"] % 500 == 0:
            log.info("Đã dựng %d/%d trang", _state["done"], len(_state["content"].pages))
    return markdown


class BuildFailed(Exception):
    """The engine stopped; its own messages have been logged."""


def build_site(config_file: Path, site_dir: Path, directory_urls: bool = True) -> None:
    """One whole, strict build; the catalogue comes from ``TTHC_CATALOGUE``."""
    try:
        mkdocs_build.build(load_config(str(config_file), site_dir=str(site_dir), strict=True,
                                       use_directory_urls=directory_urls))
    except (Abort, MkDocsException, SystemExit) as exc:
        raise BuildFailed(str(exc)) from exc


class LiveSite:
    """A site built once, then updated page by page: the preview.

    A whole build of a national catalogue takes about 20 s; after a save only the
    pages whose Markdown changed are rendered again, through the same MkDocs steps
    a build uses (``_populate_page``/``_build_page``; MkDocs 1.6 is the last 1.x, so
    these no longer move). Links between pages are checked by the real build only.
    """

    def __init__(self, config_file: Path, site_dir: Path):
        self.config_file = config_file
        self.site_dir = site_dir
        self.content: SiteContent | None = None

    def build(self, content: SiteContent) -> None:
        _state.update(preset=content, live=True)
        self.config = load_config(str(self.config_file), site_dir=str(self.site_dir), strict=False)
        mkdocs_build.build(self.config)
        self.files: Files = _state["files"]
        self.nav, self.env = _state["nav"], _state["env"]
        self.content = content

    def update(self, content: SiteContent, rendered=lambda paths: None) -> list[str]:
        """Render what changed since the last build or update; returns the changed page paths.

        Procedure pages go first and ``rendered`` is told about them before the
        browse lists, which on a national catalogue list thousands of procedures
        and take longer: the page the editor is looking at must not wait for them.
        """
        old = {p.path: p for p in self.content.pages}
        new = {p.path: p for p in content.pages}
        changed = [p for path, p in new.items() if old.get(path) != p]
        for path in old.keys() - new.keys():
            self._remove(path)
        pages = [(p.path, self._page(p)) for p in changed]  # every new file exists before any link is resolved
        self._copy_assets(content)
        self._write_data(content)
        first = [pair for pair in pages if pair[0].startswith(PROCEDURES + "/")]
        for batch in (first, [pair for pair in pages if pair not in first]):
            for _, page in batch:
                mkdocs_build._populate_page(page, self.config, self.files)
            doc_files = self.files.documentation_pages(inclusion=InclusionLevel.is_included)
            for _, page in batch:
                mkdocs_build._build_page(page, self.config, doc_files, self.nav, self.env)
            if batch:
                rendered([path for path, _ in batch])
        self.content = content
        _state["content"] = content
        return [p.path for p in changed]

    def _page(self, page: Page) -> MkDocsPage:
        file = self.files.get_file_from_path(page.path)
        if file is None:
            file = _add_page(self.files, page, self.config, {})  # a new page is never one of the nav's
            if not page.html:
                MkDocsPage(None, file, self.config)
        else:
            _state["pages"][page.path] = page
            file.content_string = page.markdown
        return file.page

    def _remove(self, path: str) -> None:
        file = self.files.get_file_from_path(path)
        if file is not None:
            self.files.remove(file)
            Path(file.abs_dest_path).unlink(missing_ok=True)

    def _copy_assets(self, content: SiteContent) -> None:
        old = {a.path: a.source for a in self.content.assets}
        for asset in content.assets:
            target = Path(self.config.site_dir) / asset.path
            if old.get(asset.path) != asset.source or not _same_file(asset.source, target):
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(asset.source, target)
        for path in old.keys() - {a.path for a in content.assets}:
            (Path(self.config.site_dir) / path).unlink(missing_ok=True)

    def _write_data(self, content: SiteContent) -> None:
        for path, data in content.data.items():
            if self.content.data.get(path) != data:
                joined.write(Path(self.config.site_dir) / path, data)
        for path in self.content.data.keys() - content.data.keys():
            (Path(self.config.site_dir) / path).unlink(missing_ok=True)


def _same_file(source: Path, copy: Path) -> bool:
    """A copied form is current when it is as new and as large as its source."""
    try:
        a, b = source.stat(), copy.stat()
    except OSError:
        return False
    return a.st_size == b.st_size and a.st_mtime_ns <= b.st_mtime_ns
