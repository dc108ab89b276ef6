"""A catalogue directory → ``model.Catalogue`` and every problem found on the way.

Everything is checked in one run so an editor sees all problems at once; a file
that fails is left out of the catalogue but does not stop the others being read.
"""

from __future__ import annotations

import difflib
import os
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from pydantic import ValidationError

from generator import checks, layers, placeholders
from generator.diagnostics import Diagnostic, Severity
from generator.messages import diagnostics_from
from generator.layers import BaseProcedure
from generator.model import Catalogue, CatalogueInfo, Entry, Events, Procedure, Provenance, Synonyms
from generator.yamlsource import YamlDocument, dotted, read_yaml

CATALOGUE_FILE = "catalogue.yml"
SYNONYMS_FILE = "synonyms.yml"
EVENTS_FILE = "events.yml"  # life events: procedures in the order people do them


@dataclass
class LoadResult:
    catalogue: Catalogue | None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    files_checked: int = 0
    layers: list[Path] = field(default_factory=list)  # this catalogue's directory, then its bases'
    # By code, what a province file may inherit: a valid procedure, or where the invalid one is.
    inheritable: dict[str, BaseProcedure | str] = field(default_factory=dict)
    base: LoadResult | None = None  # what ``base:`` in catalogue.yml names, when it could be loaded
    other_files: int = 0  # digest of the names of the other files (forms) in this catalogue and its bases

    @property
    def ok(self) -> bool:
        return self.catalogue is not None and not any(
            d.severity is Severity.ERROR for d in self.diagnostics)


def display_path(path: Path, root: Path) -> str:
    """How a file is named in diagnostics: relative to ``root`` when below it."""
    text, prefix = path.as_posix(), root.as_posix().rstrip("/") + "/"
    return text[len(prefix):] if text.startswith(prefix) else text


def procedure_files(directory: Path) -> list[Path]:
    """Every procedure file below ``directory``, in a stable order; hidden folders skipped."""
    return _walk(directory)[0]


def _walk(directory: Path) -> tuple[list[Path], int]:
    """The procedure files, and a digest of the names of every other file (forms): what the
    checks of a form's ``file`` depend on besides the procedure file itself.

    Plain strings while walking: the preview lists thousands of files (twice, with a base) per save.
    """
    found, others = [], []
    top = os.fspath(directory)
    for root, dirs, files in os.walk(top):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        skip = (CATALOGUE_FILE, SYNONYMS_FILE, EVENTS_FILE) if root == top else ()
        for name in sorted(files):
            if name.endswith(".yml") and not name.startswith(".") and name not in skip:
                found.append(Path(root, name))
            else:
                others.append(os.path.join(root, name))
    return found, hash(tuple(others))


class FileMemo:
    """Per-file results, reused while a file's size and modification time are unchanged.

    The preview re-validates after every save; re-reading the one saved file instead
    of thousands is what keeps it under two seconds on a national catalogue.
    """

    def __init__(self) -> None:
        self._read: dict[tuple[Path, str], tuple[tuple, tuple]] = {}
        self._parsed: dict[tuple[Path, str, type], tuple[tuple, tuple]] = {}
        self._layered: dict[tuple[Path, str], tuple[tuple, tuple]] = {}
        self._warnings: dict[Path, tuple[tuple, list[Diagnostic]]] = {}
        self._checks: dict[Path, tuple[object, tuple, list[Diagnostic]]] = {}
        self._lent: dict[Path, BaseProcedure] = {}

    def read(self, path: Path, display: str) -> tuple[YamlDocument | None, list[Diagnostic]]:
        key, stamp = (path, display), _stamp(path)
        cached = self._read.get(key)
        if cached is None or cached[0] != stamp:
            cached = self._read[key] = (stamp, read_yaml(path, display))
        return cached[1]

    def validate(self, path: Path, display: str, model) -> tuple:
        key, stamp = (path, display, model), _stamp(path)
        cached = self._parsed.get(key)
        if cached is None or cached[0] != stamp:
            cached = self._parsed[key] = (stamp, _validate(*self.read(path, display), display, model))
        return cached[1]

    def layered(self, path: Path, display: str, base: BaseProcedure) -> tuple:
        """``validate`` for a file that inherits: again only when it or its base procedure changed."""
        key, stamp = (path, display), (_stamp(path), base)
        cached = self._layered.get(key)
        if cached is None or cached[0] != stamp:
            cached = self._layered[key] = (stamp, _validate_layered(*self.read(path, display), display, base))
        return cached[1]

    def checked(self, path: Path, doc: YamlDocument, compute, *inputs) -> list[Diagnostic]:
        """The cross-reference checks of ``doc``, again only when it (the very object) or ``inputs`` changed."""
        cached = self._checks.get(path)
        if cached is None or cached[0] is not doc or cached[1] != inputs:
            cached = self._checks[path] = (doc, inputs, compute())
        return cached[2]

    def lent(self, path: Path, doc: YamlDocument, display: str, entry: Entry, forms_root: Path) -> BaseProcedure:
        """What a procedure lends to a catalogue that inherits it: the same object while nothing
        changed, so that the files inheriting it compare their inputs by identity, not deeply."""
        cached = self._lent.get(path)
        if cached is None or cached.doc is not doc or cached.entry != entry or cached.display != display or \
                cached.forms_root != forms_root:
            cached = self._lent[path] = BaseProcedure(doc, display, entry, forms_root)
        return cached

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


def _fingerprint(directories: list[Path]) -> tuple:
    """Names, sizes and times of every file of every layer: what must change for a reload to matter."""
    stats = []
    for directory in directories:
        for root, dirs, files in os.walk(directory):
            dirs.sort()
            for name in sorted(files):
                st = os.stat(os.path.join(root, name))
                stats.append((root, name, st.st_size, st.st_mtime_ns))
    return tuple(stats)


def load_catalogue_cached(directory: Path, display_root: Path | None = None) -> LoadResult:
    """``load_catalogue``, reused while no file below ``directory`` or its bases changed.

    The CLI validates before it builds and the engine adapter loads again inside
    the build; on thousands of files that second parse would cost seconds. When
    something did change, only the changed files are read again.
    """
    key = (Path(directory).absolute(), Path(display_root or Path.cwd()).absolute())
    cached = _cache.get(key)
    layers_before = cached[1].layers if cached else [key[0]]
    fingerprint = _fingerprint(layers_before)  # before reading: a save during the load is seen next time
    if cached and cached[0] == fingerprint:
        return cached[1]
    result = load_catalogue(*key, memo=_memo)
    if result.layers != layers_before:
        fingerprint = _fingerprint(result.layers)
    _cache.clear()
    _cache[key] = (fingerprint, result)
    return result


def read_cached(path: Path, display: str) -> tuple[YamlDocument | None, list[Diagnostic]]:
    """A file with the positions of its keys and values, as ``load_catalogue_cached`` last read it:
    a command that walks the files after loading them (``check-links``) does not parse them twice."""
    return _memo.read(path, display)


def release_files(result: LoadResult) -> None:
    """For a one-shot build, once ``result`` (the cached load) is valid: forget the parsed YAML of
    every file, its data and the position of every key and value, which only diagnostics and the
    preview's next load use. On a national catalogue that is about 110 MB, three times the
    models themselves; the build needs the memory for its pages. ``result`` keeps its catalogue
    and diagnostics, not what it could lend to a province (``inheritable``)."""
    global _memo
    _memo = FileMemo()
    layer: LoadResult | None = result
    while layer is not None:
        layer.inheritable.clear()
        layer = layer.base


def load_catalogue(directory: Path, display_root: Path | None = None, today: date | None = None,
                   memo: FileMemo | None = None, _chain: tuple[Path, ...] = ()) -> LoadResult:
    """``today`` dates the staleness warnings; tests pass a fixed day.

    ``_chain``: the catalogues that named this one as their base, nearest last. A base
    is loaded for what it lends (its registries and valid procedures) and its errors,
    with their own paths; its warnings are its maintainers' business, not the province's.
    """
    today = today or date.today()
    memo = memo or FileMemo()
    directory = Path(directory).absolute()
    root = Path(display_root or Path.cwd()).absolute()
    result = LoadResult(catalogue=None, layers=[directory])
    as_base = bool(_chain)

    if not directory.is_dir():
        result.diagnostics.append(Diagnostic(display_path(directory, root), 1, 1, "",
                                             "không tìm thấy thư mục bộ thủ tục"))
        return result

    info_path = directory / CATALOGUE_FILE
    info_display = display_path(info_path, root)
    info, info_doc, base = None, None, None
    if not info_path.is_file():
        result.diagnostics.append(Diagnostic(info_display, 1, 1, "",
                                             f"thiếu tệp {CATALOGUE_FILE} khai báo cấp, lĩnh vực và cơ quan"))
    else:
        result.files_checked += 1
        info, info_doc, problems = memo.validate(info_path, info_display, CatalogueInfo)
        result.diagnostics += problems
        if info_doc is not None and isinstance(info_doc.data, dict):
            named = _text(info_doc.data.get("base"))
            if named:
                base = _load_base(directory, named, info_doc, info_display, root, today, memo, _chain, result)
            problems = checks.check_registries(info_doc.data, info_doc, info_display, has_base=bool(named))
            result.diagnostics += problems
            if problems or (named and base is None):
                info = None
            elif info is not None and base is not None:
                info = with_base_registries(info, base.catalogue.info)

    synonyms = None
    if (directory / SYNONYMS_FILE).is_file():
        result.files_checked += 1
        synonyms, _, problems = memo.validate(directory / SYNONYMS_FILE,
                                              display_path(directory / SYNONYMS_FILE, root), Synonyms)
        result.diagnostics += problems

    events, events_doc, events_display = None, None, display_path(directory / EVENTS_FILE, root)
    if (directory / EVENTS_FILE).is_file():
        result.files_checked += 1
        events, events_doc, problems = memo.validate(directory / EVENTS_FILE, events_display, Events)
        result.diagnostics += problems

    parsed: list[tuple[Procedure | None, YamlDocument, Path, str]] = []
    files, others = _walk(directory)
    unread: list[Path] = []  # procedure files whose YAML could not be read
    result.other_files = hash((others, base.other_files if base else 0))
    for path in files:
        result.files_checked += 1
        display = display_path(path, root)
        local, problems = memo.read(path, display)
        if local is not None and layers.inherits(local.data):
            procedure, doc, problems = _inherited(local, problems, path, display, base, info_doc, memo)
        else:
            procedure, doc, problems = memo.validate(path, display, Procedure)
        result.diagnostics += problems
        if doc is not None and isinstance(doc.data, dict):
            parsed.append((procedure, doc, path, display))
        elif doc is None:
            unread.append(path)

    if info is not None:
        catalogue = Catalogue(info=info, directory=directory, synonyms=synonyms.root if synonyms else {})
        base_name = layers.source_name(base.catalogue.info) if base else ""
        for procedure, doc, path, display in parsed:
            layered = isinstance(doc, layers.LayeredDocument)
            owner, forms_root = (doc.base.entry.forms_owner, doc.base.forms_root) \
                if layered and "forms" not in doc.local_keys else (path, directory)
            problems = memo.checked(path, doc, lambda: _checks(doc, display, owner, catalogue, forms_root),
                                    display, info, owner, result.other_files)
            result.diagnostics += problems
            if not as_base and not (layered and not doc.local_keys):
                result.diagnostics += memo.warnings(
                    path, lambda: _warnings(doc, display, catalogue, today), display, info, today,
                    doc.base if layered else None)
            if procedure is not None and not problems:
                provenance = Provenance(base_name, owner, doc.local_keys) if layered else None
                entry = Entry(procedure, path, provenance)
                draft = not as_base and next(placeholders.found(doc), None) is not None
                (catalogue.drafts if draft else catalogue.entries).append(entry)
                result.inheritable[procedure.code] = memo.lent(path, doc, display, entry, forms_root)
        if not as_base:
            result.diagnostics += checks.warn_unused_forms(catalogue, parsed, lambda p: display_path(p, root), unread)
        catalogue.entries.sort(key=lambda e: e.procedure.code)
        result.catalogue = catalogue
        if not as_base:
            result.diagnostics += checks.check_featured(
                info_doc.data, info_doc, info_display, {e.procedure.code for e in catalogue.entries + catalogue.drafts})
        if events_doc is not None:
            problems = _check_events(events_doc, events_display, catalogue, parsed, base, as_base)
            result.diagnostics += problems
            if events is not None and not any(d.severity is Severity.ERROR for d in problems):
                catalogue.events = list(events.events)
    elif events_doc is not None:
        result.diagnostics += checks.check_events(events_doc.data, events_doc, events_display, None)
    for procedure, doc, path, display in parsed:
        code = _text(doc.data.get("code"))
        if code and code not in result.inheritable:
            result.inheritable.setdefault(code, f"{display}:{doc.position(('code',))[0]}")
    result.diagnostics += checks.check_unique_codes([(doc, display) for _, doc, _, display in parsed])
    result.diagnostics.sort()
    result.base = base
    return result


def _text(value) -> str | None:
    return value.strip() if isinstance(value, str) and value.strip() else None


def _check_events(doc: YamlDocument, display: str, catalogue: Catalogue, parsed: list, base: LoadResult | None,
                  as_base: bool) -> list[Diagnostic]:
    """events.yml against the catalogue: a step names a procedure this catalogue publishes."""
    in_files = {_text(d.data.get("code")) for _, d, _, _ in parsed} - {None}
    codes = checks.EventCodes({e.procedure.code for e in catalogue.entries + catalogue.drafts}, in_files,
                              set(base.inheritable) if base else set(),
                              layers.source_name(base.catalogue.info) if base else "")
    problems = checks.check_events(doc.data, doc, display, codes)
    if not as_base:
        problems += checks.warn_events(doc.data, doc, display, {e.procedure.code for e in catalogue.drafts})
    return problems


def _load_base(directory: Path, named: str, info_doc: YamlDocument, info_display: str, root: Path,
               today: date, memo: FileMemo, chain: tuple[Path, ...], result: LoadResult) -> LoadResult | None:
    """The catalogue ``base:`` names, or None after saying, at that line, why it cannot be used."""
    line, col = info_doc.position(("base",))
    target = (directory / named).resolve()

    def refuse(message: str) -> None:
        result.diagnostics.append(Diagnostic(info_display, line, col, "base", message))

    chain = (*chain, directory.resolve())
    if not target.is_dir():
        return refuse(f"không tìm thấy thư mục bộ gốc “{named}” (đường dẫn tính từ thư mục chứa catalogue.yml); "
                      "nếu bộ gốc là git submodule, hãy chạy git submodule update --init")
    if not (target / CATALOGUE_FILE).is_file():
        return refuse(f"thư mục “{named}” không phải một bộ thủ tục: không có {CATALOGUE_FILE}")
    if target in chain:
        loop = " → ".join(display_path(p / CATALOGUE_FILE, root) for p in (*chain[chain.index(target):], target))
        return refuse(f"bộ gốc dẫn ngược lại chính nó ({loop}); một bộ thủ tục không được là bộ gốc của bộ gốc của nó")
    base = load_catalogue(target, root, today, memo, chain)
    result.files_checked += base.files_checked
    result.layers += base.layers
    result.diagnostics += [d for d in base.diagnostics if d.severity is Severity.ERROR]
    if base.catalogue is None:
        return refuse(f"bộ gốc “{named}” có lỗi ở {CATALOGUE_FILE} của nó (xem lỗi ở trên) nên chưa dùng được")
    return base


def with_base_registries(info: CatalogueInfo, base: CatalogueInfo) -> CatalogueInfo:
    """The province's registries added to the base's; an entry with the same id replaces the base's."""
    def merged(key: str) -> list:
        own = {entry.id: entry for entry in getattr(info, key)}
        kept = [own.pop(entry.id, entry) for entry in getattr(base, key)]
        return kept + list(own.values())

    return info.model_copy(update={key: merged(key) for key in ("tiers", "fields", "agencies")})


def _inherited(local: YamlDocument, problems: list[Diagnostic], path: Path, display: str,
               base: LoadResult | None, info_doc: YamlDocument | None, memo: FileMemo) -> tuple:
    """(procedure or None, document, diagnostics) for a file with ``inherit: true``."""
    def refuse(key: tuple, message: str) -> tuple:
        line, col = local.position(key, prefer_key=key == ("inherit",))
        return None, local, problems + [Diagnostic(display, line, col, dotted(key), message)]

    if base is None:
        if info_doc is not None and isinstance(info_doc.data, dict) and _text(info_doc.data.get("base")):
            return None, local, problems  # why the base cannot be used is said at catalogue.yml's base line
        return refuse(("inherit",), "catalogue.yml chưa khai báo bộ gốc (base) nên không có gì để kế thừa; "
                                    "hãy thêm base vào catalogue.yml, hoặc bỏ inherit: true và viết đủ thủ tục")
    code = local.data.get("code")
    if code is None:
        return refuse(("code",), "tệp có inherit: true phải có code: mã của thủ tục trong bộ gốc")
    if not isinstance(code, str) or not code.strip():  # a number, a date…: the usual advice to quote it
        _, _, found = _validate(YamlDocument({"code": code}, local.keys, local.values), [], display, Procedure)
        return None, local, problems + [d for d in found if d.key == "code"]
    code = code.strip()
    lent = base.inheritable.get(code)
    if lent is None:
        close = difflib.get_close_matches(code, list(base.inheritable), n=1, cutoff=0.8)
        hint = f" (có phải là “{close[0]}”?)" if close else ""
        name = layers.source_name(base.catalogue.info)
        return refuse(("code",), f"bộ gốc ({name}) không có thủ tục mã “{code}”{hint}; "
                                 "hãy kiểm tra mã, hoặc bỏ inherit: true và viết đủ thủ tục")
    if isinstance(lent, str):
        return refuse(("inherit",), f"thủ tục “{code}” của bộ gốc có lỗi ({lent}) nên chưa kế thừa được; "
                                    "hãy sửa bộ gốc, hoặc bỏ inherit: true và viết đủ thủ tục trong tệp này")
    return memo.layered(path, display, lent)


def _checks(doc: YamlDocument, display: str, owner: Path, catalogue: Catalogue, forms_root: Path) -> list[Diagnostic]:
    problems = checks.check_procedure(doc.data, doc, display, owner, catalogue, forms_root)
    return layers.explain(problems, doc) if isinstance(doc, layers.LayeredDocument) else problems


_CODE_LIKE = re.compile(r"\d+\.\d+")  # a file named after a procedure code: 1.001193.yml


def _warnings(doc: YamlDocument, display: str, catalogue: Catalogue, today: date) -> list[Diagnostic]:
    """Warnings of a file; for one that inherits, only those its own keys bring in."""
    found = checks.warn_procedure(doc.data, doc, display, catalogue, today)
    found += [Diagnostic(display, *doc.position(path), dotted(path), message, Severity.WARNING)
              for path, message in placeholders.found(doc)]
    stem, code = Path(display).stem, doc.data.get("code")
    if _CODE_LIKE.fullmatch(stem) and isinstance(code, str) and code.strip() != stem:
        found.append(Diagnostic(display, *doc.position(("code",)), "code",
                                f"tệp mang tên mã “{stem}” nhưng mã thủ tục trong tệp là “{code.strip()}”; "
                                "hãy sửa mã, hoặc đổi tên tệp cho khớp", Severity.WARNING))
    if not isinstance(doc, layers.LayeredDocument):
        return found
    lent = {(d.key, d.message) for d in checks.warn_procedure(doc.base.doc.data, doc.base.doc, display,
                                                                catalogue, today)}
    return layers.explain([d for d in found if (d.key, d.message) not in lent], doc)


def _validate(doc: YamlDocument | None, problems: list[Diagnostic], display: str, model) -> tuple:
    """(model instance or None, document or None, diagnostics) for one file."""
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


def _validate_layered(local: YamlDocument | None, problems: list[Diagnostic], display: str,
                      base: BaseProcedure) -> tuple:
    """``_validate`` for a file that inherits: the merged procedure, problems told by layer."""
    if local is None:
        return None, None, problems
    if not (local.data.keys() - layers.OWN_KEYS) and local.data.get(layers.INHERIT) is True and not problems:
        # The two-line adoption: the base procedure as it is, already valid.
        return base.entry.procedure.model_copy(update={"inherit": True}), layers.merge(local, base), []
    doc = layers.merge(local, base)
    try:
        value = Procedure.model_validate(doc.data)
    except ValidationError as exc:
        return None, doc, problems + layers.explain(diagnostics_from(exc, Procedure, doc, display), doc)
    return (None if problems else value), doc, problems
