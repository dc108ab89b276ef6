"""Raw YAML values as citizens read them.

Both sides are raw data, not validated models, so a value can be of any type, or
misread. Each is turned into the words a page would show before it is compared:
a difference that no reader would see is no change.
"""

from __future__ import annotations

import re
from typing import Any

from generator.levels import LEVELS
from generator.text import vn_date
from generator.yamlsource import Misread

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
    elif isinstance(value, bool):
        value = "true" if value else "false"
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
    if type(value) is int and value in LEVELS:  # not True, which equals 1
        kind = LEVELS[value].name.removeprefix("Dịch vụ công trực tuyến ")
        return f"{value} ({kind[0].lower()}{kind[1:]})"
    return _text(value)


def _date(value: Any) -> str | None:
    text = _text(value)
    return vn_date(text) if text and re.fullmatch(r"\d{4}-\d{2}-\d{2}", text) else text
