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
    from generator.exports import joined

    for name, value in content.data.items() if data else ():  # text, bytes (blank forms) or parts (open data)
        joined.write(docs / name, value)


def write_hand_written(catalogue, docs: Path) -> None:
    """The site a province would write by hand with plain Material: one short Markdown page per
    procedure (its name, steps, ways to submit with time and fee, documents, legal basis) and a
    home page linking them all. No validation, no browse pages, no forms, no search index of our
    own: the yardstick the issue sets for what the project may cost on top of Material."""
    from generator.model import CHANNEL_NAMES

    lines = ["# " + catalogue.info.title, ""]
    for entry in sorted(catalogue.entries, key=lambda e: e.procedure.code):
        p = entry.procedure
        lines.append(f"- [{p.name}](thu-tuc/{p.code}.md)")
        page = [f"# {p.name}", "", f"Mã thủ tục: {p.code}", "", "## Các bước thực hiện", ""]
        page += [f"{i}. {step}" for i, step in enumerate(p.steps, 1)]
        page += ["", "## Cách nộp", ""]
        page += [f"- {CHANNEL_NAMES[c.type]}" + "".join(f"; {x}" for x in (c.processing_time, c.fee) if x)
                 for c in p.channels]
        page += ["", "## Hồ sơ", ""] + [f"- {d.name}" for d in p.documents]
        if p.legal_basis:
            page += ["", "## Căn cứ pháp lý", ""]
            page += [f"- {b.number}" + (f" {b.title}" if b.title else "") for b in p.legal_basis]
        path = docs / "thu-tuc" / f"{p.code}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(page) + "\n", encoding="utf-8")
    (docs / "index.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
