"""Every engine (``--engine mkdocs|properdocs|zensical``) publishes the same working site.

The sample is built once per engine through the real CLI; in Chromium each output must do what
a citizen comes for: a procedure page with its documents and a form that downloads, a search
with results, a fill-in form that checks and downloads its DOCX, a blank form; the service
worker registers. Per engine: two builds are byte-identical, and the file:// build searches.
What an engine cannot do is refused with a diagnostic, before anything is built.
"""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from docx import Document

from conftest import ROOT
from generator.engines import ENGINES
from generator.loader import load_catalogue
from helpers import run_cli, serve

# Chromium logs a refusal itself; the event catches one it might not log.
CSP_GATE = """document.addEventListener("securitypolicyviolation", function (e) {
  console.error("Content Security Policy violation: " + e.effectiveDirective + " " + e.blockedURI);
}, true);"""
CODE = "1.001193"  # the sample's birth registration: documents, a form file, a fill-in form


@pytest.fixture(scope="module")
def entry():
    catalogue = load_catalogue(ROOT / "procedures").catalogue
    return next(e for e in catalogue.entries if e.procedure.code == CODE)


def _build(site: Path, engine: str, *flags: str, **env: str | None) -> subprocess.CompletedProcess:
    run = run_cli("build", "--engine", engine, "--catalogue", str(ROOT / "procedures"), "--site-dir", str(site),
                  *flags, env=env)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return run


@pytest.fixture(scope="module")
def sites(tmp_path_factory) -> dict[str, Path]:
    """The sample built by every engine, once."""
    out = {}
    for engine in ENGINES:
        out[engine] = tmp_path_factory.mktemp(f"engine-{engine}") / "site"
        _build(out[engine], engine, TZ="UTC", PYTHONHASHSEED="0")
    return out


@pytest.fixture(scope="module", params=ENGINES)
def built(request, sites) -> tuple[str, Path]:
    return request.param, sites[request.param]


@pytest.fixture(scope="module")
def server(built):
    with serve(built[1]) as url:
        yield url


@pytest.fixture
def page(browser, server):
    """Each engine's pages carry the Content Security Policy: a violation anywhere fails the test."""
    context = browser.new_context(accept_downloads=True, locale="vi-VN")
    context.add_init_script("window.print = function () {};")
    context.add_init_script(CSP_GATE)
    page = context.new_page()
    page.requests, page.violations = [], []
    page.on("request", lambda request: page.requests.append(request.url))
    page.on("console", lambda m: page.violations.append(m.text) if "Content Security Policy" in m.text else None)
    yield page
    outside = [url for url in page.requests if not url.startswith(server) and not url.startswith("data:")]
    assert outside == [], f"requests to other hosts: {outside}"
    assert page.violations == []
    context.close()


def _download(page, link, tmp_path: Path) -> Path:
    with page.expect_download() as info:
        link.click()
    saved = tmp_path / info.value.suggested_filename
    info.value.save_as(saved)
    return saved


def test_procedure_page_renders_with_its_documents_and_form(page, server, entry, tmp_path: Path) -> None:
    p = entry.procedure
    page.goto(f"{server}thu-tuc/{CODE}/")
    assert page.locator("meta[http-equiv=Content-Security-Policy]").count() == 1
    assert page.locator("h1").inner_text() == p.name
    assert page.title().startswith(p.name + " - ")
    assert page.locator(".tthc-checklist li").count() == len(p.documents)
    assert page.locator(".tthc-steps li").count() == len(p.steps)
    assert page.locator(".tthc-header-search input[name=q]").count() == 1  # the theme override is in place
    form = next(f for f in p.forms if f.file)
    saved = _download(page, page.locator("#mau-don ~ ul.tthc-forms a.tthc-download").first, tmp_path)
    assert saved.name.startswith(f"{CODE}-{form.id}")
    assert saved.read_bytes() == entry.form_path(form).read_bytes()


def test_the_blank_form_downloads(page, server, built, entry, tmp_path: Path) -> None:
    form = next(f for f in entry.procedure.forms if f.fields)
    page.goto(f"{server}thu-tuc/{CODE}/")
    link = page.locator(f"a[href='mau-trong/{form.id}.docx']").first
    saved = _download(page, link, tmp_path)
    assert saved.name == f"{CODE}-{form.id}-mau-trong.docx"
    assert saved.read_bytes() == (built[1] / f"thu-tuc/{CODE}/mau-trong/{form.id}.docx").read_bytes()
    assert form.title.upper() in [p.text for p in Document(str(saved)).paragraphs]


def test_a_search_returns_results(page, server) -> None:
    page.goto(f"{server}tim-kiem/?q=khai+sinh")
    page.wait_for_selector("#tthc-results[data-state=done] li")
    first = page.locator("#tthc-results li a").first
    assert "khai sinh" in first.inner_text().lower()
    first.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text().lower().count("khai sinh")


def _value(field) -> str:
    return {"date": "01/02/2020", "number": "2", "id-number": "001204012345", "phone": "0912345678",
            "textarea": "Bản Mường Phăng"}.get(field.type, "Lò Thị Hoa")


def test_a_fill_in_form_fills_checks_and_downloads_its_docx(page, server, entry, tmp_path: Path) -> None:
    form = next(f for f in entry.procedure.forms if f.fields)
    page.goto(f"{server}thu-tuc/{CODE}/khai/{form.id}/")
    typed = {}
    for field in (f for f in form.fields if getattr(f, "name", None) and f.required):
        if field.type == "choice":
            page.locator(f"input[name='{field.name}']").first.check()
        elif field.type == "checkbox":
            page.locator(f"#f-{field.name}").check()
        else:
            page.fill(f"#f-{field.name}", typed.setdefault(field.label, _value(field)))
    assert len(typed) >= 3
    page.get_by_role("button", name="Kiểm tra tờ khai").click()
    assert page.locator("#kb-errors").is_hidden()
    saved = _download(page, page.get_by_role("button", name="Tải tờ khai đã điền (DOCX)"), tmp_path)
    assert saved.name == f"{CODE}-{form.id}.docx"
    lines = [p.text for p in Document(str(saved)).paragraphs]
    assert form.title.upper() in lines
    for label, value in typed.items():
        assert f"{label}: {value}" in lines


def test_the_service_worker_registers_and_the_manifest_is_linked(page, server, built) -> None:
    site = built[1]
    assert (site / "sw.js").is_file() and (site / "manifest.webmanifest").is_file()
    page.goto(server)
    assert page.locator("link[rel=manifest]").count() == 1
    scope = page.evaluate("navigator.serviceWorker.ready.then(r => r.scope)")
    assert scope == server


def test_two_builds_are_byte_identical(built, tmp_path: Path) -> None:
    engine, first = built
    second = tmp_path / "again" / "public"
    time.sleep(1.1)  # anything stamped with the clock would differ
    _build(second, engine, TZ="Pacific/Kiritimati", PYTHONHASHSEED="4242")

    def files(site: Path) -> dict[str, bytes]:
        return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}

    a, b = files(first), files(second)
    assert sorted(a) == sorted(b)
    assert [path for path in a if a[path] != b[path]] == []


def test_the_file_build_searches_and_opens_a_procedure(browser, built, tmp_path: Path) -> None:
    engine = built[0]
    site = tmp_path / "offline"
    _build(site, engine, "--offline")
    assert not (site / "sw.js").exists()
    context = browser.new_context(locale="vi-VN")
    page = context.new_page()
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto((site / "tim-kiem" / "index.html").as_uri() + "?q=khai+sinh")
    page.wait_for_selector("#tthc-results[data-state=done] li")
    page.locator("#tthc-results li a").first.click()
    page.wait_for_load_state()
    assert page.url.endswith("/index.html") and "khai sinh" in page.locator("h1").inner_text().lower()
    context.close()
    assert [url for url in requests if not url.startswith("file://")] == []


def test_zensical_refuses_to_serve_with_a_diagnostic() -> None:
    run = run_cli("serve", "--engine", "zensical", "--dev-addr", "127.0.0.1:1")
    assert run.returncode == 1
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in run.stderr
    assert re.fullmatch(r"mkdocs\.yml:1:1: error: --engine zensical: Zensical .*--engine mkdocs.*", lines[0])


def test_properdocs_serves_the_preview() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {k: v for k, v in os.environ.items() if k != "TTHC_CATALOGUE"} | {"PYTHONPATH": str(ROOT)}
    process = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--engine", "properdocs",
                                "--dev-addr", f"127.0.0.1:{port}"], cwd=ROOT, env=env,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        html = _wait_for(f"http://127.0.0.1:{port}/thu-tuc/{CODE}/", process)
        assert 'content="mkdocs-ProperDocs 1.6' in html and "<h1" in html and CODE in html
    finally:
        process.terminate()
        process.wait(timeout=30)


def _wait_for(url: str, process: subprocess.Popen, timeout: float = 120) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"the preview stopped: {process.stdout.read()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:
                return answer.read().decode("utf-8")
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"no answer from {url} in {timeout} s")


def test_the_core_files_are_the_same_whatever_the_engine(sites) -> None:
    """Only the theme's files and the HTML differ: forms, search, open data are the core's."""
    core = ("thu-tuc/", "search/", "du-lieu/", "assets/tthc.css", "assets/tim-kiem.js", "manifest.webmanifest")
    mkdocs = sites["mkdocs"]
    paths = sorted(path for path in (p.relative_to(mkdocs).as_posix() for p in mkdocs.rglob("*") if p.is_file())
                   if path.startswith(core) and not path.endswith(".html"))
    assert len(paths) > 50
    for engine in ENGINES[1:]:
        assert [path for path in paths if (mkdocs / path).read_bytes() != (sites[engine] / path).read_bytes()] == []
