"""Field by field, what differs between two versions of a procedure or of catalogue.yml.

Each field is compared the way its page shows it (registry ids by name, lists as
sets or as ordered steps, form files by content), so only what a reader would
notice becomes a ``Change``.
"""

from __future__ import annotations

import difflib
from collections import Counter
from typing import Any

from generator.changes.report import VALIDATE, Change, ProcedureRef
from generator.changes.side import _File, _Side
from generator.changes.values import _date, _dicts, _keyed, _level, _name, _text, _texts
from generator.model import CHANNEL_NAMES


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


def _fill_in(form: dict) -> list[str]:
    """A defined form's items as its fill-in page shows them: a heading, or a label with
    what the citizen must know to fill it (required, the choices, the hint)."""
    lines = []
    for item in _dicts(form.get("fields")):
        heading = _text(item.get("heading"))
        if heading:
            lines.append(f"Phần: {heading}")
            continue
        line = _text(item.get("label")) or _text(item.get("name")) or "(chưa có nhãn)"
        if item.get("required") is True:
            line += " (bắt buộc)"
        if _texts(item.get("options")):
            line += ": " + " / ".join(_texts(item.get("options")))
        if _text(item.get("help")):
            line += f" – {_text(item.get('help'))}"
        lines.append(line)
    return lines


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
        _value(out, f"“{title(form_id, now)}” – kính gửi", _text(was.get("recipient")), _text(now.get("recipient")))
        _items(out, f"“{title(form_id, now)}” – các mục khai trên trang", _sequence(_fill_in(was), _fill_in(now)))
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
