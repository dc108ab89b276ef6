"""A catalogue directory → ``model.Catalogue`` and every problem found on the way.

Everything is checked in one run so an editor sees all problems at once; a file
that fails is left out of the catalogue but does not stop the others being read.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from pydantic import ValidationError

from generator import checks
from generator.diagnostics import Diagnostic, Severity
from generator.messages import diagnostics_from
from generator.model import Catalogue, CatalogueInfo, Entry, Procedure, Synonyms
from generator.yamlsource import YamlDocument, read_yaml

CATALOGUE_FILE = "catalogue.yml"
SYNONYMS_FILE = "synonyms.yml"


@dataclass
class LoadResult:
    catalogue: Catalogue | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files_checked: int = 0

    @property
    def ok(self) -> bool:
        return self.catalogue is not None and not any(
            d.severity is Severity.ERROR for d in self.diagnostics)


def display_path(path: Path, root: Path) -> str:
    """How a file is named in diagnostics: relative to ``root`` when below it."""
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def procedure_files(directory: Path) -> list[Path]:
    """Every procedure file below ``directory``, in a stable order; hidden folders skipped."""
    found = []
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            path = Path(root) / name
            if name.endswith(".yml") and not name.startswith(".") and \
                    path not in (directory / CATALOGUE_FILE, directory / SYNONYMS_FILE):
                found.append(path)
    return found


class FileMemo:
    """Per-file results, reused while a file's size and modification time are unchanged.

    The preview re-validates after every save; re-reading the one saved file instead
    of thousands is what keeps it under two seconds on a national catalogue.
    """

    def __init__(self) -> None:
        self._parsed: dict[tuple[Path, str, type], tuple[tuple, tuple]] = {}
        self._warnings: dict[Path, tuple[tuple, list[Diagnostic]]] = {}

    def validate(self, path: Path, display: str, model) -> tuple:
        key, stamp = (path, display, model), _stamp(path)
        cached = self._parsed.get(key)
        if cached is None or cached[0] != stamp:
            cached = self._parsed[key] = (stamp, _validate(path, display, model))
        return cached[1]

    def warnings(self, path: Path, compute, *inputs) -> list[Diagnostic]:
        """``inputs`` are what the warnings depend on besides the file itself."""
        key = (_stamp(path), *inputs)
        cached = self._warnings.get(path)
        if cached is None or cached[0] != key:
            cached = self._warnings[path] = (key, compute())
        return cached[1]


def _stamp(path: Path) -> tuple:
    try:
        st = path.stat()
    except OSError:
        return ()
    return st.st_size, st.st_mtime_ns, st.st_ino


_cache: dict[tuple[Path, Path], tuple[tuple, LoadResult]] = {}
_memo = FileMemo()


def _fingerprint(directory: Path) -> tuple:
    """Names, sizes and times of every file: what must change for a reload to matter."""
    stats = []
    for root, dirs, files in os.walk(directory):
        dirs.sort()
        for name in sorted(files):
            st = os.stat(os.path.join(root, name))
            stats.append((root, name, st.st_size, st.st_mtime_ns))
    return tuple(stats)


def load_catalogue_cached(directory: Path, display_root: Path | None = None) -> LoadResult:
    """``load_catalogue``, reused while no file below ``directory`` changed.

    The CLI validates before it builds and the engine adapter loads again inside
    the build; on thousands of files that second parse would cost seconds. When
    something did change, only the changed files are read again.
    """
    key = (Path(directory).absolute(), Path(display_root or Path.cwd()).absolute())
    fingerprint = _fingerprint(key[0])
    cached = _cache.get(key)
    if cached and cached[0] == fingerprint:
        return cached[1]
    result = load_catalogue(*key, memo=_memo)
    _cache.clear()
    _cache[key] = (fingerprint, result)
    return result


def load_catalogue(directory: Path, display_root: Path | None = None, today: date | None = None,
                   memo: FileMemo | None = None) -> LoadResult:
    """``today`` dates the staleness warnings; tests pass a fixed day."""
    today = today or date.today()
    memo = memo or FileMemo()
    directory = Path(directory).absolute()
    root = Path(display_root or Path.cwd()).absolute()
    result = LoadResult(catalogue=None)

    if not directory.is_dir():
        result.diagnostics.append(Diagnostic(display_path(directory, root), 1, 1, "",
                                             "không tìm thấy thư mục bộ thủ tục"))
        return result

    info_path = directory / CATALOGUE_FILE
    info_display = display_path(info_path, root)
    info = None
    if not info_path.is_file():
        result.diagnostics.append(Diagnostic(info_display, 1, 1, "",
                                             f"thiếu tệp {CATALOGUE_FILE} khai báo cấp, lĩnh vực và cơ quan"))
    else:
        result.files_checked += 1
        info, info_doc, problems = memo.validate(info_path, info_display, CatalogueInfo)
        result.diagnostics += problems
        if info_doc is not None:
            registry_problems = checks.check_registries(info_doc.data, info_doc, info_display)
            result.diagnostics += registry_problems
            info = None if registry_problems else info

    synonyms = None
    if (directory / SYNONYMS_FILE).is_file():
        result.files_checked += 1
        synonyms, _, problems = memo.validate(directory / SYNONYMS_FILE,
                                              display_path(directory / SYNONYMS_FILE, root), Synonyms)
        result.diagnostics += problems

    parsed: list[tuple[Procedure | None, YamlDocument, Path, str]] = []
    for path in procedure_files(directory):
        result.files_checked += 1
        display = display_path(path, root)
        procedure, doc, problems = memo.validate(path, display, Procedure)
        result.diagnostics += problems
        if doc is not None and isinstance(doc.data, dict):
            parsed.append((procedure, doc, path, display))

    if info is not None:
        catalogue = Catalogue(info=info, directory=directory, synonyms=synonyms.root if synonyms else {})
        for procedure, doc, path, display in parsed:
            problems = checks.check_procedure(doc.data, doc, display, path, catalogue)
            result.diagnostics += problems + memo.warnings(
                path, lambda: checks.warn_procedure(doc.data, doc, display, catalogue, today),
                display, info, today)
            if procedure is not None and not problems:
                catalogue.entries.append(Entry(procedure, path))
        result.diagnostics += checks.warn_unused_forms(catalogue, parsed, lambda p: display_path(p, root))
        catalogue.entries.sort(key=lambda e: e.procedure.code)
        result.catalogue = catalogue
    result.diagnostics += checks.check_unique_codes([(doc, display) for _, doc, _, display in parsed])
    result.diagnostics.sort()
    return result


def _validate(path: Path, display: str, model) -> tuple:
    """(model instance or None, document or None, diagnostics) for one file."""
    doc, problems = read_yaml(path, display)
    if doc is None:
        return None, None, problems
    if not isinstance(doc.data, dict):
        return None, doc, problems + [Diagnostic(display, 1, 1, "",
                                                 "tệp phải là một khối khóa: giá trị (ví dụ “name: …”)")]
    try:
        value = model.model_validate(doc.data)
    except ValidationError as exc:
        return None, doc, problems + diagnostics_from(exc, model, doc, display)
    return (None if problems else value), doc, problems
