"""Accessibility gates in headless Chromium: WCAG 2.2 AA (target size included) by axe-core, and keyboard only.

axe-core comes from the pinned PyPI package axe-playwright-python, which ships axe.min.js
in the wheel: the script is evaluated in the page, nothing is downloaded while testing.
Phone width and print are checked in tests/test_browser.py.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe


pytestmark = pytest.mark.browser

WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

# Pages audited by axe, each with selectors that prove the page shows what it should (a
# procedure with forms and the online button, a search with results) before it is audited.
# Add new page types here.
AUDITED_PAGES = [
    pytest.param("", ["main h1", "#tthc-home-q", ".tthc-tasks a"], id="trang-chu"),
    pytest.param("tra-cuu-ho-so/", ["#tthc-dossier", "#tthc-sms"], id="tra-cuu-ho-so"),
    pytest.param("tim-kiem/?q=nuoi+ca+sau+lam+canh", ["#tthc-results[data-state=done]", "#tthc-help a"],
                 id="tim-kiem-yeu"),
    pytest.param("tim-kiem/?q=tra+cuu+ho+so", ["#tthc-results[data-state=done]", "#tthc-pages a"], id="tim-kiem-trang"),
    pytest.param("thu-tuc/1.001193/", ["a.tthc-online", "a.tthc-download", ".tthc-checklist input"], id="thu-tuc"),
    pytest.param("linh-vuc/ho-tich/", [".tthc-list li"], id="linh-vuc"),
    pytest.param("hoi-dap/", ["main h2"], id="hoi-dap"),
    pytest.param("su-kien/", ["main h1", "main a[href*='sinh-con']"], id="su-kien"),
    pytest.param("su-kien/sinh-con/", ["main ol li a"], id="su-kien-sinh-con"),
    pytest.param("thu-tuc/1.001193/", [".tthc-inevent a"], id="thu-tuc-trong-su-kien"),
    pytest.param("tim-kiem/?q=nguoi+than+qua+doi", ["#tthc-results[data-state=done]", "#tthc-pages a"],
                 id="tim-kiem-su-kien"),
    pytest.param("tim-kiem/?q=khai+sinh", ["#tthc-results[data-state=done] li"], id="tim-kiem"),
    pytest.param("tim-kiem/?q=khai+sinh&level=3", ["#tthc-results[data-state=done] li", ".tthc-filters[open] select"],
                 id="tim-kiem-bo-loc"),
    pytest.param("thong-ke/", ["svg.tthc-chart__svg", ".tthc-stats-table td"], id="thong-ke"),
    pytest.param("du-lieu/", ["dl.tthc-files dd", "dl.tthc-columns dd"], id="du-lieu"),
    pytest.param("thu-tuc/1.001193/khai/to-khai-dang-ky-khai-sinh/", ["form input", "form button"], id="khai-bao"),
    pytest.param("khong-co-mang/?trang=%2Fthu-tuc%2F1.000894%2F", ["#tthc-offline-retry a", "a[href^='sms:']"],
                 id="khong-co-mang"),
]
VIEWPORTS = [pytest.param({"width": 1280, "height": 800}, id="may-tinh"),
             pytest.param({"width": 360, "height": 740}, id="dien-thoai")]

# Whether the element that has the keyboard focus shows it: an outline or a box shadow.
_FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const s = getComputedStyle(e);
  const outlined = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0;
  return {tag: e.tagName.toLowerCase(), id: e.id, cls: e.className, href: e.getAttribute("href"),
          text: (e.innerText || e.getAttribute("aria-label") || "").trim().slice(0, 60),
          visible: outlined || s.boxShadow !== "none"};
}"""


@pytest.fixture
def context(browser, sample_server):
    context = browser.new_context(locale="vi-VN")
    requests = []
    context.on("request", lambda request: requests.append(request.url))
    yield context
    assert [u for u in requests if not u.startswith(sample_server)] == [], "the audit fetched from another host"
    context.close()


def _violations(page) -> list[dict]:
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA},
                                       "resultTypes": ["violations"]})
    return results.response["violations"]


def _report(violations: list[dict]) -> str:
    """One block per rule: id, impact, help text, then every failing element's selector."""
    lines = [f"{len(violations)} WCAG 2.2 AA violation(s):"]
    for v in violations:
        lines.append(f"- {v['id']} [{v['impact']}] {v['help']} ({v['helpUrl']})")
        for node in v["nodes"]:
            target = " ".join(t if isinstance(t, str) else " >>> ".join(t) for t in node["target"])
            summary = " ".join((node.get("failureSummary") or "").split())
            lines.append(f"    {target}: {summary}")
    return "\n".join(lines)


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("path, shows", AUDITED_PAGES)
def test_page_has_no_wcag_22_aa_violation(context, sample_server, path, shows, viewport) -> None:
    page = context.new_page()
    page.set_viewport_size(viewport)
    page.goto(sample_server + path)
    for selector in shows:
        page.wait_for_selector(selector, state="attached", timeout=20000)
    violations = _violations(page)
    if violations:
        pytest.fail(_report(violations), pytrace=False)


def test_the_audit_reports_what_fails_and_where(context, sample_server) -> None:
    """The gate can fail: known defects are found, each named with its rule, impact, element and help."""
    page = context.new_page()
    page.goto(sample_server + "thu-tuc/1.001193/")
    # Styles through the CSSOM: the page's Content Security Policy refuses style attributes.
    page.evaluate("""() => { document.querySelector("article").insertAdjacentHTML("beforeend",
        '<p id="pale">Chữ mờ</p><img id="no-alt" src="data:,">' +
        '<p><button id="tiny" class="tiny">x</button><button class="tiny">y</button></p>');
        document.getElementById("pale").style.color = "#bbb";
        for (const b of document.querySelectorAll(".tiny")) b.style.cssText = "all:unset;width:10px;height:10px"; }""")
    violations = _violations(page)
    assert {v["id"] for v in violations} == {"color-contrast", "image-alt", "target-size"}
    report = _report(violations)
    assert "- image-alt [critical] Images must have alternative text" in report
    assert "- color-contrast [serious]" in report
    assert "    #no-alt: " in report and "    #pale: " in report and "    #tiny: " in report


def _tab_through(page, limit: int = 200) -> list[dict]:
    """Every element Tab reaches from the top of the page, in order, once round."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        focused = page.evaluate(_FOCUSED)
        if focused is None or (seen and focused == seen[0]):
            return seen
        seen.append(focused)
    pytest.fail(f"Tab never came back round after {limit} presses")


def _unoutlined(walk: list[dict]) -> list[dict]:
    return [f for f in walk if not f["visible"]]


def test_tab_reaches_the_header_search_and_enter_searches(context, sample_server) -> None:
    page = context.new_page()
    page.goto(sample_server)
    walk = _tab_through(page)
    boxes = [i for i, f in enumerate(walk) if f["tag"] == "input" and f["text"] == "Tìm thủ tục"]
    assert boxes and boxes[0] < 4, f"the header search box is not among the first Tab stops: {walk[:6]}"
    assert _unoutlined(walk) == []
    page.goto(sample_server)
    for _ in range(boxes[0] + 1):
        page.keyboard.press("Tab")
    page.keyboard.type("khai sinh")
    page.keyboard.press("Enter")
    page.wait_for_selector("#tthc-results[data-state=done] li", state="attached", timeout=20000)
    assert urlsplit(page.url).path.endswith("/tim-kiem/")
    assert page.locator("#tthc-q").input_value() == "khai sinh"


def test_search_page_works_with_the_keyboard_only(context, sample_server) -> None:
    page = context.new_page()
    page.goto(sample_server + "tim-kiem/")
    page.wait_for_selector("#tthc-results[data-state=done]", state="attached", timeout=20000)
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.id") == "tthc-q":
            break
    else:
        pytest.fail("Tab never reached the query field")
    assert page.evaluate(_FOCUSED)["visible"]
    page.keyboard.type("khai sinh")
    page.keyboard.press("Enter")
    page.wait_for_selector("#tthc-results[data-state=done] li", state="attached", timeout=20000)
    assert parse_qs(urlsplit(page.url).query)["q"] == ["khai sinh"]
    found = page.locator("#tthc-results li").count()

    # The filters sit in a closed <details>: Tab reaches its summary, Enter opens it,
    # then Tab reaches every select; arrow keys choose, which filters at once.
    page.locator("#tthc-q").focus()
    walk = []
    for _ in range(10):
        page.keyboard.press("Tab")
        walk.append(page.evaluate(_FOCUSED))
        if walk[-1]["tag"] == "summary":
            break
    else:
        pytest.fail(f"Tab never reached the filters' summary: {walk}")
    page.keyboard.press("Enter")
    selects = []
    for _ in range(4):
        page.keyboard.press("Tab")
        focused = page.evaluate(_FOCUSED)
        assert focused["tag"] == "select" and focused["visible"], focused
        selects.append(focused["id"])
    assert selects == ["tthc-filter-field", "tthc-filter-agency", "tthc-filter-tier", "tthc-filter-level"]
    page.keyboard.press("ArrowDown")
    page.wait_for_function("() => new URLSearchParams(location.search).has('level')")
    page.wait_for_selector("#tthc-results[data-state=done]", state="attached", timeout=20000)
    level = parse_qs(urlsplit(page.url).query)["level"][0]
    assert page.locator("#tthc-results li").count() < found
    metas = page.locator("#tthc-results li .tthc-list__meta").all_inner_texts()
    assert metas and all(f" · Mức {level} · " in m for m in metas), metas


def test_procedure_page_downloads_and_online_button_are_reached_by_tab(context, sample_server) -> None:
    page = context.new_page()
    page.goto(sample_server + "thu-tuc/1.001193/")
    targets = page.eval_on_selector_all("a.tthc-download, a.tthc-online",
                                        "els => els.map(e => [e.className, e.getAttribute('href')])")
    assert len([t for t in targets if "tthc-download" in t[0]]) >= 2 and any("tthc-online" in t[0] for t in targets)
    walk = _tab_through(page)
    reached = [[f["cls"].replace(" focus-visible", ""), f["href"]] for f in walk
               if "tthc-download" in f["cls"] or "tthc-online" in f["cls"]]
    assert reached == [[c, h] for c, h in targets]
    assert _unoutlined(walk) == []
