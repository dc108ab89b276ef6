"""The site as a citizen with a cheap phone uses it: start from a task, check a dossier.

Headless Chromium at a 390 px phone viewport with touch, against the sample site.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True, "device_scale_factor": 2}


@pytest.fixture
def phone(browser):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    yield page
    context.close()


def test_the_home_page_search_field_is_on_the_first_screen_of_a_phone_and_searches(phone, sample_server) -> None:
    phone.goto(sample_server)
    field = phone.locator("#tthc-home-q")
    assert field.is_visible()
    box = field.bounding_box()
    assert box["y"] + box["height"] <= 844 and box["height"] >= 44  # visible without a tap, easy to hit
    field.tap()
    field.fill("lam giay khai sinh")
    phone.keyboard.press("Enter")
    phone.wait_for_selector("#tthc-results[data-state=done]", state="attached")
    assert phone.locator("#tthc-results li").first.get_attribute("data-code") == "1.001193"


def test_the_home_page_starts_from_tasks_and_stays_short(phone, sample_server) -> None:
    phone.goto(sample_server)
    tasks = phone.locator(".tthc-tasks a")
    assert 4 <= tasks.count() <= 8
    assert tasks.first.inner_text() == "Đăng ký khai sinh"  # a task, not “Thủ tục đăng ký khai sinh”
    for href in tasks.evaluate_all("els => els.map(e => e.href)"):
        assert phone.request.get(href).ok
    assert phone.locator("a", has_text="Tra cứu hồ sơ đã nộp").is_visible()
    assert phone.evaluate("document.documentElement.scrollHeight") < 5 * 844


def test_the_dossier_look_up_writes_the_sms_for_the_number_typed(phone, sample_server) -> None:
    phone.goto(sample_server + "tra-cuu-ho-so/")
    link = phone.locator("#tthc-sms")
    assert link.get_attribute("href") == "sms:8188"
    phone.locator("#tthc-dossier").fill(" H12.34-240101-0001 ")
    assert link.get_attribute("href") == "sms:8188?&body=" + quote("TTHC H12.34-240101-0001", safe="")
    assert link.inner_text() == "Gửi tin “TTHC H12.34-240101-0001” tới 8188"
    web = phone.locator("a", has_text="Mở trang tra cứu hồ sơ")
    assert web.get_attribute("href") == "https://dichvucong.dienbien.gov.vn"
    assert "Không nhớ mã hồ sơ?" in phone.inner_text("article")


@pytest.mark.parametrize("path", ["", "thu-tuc/1.001193/", "hoi-dap/"])
def test_the_look_up_is_reached_from_home_every_procedure_and_the_faq(phone, sample_server, path) -> None:
    phone.goto(sample_server + path)
    href = phone.locator("a", has_text="Tra cứu hồ sơ đã nộp").first.evaluate("e => e.href")
    assert href.endswith("/tra-cuu-ho-so/") and phone.request.get(href).ok


def test_every_page_says_its_footer_in_vietnamese(phone, sample_site) -> None:
    pages = list(sample_site.rglob("*.html"))
    assert pages
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert "Made with" not in html, page
        if "md-copyright" in html:
            assert "Trang web được dựng tự động" in html, page


@pytest.mark.parametrize("query", ["tra cứu hồ sơ", "kiem tra ho so da nop", "hồ sơ của tôi đến đâu rồi"])
def test_searching_for_the_look_up_finds_it(phone, sample_server, query) -> None:
    phone.goto(sample_server + "tim-kiem/?q=" + quote(query))
    phone.wait_for_selector("#tthc-results[data-state=done]", state="attached")
    link = phone.locator("#tthc-pages a")
    assert link.inner_text() == "Tra cứu hồ sơ đã nộp"
    assert phone.request.get(link.evaluate("e => e.href")).ok
