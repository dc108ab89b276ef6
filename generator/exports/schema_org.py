"""The schema.org ``GovernmentService`` of a procedure page, as JSON-LD.

Search engines and assistants read it to answer “what do I need for …” with the
province's own facts. Processing times and fees are free text in the catalogue, so they
are published as text (``processingTime`` on the channel, ``description`` of an
``Offer``), never turned into numbers or durations the text does not state. Legal
bases are left out: ``GovernmentService`` has no property for the law a service rests
on (``isRelatedTo`` means another product or service); ``procedures.jsonld`` carries
them as CPSV-AP ``cv:hasLegalResource``.
"""

from __future__ import annotations

from generator.model import CHANNEL_NAMES, Agency, Catalogue, Channel, Procedure


def organisation(agency: Agency) -> dict:
    out = {"@type": "GovernmentOrganization", "name": agency.name, "identifier": agency.id}
    optional = {"address": agency.address, "telephone": agency.phone, "email": agency.email, "url": agency.website}
    out.update({k: v for k, v in optional.items() if v})
    return out


def _channel(channel: Channel, procedure: Procedure, catalogue: Catalogue, provider: dict) -> dict:
    out = {"@type": "ServiceChannel", "name": CHANNEL_NAMES[channel.type], "availableLanguage": "vi"}
    if channel.processing_time:
        out["processingTime"] = channel.processing_time
    if channel.type == "truc-tuyen":
        url = procedure.online_url or catalogue.info.portal_url
        if url:
            out["serviceUrl"] = url
    elif channel.type == "truc-tiep" and "address" in provider:
        out["serviceLocation"] = {"@type": "Place", "address": provider["address"]}
    if channel.note:
        out["description"] = channel.note
    return out


def government_service(procedure: Procedure, catalogue: Catalogue, page_url: str | None) -> dict:
    """``page_url``: absolute, or None when the catalogue has no ``site_url``."""
    p = procedure
    provider = organisation(catalogue.agencies[p.agency])
    out = {
        "@context": "https://schema.org",
        "@type": "GovernmentService",
        "name": p.name,
        "identifier": p.code,
        "provider": provider,
        "serviceOperator": provider,
        "serviceType": catalogue.fields[p.field].name,
        "availableChannel": [_channel(c, p, catalogue, provider) for c in p.channels],
    }
    if p.summary:
        out["description"] = p.summary
    if p.subjects:
        out["audience"] = [{"@type": "Audience", "audienceType": s} for s in p.subjects]
    if catalogue.info.province:
        out["areaServed"] = {"@type": "AdministrativeArea", "name": catalogue.info.province}
    offers = [{"@type": "Offer", "name": CHANNEL_NAMES[c.type], "description": c.fee} for c in p.channels if c.fee]
    if offers:
        out["offers"] = offers
    if page_url:
        out["url"] = page_url
    return out
