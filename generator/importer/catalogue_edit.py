"""Adding new registry entries to catalogue.yml without losing a byte of the editor's file.

The file is edited as text, checked by reading it back and validating it, and only
then put in place, so comments and layout survive and no import leaves it invalid
or half written.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
from pathlib import Path

import yaml

from generator.checks import check_registries
from generator.importer.failure import ImportFailure
from generator.loader import CATALOGUE_FILE
from generator.model import CatalogueInfo
from generator.yamlsource import read_yaml


def _plain(value: str) -> str:
    return value if yaml.safe_load(value) == value else json.dumps(value)


def edit_catalogue(path: Path, additions: dict[str, list[tuple[str, str]]]) -> tuple[bytes, CatalogueInfo]:
    """catalogue.yml's bytes with ``additions`` appended to their lists, and the result validated.

    Textual, not a YAML round trip: a dump would drop every comment and reflow the file.
    """
    raw = path.read_bytes()
    bom = raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    doc, problems = read_yaml(path, CATALOGUE_FILE)
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = [line for line in re.split(r"(?<=\n)", text) if line]  # YAML's lines, not str.splitlines
    inserts = []
    for key, items in additions.items():
        if not items:
            continue
        if not doc.data.get(key):  # a province on a base may have no list of its own yet
            block = f"{key}:{newline}" + "".join(f"  - id: {_plain(entry_id)}{newline}"
                                                 f"    name: {json.dumps(name, ensure_ascii=False)}{newline}"
                                                 for entry_id, name in items)
            inserts.append((len(lines), block))
            continue
        last = len(doc.data[key]) - 1
        line, column = doc.values[(key, last)]
        start_line, start_column = doc.values[(key,)]
        prefix = lines[line - 1][: column - 1]
        if lines[start_line - 1][start_column - 1:start_column] == "[" or not prefix.rstrip().endswith("-"):
            raise ImportFailure(
                f"danh sách {key} trong catalogue.yml không viết theo dạng mỗi mục một dòng “- id: …” nên không "
                "thêm mục mới được. Hãy viết lại danh sách theo dạng đó (như các danh sách mẫu) rồi nhập lại.")
        dash = len(prefix.rstrip()) - 1
        end = line
        for index in range(line, len(lines)):
            content = lines[index].strip()
            indent = len(lines[index]) - len(lines[index].lstrip(" "))
            if content and indent <= dash and not content.startswith("#"):
                break  # the next key: the list ended above
            if content and indent > dash:
                end = index + 1
        block = "".join(f"{' ' * dash}{prefix[dash:]}id: {_plain(entry_id)}{newline}"
                        f"{' ' * (column - 1)}name: {json.dumps(name, ensure_ascii=False)}{newline}"
                        for entry_id, name in items)
        inserts.append((end, block))
    for end, block in sorted(inserts, reverse=True):
        if end == len(lines) and lines and not lines[-1].endswith(("\n", "\r")):
            lines[-1] += newline
        lines.insert(end, block)
    new_text = "".join(lines)
    encoded = (b"\xef\xbb\xbf" if bom else b"") + new_text.encode("utf-8")
    expected = dict(doc.data)
    for key, items in additions.items():
        expected[key] = list(doc.data.get(key) or []) + [{"id": i, "name": n} for i, n in items]
    with tempfile.TemporaryDirectory() as scratch:
        check = Path(scratch) / CATALOGUE_FILE
        check.write_bytes(encoded)
        new_doc, new_problems = read_yaml(check, CATALOGUE_FILE)
        try:
            has_base = "base" in doc.data
            if new_problems or problems or new_doc.data != expected or \
                    check_registries(new_doc.data, new_doc, "", has_base=has_base):
                raise ValueError
            info = CatalogueInfo.model_validate(new_doc.data)
        except Exception:
            names = "; ".join(f"{key}: {i} “{n}”" for key, items in additions.items() for i, n in items)
            raise ImportFailure("tự động thêm mục vào catalogue.yml cho kết quả không hợp lệ nên không tệp nào được "
                                f"ghi. Hãy thêm tay các mục sau rồi nhập lại: {names}.") from None
    return encoded, info


def _replace(path: Path, data: bytes) -> None:
    """Write beside, then rename: an interrupted import never leaves half a catalogue.yml."""
    fd, scratch = tempfile.mkstemp(prefix=".catalogue-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(scratch, path)
    except BaseException:
        Path(scratch).unlink(missing_ok=True)
        raise
