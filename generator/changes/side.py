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

from generator import layers
from generator.changes.values import _registry, _text
from generator.loader import CATALOGUE_FILE, procedure_files
from generator.text import file_size
from generator.yamlsource import read_yaml


@dataclass
class _File:
    code: str
    data: dict  # for a file that inherits: merged with its base procedure, as the page shows it
    path: Path
    rel: str  # relative to the catalogue directory, the same on both sides
    base: _File | None = None  # the base procedure a file with inherit: true was merged with
    base_side: _Side | None = None
    local_keys: frozenset[str] = frozenset()  # what an inheriting file sets on top of its base


@dataclass
class _Side:
    directory: Path
    info: dict | None = None  # None: catalogue.yml missing or unreadable
    files: dict[str, _File] = field(default_factory=dict)  # by code
    unreadable: dict[str, str] = field(default_factory=dict)  # rel → why
    blobs: dict[str, tuple[str, int]] | None = None  # at a revision: other files by path, as (sha256, size)
    base: _Side | None = None  # the base catalogue on the same side, when catalogue.yml names one
    _registries: dict[str, dict] = field(default_factory=dict)

    def registry(self, key: str) -> dict[str, dict]:
        """The entries pages show: the base's, replaced or added to by this catalogue's own."""
        if key not in self._registries:
            own = _registry(self.info, key)
            self._registries[key] = {**self.base.registry(key), **own} if self.base else own
        return self._registries[key]

    def form_file(self, owner: _File, form: dict) -> tuple[str, str] | None:
        """(digest, "PDF, 14 KB") of a form file, as the page offers it; None if there is none.

        A path leaving the catalogue is ignored here as the validator refuses it.
        """
        if owner.base is not None and "forms" not in owner.local_keys:  # inherited forms live in the base
            return owner.base_side.form_file(owner.base, form)
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


def read_info(directory: Path) -> tuple[dict | None, str | None]:
    """catalogue.yml as raw data, or why it cannot be read (None, None when there is none)."""
    info_path = directory / CATALOGUE_FILE
    if not info_path.is_file():
        return None, None
    doc, problems = read_yaml(info_path, CATALOGUE_FILE)
    if doc is not None and isinstance(doc.data, dict):
        return doc.data, None
    return None, problems[0].message if problems else "tệp không phải khối khóa: giá trị"


def base_directory(directory: Path, info: dict | None) -> Path | None:
    """The directory ``base:`` names in a catalogue.yml read as raw data, if any."""
    named = _text((info or {}).get("base")) if isinstance(info, dict) else None
    return (directory / named).resolve() if named else None


def _read_side(directory: Path, blobs: dict[str, tuple[str, int]] | None = None, base: _Side | None = None) -> _Side:
    """``base``: the base catalogue as it was on the same side; files with inherit: true are merged with it."""
    side = _Side(directory, blobs=blobs, base=base)
    side.info, problem = read_info(directory)
    if problem:
        side.unreadable[CATALOGUE_FILE] = problem
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
            side.files[code] = _inherit(_File(code, doc.data, path, rel), base)
    return side


def _inherit(file: _File, base: _Side | None) -> _File:
    """A file with inherit: true as its page shows it: the base procedure, whole keys replaced."""
    lent = base.files.get(file.code) if base is not None and layers.inherits(file.data) else None
    if lent is None:
        return file
    data = {k: v for k, v in lent.data.items() if k not in layers.OWN_KEYS}
    data.update(file.data)
    return _File(file.code, data, file.path, file.rel, base=lent, base_side=base,
                 local_keys=frozenset(file.data) - layers.OWN_KEYS)
