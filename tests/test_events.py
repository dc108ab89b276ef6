"""Life events (events.yml): the event pages, each step's place on its procedure page, the home
page, search and the open data, on the test catalogue and on the sample."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import jsonschema
import pytest

from conftest import BASE, FIXTURES, ROOT
from generator.exports import publish
from generator.loader import load_catalogue
from generator.pages import Urls, generate
from generator.search import build_index, event_phrases
from helpers import Elements

TEMPLATES = ROOT / "templates"
EVENTS = """\
events:
  - id: giay-to
    title: Làm giấy tờ cho con <b>mới</b>
    summary: Khai sinh cho con rồi chứng thực bản sao {{ 7*7 }}.
    steps:
      - procedure: "1.001193"
        note: Trong 60 ngày <script>alert(1)</script>.
      - procedure: "9.100002"
      - procedure: "2.000815"
        optional: true
  - id: kinh-doanh
    title: Mở cửa hàng
    summary: Bản sao giấy tờ cho cửa hàng.
    type: kinh-doanh
    steps:
      - procedure: "2.000815"
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The test catalogue with two events, a draft among the steps."""
    catalogue = tmp_path_factory.mktemp("events") / "catalogue"
    shutil.copytree(BASE, catalogue)
    shutil.copytree(FIXTURES / "warning" / "events_draft-step" / "ho-tich", catalogue / "ho-tich", dirs_exist_ok=True)
    (catalogue / "events.yml").write_text(EVENTS, encoding="utf-8")
    result = load_catalogue(catalogue, display_root=catalogue)
    assert result.ok and sorted(d.key for d in result.diagnostics) == ["events[0].steps[1].procedure", "steps[0]"]
    assert [e.procedure.code for e in result.catalogue.drafts] == ["9.100002"]
    content = generate(result.catalogue, TEMPLATES)
    return result.catalogue, content, {p.path: p for p in content.pages}


def _doc(pages, path: str) -> Elements:
    return Elements(pages[path].markdown)


def _links_resolve(pages, path: str) -> list[str]:
    """Every relative link of a generated page, as the source path it points to."""
    urls = Urls(True)
    here = urls.url(path)
    out = []
    for href in _doc(pages, path).links():
        if href.startswith(("http", "#", "tel:", "mailto:")):
            continue
        target = Path("/", here, href.split("#")[0]).resolve().as_posix().lstrip("/")
        out.append(target + "/index.md" if target else "index.md")
    return out


def test_the_event_page_numbers_its_steps_in_order_with_their_facts(built) -> None:
    catalogue, _, pages = built
    page = pages["su-kien/giay-to/index.md"]
    assert page.title == "Làm giấy tờ cho con <b>mới</b>" and not page.in_nav
    doc = _doc(pages, page.path)
    steps = re.findall(r'<li class="tthc-stepnav__step" id="buoc-(\d)">\n<p class="tthc-stepnav__title">'
                       r'<span class="tthc-stepnav__number">Bước (\d)</span> (.*?)</p>', page.markdown)
    assert [(a, b) for a, b, _ in steps] == [("1", "1"), ("2", "2"), ("3", "3")]
    assert steps[0][2] == '<a href="../../thu-tuc/1.001193/">Đăng ký khai sinh</a>'
    assert steps[1][2] == "Đăng ký khai sinh lưu động"  # the draft: named, never linked
    assert steps[2][2].endswith('<span class="tthc-stepnav__optional">không bắt buộc</span>')
    assert "thu-tuc/9.100002" not in page.markdown
    text = doc.text
    assert "Trong 60 ngày <script>alert(1)</script>." in text  # the note, as text
    assert "<script>" not in page.markdown and "&lt;script&gt;" in page.markdown
    assert "Ủy ban nhân dân xã Kiểm Thử (trực tiếp, trực tuyến, qua bưu chính)" in text
    assert "Trực tiếp: Ngay trong ngày" in text and "Qua bưu chính: 3 ngày làm việc" in text
    assert "Miễn lệ phí" in text
    assert "Thông tin thủ tục này đang được cập nhật" in text  # the draft's facts are not published


def test_the_event_page_lists_the_documents_of_every_step_without_inventing_any(built) -> None:
    catalogue, _, pages = built
    markdown = pages["su-kien/giay-to/index.md"].markdown
    section = markdown[markdown.index('id="giay-to"'):]
    headings = re.findall(r'<h3 class="tthc-stepdocs__title" id="giay-to-buoc-(\d)">(.*?)</h3>', section)
    assert [n for n, _ in headings] == ["1", "2", "3"]
    birth = next(e.procedure for e in catalogue.entries if e.procedure.code == "1.001193")
    first = section[section.index('id="giay-to-buoc-1"'):section.index('id="giay-to-buoc-2"')]
    assert re.findall(r'tthc-checklist__name">(.*?)</span>', first) == [d.name for d in birth.documents]
    assert "(1 bản chính)" in first and "Nếu không có, thay bằng văn bản của người làm chứng" in first
    assert "Danh sách giấy tờ đang được cập nhật." in section  # the draft
    # 2.000815 has no documents: the page says so and where to ask, it lists nothing.
    last = section[section.index('id="giay-to-buoc-3"'):]
    assert "tthc-checklist__name" not in last and "hãy hỏi Ủy ban nhân dân xã Kiểm Thử" in last


def test_a_procedure_page_says_which_step_it_is_with_the_steps_around_it(built) -> None:
    _, _, pages = built
    birth = _doc(pages, "thu-tuc/1.001193/index.md")
    [nav] = re.findall(r'<nav class="tthc-inevent".*?</nav>', pages["thu-tuc/1.001193/index.md"].markdown, re.S)
    assert 'href="../../su-kien/giay-to/"' in nav and "Bước 1/3" in nav
    assert "Bước trước" not in nav
    assert "Bước tiếp theo: Đăng ký khai sinh lưu động (đang cập nhật)" in Elements(nav).text  # a draft: no link
    assert "9.100002" not in nav
    assert "Làm giấy tờ cho con <b>mới</b>" in birth.text
    copies = pages["thu-tuc/2.000815/index.md"].markdown
    navs = re.findall(r'<nav class="tthc-inevent".*?</nav>', copies, re.S)
    assert len(navs) == 2  # a step of both events
    assert "Bước 3/3" in navs[0] and "không bắt buộc" in navs[0]
    assert '<a rel="prev" href="../9.100002/">' not in navs[0] and "Bước trước: Đăng ký khai sinh lưu động" in \
        Elements(navs[0]).text
    assert "Bước 1/1" in navs[1] and "Bước trước" not in navs[1] and "Bước tiếp theo" not in navs[1]


def test_a_procedure_in_no_event_shows_no_event_block(built) -> None:
    catalogue, _, pages = built
    catalogue.events = []
    page = generate(catalogue, TEMPLATES).pages
    assert not [p.path for p in page if "tthc-inevent" in p.markdown or p.path.startswith("su-kien/")]
    assert "Làm theo sự kiện" not in next(p for p in page if p.path == "index.md").markdown


def test_the_home_page_lists_the_events_after_the_featured_procedures_and_before_browsing(built) -> None:
    _, _, pages = built
    home = pages["index.md"].markdown
    featured, events, browse = (home.index('id="thuong-dung"'), home.index('id="su-kien"'), home.index('id="linh-vuc"'))
    assert featured < events < browse
    block = home[events:browse]
    assert re.findall(r'<li><a href="([^"]+)">(.*?)</a></li>', block) == [
        ("su-kien/giay-to/", "Làm giấy tờ cho con &lt;b&gt;mới&lt;/b&gt;"), ("su-kien/kinh-doanh/", "Mở cửa hàng")]
    assert 'href="su-kien/"' in block


def test_the_list_of_events_and_every_link_of_the_event_pages_resolve(built) -> None:
    _, _, pages = built
    listing = _doc(pages, "su-kien/index.md")
    assert listing.links() == ["giay-to/", "kinh-doanh/"]
    assert "1 bước" in listing.text and "3 bước" in listing.text
    for path in ("su-kien/index.md", "su-kien/giay-to/index.md", "su-kien/kinh-doanh/index.md", "index.md",
                 "thu-tuc/1.001193/index.md", "thu-tuc/2.000815/index.md"):
        for target in _links_resolve(pages, path):
            if not target.startswith(("tim-kiem", "thu-tuc/1.001193/to-khai.pdf")):
                assert target in pages, f"{path} links to {target}"


def test_an_event_is_found_by_the_words_of_its_title_and_summary(built) -> None:
    catalogue, content, _ = built
    core = json.loads(content.data["search/core.js"].removeprefix("tthcSearch.core(").removesuffix(");\n"))
    pages = {page[1]: page for page in core["pages"]}
    title, path, phrases, kind = pages["su-kien/giay-to/"]
    assert (title, kind) == ("Làm giấy tờ cho con <b>mới</b>", "su-kien")
    assert "lam giay to cho con b moi b" in phrases and "khai sinh" in phrases and "chung thuc" in phrases
    assert "cac thu" not in phrases and "dang ki" not in " | ".join(phrases)  # no phrase of every procedure
    assert pages["tra-cuu-ho-so/"][0] == "Tra cứu hồ sơ đã nộp"  # the look-up keeps its place
    catalogue_without = type(catalogue)(info=catalogue.info, directory=catalogue.directory, entries=catalogue.entries)
    assert '"su-kien"' not in build_index(catalogue_without).core


@pytest.mark.parametrize("query, event", [("ket hon", "Kết hôn"), ("người thân qua đời", "Người thân qua đời"),
                                          ("khai tu", "Người thân qua đời"), ("sang tên xe", "Mua bán xe"),
                                          ("dang ky thuong tru", None)])
def test_the_sample_events_answer_what_people_type(query: str, event: str | None) -> None:
    """The phrase test tim-kiem.js applies to a service page of the published index: one of its
    phrases in the folded query. "thường trú" is in several events' summaries: it finds none."""
    from generator.search import fold

    core = build_index(load_catalogue(ROOT / "procedures").catalogue).core
    pages = json.loads(core[core.index("(") + 1:core.rindex(")")])["pages"]
    found = [p[0] for p in pages if len(p) > 3 and any(f" {w} " in f" {fold(query)} " for w in p[2])]
    assert found == ([event] if event else [])


def test_procedures_json_publishes_the_events_and_validates_against_its_schema(built) -> None:
    catalogue, content, _ = built
    data = json.loads(bytes(content.data[publish.CATALOGUE_JSON]))
    jsonschema.Draft202012Validator(json.loads(content.data[publish.SCHEMA])).validate(data)
    assert [e["id"] for e in data["events"]] == ["giay-to", "kinh-doanh"]
    first = data["events"][0]
    assert (first["title"], first["type"], first["url"]) == ("Làm giấy tờ cho con <b>mới</b>", "cong-dan",
                                                            "su-kien/giay-to/")
    assert [(s["procedure"], s["name"], s["url"], s["optional"]) for s in first["steps"]] == [
        ("1.001193", "Đăng ký khai sinh", "thu-tuc/1.001193/", False),
        ("9.100002", "Đăng ký khai sinh lưu động", None, False),  # a draft: no page to link
        ("2.000815", "Chứng thực bản sao từ bản chính", "thu-tuc/2.000815/", True)]
    assert first["steps"][0]["note"] == "Trong 60 ngày <script>alert(1)</script>."
    broken = json.loads(bytes(content.data[publish.CATALOGUE_JSON]))
    del broken["events"][0]["steps"]
    assert list(jsonschema.Draft202012Validator(json.loads(content.data[publish.SCHEMA])).iter_errors(broken))


def test_cpsv_ap_has_life_and_business_events_linked_both_ways_to_their_services(built) -> None:
    _, content, _ = built
    graph = json.loads(bytes(content.data[publish.CPSV]))["@graph"]
    events = {n["@id"]: n for n in graph if "cv:Event" in n["@type"]}
    services = {n["@id"]: n for n in graph if n["@type"] == "cpsv:PublicService"}
    life, business = events["../su-kien/giay-to/"], events["../su-kien/kinh-doanh/"]
    assert life["@type"] == ["cv:Event", "cv:LifeEvent"] and business["@type"] == ["cv:Event", "cv:BusinessEvent"]
    assert (life["dct:identifier"], life["dct:title"]) == ({"@value": "giay-to"}, "Làm giấy tờ cho con <b>mới</b>")
    assert life["dct:description"] == "Khai sinh cho con rồi chứng thực bản sao {{ 7*7 }}."
    assert life["cv:hasRelatedService"] == [{"@id": "../thu-tuc/1.001193/"}, {"@id": "../thu-tuc/2.000815/"}]
    assert business["cv:hasRelatedService"] == [{"@id": "../thu-tuc/2.000815/"}]
    for event_id, event in events.items():
        for ref in event["cv:hasRelatedService"]:
            assert {"@id": event_id} in services[ref["@id"]]["cv:isGroupedBy"]
    assert services["../thu-tuc/2.000815/"]["cv:isGroupedBy"] == [{"@id": "../su-kien/giay-to/"},
                                                                  {"@id": "../su-kien/kinh-doanh/"}]


def test_the_sample_has_the_events_the_brief_asks_for() -> None:
    result = load_catalogue(ROOT / "procedures", display_root=ROOT)
    assert result.diagnostics == []
    events = {e.id: e for e in result.catalogue.events}
    assert {"sinh-con", "ket-hon", "nguoi-than-qua-doi", "xay-nha", "mo-ho-kinh-doanh", "mua-ban-xe"} <= set(events)
    codes = {e.id: [s.procedure for s in e.steps] for e in events.values()}
    assert {"1.001193", "1.004222"} <= set(codes["sinh-con"])
    assert {"1.000656", "1.003197", "2.000821"} <= set(codes["nguoi-than-qua-doi"])
    assert "1.013225" in codes["xay-nha"] and "1.001612" in codes["mo-ho-kinh-doanh"]
    assert "1.013076" in codes["mua-ban-xe"] and "1.000894" in codes["ket-hon"]
    assert events["mo-ho-kinh-doanh"].type == "kinh-doanh"
    published = {e.procedure.code for e in result.catalogue.entries}
    assert all(s.procedure in published for e in events.values() for s in e.steps)  # every step has a page


def test_a_neighbouring_step_that_may_be_skipped_says_so(tmp_path) -> None:
    """Sinh con's second step (the joint birth-and-health-card procedure) replaces the first for
    some parents: the first step's "next" link must not send everyone to it unlabelled."""
    catalogue = load_catalogue(ROOT / "procedures").catalogue
    steps = {e.id: e.steps for e in catalogue.events}["sinh-con"]
    assert not steps[0].optional and steps[1].optional
    page = next(p for p in generate(catalogue, ROOT / "templates").pages
                if p.path == f"thu-tuc/{steps[0].procedure}/index.md")
    nav = page.markdown[page.markdown.index('class="tthc-inevent__next"'):]
    nav = nav[:nav.index("</p>")]
    assert nav.endswith('</a> <span class="tthc-stepnav__optional">không bắt buộc</span></span>')
