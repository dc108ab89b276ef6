"""The Content Security Policy (generator/security.py, put in every page by generator/mkdocs_adapter.py).

First the policy's text and its hashes, then every page of the sample built for a web server and
for file://, read with an HTML parser of the test's own: one policy, before any script, naming
exactly the page's inline scripts; no style attribute, <style> element or inline handler, which
the policy blocks. Then Chromium, with the policy enforced, goes through what citizens do (home,
search with filters, a procedure, a fill-in form printed and downloaded, statistics, a life
event, the look-up, the offline page), through the preview, the build opened from file:// and a
server that applies ``_headers``, and must report no violation: an init script records every
``securitypolicyviolation`` event and the console every error. One test shows the gate catching
an inline script without a hash.
"""

from __future__ import annotations

import contextlib
import functools
import re
import shutil
import threading
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from docx import Document

from conftest import copy_base
from helpers import fill_every_field, serve
from generator import security

PROCEDURE = "thu-tuc/1.001193/"
FORM = "thu-tuc/1.001193/khai/to-khai-dang-ky-khai-sinh/"

# --- the policy's text ---------------------------------------------------------------------


def test_a_script_s_hash_is_the_one_the_csp_specification_gives() -> None:
    # The example of CSP Level 3, §2.3.1 (and MDN's): alert('Hello, world.');
    assert security.script_hash("alert('Hello, world.');") == "'sha256-qznLcsROx4GACP2dm0UCKCzCG+HiZ1guq6ZZDob/Tng='"
    # The browser hashes the text after HTML's newline normalisation.
    assert security.script_hash("a();\r\nb();\rc();") == security.script_hash("a();\nb();\nc();")
    assert security.script_hash("x") != security.script_hash("x ")


def test_only_scripts_the_browser_checks_are_hashed() -> None:
    html = ('<script>one()</script><script src="a.js"></script><script src=b.js>ignored()</script>'
            '<script type="application/json">{"a": 1}</script><script type=application/ld+json>{}</script>'
            "<SCRIPT TYPE='module'>two()</SCRIPT ><script type=\"text/javascript; charset=utf-8\">three()</script>"
            '<script data-x="a>b">four()</script><script type="importmap">{"imports": {}}</script>'
            '<script type="text/javascript1.5">five()</script><script type="text/template">no()</script>')
    assert security.inline_scripts(html) == ["one()", "two()", "three()", "four()", '{"imports": {}}', "five()"]
    assert security.inline_scripts("<p>&lt;script&gt;x()&lt;/script&gt;</p>") == []


def test_the_policy_text() -> None:
    b, a = "'sha256-b'", "'sha256-a'"
    assert security.policy([b, a, b]) == (
        "default-src 'self'; script-src 'self' 'sha256-a' 'sha256-b'; style-src 'self'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'self'; form-action 'self'; worker-src 'self'; manifest-src 'self'")
    assert security.policy([], security.FILE) == (
        "default-src 'self' file:; script-src 'self' file:; style-src 'self' file:; img-src 'self' file: data:; "
        "object-src 'none'; base-uri 'self' file:; form-action 'self' file:; worker-src 'self' file:; "
        "manifest-src 'self' file:")
    for banned in ("unsafe-inline", "unsafe-eval", "http", "*", "frame-ancestors"):
        assert banned not in security.policy([a]) and banned not in security.policy([a], security.FILE)
    assert security.meta("P") == ('<meta http-equiv="Content-Security-Policy" content="P">'
                                  '<meta name="referrer" content="strict-origin-when-cross-origin">')


def _headers(text: str) -> dict[str, str]:
    """The headers of ``_headers``' one rule, for every path (``/*``), as Netlify reads them."""
    lines = [line for line in text.splitlines() if line.strip() and not line.startswith("#")]
    assert lines[0] == "/*" and all(line.startswith("  ") for line in lines[1:]), text
    return dict(line.strip().split(": ", 1) for line in lines[1:])


def test_the_headers_file_carries_what_a_meta_cannot() -> None:
    headers = _headers(security.headers_file(["'sha256-b'", "'sha256-a'"]))
    assert headers["Content-Security-Policy"] == security.policy(["'sha256-a'", "'sha256-b'"]) + "; frame-ancestors 'none'"
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in headers["Permissions-Policy"] and "geolocation=()" in headers["Permissions-Policy"]


def test_the_adapter_puts_the_policy_first_or_refuses_to_build(monkeypatch) -> None:
    from mkdocs.exceptions import Abort

    from generator import mkdocs_adapter

    monkeypatch.setitem(mkdocs_adapter._state, "sources", security.SELF)
    monkeypatch.setitem(mkdocs_adapter._state, "script_hashes", set())
    page = '<html><head><meta charset="utf-8"><script>a()</script></head><body><script>b()</script></body></html>'
    out = mkdocs_adapter._with_policy(page, "a.md")
    policy = security.policy([security.script_hash("a()"), security.script_hash("b()")])
    assert out == page.replace('<meta charset="utf-8">', '<meta charset="utf-8">' + security.meta(policy))
    assert mkdocs_adapter._state["script_hashes"] == {security.script_hash("a()"), security.script_hash("b()")}
    for moved in ('<html><head><script>a()</script><meta charset="utf-8"></head></html>', "<html><head></head></html>"):
        with pytest.raises(Abort, match="a.md: "):
            mkdocs_adapter._with_policy(moved, "a.md")


# --- every page of the built sample --------------------------------------------------------


class _Page(HTMLParser):
    """An HTML parser's reading of a page: its policies, its scripts in order, what the policy blocks."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.order: list[str] = []  # "csp" and "script", as they come
        self.policies: list[str] = []
        self.inline: list[tuple[str, str]] = []  # (type, text)
        self.blocked: list[str] = []
        self._script: list[str] | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for name, value in attrs:
            if name == "style" or name.startswith("on") or (value or "").strip().lower().startswith("javascript:"):
                self.blocked.append(f"<{tag} {name}>")
        if tag == "style":
            self.blocked.append("<style>")
        if tag == "meta" and (a.get("http-equiv") or "").lower() == "content-security-policy":
            self.order.append("csp")
            self.policies.append(a["content"])
        if tag == "script":
            self.order.append("script")
            self._script = None if "src" in a else [a.get("type") or ""]

    def handle_data(self, data):
        if self._script is not None:
            self._script.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.inline.append((self._script[0], "".join(self._script[1:])))
            self._script = None


def _pages(site: Path) -> dict[str, _Page]:
    return {path.relative_to(site).as_posix(): _Page(path.read_text(encoding="utf-8"))
            for path in sorted(site.rglob("*.html"))}


def _script_src(page_policy: str) -> list[str]:
    directive = next(d for d in page_policy.split("; ") if d.startswith("script-src "))
    return [source for source in directive.split()[1:] if source.startswith("'sha256-")]


@pytest.mark.parametrize("build", ["site", "offline"])
def test_every_page_has_its_policy_before_any_script(build, sample_site, sample_offline_site) -> None:
    site = sample_site if build == "site" else sample_offline_site
    pages = _pages(site)
    assert len(pages) > 100 and "404.html" in pages
    hashes = set()
    for path, page in pages.items():
        assert page.order[0] == "csp" and page.order.count("csp") == 1, path
        assert page.blocked == [], (path, page.blocked)  # style-src has no 'unsafe-inline', script-src no handlers
        # Material's inline scripts and, in procedure pages, JSON-LD: a data block needs no hash.
        executed = [text for kind, text in page.inline if kind not in ("application/json", "application/ld+json")]
        assert executed, path
        listed = _script_src(page.policies[0])
        assert sorted(listed) == sorted({security.script_hash(text) for text in executed}), path
        assert page.policies[0] == security.policy(listed, security.SELF if build == "site" else security.FILE)
        hashes.update(listed)
    # Material's scripts name the way back to the root: one per depth, and the 404 page's "/".
    assert 4 <= len(hashes) <= 8, hashes
    if build == "site":
        text = (site / "_headers").read_text(encoding="utf-8")
        line = next(line for line in text.splitlines() if "Content-Security-Policy" in line)
        assert len(line) < 2000  # Cloudflare Pages' limit for a line of _headers
        assert _headers(text)["Content-Security-Policy"] == security.policy(hashes) + "; frame-ancestors 'none'"
    else:
        assert not (site / "_headers").exists()  # no host: opened from disk


# --- in Chromium, with the policy enforced -------------------------------------------------

# Every violation the page sees, recorded before any of the page's own scripts runs.
GATE = """window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.effectiveDirective + " blocked " + (e.blockedURI || "?") + " at " + e.sourceFile + ":" + e.lineNumber);
}, true);
window.print = function () { window.__printed = (window.__printed || 0) + 1; };"""


@pytest.fixture
def context(browser):
    context = browser.new_context(accept_downloads=True, locale="vi-VN")
    context.add_init_script(GATE)
    yield context
    context.close()


@pytest.fixture
def page(context):
    page = context.new_page()
    page.problems = []  # console errors (CSP reports itself there too) and uncaught exceptions
    page.on("console", lambda m: page.problems.append(m.text)
            if m.type == "error" or "Content Security Policy" in m.text or "Content-Security-Policy" in m.text else None)
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    return page


def clean(page) -> None:
    """No violation on the page so far; call before leaving it (a navigation resets window.__csp)."""
    page.wait_for_load_state("load")
    assert page.evaluate("window.__csp") == []
    assert page.problems == []


def _fill_in_form(page, tmp_path: Path) -> None:
    """Fill, check, print (stubbed, then the print stylesheet) and download the DOCX, which loads
    the zip library on demand."""
    fill_every_field(page)
    page.get_by_role("button", name="Kiểm tra tờ khai").click()
    assert page.locator("#kb-errors").is_hidden()
    page.get_by_role("button", name="In tờ khai").click()
    assert page.evaluate("window.__printed") == 1
    page.emulate_media(media="print")
    assert page.locator("#kb-form").is_hidden()
    page.emulate_media(media="screen")
    with page.expect_download() as info:
        page.get_by_role("button", name="Tải tờ khai đã điền (DOCX)").click()
    info.value.save_as(tmp_path / "to-khai.docx")
    assert "NGƯỜI YÊU CẦU" in [p.text for p in Document(str(tmp_path / "to-khai.docx")).paragraphs]
    assert page.evaluate("'fflate' in window")


def _search(page, base: str, index: str = "") -> None:
    page.goto(f"{base}tim-kiem/{index}?q=khai+sinh&level=3")
    page.wait_for_selector("#tthc-results[data-state=done] li", state="attached", timeout=20000)
    assert page.locator("#tthc-filter-level").input_value() == "3"
    page.select_option("#tthc-filter-level", "")  # the filters work in the page
    page.wait_for_selector("#tthc-results[data-state=done] li[data-code='1.001193']", state="attached")


@pytest.mark.browser
def test_a_citizen_s_way_through_the_site_meets_no_violation(page, sample_server, tmp_path: Path) -> None:
    page.goto(sample_server)
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=30000)  # worker-src
    page.locator(".tthc-home-search input[name=q]").fill("khai sinh")
    page.locator(".tthc-home-search input[name=q]").press("Enter")  # form-action
    page.wait_for_selector("#tthc-results[data-state=done] li", state="attached", timeout=20000)
    clean(page)
    _search(page, sample_server)
    clean(page)
    page.goto(sample_server + PROCEDURE)
    page.locator(".tthc-checklist input").first.check()
    page.emulate_media(media="print")
    page.emulate_media(media="screen")
    clean(page)
    page.goto(sample_server + FORM)
    _fill_in_form(page, tmp_path)
    clean(page)
    page.goto(sample_server + "tra-cuu-ho-so/")
    page.locator("#tthc-dossier").fill("000.00.12.H17-240101-0001")
    assert page.locator("#tthc-sms").get_attribute("href").startswith("sms:")
    clean(page)
    for path in ("thong-ke/", "su-kien/sinh-con/", "khong-co-mang/", "hoi-dap/", "404.html"):
        page.goto(sample_server + path)
        clean(page)


@pytest.mark.browser
def test_the_gate_reports_an_inline_script_without_a_hash(page, sample_server) -> None:
    page.goto(sample_server + PROCEDURE)
    clean(page)
    page.evaluate("""() => { const s = document.createElement("script");
        s.textContent = "window.__ran = true"; document.head.appendChild(s);
        document.body.setAttribute("style", "background: red"); }""")
    page.wait_for_function("() => window.__csp.length >= 2")
    assert page.evaluate("window.__ran") is None
    kinds = sorted(v.split()[0] for v in page.evaluate("window.__csp"))
    assert kinds == ["script-src-elem", "style-src-attr"]
    assert any("Content Security Policy" in text for text in page.problems)


@pytest.mark.browser
@pytest.mark.parametrize("policy", ["as built", "file: alone"])
def test_the_build_opened_from_disk_meets_no_violation(page, sample_offline_site, tmp_path: Path, policy) -> None:
    site = sample_offline_site
    if policy == "file: alone":
        # Engines whose file: pages have an opaque origin match nothing with 'self': the file:
        # source must carry the build by itself.
        site = tmp_path / "site"
        shutil.copytree(sample_offline_site, site)
        for path in site.rglob("*.html"):
            text = path.read_text(encoding="utf-8").replace("'self' file:", "file:")
            assert "'self'" not in re.search(r'http-equiv="Content-Security-Policy" content="([^"]*)"', text)[1]
            path.write_text(text, encoding="utf-8")
    base = site.as_uri() + "/"
    page.goto(base + "index.html")
    clean(page)
    _search(page, base, "index.html")
    clean(page)
    page.goto(base + PROCEDURE + "index.html")
    clean(page)
    page.goto(base + FORM + "index.html")
    _fill_in_form(page, tmp_path)
    clean(page)
    page.goto(base + "thong-ke/index.html")
    clean(page)


@pytest.mark.browser
def test_the_preview_meets_no_violation(page, tmp_path: Path) -> None:
    from test_serve import KHAI_SINH, _edit, preview

    catalogue = copy_base(tmp_path / "catalogue")
    with preview(catalogue) as (base, _):
        page.goto(base + PROCEDURE)
        assert page.locator("script[src='/.preview/live.js']").count() == 1
        _edit(catalogue / KHAI_SINH, "name: Đăng ký khai sinh", "name: Đăng ký khai sinh (đã sửa)")
        page.wait_for_function("() => document.title.includes('(đã sửa)')", timeout=10_000)  # reloaded by the live script
        _edit(catalogue / KHAI_SINH, "level: 4", "level: cao")
        page.locator("#tthc-preview-errors").wait_for(timeout=10_000)  # the banner, styled through the CSSOM
        clean(page)


class _Headers(SimpleHTTPRequestHandler):
    """A static host that applies ``_headers`` to every answer, as Netlify and Cloudflare Pages do."""

    def log_message(self, *args) -> None:
        pass

    def end_headers(self) -> None:
        for name, value in self.server.rules.items():
            self.send_header(name, value)
        super().end_headers()


@contextlib.contextmanager
def _host(site: Path):
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Headers, directory=str(site)))
    httpd.rules = _headers((site / security.HEADERS).read_text(encoding="utf-8"))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()


def _framed(page, base: str, tmp_path: Path) -> bool:
    """Whether a page of another origin (another port) can show ``base`` in a frame."""
    (tmp_path / "frame.html").write_text(f'<iframe src="{base}"></iframe>', encoding="utf-8")
    with serve(tmp_path) as other:
        page.goto(other + "frame.html")
        page.wait_for_timeout(500)
        return page.frames[1].url == base  # a refused frame shows Chromium's error page


@pytest.mark.browser
def test_a_host_that_applies_the_headers_file(page, sample_site, sample_server, tmp_path: Path) -> None:
    with _host(sample_site) as base:
        response = page.goto(base)
        assert response.headers["x-content-type-options"] == "nosniff"
        page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=30000)
        clean(page)  # nor a Permissions-Policy feature Chromium does not know
        page.goto(base + FORM)
        _fill_in_form(page, tmp_path)  # through the worker, under the header's policy too
        clean(page)
        _search(page, base)
        clean(page)
        # frame-ancestors, which a meta tag cannot carry: only the header keeps the site out of frames.
        assert not _framed(page, base, tmp_path)
    assert _framed(page, sample_server, tmp_path)
