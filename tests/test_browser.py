"""A citizen's visit in headless Chromium (Debian's, driven by Playwright).

The site is served over HTTP on 127.0.0.1; every request the page makes is recorded
so the tests also prove nothing is fetched from another host.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import ROOT
from helpers import squash
from generator.loader import load_catalogue

pytestmark = pytest.mark.browser


@pytest.fixture
def page(browser, sample_server):
    context = browser.new_context(accept_downloads=True, locale="vi-VN")
    page = context.new_page()
    page.requests = []
    page.on("request", lambda request: page.requests.append(request.url))
    yield page
    outside = [url for url in page.requests if not url.startswith(sample_server) and not url.startswith("data:")]
    assert outside == [], f"requests to other hosts: {outside}"
    context.close()


@pytest.fixture(scope="module")
def sample():
    return load_catalogue(ROOT / "procedures").catalogue


@pytest.fixture(scope="module")
def procedure(sample):
    """The sample's first level-4 procedure that has a form to download."""
    return next(e for e in sample.entries if e.procedure.level == 4 and e.procedure.forms)


def test_procedure_page_shows_what_a_citizen_needs(page, sample_server, procedure) -> None:
    p = procedure.procedure
    page.goto(f"{sample_server}thu-tuc/{p.code}/")
    assert page.locator("h1").inner_text() == p.name
    assert page.title().startswith(p.name)
    assert page.locator(".tthc-level .tthc-badge").inner_text() == f"Mức {p.level}"
    online = page.get_by_role("link", name="Nộp hồ sơ trực tuyến")
    assert online.get_attribute("href") == p.online_url
    checklist = page.locator(".tthc-checklist li")
    assert checklist.count() == len(p.documents)
    assert checklist.first.locator(".tthc-checklist__name").inner_text() == p.documents[0].name
    box = checklist.first.locator("input[type=checkbox]")
    checklist.first.locator("label").click()
    assert box.is_checked()
    steps = page.locator(".tthc-steps li")
    assert steps.count() == len(p.steps)
    body = page.locator("article").inner_text()
    for channel in p.channels:
        for value in (channel.processing_time, channel.fee):
            if value:
                assert value in body
    assert "Cơ quan thực hiện" in body


def test_form_downloads_with_its_content(page, sample_server, procedure, tmp_path: Path) -> None:
    p = procedure.procedure
    form = p.forms[0]
    page.goto(f"{sample_server}thu-tuc/{p.code}/")
    link = page.locator("#mau-don ~ ul.tthc-forms a.tthc-download").first
    assert link.inner_text() == form.title
    with page.expect_download() as info:
        link.click()
    download = info.value
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.name.startswith(p.code + "-" + form.id)
    assert saved.read_bytes() == procedure.form_path(form).read_bytes()


@pytest.mark.parametrize("path", ["", "linh-vuc/", "linh-vuc/ho-tich/", "muc-do/4/", "hoi-dap/", "bieu-mau/",
                                  "thu-tuc/1.001193/", "tim-kiem/?q=khai+sinh", "thong-ke/"])
def test_pages_fit_a_360px_phone(browser, sample_server, path) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=2, is_mobile=True)
    page = context.new_page()
    page.goto(sample_server + path)
    if "?q=" in path:  # results and filters are drawn by script: measure them too
        page.wait_for_selector("#tthc-results[data-state=done] li", state="attached", timeout=20000)
        page.locator(".tthc-filters summary").click()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    context.close()


def test_procedure_page_fits_a_phone_and_prints_without_chrome(browser, sample_server, procedure) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    page = context.new_page()
    page.goto(f"{sample_server}thu-tuc/{procedure.procedure.code}/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    page.emulate_media(media="print")
    assert not page.locator(".md-header").is_visible()
    assert not page.locator(".md-sidebar--primary").is_visible()
    assert page.locator(".tthc-checklist").is_visible()
    context.close()


def test_procedure_prints_as_a_checklist_without_the_site_chrome(browser, sample_server, procedure) -> None:
    p = procedure.procedure
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    page.goto(f"{sample_server}thu-tuc/{p.code}/")
    chrome = [".md-header", ".tthc-header-search", ".md-sidebar--primary", ".md-sidebar--secondary", ".md-footer"]
    assert all(page.locator(c).first.is_visible() for c in chrome)
    article = squash(page.locator("article").inner_text())
    chrome_texts = {t.strip() for t in page.locator(".md-nav--primary .md-nav__link").all_text_contents()
                    + page.locator(".md-header__topic").first.all_text_contents()
                    + page.locator(".md-footer").all_text_contents() if t.strip()}
    chrome_only = sorted(t for t in chrome_texts if squash(t) not in article)
    assert {"Trang chủ", "Hỏi đáp", "Hướng dẫn", "Tìm kiếm"} <= set(chrome_only)

    page.emulate_media(media="print")
    assert [c for c in chrome if page.locator(c).first.is_visible()] == []
    boxes = page.locator(".tthc-checklist input[type=checkbox]")
    assert boxes.count() == len(p.documents)
    for i in range(boxes.count()):
        box = boxes.nth(i)
        assert box.is_visible() and not box.is_checked()
        border = box.evaluate("e => { const s = getComputedStyle(e); return [s.borderTopStyle, s.borderTopWidth, s.appearance] }")
        assert border[0] == "solid" and float(border[1].removesuffix("px")) >= 1 and border[2] == "none", border
    urls = page.eval_on_selector_all("article a[href^='http']", "els => els.filter(e => e.offsetParent)"
                                     ".map(e => e.getAttribute('href'))")
    assert urls

    pdf = squash("".join(pg.extract_text() for pg in PdfReader(io.BytesIO(page.pdf(format="A4"))).pages))
    assert squash(p.name) in pdf
    assert squash(f"Mã thủ tục {p.code}") in pdf
    assert [d.name for d in p.documents if squash(d.name) not in pdf] == []
    assert [u for u in urls if squash(f"({u})") not in pdf] == []
    assert [t for t in chrome_only if squash(t) in pdf] == []
    context.close()


def test_browse_pages_lead_to_the_procedure(page, sample_server, sample, procedure) -> None:
    p = procedure.procedure
    page.goto(sample_server)
    page.get_by_role("link", name="Theo lĩnh vực").click()
    page.locator(".tthc-groups a", has_text=sample.fields[p.field].name).first.click()
    page.get_by_role("link", name=p.name, exact=True).click()
    assert page.url.endswith(f"/thu-tuc/{p.code}/")
