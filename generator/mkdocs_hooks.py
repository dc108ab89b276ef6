"""The MkDocs adapter: everything MkDocs-specific lives in this file.

Registered in mkdocs.yml as ``hooks:``. It loads and validates the catalogue,
hands the generated pages and forms to MkDocs as virtual files (nothing is written
into docs/) and gives generated pages their titles. Swapping MkDocs for another
engine means rewriting this file only.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from markupsafe import escape
from mkdocs.exceptions import Abort
from mkdocs.structure.files import File, Files, InclusionLevel

from generator.loader import load_catalogue_cached
from generator.pages import PROCEDURES, SiteContent, generate

CATALOGUE_ENV = "TTHC_CATALOGUE"
log = logging.getLogger("mkdocs.hooks.tthc")

_state: dict = {}


def catalogue_dir(config) -> Path:
    """The catalogue the CLI asked for, else ``procedures/`` beside mkdocs.yml."""
    root = Path(config.config_file_path).parent
    return Path(os.environ.get(CATALOGUE_ENV) or root / "procedures")


def on_config(config):
    root = Path(config.config_file_path).parent
    result = load_catalogue_cached(catalogue_dir(config), display_root=Path.cwd())
    if not result.ok:
        for diagnostic in result.diagnostics:
            log.error(str(diagnostic))
        raise Abort(f"Bộ thủ tục có {len(result.diagnostics)} lỗi; hãy sửa rồi dựng lại.")
    catalogue = result.catalogue
    config.site_name = str(escape(catalogue.info.title))
    _state["content"] = generate(catalogue, root / "templates", config.use_directory_urls)
    _state["titles"] = {}
    _state["done"] = 0
    return config


def on_files(files: Files, config) -> Files:
    content: SiteContent = _state["content"]
    for page in content.pages:
        inclusion = (InclusionLevel.NOT_IN_NAV if page.path.startswith(PROCEDURES + "/")
                     or page.path.count("/") > 1 else InclusionLevel.UNDEFINED)
        files.append(File.generated(config, page.path, content=page.markdown, inclusion=inclusion))
        _state["titles"][page.path] = page.title
    for asset in content.assets:
        files.append(File.generated(config, asset.path, abs_src_path=str(asset.source)))
    for path, text in content.data.items():
        files.append(File.generated(config, path, content=text))
    log.info("Tìm kiếm: %s", content.search_report)
    return files


def on_page_markdown(markdown: str, page, config, files) -> str:
    title = _state["titles"].get(page.file.src_uri)
    if title is not None and not page.is_homepage:  # the home page's <title> is the site name
        # Material prints meta titles unescaped, so they must be HTML-safe here.
        page.meta["title"] = str(escape(title))
        _state["done"] += 1
        total = _state["content"].procedure_pages
        if total >= 500 and page.file.src_uri.startswith(PROCEDURES + "/") and _state["done"] % 500 == 0:
            log.info("Đã dựng %d/%d trang", _state["done"], len(_state["content"].pages))
    return markdown
