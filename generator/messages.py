"""Pydantic's validation errors, told to editors in Vietnamese at the right line."""

from __future__ import annotations

import difflib

from pydantic import BaseModel, ValidationError

from generator.diagnostics import Diagnostic
from generator.yamlsource import Misread, YamlDocument, dotted

# Our own validators already speak Vietnamese.
_OWN_TYPES = {"id_format", "code_format", "url_scheme", "date_format"}


def _known_keys(model: type[BaseModel], loc: tuple) -> list[str]:
    """The keys allowed in the mapping that holds ``loc``'s last key."""
    current: type | None = model
    for part in loc[:-1]:
        if isinstance(part, int) or current is None:
            continue
        annotation = current.model_fields[part].annotation if part in current.model_fields else None
        current = _model_in(annotation)
    return list(current.model_fields) if current else []


def _model_in(annotation) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in getattr(annotation, "__args__", ()):
        found = _model_in(arg)
        if found:
            return found
    return None


def _describe(value) -> str:
    if isinstance(value, list):
        return "một danh sách"
    if isinstance(value, dict):
        return "một khối khóa: giá trị"
    if isinstance(value, str):
        return "chữ"
    if isinstance(value, int):
        return "một số"
    return "giá trị khác"


def _message(error: dict, model: type[BaseModel], doc: YamlDocument) -> str:
    kind, loc, value = error["type"], error["loc"], error.get("input")
    ctx = error.get("ctx") or {}
    key = str(loc[-1]) if loc else ""
    if kind in _OWN_TYPES:
        return error["msg"]
    if isinstance(value, bool):  # `true` where text or a number belongs: the same fix as for NO
        value = Misread("true" if value else "false", "giá trị đúng/sai")
    if kind == "bool_type":
        return f"phải là true hoặc false, viết không có dấu nháy, ví dụ {key}: true"
    if kind == "missing":
        if tuple(loc) in doc.keys:
            return f"khóa “{key}” chưa có giá trị"
        return f"thiếu khóa bắt buộc “{key}”"
    if kind == "extra_forbidden":
        close = difflib.get_close_matches(key, _known_keys(model, tuple(loc)), n=1)
        hint = f"; có phải là “{close[0]}”?" if close else ""
        return f"khóa “{key}” không có trong định dạng{hint}"
    if isinstance(value, Misread):
        if kind == "string_type":
            return (f"YAML sẽ đọc “{value.text}” thành {value.kind}, không giữ nguyên chữ; "
                    f"hãy đặt trong dấu nháy kép: \"{value.text}\"")
        return f"phải là số nguyên, không phải {value.kind} “{value.text}”"
    if kind == "string_type" and isinstance(value, dict) and len(value) == 1 and \
            all(isinstance(v, str) for v in value.values()):
        (left, right), = value.items()  # "- Kết quả: Giấy khai sinh": YAML reads a key and a value
        return (f"YAML đọc mục này thành “khóa: giá trị” vì có dấu hai chấm và dấu cách; hãy đặt cả mục trong "
                f"dấu nháy kép: \"{left}: {right}\"")
    if kind == "string_type":
        return f"phải là chữ, không phải {_describe(value)}"
    if kind == "int_type":
        if isinstance(value, str):
            return f"phải là số nguyên viết không có dấu nháy, ví dụ {key}: 1"
        return f"phải là số nguyên, không phải {_describe(value)}"
    if kind == "list_type":
        return f"phải là một danh sách (mỗi mục một dòng bắt đầu bằng “- ”), không phải {_describe(value)}"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"phải là một khối khóa: giá trị, không phải {_describe(value)}"
    if kind == "too_short":
        return "danh sách phải có ít nhất một mục" if isinstance(value, list) else "không được để trống"
    if kind == "string_too_short":
        return "không được để trống"
    if kind == "greater_than_equal":
        return f"phải lớn hơn hoặc bằng {ctx.get('ge')}"
    if kind == "less_than_equal":
        return f"phải nhỏ hơn hoặc bằng {ctx.get('le')}"
    if kind == "literal_error":
        expected = str(ctx.get("expected", "")).replace("'", "").replace(" or ", ", ")
        return f"giá trị “{value}” không hợp lệ; chỉ được là một trong: {expected}"
    return f"giá trị không hợp lệ ({error['msg']})"


def diagnostics_from(exc: ValidationError, model: type[BaseModel], doc: YamlDocument,
                     display: str) -> list[Diagnostic]:
    out = []
    for error in exc.errors():
        loc = tuple(error["loc"])
        line, col = doc.position(loc, prefer_key=error["type"] == "extra_forbidden")
        out.append(Diagnostic(display, line, col, dotted(loc), _message(error, model, doc)))
    return out
