"""``python -m generator changes``: what a pull request changes for citizens.

Reviewers of a catalogue are editors, not programmers. A YAML diff shows moved
files, re-wrapped lines and ids; they need "the fee went up", "a form has a new
version". So the catalogue at a git revision and the working tree are compared
the way citizens read the site: procedures matched by code (their page address),
registry ids shown by name, form files by content.

Both sides are read as raw YAML data, not validated models: a half-finished edit
is still compared as far as it can be, and files with errors are named instead
of stopping the report.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import posixpath
import re
import subprocess
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.diagnostics import Severity
from generator.levels import LEVELS
from generator.loader import CATALOGUE_FILE, display_path, load_catalogue_cached, procedure_files
from generator.model import CHANNEL_NAMES
from generator.text import file_size, vn_date
from generator.yamlsource import Misread, read_yaml

VALIDATE = "python -m generator validate"
ABSENT = "(không có)"


class ChangesError(Exception):
    """Why no comparison is possible, in Vietnamese, for the editor to fix."""


# --- the report ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One thing a citizen would notice.

    Exactly one shape is used: ``old``/``new`` for a value, ``items`` ("+"/"-", text)
    for a list, ``note`` for what is better said in words (a new form file).
    """

    label: str
    old: str | None = None
    new: str | None = None
    items: tuple[tuple[str, str], ...] = ()
    note: str | None = None


@dataclass(frozen=True)
class ProcedureRef:
    code: str
    name: str


@dataclass
class ProcedureChanges:
    procedure: ProcedureRef
    changes: list[Change]


@dataclass
class FileProblem:
    """A file that could not be compared fully, and the procedure it hid, if any."""

    where: str  # path:line:col as ``validate`` prints it
    message: str
    at_revision: bool = False
    hidden: list[ProcedureRef] = field(default_factory=list)


@dataclass
class Report:
    rev: str
    added: list[ProcedureRef] = field(default_factory=list)
    removed: list[ProcedureRef] = field(default_factory=list)
    changed: list[ProcedureChanges] = field(default_factory=list)
    catalogue: list[Change] = field(default_factory=list)
    problems: list[FileProblem] = field(default_factory=list)
    moved: list[tuple[str, str]] = field(default_factory=list)
    missing_at_rev: bool = False

    @property
    def empty(self) -> bool:
        """Moves alone count as nothing: a page's address is its code, not its file."""
        return not (self.added or self.removed or self.changed or self.catalogue or self.problems)


# --- raw YAML values as citizens read them ---------------------------------------------------


_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")  # Unicode category Cc


def _text(value: Any) -> str | None:
    """Any raw value as one line of words; ``None`` when there is nothing to read.

    Whitespace is collapsed (re-wrapping a paragraph changes nothing for a reader)
    and control characters are replaced so an editor's value cannot drive a terminal.
    """
    if value is None:
        return None
    if isinstance(value, Misread):
        value = value.text
    elif isinstance(value, list):
        value = "; ".join(t for t in map(_text, value) if t)
    elif isinstance(value, dict):
        value = "; ".join(f"{k}: {t}" for k, t in ((k, _text(v)) for k, v in value.items()) if t)
    return _CONTROL.sub("\ufffd", " ".join(str(value).split())) or None


def _texts(value: Any) -> list[str]:
    """A raw list of texts; a lone value counts as a list of one, as an editor meant it."""
    values = value if isinstance(value, list) else [value]
    return [t for t in map(_text, values) if t]


def _dicts(value: Any) -> list[dict]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _keyed(items: list[dict], key: str) -> dict[str, dict]:
    """Items by the text of ``key``, in file order; a repeat gets “(2)” rather than vanish."""
    out: dict[str, dict] = {}
    for item in items:
        name = _text(item.get(key))
        if not name:
            continue
        unique, n = name, 1
        while unique in out:
            n += 1
            unique = f"{name} ({n})"
        out[unique] = item
    return out


def _registry(info: dict | None, key: str) -> dict[str, dict]:
    return _keyed(_dicts((info or {}).get(key)), "id")


def _name(registry: dict[str, dict], entry_id: str | None) -> str | None:
    """What a page shows for an id: its name, or the id itself when it is unknown."""
    if entry_id is None:
        return None
    return _text(registry.get(entry_id, {}).get("name")) or entry_id


def _level(value: Any) -> str | None:
    if isinstance(value, int) and value in LEVELS:
        kind = LEVELS[value].name.removeprefix("Dịch vụ công trực tuyến ")
        return f"{value} ({kind[0].lower()}{kind[1:]})"
    return _text(value)


def _date(value: Any) -> str | None:
    text = _text(value)
    return vn_date(text) if text and re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else text


# --- one side of the comparison ----------------------------------------------------------------


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


# --- git: the catalogue as it was at a revision -----------------------------------------------


def _git(args: list[str], cwd: Path, **kwargs) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, **kwargs)
    except FileNotFoundError:
        raise ChangesError("Không tìm thấy chương trình git; hãy cài git để dùng lệnh changes.") from None


def _git_failure(result: subprocess.CompletedProcess) -> ChangesError:
    message = os.fsdecode(result.stderr).strip().splitlines()
    return ChangesError("git báo lỗi: " + (message[-1] if message else f"mã thoát {result.returncode}"))


def _repository(directory: Path, shown: Path) -> tuple[Path, str]:
    """The work tree's top and the catalogue's place in it ("" or "a/b/")."""
    result = _git(["rev-parse", "--show-toplevel", "--show-prefix"], directory)
    if result.returncode != 0:
        if b"not a git repository" in result.stderr:
            raise ChangesError(f"Thư mục “{shown}” không nằm trong một kho git: lệnh changes so sánh với "
                               "lịch sử git nên cần một kho git (git init hoặc git clone).")
        raise _git_failure(result)
    lines = os.fsdecode(result.stdout).split("\n")
    return Path(lines[0]), (lines[1] if len(lines) > 1 else "")


def _commit(top: Path, rev: str) -> str:
    result = None if not rev or rev.startswith("-") else \
        _git(["rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}"], top)
    if result is None or result.returncode != 0:
        raise ChangesError(f"Không tìm thấy phiên bản “{rev}” trong kho git. Hãy dùng một nhánh, thẻ hoặc mã commit, "
                           "ví dụ HEAD, main, origin/main, HEAD~1. Trong CI, hãy lấy đủ lịch sử git "
                           "(ví dụ fetch-depth: 0 với actions/checkout).")
    return result.stdout.decode().strip()


def _extract(top: Path, commit: str, prefix: str, target: Path) -> dict[str, tuple[str, int]] | None:
    """The catalogue at ``commit``: YAML files written into ``target``, every other
    file as (sha256, size) by its path; None when the catalogue did not exist yet.

    Read from the object database (``ls-tree`` + one ``cat-file --batch``), so the
    working tree and the index are never touched. ``--filters`` gives the bytes a
    checkout would (line endings, Git LFS), so a form compares equal to itself.
    Forms are only hashed: they can be large, and only their content matters.
    """
    listing = _git(["--literal-pathspecs", "ls-tree", "-r", "-z", commit, "--", *([prefix] if prefix else [])], top)
    if listing.returncode != 0:
        raise _git_failure(listing)
    wanted = []
    for record in listing.stdout.split(b"\0"):
        meta, _, raw_path = record.partition(b"\t")
        parts = meta.split()
        # Regular files only: symlinks and submodules are not catalogue content.
        if len(parts) != 3 or parts[1] != b"blob" or parts[0] == b"120000":
            continue
        path = os.fsdecode(raw_path)
        rel = path[len(prefix):]
        if rel and "\n" not in path and ".." not in rel.split("/") and not rel.startswith("/"):
            wanted.append((parts[2].decode(), path, rel))
    if not wanted:
        return None
    blobs: dict[str, tuple[str, int]] = {}
    made: set[Path] = set()
    with tempfile.TemporaryFile() as requests, tempfile.TemporaryFile() as errors:
        requests.write("".join(f"{oid} {path}\n" for oid, path, _ in wanted).encode("utf-8", "surrogateescape"))
        requests.seek(0)
        try:
            process = subprocess.Popen(["git", "cat-file", "--batch", "--filters"], cwd=top,
                                       stdin=requests, stdout=subprocess.PIPE, stderr=errors)
        except FileNotFoundError:
            raise ChangesError("Không tìm thấy chương trình git; hãy cài git để dùng lệnh changes.") from None
        with process:
            for _, _, rel in wanted:
                header = process.stdout.readline().split()
                if len(header) != 3:
                    continue  # "missing": nothing follows
                size = remaining = int(header[2])
                digest, out = hashlib.sha256(), None
                if rel.endswith(".yml"):
                    destination = target / rel
                    if destination.parent not in made:
                        destination.parent.mkdir(parents=True, exist_ok=True)
                        made.add(destination.parent)
                    out = open(destination, "wb")
                while remaining:
                    chunk = process.stdout.read(min(remaining, 1 << 20))
                    if not chunk:
                        break
                    (out.write if out else digest.update)(chunk)
                    remaining -= len(chunk)
                if out:
                    out.close()
                else:
                    blobs[rel] = (digest.hexdigest(), size)
                process.stdout.read(1)  # the newline after each object
        if process.returncode != 0:
            errors.seek(0)
            raise _git_failure(subprocess.CompletedProcess([], process.returncode, b"", errors.read()))
    return blobs


# --- comparing ------------------------------------------------------------------------------------


def compare(catalogue: Path, rev: str = "HEAD") -> Report:
    """The catalogue at ``rev`` against the files on disk now, uncommitted and untracked ones included."""
    directory = Path(catalogue).absolute()
    if not directory.is_dir():
        raise ChangesError(f"Không tìm thấy thư mục bộ thủ tục “{catalogue}”.")
    top, prefix = _repository(directory, catalogue)
    commit = _commit(top, rev)
    root = Path.cwd().absolute()

    def shown(rel: str) -> str:
        return display_path(directory / rel, root)

    with tempfile.TemporaryDirectory(prefix="tthc-changes-") as temporary:
        blobs = _extract(top, commit, prefix, Path(temporary))
        old, new = _read_side(Path(temporary), blobs or {}), _read_side(directory)
        report = Report(rev=rev, missing_at_rev=blobs is None)
        problems = _problems(directory, new, old, shown)
        for code in sorted(old.files.keys() | new.files.keys()):
            before, after = old.files.get(code), new.files.get(code)
            if before and after:
                changes = _procedure(before, after, old, new)
                if changes:
                    report.changed.append(ProcedureChanges(_ref(after), changes))
                if before.rel != after.rel:
                    report.moved.append((shown(before.rel), shown(after.rel)))
            elif before:
                # Its file is still there but unreadable: not removed, just not comparable.
                if before.rel in new.unreadable:
                    problems[(False, shown(before.rel))].hidden.append(_ref(before))
                else:
                    report.removed.append(_ref(before))
            elif after.rel in old.unreadable:
                problems[(True, shown(after.rel))].hidden.append(_ref(after))
            else:
                report.added.append(_ref(after))
        if old.info is not None and new.info is not None:
            report.catalogue = _catalogue(old, new)
    report.problems = [problems[key] for key in sorted(problems)]
    return report


def _problems(directory: Path, new: _Side, old: _Side, shown) -> dict[tuple[bool, str], FileProblem]:
    """Files with errors, keyed by (at revision?, shown path).

    The working tree's come from the validator itself, so the report agrees with
    ``validate``; the revision's are only those that could not be read at all.
    """
    out: dict[tuple[bool, str], FileProblem] = {}
    by_file: dict[str, list] = {}
    for d in load_catalogue_cached(directory).diagnostics:
        if d.severity is Severity.ERROR:
            by_file.setdefault(d.file, []).append(d)
    for file, found in by_file.items():
        first = found[0]
        more = f" (và {len(found) - 1} lỗi khác)" if len(found) > 1 else ""
        out[(False, file)] = FileProblem(f"{file}:{first.line}:{first.column}", first.message + more)
    for rel, message in new.unreadable.items():
        out.setdefault((False, shown(rel)), FileProblem(shown(rel), message))
    for rel, message in old.unreadable.items():
        out[(True, shown(rel))] = FileProblem(shown(rel), message, at_revision=True)
    return out


def _ref(file: _File) -> ProcedureRef:
    return ProcedureRef(file.code, _text(file.data.get("name")) or "(chưa có tên)")


def _value(out: list[Change], label: str, old: str | None, new: str | None) -> None:
    if old != new:
        out.append(Change(label, old, new))


def _reference(out: list[Change], label: str, old_id: Any, new_id: Any, old_names: dict, new_names: dict) -> None:
    """An id compares by id, but is reported only if the name a page shows differs.

    A registry entry renamed in catalogue.yml is reported once there, not in every
    procedure; an id renamed with the same display name is no change for anyone.
    """
    old_id, new_id = _text(old_id), _text(new_id)
    if old_id != new_id:
        _value(out, label, _name(old_names, old_id), _name(new_names, new_id))


def _multiset(old: list[str], new: list[str]) -> tuple[tuple[str, str], ...]:
    """Removed then added, order kept, ignoring reordering: for sets such as tiers."""
    gone, came = Counter(old) - Counter(new), Counter(new) - Counter(old)
    items = []
    for sign, values, left in (("-", old, gone), ("+", new, came)):
        for value in values:
            if left[value]:
                left[value] -= 1
                items.append((sign, value))
    return tuple(items)


def _sequence(old: list[str], new: list[str]) -> tuple[tuple[str, str], ...]:
    """Lines removed and added, like a diff without context: for ordered lists such as steps."""
    items = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag != "equal":
            items += [("-", line) for line in old[i1:i2]] + [("+", line) for line in new[j1:j2]]
    return tuple(items)


def _items(out: list[Change], label: str, items: tuple[tuple[str, str], ...]) -> None:
    if items:
        out.append(Change(label, items=items))


def _procedure(before: _File, after: _File, old: _Side, new: _Side) -> list[Change]:
    """Field by field, in the order of a procedure page: what a citizen reads first comes first."""
    a, b = before.data, after.data
    if a == b:  # most files of a large catalogue: only a form file can have changed
        return _forms(before, after, old, new)
    out: list[Change] = []
    _value(out, "tên", _text(a.get("name")), _text(b.get("name")))
    _value(out, "mức độ", _level(a.get("level")), _level(b.get("level")))
    _reference(out, "cơ quan thực hiện", a.get("agency"), b.get("agency"),
               old.registry("agencies"), new.registry("agencies"))
    _reference(out, "lĩnh vực", a.get("field"), b.get("field"), old.registry("fields"), new.registry("fields"))
    old_tiers, new_tiers = _texts(a.get("tiers")), _texts(b.get("tiers"))
    _items(out, "cấp thực hiện", _multiset(
        [_name(old.registry("tiers"), t) for t in old_tiers if t not in new_tiers],
        [_name(new.registry("tiers"), t) for t in new_tiers if t not in old_tiers]))
    _value(out, "địa chỉ nộp trực tuyến", _text(a.get("online_url")), _text(b.get("online_url")))
    _value(out, "mô tả", _text(a.get("summary")), _text(b.get("summary")))
    for key, label in (("subjects", "đối tượng thực hiện"), ("conditions", "yêu cầu, điều kiện"),
                       ("results", "kết quả"), ("steps", "trình tự thực hiện")):
        _items(out, label, _sequence(_texts(a.get(key)), _texts(b.get(key))))
    out += _channels(a, b)
    out += _documents(a, b)
    out += _forms(before, after, old, new)
    _items(out, "căn cứ pháp lý", _multiset(
        [n for n in map(_text, (i.get("number") for i in _dicts(a.get("legal_basis")))) if n],
        [n for n in map(_text, (i.get("number") for i in _dicts(b.get("legal_basis")))) if n]))
    _value(out, "ngày kiểm tra", _date(a.get("updated")), _date(b.get("updated")))
    return out


_CHANNEL_KEYS = (("processing_time", "thời hạn giải quyết"), ("fee", "phí, lệ phí"), ("note", "ghi chú"))


def _channel_name(key: str) -> str:
    return CHANNEL_NAMES.get(key, key)


def _channels(a: dict, b: dict) -> list[Change]:
    old, new = _keyed(_dicts(a.get("channels")), "type"), _keyed(_dicts(b.get("channels")), "type")
    out: list[Change] = []

    def described(key: str, channel: dict) -> str:
        details = "; ".join(f"{label}: {value}" for name, label in _CHANNEL_KEYS
                            if (value := _text(channel.get(name))))
        return _channel_name(key) + (f" ({details})" if details else "")

    _items(out, "cách thức thực hiện",
           tuple(("-", described(k, c)) for k, c in old.items() if k not in new) +
           tuple(("+", described(k, c)) for k, c in new.items() if k not in old))
    for key in (k for k in new if k in old):
        for name, label in _CHANNEL_KEYS:
            _value(out, f"{_channel_name(key)} – {label}", _text(old[key].get(name)), _text(new[key].get(name)))
    return out


def _form_titles(data: dict) -> dict[str, str]:
    forms = _keyed(_dicts(data.get("forms")), "id")
    return {form_id: _text(form.get("title")) or form_id for form_id, form in forms.items()}


def _documents(a: dict, b: dict) -> list[Change]:
    old, new = _keyed(_dicts(a.get("documents")), "name"), _keyed(_dicts(b.get("documents")), "name")
    old_forms, new_forms = _form_titles(a), _form_titles(b)
    out: list[Change] = []
    _items(out, "thành phần hồ sơ", tuple(("-", name) for name in old if name not in new) +
           tuple(("+", name) for name in new if name not in old))
    for name in (n for n in new if n in old):
        before, after = old[name], new[name]
        for key, label in (("original", "số bản chính"), ("copies", "số bản sao"), ("note", "ghi chú")):
            _value(out, f"giấy tờ “{name}” – {label}", _text(before.get(key)), _text(after.get(key)))
        # Compared by id, shown by title: a retitled form is reported once, under forms.
        old_form, new_form = _text(before.get("form")), _text(after.get("form"))
        if old_form != new_form:
            _value(out, f"giấy tờ “{name}” – mẫu đơn", old_forms.get(old_form, old_form),
                   new_forms.get(new_form, new_form))
    return out


def _forms(before: _File, after: _File, old: _Side, new: _Side) -> list[Change]:
    """Forms by id; a form file compares by content, since a new version is what matters."""
    old_forms = _keyed(_dicts(before.data.get("forms")), "id")
    new_forms = _keyed(_dicts(after.data.get("forms")), "id")
    out: list[Change] = []

    def title(form_id: str, form: dict) -> str:
        return _text(form.get("title")) or form_id

    _items(out, "mẫu đơn, tờ khai", tuple(("-", title(i, f)) for i, f in old_forms.items() if i not in new_forms) +
           tuple(("+", title(i, f)) for i, f in new_forms.items() if i not in old_forms))
    for form_id in (i for i in new_forms if i in old_forms):
        was, now = old_forms[form_id], new_forms[form_id]
        _value(out, "tên mẫu đơn", title(form_id, was), title(form_id, now))
        old_file, new_file = old.form_file(before, was), new.form_file(after, now)
        label = f"tệp mẫu “{title(form_id, now)}”"
        if old_file and new_file and old_file[0] != new_file[0]:
            out.append(Change(label, note=f"đã thay bằng bản mới ({old_file[1]} → {new_file[1]})"))
        elif old_file and not new_file:
            out.append(Change(label, note=f"không tìm thấy tệp (chạy {VALIDATE})"))
        elif new_file and not old_file:
            out.append(Change(label, note=f"đã có tệp ({new_file[1]})"))
    return out


_STATUS_KEYS = (("sms_number", "số tổng đài tin nhắn"), ("sms_syntax", "cú pháp tin nhắn"),
                ("url", "trang tra cứu"), ("instructions", "hướng dẫn"))
_REGISTRIES = (("tiers", "cấp thực hiện"), ("fields", "lĩnh vực"), ("agencies", "cơ quan"))
_CONTACT_KEYS = (("address", "địa chỉ"), ("phone", "điện thoại"), ("email", "thư điện tử"),
                 ("hours", "thời gian tiếp nhận"), ("website", "trang thông tin"))


def _catalogue(old: _Side, new: _Side) -> list[Change]:
    """What every page shows: the site's title, the lookup instructions, registry names, agency contacts."""
    a, b = old.info, new.info
    out: list[Change] = []
    for key, label in (("title", "tên bộ thủ tục"), ("province", "địa phương"), ("portal_url", "cổng dịch vụ công")):
        _value(out, label, _text(a.get(key)), _text(b.get(key)))
    old_status = a.get("status_lookup") if isinstance(a.get("status_lookup"), dict) else {}
    new_status = b.get("status_lookup") if isinstance(b.get("status_lookup"), dict) else {}
    for key, label in _STATUS_KEYS:
        _value(out, f"tra cứu hồ sơ – {label}", _text(old_status.get(key)), _text(new_status.get(key)))
    for key, noun in _REGISTRIES:
        was, now = old.registry(key), new.registry(key)
        _items(out, f"danh mục {noun}", _multiset([_name(was, i) for i in was if i not in now],
                                                   [_name(now, i) for i in now if i not in was]))
        for entry_id in (i for i in now if i in was):
            _value(out, f"tên {noun}", _name(was, entry_id), _name(now, entry_id))
            if key == "agencies":
                for field_key, label in _CONTACT_KEYS:
                    _value(out, f"{_name(now, entry_id)} – {label}",
                           _text(was[entry_id].get(field_key)), _text(now[entry_id].get(field_key)))
    return out


# --- output --------------------------------------------------------------------------------------


def _summary(report: Report, rev: str) -> str:
    counts = [f"{n} {word}" for n, word in ((len(report.added), "mới"), (len(report.removed), "bị bỏ"),
                                            (len(report.changed), "thay đổi")) if n]
    if counts:
        counts[0] = counts[0].replace(" ", " thủ tục ", 1)
    groups = [", ".join(counts)] if counts else []
    if report.catalogue:
        groups.append(f"{len(report.catalogue)} thay đổi thông tin chung")
    if report.problems:
        groups.append(f"{len(report.problems)} tệp có lỗi")
    return f"So với {rev}: " + "; ".join(groups) + "."


def _no_changes(rev: str) -> str:
    return f"Không có thay đổi nào đối với người dân so với {rev}."


def _missing(rev: str) -> str:
    return f"Ở {rev} chưa có thư mục bộ thủ tục này: mọi thủ tục đều được tính là mới."


def _short(old: str, new: str) -> bool:
    return "\n" not in old + new and len(old) + len(new) <= 80


def _hidden(problem: FileProblem) -> str:
    return ", ".join(f"{p.code} {p.name}" for p in problem.hidden)


def _problem_heading(at_revision: bool, rev: str) -> str:
    return (f"Tệp không đọc được ở {rev} (so sánh có thể thiếu):" if at_revision else
            f"Tệp có lỗi (chạy {VALIDATE} để xem chi tiết):")


def _text_change(change: Change, pad: str) -> list[str]:
    if change.note is not None:
        return [f"{pad}{change.label}: {change.note}"]
    if change.items:
        return [f"{pad}{change.label}:"] + [f"{pad}  {sign} {text}" for sign, text in change.items]
    old, new = change.old or ABSENT, change.new or ABSENT
    if _short(old, new):
        return [f"{pad}{change.label}: {old} → {new}"]
    return [f"{pad}{change.label}:"] + ([f"{pad}  - {change.old}"] if change.old else []) + \
        ([f"{pad}  + {change.new}"] if change.new else [])


def as_text(report: Report) -> str:
    """For the terminal: a summary line, then one section per kind of change."""
    lines = [_no_changes(report.rev) if report.empty else _summary(report, report.rev)]
    if report.missing_at_rev:
        lines.append(_missing(report.rev))
    for title, refs, sign in (("Thủ tục mới:", report.added, "+"), ("Thủ tục bị bỏ:", report.removed, "-")):
        if refs:
            lines += ["", title] + [f"  {sign} {r.code} {r.name}" for r in refs]
    if report.changed:
        lines += ["", "Thủ tục thay đổi:"]
        for item in report.changed:
            lines.append(f"  {item.procedure.code} {item.procedure.name}")
            for change in item.changes:
                lines += _text_change(change, "    ")
    if report.catalogue:
        lines += ["", f"Thông tin chung ({CATALOGUE_FILE}):"]
        for change in report.catalogue:
            lines += _text_change(change, "  ")
    for at_revision in (False, True):
        problems = [p for p in report.problems if p.at_revision is at_revision]
        if problems:
            lines += ["", _problem_heading(at_revision, report.rev)]
            for p in problems:
                lines.append(f"  {p.where}: {p.message}")
                if p.hidden:
                    lines.append(f"    chưa so sánh được: {_hidden(p)}")
    if report.moved:
        lines += ["", "Tệp chuyển chỗ (người dân không thấy khác biệt):"]
        lines += [f"  {old} → {new}" for old, new in report.moved]
    return "\n".join(lines) + "\n"


# Markdown and HTML syntax in values from editors, as character references: they
# render as the character in Markdown, in table cells and inside HTML (<summary>)
# alike, where a backslash escape would only work in Markdown. "@" and "#" would
# mention people and link issues in a GitHub comment.
_MARKDOWN = {c: f"&#{ord(c)};" for c in "\\`*_[]|~$@#!{}"} | {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_MARKDOWN_RE = re.compile("|".join(map(re.escape, _MARKDOWN)))


# At the start of a list item's text, "1." or "-" would begin a nested list.
_LIST_MARKER = re.compile(r"^(\d{0,9})([-+.)])(?=\s|$)")


def md(value: str) -> str:
    """One line of plain text that Markdown and HTML show as typed, wherever it is placed."""
    text = _MARKDOWN_RE.sub(lambda m: _MARKDOWN[m.group()], " ".join(value.split()))
    return _LIST_MARKER.sub(lambda m: f"{m.group(1)}&#{ord(m.group(2))};", text)


_SIGNS = {"+": "thêm", "-": "bỏ"}
FOLD_AFTER = 8  # list lines shown before the rest of a list folds into <details>
COMMENT_LIMIT = 60_000  # GitHub refuses comments over 65,536 characters


def _markdown_change(change: Change) -> list[str]:
    label = md(change.label)
    if change.note is not None:
        return [f"- {label}: {md(change.note)}"]
    if change.items:
        return [f"- {label}:"] + [f"  - {_SIGNS[sign]}: {md(text)}" for sign, text in change.items]
    old, new = change.old or ABSENT, change.new or ABSENT
    if _short(old, new):
        return [f"- {label}: {md(old)} → {md(new)}"]
    return [f"- {label}:", f"  - trước: {md(old)}", f"  - sau: {md(new)}"]


def _fold(title: str, lines: list[str], fold: bool) -> list[str]:
    """A bold title and its list, behind <details> when the list is long; ``title`` is escaped already."""
    if not fold:
        return [f"**{title}**", ""] + lines + [""]
    return [f"<details><summary><b>{title}</b></summary>", ""] + lines + ["", "</details>", ""]


def _fit(lines: list[str], limit: int, rev: str) -> list[str]:
    """Cut at a line that keeps the comment under ``limit``, closing an open <details>."""
    if len("\n".join(lines)) < limit:
        return lines
    note = f"_… còn nữa: bình luận đã quá dài; hãy chạy python -m generator changes {rev} để xem đầy đủ._"
    kept, size, folded = [], len(note) + 20, False
    for line in lines:
        if size + len(line) + 1 > limit:
            break
        kept.append(line)
        size += len(line) + 1
        folded = line.startswith("<details>") or (folded and line != "</details>")
    return kept + (["", "</details>"] if folded else []) + ["", note]


def as_markdown(report: Report, limit: int = COMMENT_LIMIT) -> str:
    """For a pull-request comment: every value escaped, long lists folded, within GitHub's size limit."""
    rev = md(report.rev)
    lines = ["### Thay đổi đối với người dân", "", _no_changes(rev) if report.empty else _summary(report, rev)]
    if report.missing_at_rev:
        lines += ["", _missing(rev)]
    for title, refs in (("Thủ tục mới", report.added), ("Thủ tục bị bỏ", report.removed)):
        if refs:
            items = [f"- **{md(r.code)}** {md(r.name)}" for r in refs]
            if len(items) > FOLD_AFTER:
                items = [f"<details><summary>{len(items)} thủ tục</summary>", "", *items, "", "</details>"]
            lines += ["", f"#### {title}", "", *items]
    if report.changed:
        lines += ["", "#### Thủ tục thay đổi", ""]
        for item in report.changed:
            changes = [line for change in item.changes for line in _markdown_change(change)]
            title, fold = f"{md(item.procedure.code)} {md(item.procedure.name)}", len(changes) > FOLD_AFTER
            lines += _fold(title + (f" ({len(item.changes)} mục)" if fold else ""), changes, fold)
        lines.pop()
    if report.catalogue:
        lines += ["", f"#### Thông tin chung ({CATALOGUE_FILE})", ""]
        lines += [line for change in report.catalogue for line in _markdown_change(change)]
    for at_revision in (False, True):
        problems = [p for p in report.problems if p.at_revision is at_revision]
        if problems:
            heading = _problem_heading(at_revision, rev).rstrip(":").replace(VALIDATE, f"`{VALIDATE}`")
            lines += ["", f"#### {heading}", ""]
            for p in problems:
                hidden = f" — chưa so sánh được: {md(_hidden(p))}" if p.hidden else ""
                lines.append(f"- {md(p.where)}: {md(p.message)}{hidden}")
    if report.moved:
        moves = [f"- {md(old)} → {md(new)}" for old, new in report.moved]
        lines += ["", *_fold("Tệp chuyển chỗ (người dân không thấy khác biệt)", moves, True)[:-1]]
    return "\n".join(_fit(lines, limit, rev)) + "\n"
