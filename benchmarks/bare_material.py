"""The project's generated pages as a plain MkDocs project, for the benchmarks' "bare
Material" builds: the same Markdown, with no hooks, so a comparison measures only what the
project adds."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from markupsafe import escape


def write_pages(content, docs: Path, data: bool = True) -> None:
    """``content`` (a ``generator.pages.SiteContent``) as files under ``docs``.

    The hooks give pages their titles; front matter does the same here. Material prints
    meta titles unescaped, hence ``escape``; JSON strings are YAML strings. ``data=False``
    leaves out the generated data files (the project's search index, open data, blank forms).
    """
    for page in content.pages:
        path = docs / page.path
        path.parent.mkdir(parents=True, exist_ok=True)
        front = "" if page.path == "index.md" else \
            f"---\ntitle: {json.dumps(str(escape(page.title)), ensure_ascii=False)}\n---\n\n"
        path.write_text(front + page.markdown, encoding="utf-8")
    for asset in content.assets:
        path = docs / asset.path
        path.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(asset.source, path)
    for name, value in content.data.items() if data else ():  # text, or bytes (blank forms)
        path = docs / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(value if isinstance(value, bytes) else value.encode("utf-8"))
