"""Shared paths and catalogue builders for the test suite."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
BASE = FIXTURES / "base"
NATIONAL = ROOT.parent / "shared" / "catalogues" / "national-2642"


def copy_base(target: Path) -> Path:
    """A writable copy of the small valid test catalogue."""
    shutil.copytree(BASE, target)
    return target


@pytest.fixture
def base_catalogue(tmp_path: Path) -> Path:
    return copy_base(tmp_path / "catalogue")


@pytest.fixture(scope="session")
def national() -> Path:
    if not (NATIONAL / "catalogue.yml").is_file():
        pytest.skip(f"national-2642 test data not found at {NATIONAL} (it lives in ../shared beside the checkout)")
    return NATIONAL


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory) -> Path:
    """The sample catalogue in procedures/, built once through the real CLI."""
    return _build(tmp_path_factory, "sample", ROOT / "procedures")


@pytest.fixture(scope="session")
def sample_server(sample_site: Path):
    """The sample site over HTTP on 127.0.0.1, shared by the browser tests."""
    from helpers import serve

    with serve(sample_site) as url:
        yield url


CHROMIUM = Path("/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, driven by Playwright (no browser download).

    Every page's Content Security Policy refuses eval: give ``wait_for_function`` an arrow function
    ("() => ..."), which Playwright evaluates once through DevTools and then calls; an expression
    string is evaluated again with eval on each poll, and refused."""
    if not CHROMIUM.exists():
        pytest.fail("Debian's Chromium is missing: apt-get install -y chromium (make test does it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=[
            "--no-sandbox", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run", "--disable-quic", "--disable-gpu",
            "--disable-dev-shm-usage"])  # CI containers (GitLab's Docker) give /dev/shm only 64 MB
        yield browser
        browser.close()


def _build(tmp_path_factory, name: str, catalogue: Path, *flags: str) -> Path:
    from helpers import run_cli

    site = tmp_path_factory.mktemp(name) / "site"
    run = run_cli("build", "--catalogue", str(catalogue), "--site-dir", str(site), *flags)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    (site.parent / "build-output.txt").write_text(run.stdout + run.stderr, encoding="utf-8")
    return site


@pytest.fixture(scope="session")
def sample_offline_site(tmp_path_factory) -> Path:
    return _build(tmp_path_factory, "sample-offline", ROOT / "procedures", "--offline")


@pytest.fixture(scope="session")
def national_site(tmp_path_factory, national) -> Path:
    return _build(tmp_path_factory, "national", national)


@pytest.fixture(scope="session")
def national_offline_site(tmp_path_factory, national) -> Path:
    return _build(tmp_path_factory, "national-offline", national, "--offline")
