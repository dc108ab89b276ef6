"""``procedures.csv``: one row per procedure, for spreadsheets.

UTF-8 with a byte order mark, because Excel reads a CSV without one in the machine's
legacy code page and garbles Vietnamese; RFC 4180 quoting with CRLF line ends.

Formula injection: a spreadsheet runs a cell that starts with ``=``, ``+``, ``-``, ``@``
(or a tab or carriage return) as a formula, so such a cell gets a leading apostrophe
(the OWASP recommendation). Excel and LibreOffice then show the text as it was written,
apostrophe included; a program can drop it again, and ``procedures.json`` keeps every
value exactly. Codes, ids, numbers, dates and URLs never start with those characters,
so only free text can be touched.
"""

from __future__ import annotations

import csv
import io

from generator.model import CHANNEL_NAMES, Catalogue, Procedure

COLUMNS = ("code", "name", "level", "field_id", "field_name", "agency_id", "agency_name", "tiers", "tier_names",
           "online_url", "processing_time", "fee", "documents", "forms", "updated", "url")
BOM = "\ufeff"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def per_channel(procedure: Procedure, key: str) -> str:
    """“Trực tiếp: …” lines, one per channel that states the value; in a cell they show as lines."""
    return "\n".join(f"{CHANNEL_NAMES[c.type]}: {getattr(c, key)}" for c in procedure.channels if getattr(c, key))


def row(procedure: Procedure, catalogue: Catalogue, page_url: str) -> str:
    """One CSV line (CRLF-terminated), ready to join: the preview keeps rows of unchanged procedures."""
    p = procedure
    values = (p.code, p.name, p.level, p.field, catalogue.fields[p.field].name, p.agency,
              catalogue.agencies[p.agency].name, ";".join(p.tiers),
              "; ".join(catalogue.tiers[t].name for t in p.tiers), p.online_url, per_channel(p, "processing_time"),
              per_channel(p, "fee"), len(p.documents), len(p.forms), p.updated, page_url)
    return _line(values)


def header() -> str:
    return BOM + _line(COLUMNS)


def _line(values) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow([cell(v) for v in values])
    return out.getvalue()
