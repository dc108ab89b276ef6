"""Every open-data file of a build, by published path.

The preview calls this on every save, so what one procedure contributes (its JSON
record, CSV row and CPSV-AP node) is kept in ``Memo`` and made again only when the
procedure, the catalogue's registries or its addresses changed; the large files are
then those kept texts one after another (``Joined``), never joined into one more copy.
Procedures are in code order everywhere.

Every file is UTF-8 bytes, made from bytes: the national catalogue's open data is
tens of megabytes, and as Python text its Vietnamese would take two bytes a character.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

from generator.exports import cpsv, feed, records, table
from generator.exports.joined import Joined
from generator.exports.jsontext import dumps
from generator.model import Catalogue

FOLDER = "du-lieu"
PAGE = f"{FOLDER}/index.md"
CATALOGUE_JSON = f"{FOLDER}/procedures.json"
SCHEMA = f"{FOLDER}/procedures.schema.json"
CSV = f"{FOLDER}/procedures.csv"
ONE_FOLDER = f"{FOLDER}/thu-tuc"
FEED = feed.PATH
CPSV = cpsv.PATH


def one_path(code: str) -> str:
    return f"{ONE_FOLDER}/{code}.json"


@dataclass(frozen=True)
class Links:
    """Site-relative addresses the pages gave each procedure: exports link to what was built."""

    pages: dict[str, str]  # code -> its page
    forms: dict[str, dict[str, str]]  # code -> form id -> its file
    events: dict[str, str] = field(default_factory=dict)  # event id -> its page


@dataclass(frozen=True)
class _Parts:  # UTF-8
    record: bytes  # JSON, one line: its line in procedures.json, and with a newline the procedure's own file
    row: bytes  # CSV line
    service: bytes  # CPSV-AP node, JSON, one line


@dataclass
class Memo:
    parts: dict[str, tuple[tuple, _Parts]] = field(default_factory=dict)


def _utf8(text: str) -> bytes:
    return text.encode("utf-8")


def build(catalogue: Catalogue, links: Links, statistics: dict, memo: Memo | None = None) -> dict[str, bytes | Joined]:
    """``statistics``: ``generator.statistics.figures`` of the catalogue, as the statistics page shows them."""
    memo = memo or Memo()
    entries = sorted(catalogue.entries, key=lambda e: e.procedure.code)
    procedures = [e.procedure for e in entries]
    graph = cpsv.Graph(catalogue, cpsv.base(catalogue))
    grouped_by: dict[str, list[str]] = {}  # code -> the pages of the events it is a step of
    for event in catalogue.events:
        for step in event.steps:
            grouped_by.setdefault(step.procedure, []).append(links.events[event.id])
    parts = []
    for entry, p in zip(entries, procedures):
        url, forms, events = links.pages[p.code], links.forms.get(p.code, {}), grouped_by.get(p.code, [])
        key = (p, entry.provenance, catalogue.info, url, forms, events)
        cached = memo.parts.get(p.code)
        if cached is None or cached[0] != key:
            cached = (key, _Parts(_utf8(dumps(records.record(entry, url, forms))), _utf8(table.row(p, catalogue, url)),
                                  _utf8(dumps(graph.service(entry, url, events)))))
            memo.parts[p.code] = cached
        parts.append(cached[1])
    for code in memo.parts.keys() - {p.code for p in procedures}:
        del memo.parts[code]

    names = {e.procedure.code: e.procedure.name for e in catalogue.entries + catalogue.drafts}
    events = [(event, links.events[event.id]) for event in catalogue.events]
    event_records = ",\n".join(dumps(records.event_record(e, url, names, links.pages)) for e, url in events)
    out = {
        CATALOGUE_JSON: Joined.of(_utf8(f'{{"catalogue":{dumps(catalogue.info.model_dump(mode="json"))},\n"procedures":[\n'),
                                  (x.record for x in parts), b",\n",
                                  _utf8('\n],\n"events":[' + (f"\n{event_records}\n" if events else "")
                                        + f'],\n"statistics":{dumps(statistics)}}}\n')),
        SCHEMA: _utf8(json.dumps(records.schema(), ensure_ascii=False, indent=2) + "\n"),
        CSV: Joined((_utf8(table.header()), *(x.row for x in parts))),
        FEED: _utf8(feed.feed(catalogue, links.pages)),
        CPSV: Joined.of(_utf8(f'{{"@context":{dumps(cpsv.CONTEXT)},\n"@graph":[\n'),
                        [*(_utf8(dumps(graph.organisation(a))) for a in catalogue.info.agencies),
                         *(x.service for x in parts),
                         *(_utf8(dumps(graph.event(e, url, links.pages))) for e, url in events)],
                        b",\n", b"\n]}\n"),
    }
    out.update({one_path(p.code): Joined((x.record, b"\n")) for p, x in zip(procedures, parts)})
    return out
