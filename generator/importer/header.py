"""Finding the header row and what each column holds.

Real lists put the decision's title above the header and name their columns in
many ways, sometimes over two rows, so columns are found by folded name on
whatever row the header is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from generator.importer.cells import _cell, _parse_level
from generator.importer.spreadsheet import Sheet
from generator.search import fold

HEADER_SEARCH_ROWS = 50  # room for the decision's title block above the header

# Folded header text → the column's meaning (full match). "skip": known, not needed.
_HEADERS = (
    ("skip", r"stt|tt|so tt|so thu tu"),
    ("code", r"ma( so)?( tthc| thu tuc( hanh chinh)?)?( tren .+)?"),
    ("name", r"ten( tthc| thu tuc( hanh chinh)?)?"),
    ("field", r"(ten )?linh vuc( thuc hien)?"),
    ("agency", r"co quan( thuc hien| giai quyet| co tham quyen)+"),
    ("tiers", r"cap( thuc hien| giai quyet)*"),
    ("level", r"muc do( dvc| dvctt| dich vu cong)?( truc tuyen| tt)?|dich vu cong truc tuyen|dvc( truc tuyen| tt)?"
              r"|dvctt"),
)


def _header_key(text: str) -> str | None:
    folded = fold(text)
    return next((key for key, pattern in _HEADERS if re.fullmatch(pattern, folded)), None) if folded else None


@dataclass
class Layout:
    header_rows: list[int]  # indexes into Sheet.rows
    columns: dict[str, int]
    groups: dict[str, list[tuple[int, str]]]  # "tiers"/"level" → (column, sub-header) marked with x
    ignored: list[str]


def find_layout(sheet: Sheet) -> Layout | None:
    for index, (_, cells) in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
        columns: dict[str, int] = {}
        ignored = []
        for column, text in enumerate(cells):
            key = _header_key(text)
            if key is None or key in columns:
                if text:
                    ignored.append(" ".join(text.split()))
            elif key != "skip":
                columns[key] = column
        if "code" in columns and "name" in columns:
            layout = Layout([index], columns, {}, ignored)
            _sub_columns(sheet, layout)
            return layout
    return None


def _sub_columns(sheet: Sheet, layout: Layout) -> None:
    """A parent header over sub-columns marked with “x”, read from the header's next row."""
    index = layout.header_rows[0]
    if index + 1 >= len(sheet.rows):
        return
    header, below = sheet.rows[index][1], sheet.rows[index + 1][1]
    if _cell(below, layout.columns["code"]) and _header_key(_cell(below, layout.columns["code"])) != "code":
        return  # the next row is data: a one-row header
    for key in ("tiers", "level"):
        parent = layout.columns.get(key)
        if parent is None:
            continue
        subs = []
        column = parent
        while _cell(below, column) and (column == parent or not _cell(header, column)):
            text = _cell(below, column)
            if key == "level" and _parse_level(text) is None:
                break
            subs.append((column, text))
            column += 1
        if len(subs) >= 2:
            layout.groups[key] = subs
            del layout.columns[key]
    if layout.groups:
        layout.header_rows.append(index + 1)
