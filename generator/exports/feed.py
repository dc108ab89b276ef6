"""``cap-nhat.xml``: an Atom feed of the most recently checked procedures.

Ordered by each procedure's ``updated`` date (newest first, then by code), at most
``LIMIT`` entries; procedures without a date are not in it. The feed's ``<updated>`` is
the newest procedure's date, never the time of the build, so an unchanged catalogue
gives the same bytes and readers see nothing new.

Atom wants permanent, absolute ids. Each entry's id is a ``tag:`` URI (RFC 4151) naming
the procedure *and* the date it was checked, so a procedure checked again comes back
as a new item: ``tag:<authority>,<updated>:thu-tuc/<code>``. The authority is the host
of ``site_url`` in catalogue.yml; when a catalogue has no ``site_url`` it is the site's
title folded to ASCII words joined by hyphens (``bo-thu-tuc-hanh-chinh-tinh-dien-bien``),
and links are relative to the feed's own address (``../thu-tuc/<code>/``), which feed
readers resolve against the URL they fetched it from.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

from generator.model import Catalogue, Procedure
from generator.search import fold
from generator.text import xml_safe

ATOM = "http://www.w3.org/2005/Atom"
LIMIT = 50
PATH = "du-lieu/cap-nhat.xml"
TAG_YEAR = "2026"  # the feed's own tag: URI needs a date that never changes: the year the feed began
TIME_OF_DAY = "T00:00:00+07:00"  # a date checked in Vietnam, as the RFC 3339 time Atom requires
NO_DATE = "1970-01-01"  # the feed's <updated> when no procedure has a date yet
def authority(catalogue: Catalogue) -> str:
    if catalogue.info.site_url:
        return urlsplit(catalogue.info.site_url).hostname
    return "-".join(fold(catalogue.info.title).split()) or "thu-tuc"


def recent(catalogue: Catalogue) -> list[Procedure]:
    dated = [e.procedure for e in catalogue.entries if e.procedure.updated]
    dated.sort(key=lambda p: p.code)
    dated.sort(key=lambda p: p.updated, reverse=True)
    return dated[:LIMIT]


def _link(parent: ET.Element, href: str, **attrs: str) -> None:
    ET.SubElement(parent, "link", href=href, **attrs)


def _text(parent: ET.Element, tag: str, text: str, **attrs: str) -> None:
    ET.SubElement(parent, tag, **attrs).text = xml_safe(text)


def feed(catalogue: Catalogue, pages: dict[str, str]) -> str:
    """``pages``: each procedure's page address relative to the site root, by code."""
    info = catalogue.info
    base = info.site_root

    def link(site_path: str) -> str:
        return base + site_path if base else "../" + site_path

    procedures = recent(catalogue)
    root = ET.Element("feed", xmlns=ATOM)
    root.set("{http://www.w3.org/XML/1998/namespace}lang", "vi")
    _text(root, "title", f"{info.title}: thủ tục mới cập nhật")
    _text(root, "subtitle", "Các thủ tục hành chính vừa được cán bộ kiểm tra lại nội dung, mới nhất trước.")
    _text(root, "id", base + PATH if base else f"tag:{authority(catalogue)},{TAG_YEAR}:{PATH}")
    _text(root, "updated", (procedures[0].updated if procedures else NO_DATE) + TIME_OF_DAY)
    author = ET.SubElement(root, "author")
    _text(author, "name", info.province or info.title)
    _link(root, base + PATH if base else "cap-nhat.xml", rel="self", type="application/atom+xml")
    _link(root, link(""), rel="alternate", type="text/html")
    fields = catalogue.fields
    for p in procedures:
        entry = ET.SubElement(root, "entry")
        _text(entry, "title", p.name)
        _text(entry, "id", f"tag:{authority(catalogue)},{p.updated}:thu-tuc/{p.code}")
        _text(entry, "updated", p.updated + TIME_OF_DAY)
        _link(entry, link(pages[p.code]), rel="alternate", type="text/html")
        ET.SubElement(entry, "category", term=p.field, label=xml_safe(fields[p.field].name))
        summary = f"Mã thủ tục {p.code} · {fields[p.field].name}" + (f". {p.summary}" if p.summary else "")
        _text(entry, "summary", summary)
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
