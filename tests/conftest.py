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
    from helpers import run_cli

    site = tmp_path_factory.mktemp("sample") / "site"
    run = run_cli("build", "--catalogue", str(ROOT / "procedures"), "--site-dir", str(site))
    assert run.returncode == 0, run.stdout + run.stderr
    return site
