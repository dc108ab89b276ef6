"""Offline after one visit, and installable (generator/offline.py, generator/offline-worker.js).

The worker's version and what it precaches, read from real builds; the manifest and its icons;
then, in headless Chromium at a 390 px phone with touch: registration over HTTP and not from
file://, pages visited then read without a network (a fill-in form still fills and checks),
the offline page for a page never visited, a slow network, a new build replacing the old one
at the same address, and the preview removing a worker a built site left behind.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import json
import re
import struct
import threading
import time
from http.server import SimpleHTTPRequestHandler
from pathlib import Path

import pytest

from conftest import ROOT, copy_base
from generator import offline
from generator.loader import load_catalogue
from helpers import Elements, _QuietServer, fill_every_field, run_cli

PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True, "device_scale_factor": 2,
         "locale": "vi-VN"}
PROCEDURE = "thu-tuc/1.001193/"
FORM = "thu-tuc/1.001193/khai/to-khai-dang-ky-khai-sinh/"
UNVISITED = "thu-tuc/1.000894/"

def _worker_constants(site: Path) -> dict:
    text = (site / offline.WORKER).read_text(encoding="utf-8")
    body = offline.BODY.read_text(encoding="utf-8")
    assert text.endswith(body)
    text = text[:-len(body)]  # the build's constants
    return {name: json.loads(value) for name, value in re.findall(r"^var ([A-Z_]+) = (.*);$", text, re.M)}


# --- the version ---------------------------------------------------------------------------


def test_the_cache_version_follows_the_content_and_nothing_else() -> None:
    files = [("index.html", b"<h1>A</h1>"), ("assets/tthc.css", b"body{}"), ("thu-tuc/1/index.html", b"x")]
    version = offline.cache_version(files)
    assert re.fullmatch(r"[0-9a-f]{16}", version)
    assert offline.cache_version(list(files)) == version
    assert offline.cache_version(reversed(files)) == version  # whatever order the disk lists them in
    assert offline.cache_version(files[:2] + [("thu-tuc/1/index.html", b"y")]) != version  # one byte
    assert offline.cache_version(files[:2] + [("thu-tuc/2/index.html", b"x")]) != version  # a name
    assert offline.cache_version(files[:2]) != version  # a file gone
    assert offline.cache_version(files + [("du-lieu/a.json", b"")]) != version  # an empty file added
    assert offline.cache_version([("ab", b"c")]) != offline.cache_version([("a", b"bc")])  # no run-together


def test_the_built_worker_carries_the_digest_of_the_site_it_is_in(sample_site: Path) -> None:
    constants = _worker_constants(sample_site)
    assert constants["VERSION"] == offline.cache_version(offline.published_files(sample_site))
    assert offline.WORKER not in dict(offline.published_files(sample_site))
    assert constants["TIMEOUT"] == offline.TIMEOUT_MS


def test_two_builds_give_one_worker_and_a_changed_procedure_a_new_one(tmp_path: Path) -> None:
    catalogue = copy_base(tmp_path / "catalogue")
    versions = []
    for name in ("a", "b", "c"):
        if name == "c":
            source = catalogue / "ho-tich" / "1.001193.yml"
            source.write_text(source.read_text(encoding="utf-8").replace("name: Đăng ký khai sinh\n",
                                                                         "name: Đăng ký khai sinh (sửa)\n"), "utf-8")
        run = run_cli("build", "--catalogue", str(catalogue), "--site-dir", str(tmp_path / name))
        assert run.returncode == 0, run.stderr[-2000:]
        versions.append(_worker_constants(tmp_path / name)["VERSION"])
        assert f"phiên bản {versions[-1]}" in run.stderr
    assert versions[0] == versions[1] != versions[2]


# --- what is precached ---------------------------------------------------------------------


def test_the_shell_is_the_site_s_frame_not_its_catalogue(sample_site: Path) -> None:
    constants = _worker_constants(sample_site)
    shell = constants["SHELL"]
    assert shell[:4] == ["", "tim-kiem/", "tra-cuu-ho-so/", "khong-co-mang/"]
    assert constants["OFFLINE"] == "khong-co-mang/"
    for path in shell:
        assert (sample_site / offline.page_file(path)).is_file(), path
    assert {"manifest.webmanifest", "assets/tthc.css", "assets/ngoai-tuyen.js", "assets/tim-kiem.js",
            "assets/tra-cuu.js", "assets/khong-co-mang.js", "assets/images/favicon.png"} <= set(shell)
    assert {f"assets/icons/{i.name}" for i in offline.ICON_FILES} <= set(shell)
    assert any(re.fullmatch(r"assets/stylesheets/main\.[0-9a-f]+\.min\.css", p) for p in shell)
    assert any(re.fullmatch(r"assets/javascripts/bundle\.[0-9a-f]+\.min\.js", p) for p in shell)
    # Never the search index, the procedures, their forms or the open data.
    assert [p for p in shell if p.startswith(("search/", "thu-tuc/", "du-lieu/", "linh-vuc/"))] == []
    assert constants["FILL_IN"] == ["assets/khai-bao.css", "assets/khai-bao.js", "assets/vendor/fflate.min.js"]
    assert constants["FILL_IN_LATER"] == ["assets/vendor/fflate.min.js"]
    # What the first visit costs on top of the page, at most (most of it the page loaded already).
    packed = sum(len(gzip.compress((sample_site / offline.page_file(p)).read_bytes(), 9)) for p in shell)
    assert packed <= 130_000, packed
    output = (sample_site.parent / "build-output.txt").read_text(encoding="utf-8")
    assert f"{len(shell)} tệp cài sẵn khi mở trang lần đầu" in output


def test_the_registration_is_tiny_and_on_every_page(sample_site: Path) -> None:
    script = (ROOT / "docs" / offline.REGISTER).read_bytes()
    assert len(script) <= 1400 and len(gzip.compress(script, 9)) <= 720, len(script)  # smaller than the favicon
    for page in sample_site.rglob("*.html"):
        if page.name == "404.html":
            continue
        tags = Elements(page.read_text(encoding="utf-8")).tags
        scripts = [a["src"] for t, a in tags if t == "script" and a.get("src")]
        assert scripts and scripts[-1].endswith("assets/ngoai-tuyen.js"), page
        assert [a["href"] for t, a in tags if t == "link" and a.get("rel") == "manifest"], page
        assert ("meta", {"name": "theme-color", "content": offline.THEME_COLOUR}) in tags, page


# --- the manifest --------------------------------------------------------------------------


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def test_the_manifest_names_the_catalogue_and_its_icons_exist(sample_site: Path) -> None:
    data = json.loads((sample_site / offline.MANIFEST).read_text(encoding="utf-8"))
    title = load_catalogue(ROOT / "procedures").catalogue.info.title
    assert data["name"] == title and 0 < len(data["short_name"]) <= 12
    assert (data["start_url"], data["scope"], data["id"], data["display"], data["lang"]) == \
        ("./", "./", "./", "standalone", "vi")
    css = (ROOT / "docs" / "assets" / "tthc.css").read_text(encoding="utf-8")
    assert data["theme_color"] == re.search(r"--md-primary-fg-color: (#[0-9a-f]{6});", css)[1]
    sizes = {}
    for icon in data["icons"]:
        assert not icon["src"].startswith(("/", "http")), "relative: the site is published under any path"
        width, height = _png_size((sample_site / icon["src"]).read_bytes())
        assert icon["sizes"] == f"{width}x{height}" and icon["type"] == "image/png"
        sizes.setdefault(icon["purpose"], set()).add(width)
    assert sizes == {"any": {192, 512}, "maskable": {192, 512}}


def test_the_file_build_has_no_worker_and_no_manifest(sample_offline_site: Path) -> None:
    """Browsers run no worker and fetch no manifest from disk (a manifest link there is an error
    in the console): the build opened from file:// stays as it was."""
    assert not (sample_offline_site / offline.WORKER).exists()
    assert not (sample_offline_site / offline.MANIFEST).exists()
    assert not (sample_offline_site / "khong-co-mang").exists()
    for page in sample_offline_site.rglob("*.html"):
        html = page.read_text(encoding="utf-8")
        assert "ngoai-tuyen.js" not in html and 'rel="manifest"' not in html, page


# --- in the browser ------------------------------------------------------------------------

_CACHES = """async () => { const out = {};
  for (const name of await caches.keys()) {
    out[name] = (await (await caches.open(name)).keys()).map(r => r.url); }
  return out; }"""


def _controlled(page) -> None:
    """The worker installed, activated and in charge of the page (it claims open pages)."""
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=30000)


def _until(page, script: str, arg=None, seconds: float = 30) -> None:
    """Poll an async check in the page (wait_for_function takes a promise for a true value)."""
    deadline = time.monotonic() + seconds
    while not page.evaluate(script, arg):
        assert time.monotonic() < deadline, f"not true within {seconds} s: {script}"
        page.wait_for_timeout(100)


def _kept(page, url: str) -> None:
    _until(page, "async url => { for (const n of await caches.keys()) "
                 "if (await (await caches.open(n)).match(url)) return true; return false; }", url)


@pytest.fixture
def phone(browser):
    context = browser.new_context(**PHONE, accept_downloads=True)
    page = context.new_page()
    page.errors = []
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    yield page
    context.close()


@pytest.mark.browser
def test_the_worker_is_registered_over_http_for_the_whole_site(phone, sample_server) -> None:
    phone.goto(sample_server + PROCEDURE)
    scope = phone.evaluate("navigator.serviceWorker.ready.then(r => r.scope)")
    assert scope == sample_server  # the site's root, from a page two folders down
    _controlled(phone)
    names = phone.evaluate("caches.keys()")
    version = _served_version(phone, sample_server)
    assert names == [f"tthc:/:{version}:shell"]  # the pages' cache comes with the first page kept
    cdp = phone.context.new_cdp_session(phone)
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["errors"] == [] and manifest["url"] == sample_server + offline.MANIFEST
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert [e["errorId"] for e in errors if e["errorId"] != "in-incognito"] == []  # a test browser is incognito
    assert phone.errors == []


def _served_version(page, base: str) -> str:
    return re.search(r'var VERSION = "([0-9a-f]+)"', page.request.get(base + offline.WORKER).text())[1]


@pytest.mark.browser
@pytest.mark.parametrize("build", ["online build", "offline build"])
def test_no_worker_from_file(browser, sample_site, sample_offline_site, build) -> None:
    context = browser.new_context(**PHONE)
    page = context.new_page()
    requests, errors = [], []
    page.on("request", lambda r: requests.append(r.url))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    if build == "online build":  # its script runs from disk too, and must stay quiet
        page.goto((sample_site / "thu-tuc" / "1.001193" / "index.html").as_uri())
        assert page.locator("script[src$='ngoai-tuyen.js']").count() == 1
    else:  # the kiosk build: searches from disk as before
        page.goto((sample_offline_site / "tim-kiem" / "index.html").as_uri() + "?q=khai+sinh")
        page.wait_for_selector("#tthc-results[data-state=done] li", state="attached", timeout=20000)
        assert page.locator("#tthc-results li").first.get_attribute("data-code") == "1.001193"
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)
    assert page.evaluate("navigator.serviceWorker ? navigator.serviceWorker.controller : null") is None
    assert [u for u in requests if u.endswith(("sw.js", ".webmanifest"))] == []
    assert all(u.startswith("file://") for u in requests)
    assert errors == []
    context.close()


@pytest.mark.browser
def test_pages_visited_once_work_without_a_network(phone, sample_server, tmp_path: Path) -> None:
    phone.goto(sample_server)
    _controlled(phone)
    phone.goto(sample_server + PROCEDURE)
    name = phone.locator("h1").inner_text()
    download = phone.locator("a.tthc-download").last  # the blank PDF
    with phone.expect_download() as info:
        download.tap()
    blank = Path(info.value.path()).read_bytes()
    _kept(phone, download.evaluate("e => e.href"))  # browsers download past the worker: it was told
    phone.goto(sample_server + FORM)
    _kept(phone, sample_server + "assets/vendor/fflate.min.js")  # the DOCX button's library, never pressed
    _kept(phone, sample_server + FORM)

    phone.context.set_offline(True)
    phone.reload()
    assert phone.locator("#kb-form").is_visible()
    phone.goto(sample_server)
    assert phone.locator("#tthc-home-q").is_visible()
    assert phone.locator(".tthc-tasks a").count() >= 4
    phone.goto(sample_server + PROCEDURE)
    assert phone.locator("h1").inner_text() == name
    assert phone.locator(".tthc-checklist li").count() >= 3 and phone.locator(".tthc-checklist").is_visible()
    assert phone.evaluate("getComputedStyle(document.querySelector('.md-header')).position") == "sticky"  # styled
    with phone.expect_download() as info:
        phone.locator("a.tthc-download").last.tap()
    assert info.value.suggested_filename == "1.001193-to-khai-dang-ky-khai-sinh-mau-trong.pdf"
    assert Path(info.value.path()).read_bytes() == blank and blank.startswith(b"%PDF-")

    phone.goto(sample_server + FORM)
    phone.click("text=Kiểm tra tờ khai")  # empty: the checks run offline too
    assert phone.locator("#kb-errors-list li").count() >= 1
    fill_every_field(phone)
    phone.click("text=Kiểm tra tờ khai")
    assert phone.locator("#kb-errors-list li").count() == 0
    with phone.expect_download() as info:
        phone.get_by_role("button", name="Tải tờ khai đã điền (DOCX)").click()
    info.value.save_as(tmp_path / "to-khai.docx")
    assert (tmp_path / "to-khai.docx").read_bytes()[:2] == b"PK"

    phone.goto(sample_server + UNVISITED)
    assert phone.url == sample_server + "khong-co-mang/?trang=%2Fthu-tuc%2F1.000894%2F"
    assert phone.locator("h1").inner_text() == "Bạn đang không có mạng"
    retry = phone.get_by_role("link", name="Thử lại")
    assert retry.is_visible() and retry.get_attribute("href") == "/" + UNVISITED
    listed = phone.locator("#tthc-offline-pages a")
    phone.wait_for_function("() => document.querySelectorAll('#tthc-offline-pages a').length >= 4")
    links = dict(zip(listed.all_inner_texts(), listed.evaluate_all("els => els.map(e => e.href)")))
    assert links[name] == sample_server + PROCEDURE
    assert links["Tờ khai đăng ký khai sinh"] == sample_server + FORM
    assert links["Trang chủ"] == sample_server and links["Tra cứu hồ sơ đã nộp"] == sample_server + "tra-cuu-ho-so/"
    assert "Tìm thủ tục" not in links  # the search page is listed only once its index was fetched
    assert phone.locator("a[href='sms:8188']").is_visible()
    assert "TTHC <mã hồ sơ>" in phone.inner_text("article")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.get_by_role("link", name=name).tap()
    assert phone.locator("h1").inner_text() == name
    phone.goto(sample_server + "tra-cuu-ho-so/")  # precached: the SMS is written offline
    phone.locator("#tthc-dossier").fill("H12.34-240101-0001")
    assert phone.locator("#tthc-sms").get_attribute("href").startswith("sms:8188?&body=TTHC")
    assert phone.errors == [] or all("ERR_INTERNET_DISCONNECTED" in e for e in phone.errors), phone.errors


@pytest.mark.browser
def test_a_search_made_online_is_made_again_offline(phone, sample_server) -> None:
    phone.goto(sample_server)
    _controlled(phone)
    phone.goto(sample_server + "tim-kiem/?q=dang+ky+ket+hon")
    phone.wait_for_selector("#tthc-results[data-state=done] li", state="attached", timeout=20000)
    first = phone.locator("#tthc-results li").first.get_attribute("data-code")
    _kept(phone, sample_server + "search/core.js")
    phone.context.set_offline(True)
    phone.goto(sample_server + "tim-kiem/?q=dang+ky+ket+hon")
    phone.wait_for_selector("#tthc-results[data-state=done] li", state="attached", timeout=20000)
    assert phone.locator("#tthc-results li").first.get_attribute("data-code") == first
    phone.goto(sample_server + UNVISITED)
    phone.wait_for_function("() => [...document.querySelectorAll('#tthc-offline-pages a')]"
                            ".some(a => a.textContent === 'Tìm thủ tục')")


# --- a new build at the same address -------------------------------------------------------


class _Handler(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass

    def do_GET(self) -> None:
        delay = self.server.delays.get(self.path.split("?")[0])
        if delay:
            time.sleep(delay)
        super().do_GET()


@contextlib.contextmanager
def _server(directory: Path):
    """A static server whose answers for chosen paths can be made slow."""
    httpd = _QuietServer(("127.0.0.1", 0), functools.partial(_Handler, directory=str(directory)))
    httpd.delays = {}
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/", httpd.delays
    finally:
        httpd.shutdown()
        httpd.server_close()


def _build(catalogue: Path, site: Path) -> str:
    run = run_cli("build", "--catalogue", str(catalogue), "--site-dir", str(site))
    assert run.returncode == 0, run.stderr[-2000:]
    return _worker_constants(site)["VERSION"]


@pytest.mark.browser
def test_a_new_build_is_shown_at_once_and_its_worker_drops_the_old_caches(phone, tmp_path: Path) -> None:
    catalogue = copy_base(tmp_path / "catalogue")
    site = tmp_path / "site"
    first = _build(catalogue, site)
    with _server(site) as (base, delays):
        phone.goto(base)
        _controlled(phone)
        phone.goto(base + PROCEDURE)
        assert phone.locator("h1").inner_text() == "Đăng ký khai sinh"
        _kept(phone, base + PROCEDURE)

        source = catalogue / "ho-tich" / "1.001193.yml"
        source.write_text(source.read_text(encoding="utf-8").replace(
            "name: Đăng ký khai sinh\n", "name: Đăng ký khai sinh cho trẻ em\n"), encoding="utf-8")
        second = _build(catalogue, site)  # published at the same address, over the first
        assert second != first

        phone.reload()  # online, still under the first build's worker: the page as published now
        assert phone.locator("h1").inner_text() == "Đăng ký khai sinh cho trẻ em"
        _until(phone, "async names => JSON.stringify((await caches.keys()).sort()) === JSON.stringify(names)",
               sorted([f"tthc:/:{second}:pages", f"tthc:/:{second}:shell"]))
        assert phone.evaluate("navigator.serviceWorker.controller.scriptURL") == base + "sw.js"
        kept = phone.evaluate(_CACHES)
        assert base + PROCEDURE in kept[f"tthc:/:{second}:pages"]  # fetched again by the new worker

        phone.goto(base)  # the home page, read from the new build while online
        phone.context.set_offline(True)
        phone.goto(base + PROCEDURE)
        assert phone.locator("h1").inner_text() == "Đăng ký khai sinh cho trẻ em"
        phone.context.set_offline(False)

        # A network that answers too late: the kept copy after the timeout, not a blank screen.
        delays["/" + PROCEDURE] = offline.TIMEOUT_MS / 1000 + 4
        started = time.monotonic()
        phone.goto(base + PROCEDURE)
        waited = time.monotonic() - started
        assert phone.locator("h1").inner_text() == "Đăng ký khai sinh cho trẻ em"
        assert offline.TIMEOUT_MS / 1000 - 0.5 <= waited < offline.TIMEOUT_MS / 1000 + 3, waited
        delays.clear()


# --- the preview ---------------------------------------------------------------------------


@pytest.mark.browser
def test_the_preview_registers_no_worker_and_removes_one_a_built_site_left(phone, tmp_path: Path) -> None:
    from test_serve import _get, preview

    catalogue = copy_base(tmp_path / "catalogue")
    site = tmp_path / "site"
    _build(catalogue, site)
    with _server(site) as (base, _):
        phone.goto(base)
        _controlled(phone)
    port = int(base.rstrip("/").rsplit(":", 1)[1])
    with preview(catalogue, port=port) as (preview_base, _):
        assert preview_base == base
        status, html = _get(base + PROCEDURE)
        assert status == 200 and "ngoai-tuyen.js" not in html and 'rel="manifest"' not in html
        assert _get(base + offline.WORKER) == (200, offline.RETIRING_WORKER)
        phone.goto(base + PROCEDURE)  # the browser checks the worker on a navigation: it finds the stand-in
        _until(phone, "async () => (await navigator.serviceWorker.getRegistrations()).length === 0"
                      " && (await caches.keys()).length === 0")
        phone.reload()
        assert phone.evaluate("navigator.serviceWorker.controller") is None
