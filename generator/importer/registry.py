"""Matching field, agency and tier names to catalogue.yml's lists, and naming the entries to add.

Lists spell the same agency many ways (“UBND”, with or without the province), so
a name is matched by id, then by folded name, then loosely when that is
unambiguous; only a name that matches nothing becomes a new entry.
"""

from __future__ import annotations

import re
import unicodedata

from generator.importer.cells import _after_words
from generator.search import fold

REGISTRIES = {"fields": "lĩnh vực", "agencies": "cơ quan", "tiers": "cấp"}


def _sentence_case(name: str) -> str:
    name = " ".join(name.split())
    return name[:1] + name[1:].lower() if name.isupper() else name


def _slug(name: str) -> str:
    """Like ``fold`` but without merging y into i: ids read as editors spell them (dang-ky)."""
    text = unicodedata.normalize("NFD", name.lower().replace("đ", "d")).encode("ascii", "ignore").decode()
    slug = ""
    for word in re.findall(r"[a-z0-9]+", text):
        if len(slug) + len(word) + 1 > 60:
            break
        slug = f"{slug}-{word}" if slug else word
    return slug


class Registry:
    """One list of catalogue.yml, matched the way an editor reads the names."""

    def __init__(self, key: str, entries, province: str | None):
        self.key = key
        self.places = [p for p in (fold(province or ""), fold(re.sub(r"(?i)^(tỉnh|thành phố)\s+", "",
                                                                      province or ""))) if p]
        self.ids: dict[str, str] = {}  # id → name
        self.names: dict[str, str] = {}
        self.loose: dict[str, str | None] = {}
        self.added: list[tuple[str, str]] = []
        self.by_slug: dict[str, str] = {}  # name → existing id it was matched to only because the slug is that id
        for entry in entries:
            self._remember(entry.id, entry.name)

    def _loose(self, name: str) -> list[str]:
        """Keys for “Sở Tư pháp” = “Sở Tư pháp tỉnh X”, “UBND tỉnh” = “Ủy ban nhân dân tỉnh X”."""
        text = fold(re.sub(r"\([^)]*\)", " ", name))
        text = re.sub(r"\bubnd\b", "uy ban nhan dan", text)
        text = re.sub(r"\bhdnd\b", "hoi dong nhan dan", text)
        prefix = {"fields": "linh vuc ", "tiers": "cap "}.get(self.key)
        if prefix and text.startswith(prefix):
            text = text[len(prefix):]
        keys = [text] + [text[: -len(place) - 1] for place in self.places if text.endswith(" " + place)]
        return [key for key in keys if key]

    def _remember(self, entry_id: str, name: str) -> None:
        self.ids.setdefault(entry_id, name)
        self.names.setdefault(fold(name), entry_id)
        for key in self._loose(name):
            self.loose[key] = None if self.loose.get(key, entry_id) != entry_id else entry_id

    def _new_name(self, text: str) -> str:
        name = _sentence_case(text)
        if self.key == "fields" and fold(name).startswith("linh vuc "):
            name = _sentence_case(_after_words(name, 2)) or name
        if self.key == "tiers" and not fold(name).startswith("cap "):
            name = "Cấp " + name.lower()
        return name[:1].upper() + name[1:]

    def find(self, text: str) -> tuple[str, str | None]:
        """(id, name of the entry to add or None when it exists); nothing is added yet."""
        text = " ".join(text.split())
        if text in self.ids:
            return text, None
        found = self.names.get(fold(text)) or next(filter(None, map(self.loose.get, self._loose(text))), None)
        if found:
            return found, None
        name = self._new_name(text)
        base = _slug(name)
        if self.key == "tiers" and base.startswith("cap-"):
            base = base[4:]
        if base in self.ids:  # “UBND xã” for ubnd-xa: surely that entry, not a second one
            self.by_slug[text] = base
            return base, None
        base = base or {"fields": "linh-vuc", "agencies": "co-quan", "tiers": "cap"}[self.key]
        return base, name

    def add(self, entry_id: str, name: str) -> None:
        self._remember(entry_id, name)
        self.added.append((entry_id, name))
