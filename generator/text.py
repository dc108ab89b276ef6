"""Small text helpers shared by pages and exports: Vietnamese sorting and numbers, XML-safe text."""

from __future__ import annotations

import re
import unicodedata


def sort_key(text: str) -> tuple[str, str]:
    """Order Vietnamese names as a reader expects: by letters first, tone marks after.

    Code-point order would put every name starting with “Đ” after “Z”.
    """
    folded = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    base = "".join(c for c in folded if not unicodedata.combining(c)).casefold()
    return (base, text)


def file_size(size: int) -> str:
    """Bytes as a reader on a metered connection wants them: “14 KB”, “1,2 MB”."""
    if size < 1000:
        return f"{size} B"
    if size < 1_000_000:
        return f"{round(size / 1000)} KB"
    return f"{size / 1_000_000:.1f} MB".replace(".", ",")


def vn_date(iso: str) -> str:
    year, month, day = iso.split("-")
    return f"{day}/{month}/{year}"


def vn_number(n: int) -> str:
    """Thousands grouped the Vietnamese way: “2.642”."""
    return f"{n:,}".replace(",", ".")


def vn_percent(fraction: float | None) -> str:
    """A share as Vietnamese reports print it: “76,2%”; a dash when there is nothing to divide."""
    return "–" if fraction is None else f"{fraction * 100:.1f}%".replace(".", ",")


# Characters XML 1.0 cannot carry (and DEL, which no reader shows): a quoted YAML value
# such as "\x01" can hold them, and an XML file (Atom, DOCX) with one does not open.
_NOT_XML = re.compile("[^\t\n\r\x20-\x7e\x80-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)
