"""The site as a citizen with a cheap phone uses it: start from a task, check a dossier.

Headless Chromium at a 390 px phone viewport with touch, against the sample site.
"""

from __future__ import annotations

from urllib.parse import quote

import pytest

from helpers import fill_every_field

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


FORM = "thu-tuc/1.001193/khai/to-khai-dang-ky-khai-sinh/"

def test_the_fill_in_form_is_a_button_beside_the_document_it_fills(phone, sample_server) -> None:
    phone.goto(sample_server + "thu-tuc/1.001193/")
    item = phone.locator(".tthc-checklist li", has_text="Tờ khai đăng ký khai sinh")
    button = item.locator("a.tthc-fill")
    assert button.inner_text() == "Khai trực tuyến"
    box = button.bounding_box()
    assert box["height"] >= 24 and box["width"] >= 24  # WCAG 2.2 target size
    assert button.get_attribute("href").endswith("khai/to-khai-dang-ky-khai-sinh/")
    assert "0 bản sao" not in phone.inner_text(".tthc-checklist")  # only what is needed


def test_a_birth_date_in_the_future_is_refused(phone, sample_server) -> None:
    phone.goto(sample_server + FORM)
    fill_every_field(phone)
    birth = phone.locator(".kb-field[data-past] input").first
    birth.fill("01/01/2999")
    phone.click("text=Kiểm tra tờ khai")
    assert "chưa tới" in phone.inner_text("#kb-errors-list")
    birth.fill("01/01/2024")
    phone.click("text=Kiểm tra tờ khai")
    assert phone.locator("#kb-errors-list li").count() == 0


def test_the_filled_form_prints_on_one_a4_sheet(browser, sample_server) -> None:
    import io

    from pypdf import PdfReader

    page = browser.new_page()
    for path in ("thu-tuc/1.001193/khai/to-khai-dang-ky-khai-sinh/", "thu-tuc/1.004837/khai/to-khai-dang-ky-giam-ho/"):
        page.goto(sample_server + path)
        fill_every_field(page)
        page.click("text=Kiểm tra tờ khai")
        assert page.locator("#kb-errors-list li").count() == 0
        page.emulate_media(media="print")
        assert len(PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True))).pages) == 1, path
        page.emulate_media(media="screen")
    page.close()


def test_a_citizen_walks_an_event_step_by_step_on_a_phone(phone, sample_server) -> None:
    """Home → the event → its first step's procedure → the next step, by taps on a 390 px phone."""
    phone.goto(sample_server)
    phone.locator(".tthc-home-events a", has_text="Sinh con").tap()
    phone.wait_for_url("**/su-kien/sinh-con/")
    steps = phone.locator(".tthc-stepnav__step")
    assert steps.count() == 3
    assert phone.locator(".tthc-stepnav__number").all_inner_texts() == ["Bước 1", "Bước 2", "Bước 3"]
    assert "không bắt buộc" in steps.nth(1).inner_text() and "không bắt buộc" not in steps.nth(0).inner_text()
    assert "Nơi nộp" in steps.nth(0).inner_text() and "Thời hạn" in steps.nth(0).inner_text()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    first = steps.nth(0).locator(".tthc-stepnav__title a")
    box = first.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 390
    first.tap()
    phone.wait_for_url("**/thu-tuc/1.001193/")
    where = phone.locator(".tthc-inevent")
    assert "Bước 1/3" in where.inner_text()
    assert where.locator("a", has_text="Sinh con").get_attribute("href") == "../../su-kien/sinh-con/"
    assert where.locator("a[rel=prev]").count() == 0
    where.locator("a[rel=next]").tap()
    phone.wait_for_url("**/thu-tuc/2.001023/")
    where = phone.locator(".tthc-inevent")
    assert "Bước 2/3" in where.inner_text() and "không bắt buộc" in where.inner_text()
    assert where.locator("a[rel=prev]").get_attribute("href") == "../1.001193/"
    where.locator("a[rel=next]").tap()
    phone.wait_for_url("**/thu-tuc/1.004222/")
    assert "Bước 3/3" in phone.locator(".tthc-inevent", has_text="Sinh con").inner_text()
    phone.locator(".tthc-inevent", has_text="Sinh con").locator("a", has_text="Sinh con").tap()
    phone.wait_for_url("**/su-kien/sinh-con/")


def test_searching_for_an_event_finds_its_page(phone, sample_server) -> None:
    phone.goto(sample_server + "tim-kiem/?q=" + quote("nguoi than qua doi"))
    phone.wait_for_selector("#tthc-results[data-state=done]", state="attached")
    link = phone.locator("#tthc-pages a", has_text="Người thân qua đời")
    assert link.get_attribute("href").endswith("su-kien/nguoi-than-qua-doi/")
    assert phone.request.get(link.evaluate("e => e.href")).ok


def test_search_shows_the_closest_events_in_one_line(phone, sample_server) -> None:
    """Events as one short line of links above the results, which stay on the phone's first screen."""
    phone.goto(sample_server + "tim-kiem/?q=" + quote("lam giay to khi sinh con"))
    phone.wait_for_selector("#tthc-results[data-state=done]", state="attached")
    assert phone.locator("#tthc-pages .tthc-pages__events").inner_text() == "Sự kiện liên quan: Sinh con"
    first = phone.locator("#tthc-results li").first.bounding_box()
    assert first["y"] + first["height"] < 844, "the first result is below the phone's first screen"
