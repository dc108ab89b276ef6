"""One side of the comparison: the catalogue at a revision or on disk, by procedure code.

Procedures are matched by code because the code is a page's address; a file that
cannot be read, or has no usable code, is kept with the reason so the report can
name it instead of calling its procedure removed or new.
"""

from __future__ import annotations

import hashlib
import os
import posixpath
from dataclasses import dataclass, field
from pathlib import Path

from generator.changes.values import _registry, _text
from generator.loader import CATALOGUE_FILE, procedure_files
from generator.text import file_size
from generator.yamlsource import read_yaml


@dataclass
class _File:
    code: str
    data: dict
    path: Path
    rel: str  # relative to the catalogue directory, the same on both sides


@dataclass
class _Side:
    directory: Path
    info: dict | None = None  # None: catalogue.yml missing or unreadable
    files: dict[str, _File] = field(default_factory=dict)  # by code
    unreadable: dict[str, str] = field(default_factory=dict)  # rel → why
    blobs: dict[str, tuple[str, int]] | None = None  # at a revision: other files by path, as (sha256, size)
    _registries: dict[str, dict] = field(default_factory=dict)

    def registry(self, key: str) -> dict[str, dict]:
        if key not in self._registries:
            self._registries[key] = _registry(self.info, key)
        return self._registries[key]

    def form_file(self, owner: _File, form: dict) -> tuple[str, str] | None:
        """(digest, "PDF, 14 KB") of a form file, as the page offers it; None if there is none.

        A path leaving the catalogue is ignored here as the validator refuses it.
        """
        file = _text(form.get("file"))
        if not file or os.path.isabs(file):
            return None
        if self.blobs is not None:
            target = posixpath.normpath(posixpath.join(posixpath.dirname(owner.rel), file))
            if target not in self.blobs:
                return None
            digest, size = self.blobs[target]
        else:
            try:
                target = os.path.realpath(owner.path.parent / file)
                root = os.path.realpath(self.directory)
                if os.path.commonpath([target, root]) != root or not os.path.isfile(target):
                    return None
                data = Path(target).read_bytes()
            except (OSError, ValueError):  # unreadable, or a NUL typed as "\0" in the path
                return None
            digest, size = hashlib.sha256(data).hexdigest(), len(data)
        extension = os.path.splitext(target)[1].lstrip(".").upper() or "?"
        return digest, f"{extension}, {file_size(size)}"


def _read_side(directory: Path, blobs: dict[str, tuple[str, int]] | None = None) -> _Side:
    side = _Side(directory, blobs=blobs)
    info_path = directory / CATALOGUE_FILE
    if info_path.is_file():
        doc, problems = read_yaml(info_path, CATALOGUE_FILE)
        if doc is not None and isinstance(doc.data, dict):
            side.info = doc.data
        else:
            side.unreadable[CATALOGUE_FILE] = problems[0].message if problems else "tệp không phải khối khóa: giá trị"
    for path in procedure_files(directory):
        rel = path.relative_to(directory).as_posix()
        doc, problems = read_yaml(path, rel)
        if doc is None:
            side.unreadable[rel] = problems[0].message
            continue
        code = _text(doc.data.get("code")) if isinstance(doc.data, dict) else None
        if not isinstance(doc.data, dict):
            side.unreadable[rel] = "tệp phải là một khối khóa: giá trị (ví dụ “name: …”)"
        elif not code:
            side.unreadable[rel] = "thiếu mã thủ tục (code)"
        elif code in side.files:
            side.unreadable[rel] = f"mã thủ tục “{code}” đã dùng trong {side.files[code].rel}"
        else:
            side.files[code] = _File(code, doc.data, path, rel)
    return side
