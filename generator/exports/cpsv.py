"""``procedures.jsonld``: the catalogue in the EU Core Public Service Vocabulary (CPSV-AP 3.x).

Terms and IRIs are those of the official CPSV-AP 3.2.0 context (SEMICeu/CPSV-AP,
``releases/3.2.0/context/cpsv-ap_en.jsonld``), written as compact IRIs with their
prefixes declared inline, so reading the file needs no remote context. Text is tagged
Vietnamese (``"@language": "vi"`` in the context); identifiers are plain literals.

=================================  =====================================================
catalogue                          CPSV-AP
=================================  =====================================================
procedure                          ``cpsv:PublicService`` (``@id`` = its page)
``code``                           ``dct:identifier``
``name``                           ``dct:title``
``summary`` (else ``name``)        ``dct:description`` (mandatory in CPSV-AP)
``agency`` (registry entry)        ``cv:hasCompetentAuthority`` → ``cv:PublicOrganisation``
                                   (``skos:prefLabel``, ``cv:contactPoint`` →
                                   ``cv:ContactPoint`` with ``cv:telephone``,
                                   ``cv:email``, ``cv:openingHours`` as text;
                                   ``locn:address`` → ``locn:fullAddress``)
``field``                          ``cv:sector`` → ``skos:Concept`` (``skos:prefLabel``)
``channels[]``                     ``cv:hasChannel`` → ``cv:Channel`` (``dct:type`` =
                                   channel id, ``dct:description`` = name, processing
                                   time and note)
``channels[].fee``                 ``cv:hasCost`` → ``cv:Cost`` (``dct:description``,
                                   ``cv:ifAccessedThrough`` → its channel)
``documents[]``                    ``cpsv:hasInput`` → ``cv:Evidence`` (``dct:title``,
                                   ``dct:description`` = counts and note)
``legal_basis[]``                  ``cv:hasLegalResource`` → ``eli:LegalResource``
                                   (``dct:identifier`` = number, ``dct:title``,
                                   ``foaf:page`` = url)
``results[]``                      ``cpsv:produces`` → ``cv:Output`` (``dct:title``)
``online_url``                     ``foaf:page`` of the online channel
``updated``                        ``dct:modified`` (``xsd:date``)
inherited from a base catalogue    ``dct:source`` = the base's name; ``dct:description``
                                   of the source names the keys the province set
a step of an event                 ``cv:isGroupedBy`` → the event
event (``events.yml``)             ``cv:Event`` and ``cv:LifeEvent`` (``type: cong-dan``)
                                   or ``cv:BusinessEvent`` (``type: kinh-doanh``);
                                   ``@id`` = its page
``events[].id``                    ``dct:identifier``
``events[].title``                 ``dct:title``
``events[].summary``               ``dct:description``
``events[].steps[].procedure``     ``cv:hasRelatedService`` → the public service, in the
                                   steps' order (a draft, which has no page, is left out)
=================================  =====================================================

Tiers are not mapped: they are levels of government, not the places ``dct:spatial``
wants, and CPSV-AP has no property for them.

Processing times are free text (“15 ngày làm việc”); ``cv:processingTime`` must be an
``xsd:duration``, and working days are no fixed duration, so the text goes into the
channel's ``dct:description`` rather than a made-up number.
"""

from __future__ import annotations

from generator.model import CHANNEL_NAMES, Agency, Catalogue, Entry, Event

PATH = "du-lieu/procedures.jsonld"
CONTEXT = {
    "@language": "vi",
    "cpsv": "http://purl.org/vocab/cpsv#",
    "cv": "http://data.europa.eu/m8g/",
    "dct": "http://purl.org/dc/terms/",
    "eli": "http://data.europa.eu/eli/ontology#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "locn": "http://www.w3.org/ns/locn#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
}


def _plain(text: str) -> dict:
    """A literal without the context's language tag: codes and numbers are no Vietnamese text."""
    return {"@value": text}


def _ref(iri: str) -> dict:
    return {"@id": iri}


class Graph:
    """Node ids are relative IRIs, resolved against the file's own address (or ``site_url``)."""

    def __init__(self, catalogue: Catalogue, base: str):
        self.catalogue = catalogue
        self.base = base

    def organisation(self, agency: Agency) -> dict:
        node = {"@id": f"{self.base}co-quan/{agency.id}/", "@type": "cv:PublicOrganisation",
                "dct:identifier": _plain(agency.id), "skos:prefLabel": agency.name}
        contact = {"cv:telephone": agency.phone and _plain(agency.phone),
                   "cv:email": agency.email and _plain(agency.email), "cv:openingHours": agency.hours,
                   "cv:contactPage": agency.website and _ref(agency.website)}
        contact = {k: v for k, v in contact.items() if v}
        if contact:
            node["cv:contactPoint"] = {"@type": "cv:ContactPoint", **contact}
        if agency.address:
            node["locn:address"] = {"@type": "locn:Address", "locn:fullAddress": agency.address}
        return node

    def event(self, event: Event, page_url: str, pages: dict[str, str]) -> dict:
        """``pages``: code -> page of every published procedure; a step without one is left out."""
        kind = "cv:BusinessEvent" if event.type == "kinh-doanh" else "cv:LifeEvent"
        return {"@id": self.base + page_url, "@type": ["cv:Event", kind], "dct:identifier": _plain(event.id),
                "dct:title": event.title, "dct:description": event.summary,
                "cv:hasRelatedService": [_ref(self.base + pages[s.procedure]) for s in event.steps
                                         if s.procedure in pages]}

    def service(self, entry: Entry, page_url: str, events: list[str] = ()) -> dict:
        p = entry.procedure
        iri = self.base + page_url
        field = self.catalogue.fields[p.field]
        node = {
            "@id": iri, "@type": "cpsv:PublicService",
            "dct:identifier": _plain(p.code), "dct:title": p.name, "dct:description": p.summary or p.name,
            "cv:hasCompetentAuthority": _ref(f"{self.base}co-quan/{p.agency}/"),
            "cv:sector": {"@id": f"{self.base}linh-vuc/{field.id}/", "@type": "skos:Concept",
                          "skos:prefLabel": field.name},
        }
        channels, costs = [], []
        for c in p.channels:
            lines = [CHANNEL_NAMES[c.type]]
            if c.processing_time:
                lines.append(f"Thời hạn giải quyết: {c.processing_time}")
            if c.note:
                lines.append(c.note)
            channel = {"@id": f"{iri}#{c.type}", "@type": "cv:Channel", "dct:type": _plain(c.type),
                       "dct:description": "\n".join(lines)}
            if c.type == "truc-tuyen" and p.online_url:
                channel["foaf:page"] = _ref(p.online_url)
            channels.append(channel)
            if c.fee:
                costs.append({"@type": "cv:Cost", "dct:description": c.fee,
                              "cv:ifAccessedThrough": _ref(channel["@id"])})
        node["cv:hasChannel"] = channels
        if costs:
            node["cv:hasCost"] = costs
        if p.documents:
            node["cpsv:hasInput"] = [self._evidence(d) for d in p.documents]
        if p.legal_basis:
            node["cv:hasLegalResource"] = [
                {"@type": "eli:LegalResource", "dct:identifier": _plain(b.number),
                 **({"dct:title": b.title} if b.title else {}), **({"foaf:page": _ref(b.url)} if b.url else {})}
                for b in p.legal_basis]
        if p.results:
            node["cpsv:produces"] = [{"@type": "cv:Output", "dct:title": r} for r in p.results]
        if p.updated:
            node["dct:modified"] = {"@value": p.updated, "@type": "http://www.w3.org/2001/XMLSchema#date"}
        if events:
            node["cv:isGroupedBy"] = [_ref(self.base + url) for url in events]
        if entry.provenance:
            local = ", ".join(sorted(entry.provenance.local_keys)) or "không có"
            node["dct:source"] = {"dct:title": entry.provenance.base_name,
                                  "dct:description": f"Tỉnh quy định thay bộ gốc: {local}"}
        return node

    @staticmethod
    def _evidence(document) -> dict:
        node = {"@type": "cv:Evidence", "dct:title": document.name}
        parts = []
        if document.original is not None:
            parts.append(f"{document.original} bản chính")
        if document.copies is not None:
            parts.append(f"{document.copies} bản sao")
        if document.note:
            parts.append(document.note)
        description = "; ".join(parts)
        if description:
            node["dct:description"] = description
        return node


def base(catalogue: Catalogue) -> str:
    """Where node ids are resolved: the site's address, else relative to the file in ``du-lieu/``."""
    return catalogue.info.site_root or "../"
