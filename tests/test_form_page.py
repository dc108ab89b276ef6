"""The fill-in form page (thu-tuc/<mã>/khai/<mẫu>/) in headless Chromium.

A test catalogue gives the base procedure's form one field of every type and a label
full of markup. The citizen fills it in wrong and right, prints it to PDF, downloads
the DOCX, saves and erases a draft; every request is recorded to prove nothing leaves
the page but the zip library, fetched from the site itself when the DOCX is asked for.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfReader

from conftest import copy_base
from helpers import Elements, run_cli, serve, squash

pytestmark = pytest.mark.browser

CODE = "1.001193"
FORM = "to-khai"
HOSTILE = "Ghi chú <b>đậm</b> {{ 7*7 }} [liên kết](http://evil.example) &amp;"
OPTION = 'Khác" onclick="alert(2)'
FIELDS = f"""    recipient: Ủy ban nhân dân xã Kiểm Thử
    fields:
      - heading: Thông tin người yêu cầu
      - name: ho-ten
        label: Họ, chữ đệm, tên người yêu cầu
        required: true
        help: Viết in hoa có dấu
      - name: ngay-sinh
        label: Ngày, tháng, năm sinh
        type: date
        required: true
      - name: gioi-tinh
        label: Giới tính
        type: choice
        options: [Nam, Nữ, {json.dumps(OPTION, ensure_ascii=False)}]
        required: true
      - name: so-dinh-danh
        label: Số định danh cá nhân
        type: id-number
        required: true
      - name: dien-thoai
        label: Số điện thoại
        type: phone
      - name: so-ban-sao
        label: Số bản sao yêu cầu cấp
        type: number
      - name: noi-cu-tru
        label: Nơi cư trú
        type: textarea
      - name: ghi-chu
        label: {json.dumps(HOSTILE, ensure_ascii=False)}
        help: "<script>alert(1)</script>"
      - name: cam-doan
        label: Tôi cam đoan những nội dung khai trên đây là đúng sự thật.
        type: checkbox
        required: true
"""
VALID = {"ho-ten": "NGUYỄN THỊ HỒNG ĐÀO", "ngay-sinh": "29/02/2024", "so-dinh-danh": "001204012345",
         "dien-thoai": "0912 345.678", "so-ban-sao": "2", "noi-cu-tru": "Bản Mường Phăng\nxã Mường Phăng"}


def _catalogue(target: Path) -> Path:
    catalogue = copy_base(target)
    source = catalogue / "ho-tich" / f"{CODE}.yml"
    text = source.read_text(encoding="utf-8")
    anchor = "    file: mau/to-khai.pdf\n"
    assert text.count(anchor) == 1
    source.write_text(text.replace(anchor, anchor + FIELDS), encoding="utf-8")
    return catalogue


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    """The test catalogue built for a web server and for file:// (the offline build)."""
    root = tmp_path_factory.mktemp("form-page")
    catalogue = _catalogue(root / "catalogue")
    sites = {}
    for name, flags in (("site", ()), ("offline", ("--offline",))):
        run = run_cli("build", "--catalogue", str(catalogue), "--site-dir", str(root / name), *flags)
        assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
        sites[name] = root / name
    return sites


@pytest.fixture(scope="module")
def server(built):
    with serve(built["site"]) as url:
        yield url


@pytest.fixture
def context(browser):
    context = browser.new_context(accept_downloads=True, locale="vi-VN")
    # window.print() opens a dialog; the test only needs to know it was called.
    context.add_init_script("window.print = function () { window.__printed = (window.__printed || 0) + 1; };")
    yield context
    context.close()


@pytest.fixture
def page(context, server):
    page = context.new_page()
    page.requests = []
    page.on("request", lambda request: page.requests.append(request.url))
    page.goto(f"{server}thu-tuc/{CODE}/khai/{FORM}/", wait_until="networkidle")
    page.loaded = len(page.requests)
    yield page
    outside = [url for url in page.requests if not url.startswith(server)]
    assert outside == [], f"requests to other hosts: {outside}"


def fill(page, values: dict[str, str]) -> None:
    for name, value in values.items():
        page.fill(f"#f-{name}", value)


def fill_valid(page) -> None:
    fill(page, VALID)
    page.get_by_label("Nữ", exact=True).check()
    page.locator("#f-cam-doan").check()


def check(page) -> None:
    page.get_by_role("button", name="Kiểm tra tờ khai").click()


def error(page, name: str) -> str:
    return page.locator(f"#f-{name}-error").inner_text()


def test_page_is_linked_escaped_and_labelled(built) -> None:
    site = built["site"]
    procedure = Elements((site / "thu-tuc" / CODE / "index.html").read_text(encoding="utf-8"))
    assert "khai/to-khai/" in procedure.links()
    html = (site / "thu-tuc" / CODE / "khai" / FORM / "index.html").read_text(encoding="utf-8")
    page = Elements(html)
    assert HOSTILE in page.text and "alert(1)" in page.text
    assert "<b>" not in html and "<script>alert" not in html
    assert not [a for _, a in page.tags if any(k.startswith("on") for k in a)]
    assert ('<input type="radio" name="gioi-tinh" id="f-gioi-tinh-3" value="Khác&#34; onclick=&#34;alert(2)"'
            in html)
    tags = [(t, a) for t, a in page.tags]
    ids = {a["id"] for _, a in tags if "id" in a}
    labelled = {a["for"] for t, a in tags if t == "label" and "for" in a}
    fields = [(i, attrs) for i, (tag, attrs) in enumerate(tags)
              if tag in ("input", "textarea") and attrs.get("id", "").startswith("f-")]
    assert len(fields) == 11  # nine fields, one of them three radio buttons
    for i, attrs in fields:
        wrapped = tags[i - 1][0] == "label"  # radios and checkboxes sit inside their label
        assert attrs["id"] in labelled or wrapped, attrs
        assert set(attrs["aria-describedby"].split()) <= ids, attrs
    assert "thu-tuc/1.001193/khai" not in (site / "index.html").read_text(encoding="utf-8")  # not in the nav


def test_wrong_values_are_shown_beside_the_fields_and_in_a_summary(page) -> None:
    fill(page, {"ngay-sinh": "31/02/2024", "so-dinh-danh": "00120401234", "dien-thoai": "091234567",
                "so-ban-sao": "2 bản"})
    check(page)
    expected = {
        "ho-ten": "Chưa điền mục này.",
        "ngay-sinh": "Ngày 31/02/2024 không có trên lịch; hãy xem lại ngày và tháng.",
        "gioi-tinh": "Hãy chọn một trong các lựa chọn.",
        "so-dinh-danh": "Số định danh cá nhân (số căn cước) phải có đúng 12 chữ số; bạn đã nhập 11 chữ số.",
        "dien-thoai": "Số điện thoại chưa đúng: cần 10 chữ số bắt đầu bằng 0 (ví dụ 0912 345 678), "
                      "hoặc +84 và 9 chữ số.",
        "so-ban-sao": "Chỉ nhập chữ số (0–9).",
        "cam-doan": "Hãy đánh dấu vào ô này.",
    }
    for name, message in expected.items():
        assert error(page, name) == message
        assert page.locator(f"#f-{name}").get_attribute("aria-invalid") == "true"
    for name in ("noi-cu-tru", "ghi-chu"):
        assert error(page, name) == ""
        assert page.locator(f"#f-{name}").get_attribute("aria-invalid") is None
    assert page.evaluate("document.activeElement.id") == "kb-errors"
    assert page.locator("#kb-errors-title").inner_text() == "Tờ khai còn 7 chỗ cần sửa:"
    links = page.locator("#kb-errors-list a")
    assert links.all_inner_texts()[1] == "Ngày, tháng, năm sinh: " + expected["ngay-sinh"]
    assert links.all_inner_texts()[-1] == ("Tôi cam đoan những nội dung khai trên đây là đúng sự thật: "
                                           + expected["cam-doan"])
    assert page.locator("#kb-errors").evaluate("e => e.parentElement.getAttribute('aria-live')") == "assertive"
    links.nth(3).click()
    assert page.evaluate("document.activeElement.id") == "f-so-dinh-danh"
    page.fill("#f-so-dinh-danh", "001204012345")
    page.locator("#f-so-dinh-danh").blur()
    assert error(page, "so-dinh-danh") == ""
    assert page.locator("#f-so-dinh-danh").get_attribute("aria-invalid") is None
    fill(page, {"ngay-sinh": "2024-02-01"})
    check(page)
    assert error(page, "ngay-sinh") == "Hãy viết ngày theo dạng ngày/tháng/năm, ví dụ 05/09/2024."
    assert page.evaluate("window.__printed") is None
    page.get_by_role("button", name="In tờ khai").click()
    assert page.evaluate("window.__printed") is None  # nothing printed while errors remain
    assert page.requests[page.loaded:] == []


@pytest.mark.parametrize("typed, shown", [("5.9.2024", "05/09/2024"), ("05092024", "05/09/2024")])
def test_dates_typed_without_slashes_are_accepted(page, typed: str, shown: str) -> None:
    fill_valid(page)
    fill(page, {"ngay-sinh": typed})
    check(page)
    assert page.locator("#f-ngay-sinh").input_value() == shown


def test_valid_form_prints_as_an_official_sheet(page, tmp_path: Path) -> None:
    fill_valid(page)
    fill(page, {"dien-thoai": "+84 912 345 678"})
    check(page)
    assert page.locator("#kb-errors").is_hidden()
    assert page.locator("[aria-invalid]").count() == 0
    assert page.locator("#kb-status").inner_text() == "Tờ khai đã điền đúng. Bạn có thể in hoặc tải tờ khai về."
    page.get_by_role("button", name="In tờ khai").click()
    assert page.evaluate("window.__printed") == 1
    page.emulate_media(media="print")
    assert page.locator("#kb-form").is_hidden() and page.locator(".md-header").is_hidden()
    # Where the serif font lacks a letter (Debian's Liberation 1.x has no ộ, ự, ử), Chromium
    # draws it from another font and pypdf reads a space at each font change: compare without spaces.
    text = squash(PdfReader(io.BytesIO(page.pdf(format="A4"))).pages[0].extract_text())
    for expected in ("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                     "TỜ KHAI ĐĂNG KÝ KHAI SINH", "Kính gửi: Ủy ban nhân dân xã Kiểm Thử",
                     "Họ, chữ đệm, tên người yêu cầu: NGUYỄN THỊ HỒNG ĐÀO", "Ngày, tháng, năm sinh: 29/02/2024",
                     "Giới tính: Nữ", "Số định danh cá nhân: 001204012345", "Số điện thoại: +84 912 345 678",
                     "Bản Mường Phăng xã Mường Phăng", HOSTILE + ":", "ngày …… tháng …… năm ……",
                     "☒ Tôi cam đoan những nội dung khai trên đây là đúng sự thật.",
                     "NGƯỜI YÊU CẦU", "(Ký, ghi rõ họ, chữ đệm, tên)"):
        assert squash(expected) in text, (expected, text)
    assert squash("Kiểm tra tờ khai") not in text and squash("Lưu nháp") not in text
    assert page.requests[page.loaded:] == []


def test_download_writes_the_values_into_a_docx(page, server, tmp_path: Path) -> None:
    fill_valid(page)
    page.fill("#f-ghi-chu", "</w:t><w:p>&amp; <b>")
    assert not page.evaluate("'fflate' in window")  # loaded only when asked for
    with page.expect_download() as info:
        page.get_by_role("button", name="Tải tờ khai đã điền (DOCX)").click()
    download = info.value
    assert download.suggested_filename == f"{CODE}-{FORM}.docx"
    path = tmp_path / download.suggested_filename
    download.save_as(path)
    lines = [p.text for p in Document(str(path)).paragraphs]
    assert lines[:5] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc",
                         "TỜ KHAI ĐĂNG KÝ KHAI SINH", "Kính gửi: Ủy ban nhân dân xã Kiểm Thử",
                         "Thông tin người yêu cầu"]
    assert lines[-3:] == ["…………, ngày …… tháng …… năm ……", "NGƯỜI YÊU CẦU", "(Ký, ghi rõ họ, chữ đệm, tên)"]
    assert "Họ, chữ đệm, tên người yêu cầu: NGUYỄN THỊ HỒNG ĐÀO" in lines
    assert "Số điện thoại: 0912 345.678" in lines
    assert "Nơi cư trú: Bản Mường Phăng\nxã Mường Phăng" in lines
    assert f"{HOSTILE}: </w:t><w:p>&amp; <b>" in lines
    assert "☒ Tôi cam đoan những nội dung khai trên đây là đúng sự thật." in lines
    assert page.requests[page.loaded:] == [f"{server}assets/vendor/fflate.min.js"]


def test_blank_optional_fields_become_dotted_lines(page, tmp_path: Path) -> None:
    fill_valid(page)
    with page.expect_download() as info:
        page.get_by_role("button", name="Tải tờ khai đã điền (DOCX)").click()
    info.value.save_as(tmp_path / "blank.docx")
    lines = [p.text for p in Document(str(tmp_path / "blank.docx")).paragraphs]
    assert f"{HOSTILE}: ……………………………………………………" in lines


def test_draft_is_kept_only_when_asked_and_erased(page) -> None:
    key = f"tthc-khai:{CODE}:{FORM}"
    fill_valid(page)
    assert page.evaluate("localStorage.length") == 0  # typing stores nothing
    page.get_by_role("button", name="Lưu nháp").click()
    assert json.loads(page.evaluate(f"localStorage.getItem('{key}')"))["values"]["ho-ten"] == VALID["ho-ten"]
    page.reload()
    assert page.locator("#kb-draft").inner_text().startswith("Đã mở lại bản nháp bạn lưu trên máy này lúc ")
    for name, value in VALID.items():
        assert page.locator(f"#f-{name}").input_value() == value
    assert page.get_by_label("Nữ", exact=True).is_checked() and page.locator("#f-cam-doan").is_checked()
    page.get_by_role("button", name="Xóa nháp").click()
    assert page.evaluate(f"localStorage.getItem('{key}')") is None
    assert page.locator("#f-ho-ten").input_value() == ""
    assert page.locator("#kb-draft").inner_text() == "Đã xóa bản nháp và mọi thông tin đã điền khỏi máy này."
    page.reload()
    assert page.locator("#f-ho-ten").input_value() == "" and page.locator("#kb-draft").inner_text() == ""


def test_fits_a_360_px_phone(page) -> None:
    page.set_viewport_size({"width": 360, "height": 740})
    check(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    for selector in ("#f-ho-ten", "#f-noi-cu-tru", "#kb-docx", "#kb-errors"):
        box = page.locator(selector).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 360, selector


def test_offline_build_works_from_disk(context, built, tmp_path: Path) -> None:
    page = context.new_page()
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto((built["offline"] / "thu-tuc" / CODE / "khai" / FORM / "index.html").as_uri())
    fill_valid(page)
    with page.expect_download() as info:
        page.get_by_role("button", name="Tải tờ khai đã điền (DOCX)").click()
    info.value.save_as(tmp_path / "offline.docx")
    assert "Giới tính: Nữ" in [p.text for p in Document(str(tmp_path / "offline.docx")).paragraphs]
    assert all(url.startswith("file://") for url in requests), requests
    assert any(url.endswith("/assets/vendor/fflate.min.js") for url in requests)


def test_no_wcag_21_aa_violation_with_errors_shown(page) -> None:
    """axe-core as in tests/test_accessibility.py, on the blank form and with its errors showing."""
    from axe_playwright_python import sync_playwright as axe
    options = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
               "resultTypes": ["violations"]}
    for width in (360, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        page.reload(wait_until="networkidle")
        assert axe.Axe().run(page, options=options).response["violations"] == []
        fill(page, {"ngay-sinh": "31/02/2024"})
        check(page)
        assert page.locator("#kb-errors").is_visible()
        # Focus scrolled the page: Material fades the page title into the header (0.25 s);
        # audited mid-fade, its half-transparent text would be measured as low contrast.
        page.wait_for_function("""() => [...document.querySelectorAll('[data-md-component="header-topic"]')]
            .every(e => ["0", "1"].includes(getComputedStyle(e).opacity))""")
        violations = axe.Axe().run(page, options=options).response["violations"]
        assert [(v["id"], [n["target"] for n in v["nodes"]]) for v in violations] == []
