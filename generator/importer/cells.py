"""What the text of one cell says, wherever it is read: in the header, a row or a registry name."""

from __future__ import annotations

import re

from generator.search import fold


def _cell(cells: list[str], column: int | None) -> str:
    return cells[column] if column is not None and column < len(cells) else ""


def _parse_level(text: str) -> tuple[int, bool] | None:
    """(level, read conservatively as 1) or None when the text says no single level."""
    folded = fold(text)
    found: set[int] = set()
    if "toan trinh" in folded:
        found.add(4)
    if "mot phan" in folded:
        found.add(3)
    information = "cung cap thong tin" in folded or folded in ("thong tin", "thong tin truc tuyen")
    if information:
        found.add(1)
    found |= {int(n) for n in re.findall(r"\d+", folded)}
    if len(found) != 1 or not 1 <= min(found) <= 4:
        return None
    return found.pop(), information


def _after_words(text: str, words: int) -> str:
    return " ".join(text.split()[words:]).lstrip(":-– ").strip()
