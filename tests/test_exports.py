"""Open data: every exported file agrees with the model, parses back, and keeps hostile text inert."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import jsonschema
import pytest

from conftest import FIXTURES, ROOT
from generator.exports import publish, table
from generator.exports.feed import LIMIT
from generator.exports.records import PublishedCatalogue
from generator.loader import load_catalogue
from generator.model import CatalogueInfo, Catalogue, Procedure
from generator.pages import SiteContent, generate
from generator.statistics import figures
from generator.text import file_size
from helpers import Elements, run_cli, serve

TEMPLATES = ROOT / "templates"
ATOM = "{http://www.w3.org/2005/Atom}"
LD_JSON = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def _load(directory: Path) -> Catalogue:
    result = load_catalogue(directory)
    assert result.ok, [str(d) for d in result.diagnostics]
    return result.catalogue


@pytest.fixture(scope="module")
def sample() -> tuple[Catalogue, SiteContent]:
    catalogue = _published_sample()
    return catalogue, generate(catalogue, TEMPLATES)


def _published_sample() -> Catalogue:
    """The sample as a province would publish it, at an address (the sample itself has none)."""
    catalogue = _load(ROOT / "procedures")
    catalogue.info = catalogue.info.model_copy(update={"site_url": "https://thutuc.example.com"})
    return catalogue


def _without_urls(record: dict) -> dict:
    out = {k: v for k, v in record.items() if k != "url"}
    out["forms"] = [{k: v for k, v in f.items() if k != "url"} for f in record["forms"]]
    return out


def _by_code(catalogue: Catalogue) -> dict[str, Procedure]:
    return {e.procedure.code: e.procedure for e in catalogue.entries}


# --- procedures.json, its schema, one file per procedure -----------------------------------


def test_procedures_json_validates_against_the_published_schema(sample) -> None:
    _, content = sample
    schema = json.loads(content.data[publish.SCHEMA])
    data = json.loads(bytes(content.data[publish.CATALOGUE_JSON]))
    jsonschema.Draft202012Validator.check_schema(schema)
    jsonschema.Draft202012Validator(schema).validate(data)
    # The schema says something: a procedure without a code or with level 7 is rejected.
    broken = json.loads(bytes(content.data[publish.CATALOGUE_JSON]))
    del broken["procedures"][0]["code"]
    broken["procedures"][1]["level"] = 7
    errors = list(jsonschema.Draft202012Validator(schema).iter_errors(broken))
    assert {e.validator for e in errors} >= {"required", "maximum"}


def test_procedures_json_round_trips_the_model(sample) -> None:
    catalogue, content = sample
    text = bytes(content.data[publish.CATALOGUE_JSON])
    assert PublishedCatalogue.model_validate_json(text)  # the published model reads its own file
    data = json.loads(text)
    assert CatalogueInfo.model_validate(data["catalogue"]) == catalogue.info
    assert data["statistics"] == figures(catalogue)
    codes = [r["code"] for r in data["procedures"]]
    assert codes == sorted(_by_code(catalogue)) and len(codes) == len(catalogue.entries)
    assets = {a.path for a in content.assets}
    pages = {p.path for p in content.pages}
    for record in data["procedures"]:
        procedure = _by_code(catalogue)[record["code"]]
        assert Procedure.model_validate(_without_urls(record)) == procedure
        assert set(record) >= set(Procedure.model_fields)  # absent keys are there, as null or []
        assert record["url"] == f"thu-tuc/{procedure.code}/" and f"{record['url']}index.md" in pages
        for form in record["forms"]:
            assert form["url"] in assets
    assert any(r["forms"] for r in data["procedures"])


def test_each_procedure_file_equals_its_entry(sample) -> None:
    catalogue, content = sample
    entries = json.loads(bytes(content.data[publish.CATALOGUE_JSON]))["procedures"]
    files = {p: t for p, t in content.data.items() if p.startswith(publish.ONE_FOLDER + "/")}
    assert len(files) == len(entries) == len(catalogue.entries)
    for record in entries:
        assert json.loads(bytes(files[publish.one_path(record["code"])])) == record


def test_exports_are_byte_deterministic(sample) -> None:
    catalogue, content = sample
    again = generate(_published_sample(), TEMPLATES)
    exported = {p: t for p, t in content.data.items() if p.startswith(publish.FOLDER + "/")}
    assert exported and exported == {p: t for p, t in again.data.items() if p.startswith(publish.FOLDER + "/")}


# --- procedures.csv -----------------------------------------------------------------------


def _csv_rows(data: bytes) -> list[dict]:
    assert data.startswith(table.BOM.encode("utf-8"))
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_csv_has_one_row_per_procedure_matching_the_model(sample) -> None:
    catalogue, content = sample
    data = bytes(content.data[publish.CSV])
    text = data.decode("utf-8")
    assert text.split("\r\n", 1)[0] == table.BOM + ",".join(table.COLUMNS) and text.endswith("\r\n")
    rows = _csv_rows(data)
    assert list(rows[0]) == list(table.COLUMNS)
    by_code = _by_code(catalogue)
    assert [r["code"] for r in rows] == sorted(by_code)
    for row in rows:
        p = by_code[row["code"]]
        assert row["name"] == p.name
        assert row["level"] == str(p.level)
        assert (row["field_id"], row["field_name"]) == (p.field, catalogue.fields[p.field].name)
        assert (row["agency_id"], row["agency_name"]) == (p.agency, catalogue.agencies[p.agency].name)
        assert row["tiers"].split(";") == p.tiers
        assert row["online_url"] == (p.online_url or "")
        fees = [line.split(": ", 1)[1] for line in row["fee"].splitlines()]
        assert fees == [c.fee for c in p.channels if c.fee]
        assert (int(row["documents"]), int(row["forms"])) == (len(p.documents), len(p.forms))
        assert row["updated"] == (p.updated or "")
        assert row["url"] == f"thu-tuc/{p.code}/"


@pytest.mark.parametrize("value, expected", [
    ("=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"), ("+1", "'+1"), ("-2+3", "'-2+3"),
    ("@SUM(A1)", "'@SUM(A1)"), ("\tx", "'\tx"), ("Miễn lệ phí", "Miễn lệ phí"), ("1.001193", "1.001193"),
    (None, ""), (4, "4"),
])
def test_csv_cells_cannot_start_a_formula(value, expected) -> None:
    assert table.cell(value) == expected


def test_csv_defuses_a_formula_in_a_procedure_name(base_catalogue: Path) -> None:
    source = base_catalogue / "ho-tich" / "1.001193.yml"
    formula = '=HYPERLINK("https://evil.example","Bấm vào đây")'
    source.write_text(source.read_text(encoding="utf-8").replace(
        "name: Đăng ký khai sinh", "name: '" + formula.replace("'", "''") + "'"), encoding="utf-8")
    content = generate(_load(base_catalogue), TEMPLATES)
    row = next(r for r in _csv_rows(bytes(content.data[publish.CSV])) if r["code"] == "1.001193")
    assert row["name"] == "'" + formula
    assert json.loads(bytes(content.data[publish.one_path("1.001193")]))["name"] == formula


# --- Atom feed ------------------------------------------------------------------------------


def _feed(content: SiteContent) -> ET.Element:
    return ET.fromstring(content.data[publish.FEED])


def test_feed_is_atom_sorted_by_date_and_dated_by_its_newest_procedure(sample) -> None:
    catalogue, content = sample
    root = _feed(content)
    assert root.tag == f"{ATOM}feed"
    entries = root.findall(f"{ATOM}entry")
    dated = [p for p in _by_code(catalogue).values() if p.updated]
    assert 0 < len(entries) == min(len(dated), LIMIT)
    updated = [e.findtext(f"{ATOM}updated") for e in entries]
    assert updated == sorted(updated, reverse=True)
    newest = max(p.updated for p in dated)
    assert root.findtext(f"{ATOM}updated") == updated[0] and updated[0].startswith(newest + "T")
    site = catalogue.info.site_url.rstrip("/")
    for entry in entries:
        link = entry.find(f"{ATOM}link").get("href")
        code = link.removeprefix(site + "/thu-tuc/").rstrip("/")
        assert entry.findtext(f"{ATOM}title") == _by_code(catalogue)[code].name
        assert entry.findtext(f"{ATOM}id").startswith(f"tag:{site.split('//')[1]},")
    assert len({e.findtext(f"{ATOM}id") for e in entries}) == len(entries)


def test_feed_keeps_the_newest_fifty_and_needs_no_site_url(base_catalogue: Path) -> None:
    source = (base_catalogue / "chung-thuc" / "2.000815.yml").read_text(encoding="utf-8")
    for n in range(60):
        day = f"2025-{n % 12 + 1:02d}-{n % 28 + 1:02d}"
        text = source.replace('code: "2.000815"', f'code: "9.{n:06d}"').rstrip("\n") + f'\nupdated: "{day}"\n'
        (base_catalogue / "chung-thuc" / f"9.{n:06d}.yml").write_text(text, encoding="utf-8")
    catalogue = _load(base_catalogue)
    assert catalogue.info.site_url is None
    root = _feed(generate(catalogue, TEMPLATES))
    entries = root.findall(f"{ATOM}entry")
    assert len(entries) == LIMIT
    keys = [(e.findtext(f"{ATOM}updated"), e.findtext(f"{ATOM}id")) for e in entries]
    dates = sorted((p.updated for p in _by_code(catalogue).values() if p.updated), reverse=True)
    assert [k[0][:10] for k in keys] == dates[:LIMIT]
    assert root.findtext(f"{ATOM}id").startswith("tag:bo-thu-tuc-kiem-thu,")
    assert all(e.find(f"{ATOM}link").get("href").startswith("../thu-tuc/") for e in entries)


def test_feed_stays_well_formed_with_characters_xml_cannot_carry(base_catalogue: Path) -> None:
    source = base_catalogue / "ho-tich" / "1.001193.yml"
    source.write_text(source.read_text(encoding="utf-8").replace(
        "name: Đăng ký khai sinh", 'name: "Đăng ký\\x01 khai sinh"'), encoding="utf-8")
    catalogue = _load(base_catalogue)
    assert _by_code(catalogue)["1.001193"].name == "Đăng ký\x01 khai sinh"  # YAML lets an editor write it
    titles = [e.findtext(f"{ATOM}title") for e in _feed(generate(catalogue, TEMPLATES)).findall(f"{ATOM}entry")]
    assert "Đăng ký\ufffd khai sinh" in titles


# --- procedures.jsonld (CPSV-AP) --------------------------------------------------------------


def test_cpsv_ap_services_have_the_mandatory_properties(sample) -> None:
    catalogue, content = sample
    data = json.loads(bytes(content.data[publish.CPSV]))
    context = data["@context"]
    assert isinstance(context, dict)  # inline: reading it fetches nothing
    assert context["cpsv"] == "http://purl.org/vocab/cpsv#" and context["cv"] == "http://data.europa.eu/m8g/"
    nodes = data["@graph"]
    organisations = {n["@id"] for n in nodes if n["@type"] == "cv:PublicOrganisation"}
    services = [n for n in nodes if n["@type"] == "cpsv:PublicService"]
    assert len(services) == len(catalogue.entries)
    by_code = _by_code(catalogue)
    for service in services:
        for key in ("dct:identifier", "dct:title", "dct:description", "cv:hasCompetentAuthority"):
            assert service.get(key), (service["@id"], key)
        p = by_code[service["dct:identifier"]["@value"]]
        assert service["dct:title"] == p.name
        assert service["cv:hasCompetentAuthority"]["@id"] in organisations
        assert len(service["cv:hasChannel"]) == len(p.channels)
        assert len(service.get("cpsv:hasInput", [])) == len(p.documents)
        assert len(service.get("cv:hasLegalResource", [])) == len(p.legal_basis)


# --- the built site: schema.org in pages, the feed link, the data page -------------------------


def test_procedure_pages_carry_a_government_service(sample_site: Path) -> None:
    catalogue = _load(ROOT / "procedures")
    for p in _by_code(catalogue).values():
        html = (sample_site / "thu-tuc" / p.code / "index.html").read_text(encoding="utf-8")
        blocks = LD_JSON.findall(html)
        assert len(blocks) == 1, p.code
        data = json.loads(blocks[0])
        assert (data["@context"], data["@type"]) == ("https://schema.org", "GovernmentService")
        assert (data["name"], data["identifier"]) == (p.name, p.code)
        assert data.get("description") == p.summary
        agency = catalogue.agencies[p.agency]
        assert data["provider"]["@type"] == "GovernmentOrganization" and data["provider"]["name"] == agency.name
        assert data["serviceType"] == catalogue.fields[p.field].name
        assert data["areaServed"]["name"] == catalogue.info.province
        assert [c["name"] for c in data["availableChannel"]] == [
            {"truc-tiep": "Trực tiếp", "truc-tuyen": "Trực tuyến", "buu-chinh": "Qua bưu chính"}[c.type]
            for c in p.channels]
        assert [o["description"] for o in data.get("offers", [])] == [c.fee for c in p.channels if c.fee]
        assert [a["audienceType"] for a in data.get("audience", [])] == p.subjects
        assert "url" not in data  # the sample has no site_url: no made-up absolute address
        if p.online_url and any(c.type == "truc-tuyen" for c in p.channels):
            assert p.online_url in [c.get("serviceUrl") for c in data["availableChannel"]]


def test_no_page_announces_an_alternate_and_the_data_page_is_complete(sample_site: Path) -> None:
    """The feed is linked from the data page, not announced in every head: Material's
    script fetches ``sitemap.xml`` beside every ``<link rel=alternate>`` (its language
    switcher), which for a feed is a 404 request on every page a phone opens."""
    pages = [p for p in sample_site.rglob("*.html")]
    assert len(pages) > 40
    for page in pages:
        assert not [a for t, a in Elements(page.read_text(encoding="utf-8")).tags
                    if t == "link" and a.get("rel") == "alternate"], page
    ET.parse(sample_site / publish.FEED)

    page = Elements((sample_site / "du-lieu" / "index.html").read_text(encoding="utf-8"))
    text = page.text
    for path in (publish.CATALOGUE_JSON, publish.SCHEMA, publish.CSV, publish.FEED, publish.CPSV):
        file = sample_site / path
        assert file.name in page.links(), path
        assert file_size(file.stat().st_size) in text, path
    published = list((sample_site / publish.ONE_FOLDER).glob("*.json"))
    assert f"{len(published)} tệp, tổng {file_size(sum(f.stat().st_size for f in published))}" in text
    assert (sample_site / publish.CSV).read_bytes().startswith(b"\xef\xbb\xbf")
    home = Elements((sample_site / "index.html").read_text(encoding="utf-8"))
    assert "du-lieu/" in home.links()
    nav = [a["href"] for t, a in home.tags if t == "a" and "md-nav__link" in a.get("class", "")]
    assert nav and not [h for h in nav if "du-lieu" in h]


# --- hostile text ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    """The hostile catalogue, dated so that its procedure is in the feed too."""
    root = tmp_path_factory.mktemp("hostile-exports")
    catalogue = root / "catalogue"
    shutil.copytree(FIXTURES / "hostile", catalogue)
    procedure = catalogue / "x" / "9.999999.yml"
    procedure.write_text(procedure.read_text(encoding="utf-8") + 'updated: "2026-11-25"\n', encoding="utf-8")
    run = run_cli("build", "--catalogue", str(catalogue), "--site-dir", str(root / "site"))
    assert run.returncode == 0, run.stderr
    return root / "site"


def test_hostile_text_stays_inside_the_json_ld_script(hostile_site: Path) -> None:
    catalogue = _load(hostile_site.parent / "catalogue")
    p = catalogue.entries[0].procedure
    html = (hostile_site / "thu-tuc" / p.code / "index.html").read_text(encoding="utf-8")
    blocks = LD_JSON.findall(html)
    assert len(blocks) == 1
    assert not re.search(r"[<>&]", blocks[0])
    data = json.loads(blocks[0])
    assert data["name"] == p.name and data["description"] == p.summary
    assert data["provider"]["email"] == catalogue.agencies[p.agency].email
    # Nothing after the block was cut off: the page's own scripts and closing tags follow.
    assert html.count("</script>") == html.count("<script")


def test_hostile_text_stays_text_in_the_feed_and_data_files(hostile_site: Path) -> None:
    catalogue = _load(hostile_site.parent / "catalogue")
    p = catalogue.entries[0].procedure
    root = ET.parse(hostile_site / publish.FEED).getroot()
    assert root.findtext(f"{ATOM}title").startswith(catalogue.info.title)
    [entry] = root.findall(f"{ATOM}entry")
    assert entry.findtext(f"{ATOM}title") == p.name
    assert entry.find(f"{ATOM}category").get("label") == catalogue.fields[p.field].name
    record = json.loads((hostile_site / publish.one_path(p.code)).read_text(encoding="utf-8"))
    assert Procedure.model_validate(_without_urls(record)) == p
    [row] = _csv_rows((hostile_site / publish.CSV).read_bytes())
    assert row["name"] == p.name
    services = [n for n in json.loads((hostile_site / publish.CPSV).read_text(encoding="utf-8"))["@graph"]
                if n["@type"] == "cpsv:PublicService"]
    assert services[0]["dct:title"] == p.name


@pytest.mark.browser
def test_data_page_fits_a_360px_phone(browser, sample_site: Path) -> None:
    with serve(sample_site) as base:
        context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2, is_mobile=True)
        page = context.new_page()
        page.goto(base + "du-lieu/")
        assert page.locator("h1").inner_text().startswith("Dữ liệu mở")
        assert page.evaluate("document.documentElement.scrollWidth") <= 360
        context.close()


def test_link_preview_meta_of_every_page_are_escaped_text(hostile_site: Path, sample_site: Path) -> None:
    """Zalo and Facebook read og: and description meta: present on every generated page, never markup."""
    from html.parser import HTMLParser

    class Meta(HTMLParser):
        def __init__(self):
            super().__init__()
            self.found = {}

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "meta" and (attrs.get("property") or attrs.get("name")):
                self.found[attrs.get("property") or attrs.get("name")] = attrs.get("content")

    html = (hostile_site / "thu-tuc" / "9.999999" / "index.html").read_text(encoding="utf-8")
    parser = Meta()
    parser.feed(html)
    assert parser.found["og:title"].startswith("<script>alert('name')</script> & {{ 7*7 }}")  # as text, unescaped once
    assert parser.found["og:description"].startswith("# Không phải tiêu đề")
    assert "<script>alert" not in html.split("</head>")[0]  # the name never became a tag
    for page in (sample_site / "thu-tuc").glob("*/index.html"):
        found = Meta()
        found.feed(page.read_text(encoding="utf-8"))
        assert found.found.get("description") and found.found.get("og:title") and found.found.get("og:description")
