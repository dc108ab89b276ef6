"""Rules that span keys, files or the disk: what pydantic cannot see in one file."""

from __future__ import annotations

import difflib
import os
from datetime import date
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import get_args

from generator.diagnostics import Diagnostic, Severity
from generator.model import DOCUMENT_EXTENSIONS, Catalogue, FieldType, FormField
from generator.yamlsource import YamlDocument, dotted

_REGISTRY_NAMES = {"tiers": "cấp thực hiện", "fields": "lĩnh vực", "agencies": "cơ quan"}

# What the checks below enforce, in editors' words, by key path: the format page
# (generator/reference.py) lists them under each key. Keep them in step with the code.
PROCEDURE_RULES: dict[str, list[str]] = {
    "code": ["không trùng với mã của thủ tục khác trong bộ",
             "tệp có `inherit: true`: phải là mã của một thủ tục trong bộ gốc"],
    "inherit": ["chỉ dùng khi `catalogue.yml` có `base`",
                "tệp có `inherit: true` chỉ cần `code`; mọi khóa khác là tùy chọn và thay cả khóa đó của bộ gốc",
                "thủ tục ghép từ hai lớp phải hợp lệ như một tệp đầy đủ; lỗi báo ở tệp này, kèm lớp của giá trị"],
    "agency": ["phải là một mã `id` trong danh mục `agencies` của `catalogue.yml`"],
    "tiers": ["mỗi mục là một mã `id` trong danh mục `tiers` của `catalogue.yml`"],
    "field": ["phải là một mã `id` trong danh mục `fields` của `catalogue.yml`"],
    "online_url": ["bắt buộc khi `level` là 3 hoặc 4",
                   "thủ tục mức độ 1, 2 mà có `online_url` thì bị cảnh báo"],
    "steps": ["hai bước giống nhau (không kể dấu, chữ hoa, dấu câu) thì bị cảnh báo"],
    "documents[].name": ["hai giấy tờ cùng tên (không kể dấu, chữ hoa, dấu câu) thì bị cảnh báo"],
    "documents[].form": ["phải là `id` của một mẫu trong `forms` của cùng tệp"],
    "forms[].id": ["không trùng với mẫu khác trong cùng tệp"],
    "forms[].file": ["tính từ thư mục chứa tệp thủ tục; không dùng đường dẫn tuyệt đối, "
                     "tệp phải nằm trong thư mục bộ thủ tục và phải có thật",
                     f"chỉ nhận tệp tài liệu: {', '.join(DOCUMENT_EXTENSIONS)}",
                     "tệp tài liệu trong thư mục bộ thủ tục mà không thủ tục nào dùng thì bị cảnh báo",
                     "mỗi mẫu phải có `file`, `fields` hoặc cả hai"],
    "forms[].fields": ["phải có ít nhất một trường (mục có `name`), không chỉ có tiêu đề"],
    "forms[].fields[].heading": ["mục có `heading` là tiêu đề phần, không được có thêm khóa nào khác"],
    "forms[].fields[].name": ["bắt buộc với mỗi mục không phải tiêu đề", "không trùng với trường khác trong cùng mẫu"],
    "forms[].fields[].label": ["bắt buộc với mỗi mục không phải tiêu đề"],
    "forms[].fields[].options": ["bắt buộc với trường `type: choice`: ít nhất hai lựa chọn, không trùng nhau",
                                 "không dùng cho các loại trường khác"],
    "updated": ["cũ hơn `review_after_days` ngày (nếu `catalogue.yml` có khóa này) thì bị cảnh báo"],
}
CATALOGUE_RULES: dict[str, list[str]] = {
    "featured": ["mỗi mục là mã của một thủ tục có trong bộ (có tệp trong thư mục của bộ)"],
    "base": ["thư mục phải có thật và có `catalogue.yml` hợp lệ; lỗi của bộ gốc được báo với đường dẫn của bộ gốc",
             "bộ gốc không được dẫn ngược lại bộ này (vòng lặp)"],
    **{f"{registry}[].id": [f"không trùng với mã khác trong `{registry}`",
                            "mục cùng `id` với một mục của bộ gốc thì thay mục đó"] for registry in _REGISTRY_NAMES}}

EVENT_RULES: dict[str, list[str]] = {
    "events[].id": ["không trùng với mã của sự kiện khác"],
    "events[].steps": ["mỗi thủ tục chỉ là một bước của cùng một sự kiện"],
    "events[].steps[].procedure": [
        "phải là mã của một thủ tục có tệp trong bộ (với bộ gốc: thủ tục tỉnh đã tiếp nhận bằng một tệp, "
        "vì chỉ thủ tục đó mới có trang trên trang web)",
        "thủ tục còn là tệp khung (chữ mẫu chưa viết lại) thì bị cảnh báo: bước đó hiện không có liên kết"],
}

def _at(display: str, doc: YamlDocument, path: tuple, message: str) -> Diagnostic:
    line, col = doc.position(path)
    return Diagnostic(display, line, col, dotted(path), message)


def check_registries(data: object, doc: YamlDocument, display: str, has_base: bool = False) -> list[Diagnostic]:
    """Registries present (unless a base lends them) and without duplicate ids, read from
    the raw data so they are reported even when other keys of the file are invalid."""
    out = []
    for registry in _REGISTRY_NAMES:
        items = data.get(registry) if isinstance(data, dict) else None
        if not has_base and isinstance(data, dict) and (items is None or items == []):
            out.append(_at(display, doc, (registry,), f"thiếu khóa bắt buộc “{registry}”" if registry not in data
                           else "danh sách phải có ít nhất một mục"))
        ids = [(i, item.get("id")) for i, item in enumerate(items if isinstance(items, list) else [])
               if isinstance(item, dict)]
        for i, entry_id, first in _repeats((i, v) for i, v in ids if isinstance(v, str)):
            out.append(_at(display, doc, (registry, i, "id"),
                           f"mã “{entry_id}” bị trùng với mục thứ {first + 1} của {registry}"))
    return out


def _unknown(value: str, known, registry: str) -> str:
    close = difflib.get_close_matches(value, list(known), n=1)
    hint = f"; có phải là “{close[0]}”?" if close else ""
    return f"“{value}” không có trong danh mục {_REGISTRY_NAMES[registry]} ({registry}) của catalogue.yml{hint}"


def _text(value) -> str | None:
    return value.strip() if isinstance(value, str) else None


def _repeats(values: Iterable[tuple[int, str]]) -> Iterator[tuple[int, str, int]]:
    """``(index, value, index of its first occurrence)`` for every value met before."""
    first: dict[str, int] = {}
    for i, value in values:
        if value in first:
            yield i, value, first[value]
        else:
            first[value] = i


def _items(data: dict, key: str) -> list[tuple[int, dict]]:
    value = data.get(key)
    return [(i, item) for i, item in enumerate(value) if isinstance(item, dict)] if isinstance(value, list) else []


def check_procedure(data: dict, doc: YamlDocument, display: str, source: Path,
                    catalogue: Catalogue, forms_root: Path | None = None) -> list[Diagnostic]:
    """Cross-reference rules, run on the raw data so they are reported even when the
    file also has schema errors: one run shows the editor every problem.

    ``source``/``forms_root``: the file form paths are relative to and the catalogue they
    must stay in (a base's, for forms a procedure inherits)."""
    out = []
    for key, registry, known in (("agency", "agencies", catalogue.agencies), ("field", "fields", catalogue.fields)):
        value = _text(data.get(key))
        if value and value not in known:
            out.append(_at(display, doc, (key,), _unknown(value, known, registry)))
    tiers = data.get("tiers")
    for i, tier in enumerate(tiers if isinstance(tiers, list) else []):
        if _text(tier) and tier.strip() not in catalogue.tiers:
            out.append(_at(display, doc, ("tiers", i), _unknown(tier.strip(), catalogue.tiers, "tiers")))
    level = data.get("level")
    if type(level) is int and level in (3, 4) and not data.get("online_url"):
        out.append(_at(display, doc, ("level",),
                       f"thủ tục mức độ {level} phải có online_url (địa chỉ nộp hồ sơ trực tuyến)"))

    form_ids: dict[str, int] = {}
    for i, form in _items(data, "forms"):
        form_id = _text(form.get("id"))
        if form_id in form_ids:
            out.append(_at(display, doc, ("forms", i, "id"),
                           f"mã mẫu “{form_id}” bị trùng với mẫu thứ {form_ids[form_id] + 1}"))
        if form_id:
            form_ids.setdefault(form_id, i)
        file = _text(form.get("file"))
        problem = file and _form_file_problem(file, source, forms_root or catalogue.directory)
        if problem:
            out.append(_at(display, doc, ("forms", i, "file"), problem))
        if form.get("file") is None and form.get("fields") is None:
            out.append(_at(display, doc, ("forms", i),
                           "mẫu phải có tệp mẫu (file), các trường để điền (fields) hoặc cả hai"))
        out += _check_fields(form, ("forms", i), doc, display)
    for i, document in _items(data, "documents"):
        form_id = _text(document.get("form"))
        if form_id and form_id not in form_ids:
            close = difflib.get_close_matches(form_id, list(form_ids), n=1)
            hint = f"; có phải là “{close[0]}”?" if close else ""
            out.append(_at(display, doc, ("documents", i, "form"),
                           f"mẫu “{form_id}” không được khai báo trong forms của thủ tục này{hint}"))
    return out


_FIELD_KEYS = tuple(k for k in FormField.model_fields if k != "heading")
_FIELD_TYPES = get_args(FieldType)


def _check_fields(form: dict, at: tuple, doc: YamlDocument, display: str) -> list[Diagnostic]:
    """Headings against fields, and each field's name and options: one item, many keys."""
    fields = form.get("fields")
    if not isinstance(fields, list):
        return []
    out = []
    names = []
    for j, item in enumerate(fields):
        if not isinstance(item, dict):
            continue
        here = (*at, "fields", j)
        if item.get("heading") is not None:
            mixed = [k for k in _FIELD_KEYS if item.get(k) is not None]
            if mixed:
                out.append(_at(display, doc, (*here, "heading"),
                               f"mục tiêu đề (heading) không được có thêm khóa {', '.join(mixed)}; "
                               "tiêu đề và trường phải là hai mục riêng"))
            continue
        for key in ("name", "label"):
            if item.get(key) is None:
                out.append(_at(display, doc, (*here, key), f"thiếu khóa bắt buộc “{key}” của một trường"))
        if _text(item.get("name")):
            names.append((j, _text(item.get("name"))))
        out += _check_options(item, here, doc, display)
    for j, name, first in _repeats(names):
        out.append(_at(display, doc, (*at, "fields", j, "name"),
                       f"tên trường “{name}” bị trùng với mục thứ {first + 1} của fields"))
    if not any(isinstance(item, dict) and item.get("heading") is None for item in fields):
        out.append(_at(display, doc, (*at, "fields"), "fields phải có ít nhất một trường để điền (mục có name), "
                                                       "không chỉ có tiêu đề"))
    return out


def _check_options(item: dict, here: tuple, doc: YamlDocument, display: str) -> list[Diagnostic]:
    kind = "text" if item.get("type") is None else item["type"]
    options = item.get("options")
    if kind not in _FIELD_TYPES:
        return []  # the model reports the unknown type; its options cannot be judged
    if kind != "choice":
        if options is not None:
            return [_at(display, doc, (*here, "options"),
                        f"chỉ trường loại choice mới có options; trường này là loại {kind}")]
        return []
    if options is None:
        return [_at(display, doc, (*here, "options"), "trường loại choice phải có options: ít nhất hai lựa chọn")]
    if not isinstance(options, list):
        return []  # the model reports a value that is not a list
    out = []
    if len(options) < 2:
        out.append(_at(display, doc, (*here, "options"), "trường loại choice phải có ít nhất hai lựa chọn"))
    texts = ((k, _text(option)) for k, option in enumerate(options))
    for k, text, first in _repeats((k, t) for k, t in texts if t):
        out.append(_at(display, doc, (*here, "options", k),
                       f"lựa chọn “{text}” bị trùng với lựa chọn thứ {first + 1}"))
    return out


def _form_file_problem(file: str, source: Path, directory: Path) -> str | None:
    if "\0" in file:  # "\0" in a quoted YAML string; no file system accepts it
        return "đường dẫn tệp chứa ký tự rỗng (\\0); hãy gõ lại tên tệp"
    if os.path.isabs(file) or file.startswith(("/", "\\")):
        return f"đường dẫn “{file}” phải tính từ thư mục chứa tệp thủ tục, không phải đường dẫn tuyệt đối"
    target = os.path.realpath(source.parent / file)
    root = os.path.realpath(directory)
    if os.path.commonpath([target, root]) != root:
        return f"tệp “{file}” nằm ngoài thư mục bộ thủ tục; hãy chép tệp vào trong thư mục"
    extension = file.rsplit(".", 1)[-1].lower() if "." in os.path.basename(file) else ""
    if extension not in DOCUMENT_EXTENSIONS:
        return f"tệp “{file}” không phải tài liệu; chỉ nhận {', '.join(DOCUMENT_EXTENSIONS)}"
    if not os.path.isfile(target):
        return f"không tìm thấy tệp “{file}”"
    return None


def check_unique_codes(documents: list[tuple[YamlDocument, str]]) -> list[Diagnostic]:
    out = []
    first: dict[str, tuple[str, int]] = {}
    for doc, display in documents:
        code = _text(doc.data.get("code"))
        if not code:
            continue
        line = doc.position(("code",))[0]
        if code in first:
            where, where_line = first[code]
            out.append(_at(display, doc, ("code",), f"mã thủ tục “{code}” đã dùng trong {where} (dòng {where_line})"))
        else:
            first[code] = (display, line)
    return out


# --- warnings: probably a mistake, but the site can still be built --------------------


def _warn(display: str, doc: YamlDocument, path: tuple, message: str) -> Diagnostic:
    line, col = doc.position(path)
    return Diagnostic(display, line, col, dotted(path), message, Severity.WARNING)


def warn_procedure(data: dict, doc: YamlDocument, display: str, catalogue: Catalogue,
                   today: date) -> list[Diagnostic]:
    from generator.search import fold  # the same notion of "the same words" as search

    out = []
    level = data.get("level")
    if type(level) is int and level in (1, 2) and data.get("online_url"):
        out.append(_warn(display, doc, ("online_url",),
                         f"thủ tục mức độ {level} không nộp được trực tuyến; bỏ online_url hoặc sửa mức độ"))
    for key, label in (("steps", "bước"), ("documents", "giấy tờ")):
        items = data.get(key) if isinstance(data.get(key), list) else []
        texts = ((i, item.get("name") if isinstance(item, dict) else item) for i, item in enumerate(items))
        folded = ((i, fold(text)) for i, text in texts if isinstance(text, str))
        for i, _, first in _repeats((i, f) for i, f in folded if f):
            out.append(_warn(display, doc, (key, i, "name") if isinstance(items[i], dict) else (key, i),
                             f"{label} này trùng với {label} thứ {first + 1}; có phải chép hai lần?"))
    updated, days = data.get("updated"), catalogue.info.review_after_days
    if days and isinstance(updated, str):
        try:
            age = (today - date.fromisoformat(updated)).days
        except ValueError:
            age = None
        if age is not None and age > days:
            out.append(_warn(display, doc, ("updated",),
                             f"nội dung được kiểm tra cách đây {age} ngày (quá {days} ngày theo "
                             "review_after_days); hãy rà soát lại và sửa ngày"))
    return out


def warn_unused_forms(catalogue: Catalogue, parsed, root_display, unread: Iterable[Path] = ()) -> list[Diagnostic]:
    """Document files in the catalogue that no procedure's forms point to.

    ``unread``: procedure files that could not be read. Their forms cannot be known, so the
    files in their folder (and below, where ``mau/`` usually is) are not called unused: the
    advice to delete them would lose an editor's form over a typo in the YAML.
    """
    unknown = [os.path.realpath(path.parent) + os.sep for path in unread]
    used = set()
    for _, doc, path, _ in parsed:
        for _, form in _items(doc.data, "forms"):
            file = _text(form.get("file"))
            if file and "\0" not in file:
                used.add(os.path.realpath(path.parent / file))
    out = []
    for root, dirs, files in os.walk(catalogue.directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            full = os.path.join(root, name)
            real = os.path.realpath(full)
            if name.rsplit(".", 1)[-1].lower() in DOCUMENT_EXTENSIONS and real not in used and \
                    not any(real.startswith(folder) for folder in unknown):
                out.append(Diagnostic(root_display(Path(full)), 1, 1, "",
                                      "không thủ tục nào dùng tệp biểu mẫu này (forms[].file); "
                                      "hãy gắn vào thủ tục hoặc xóa tệp", Severity.WARNING))
    return out


def check_featured(data: object, doc: YamlDocument, display: str, codes: set[str]) -> list[Diagnostic]:
    """``featured`` codes in catalogue.yml that name no procedure of the catalogue."""
    items = data.get("featured") if isinstance(data, dict) else None
    out = []
    for i, code in enumerate(items if isinstance(items, list) else []):
        if isinstance(code, str) and code.strip() and code.strip() not in codes:
            close = difflib.get_close_matches(code.strip(), list(codes), n=1, cutoff=0.8)
            hint = f"; có phải là “{close[0]}”?" if close else ""
            out.append(_at(display, doc, ("featured", i), f"không có thủ tục mã “{code.strip()}” trong bộ{hint}"))
    return out


# --- events.yml ---------------------------------------------------------------------------


def check_events(data: object, doc: YamlDocument, display: str, codes: "EventCodes | None") -> list[Diagnostic]:
    """Duplicate event ids and steps, and every step's procedure against the catalogue's codes,
    read from the raw data so they are reported even when the file has schema errors too.
    ``codes`` is None when the catalogue itself could not be read: only duplicates are checked."""
    events = _items(data, "events") if isinstance(data, dict) else []
    out = []
    ids = ((i, _text(event.get("id"))) for i, event in events)
    for i, event_id, first in _repeats((i, v) for i, v in ids if v):
        out.append(_at(display, doc, ("events", i, "id"), f"mã sự kiện “{event_id}” bị trùng với sự kiện thứ {first + 1}"))
    for i, event in events:
        steps = _items(event, "steps")
        named = [(j, _text(step.get("procedure"))) for j, step in steps]
        named = [(j, code) for j, code in named if code]
        for j, code, first in _repeats(named):
            out.append(_at(display, doc, ("events", i, "steps", j, "procedure"),
                           f"thủ tục “{code}” đã là bước {first + 1} của sự kiện này; mỗi thủ tục chỉ là một bước"))
        if codes is not None:
            for j, code in named:
                problem = codes.problem(code)
                if problem:
                    out.append(_at(display, doc, ("events", i, "steps", j, "procedure"), problem))
    return out


def warn_events(data: object, doc: YamlDocument, display: str, drafts: set[str]) -> list[Diagnostic]:
    """Steps that name a procedure still a scaffold: it is not published, so the step has no link."""
    out = []
    for i, event in _items(data, "events") if isinstance(data, dict) else []:
        for j, step in _items(event, "steps"):
            code = _text(step.get("procedure"))
            if code in drafts:
                out.append(_warn(display, doc, ("events", i, "steps", j, "procedure"),
                                 f"thủ tục “{code}” còn là tệp khung (chữ mẫu chưa viết lại) nên chưa lên trang web; "
                                 "bước này hiện không có liên kết tới trang thủ tục"))
    return out


class EventCodes:
    """What a step's procedure code may name, and why another one cannot be a step."""

    def __init__(self, published: set[str], in_files: set[str], base_only: set[str], base_name: str = ""):
        self.known = published | in_files  # a file with errors is reported there, not here again
        self.base_only = base_only - self.known
        self.base_name = base_name

    def problem(self, code: str) -> str | None:
        if code in self.known:
            return None
        if code in self.base_only:
            return (f"thủ tục “{code}” có trong bộ gốc ({self.base_name}) nhưng bộ này chưa tiếp nhận nên không có "
                    f"trang trên trang web; hãy tiếp nhận (python -m generator new --inherit {code}) hoặc bỏ bước này")
        close = difflib.get_close_matches(code, sorted(self.known), n=1, cutoff=0.8)
        hint = f"; có phải là “{close[0]}”?" if close else ""
        return f"không có thủ tục mã “{code}” trong bộ{hint}"
