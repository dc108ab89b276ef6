"""Reproducible builds: one commit gives the same bytes, whoever builds it, wherever, whenever.

A province can then rebuild a published commit and compare, and CI can tell a
real change from noise. The only date in the output (sitemap ``<lastmod>`` and
sitemap.xml.gz's header) comes from the catalogue, never from the clock.
"""

from __future__ import annotations

import gzip
import re
import shutil
import struct
import subprocess
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from conftest import ROOT, copy_base
from helpers import run_cli


def _files(site: Path) -> dict[str, bytes]:
    return {p.relative_to(site).as_posix(): p.read_bytes() for p in sorted(site.rglob("*")) if p.is_file()}


def _copy_in_reverse_order(source: Path, target: Path) -> Path:
    """Another checkout: other path, files created in the other order (directory listings differ)."""
    for path in sorted((p for p in source.rglob("*") if p.is_file()), reverse=True):
        copy = target / path.relative_to(source)
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, copy)
    return target


def _build(catalogue: Path, site: Path, *flags: str, **env: str | None) -> dict[str, bytes]:
    run = run_cli("build", "--catalogue", str(catalogue), "--site-dir", str(site), *flags, env=env)
    assert run.returncode == 0, run.stderr[-3000:]
    return _files(site)


@pytest.mark.parametrize("flags", [(), ("--offline",)], ids=["online", "offline"])
def test_two_builds_of_the_same_catalogue_are_byte_identical(tmp_path: Path, flags: tuple[str, ...]) -> None:
    first = _build(ROOT / "procedures", tmp_path / "a" / "site", *flags,
                   TZ="UTC", PYTHONHASHSEED="0", SOURCE_DATE_EPOCH=None)
    time.sleep(1.1)  # gzip headers and anything else stamped with the clock count seconds
    other = _copy_in_reverse_order(ROOT / "procedures", tmp_path / "other-checkout" / "thu-tuc")
    second = _build(other, tmp_path / "b" / "public", *flags,
                    TZ="Pacific/Kiritimati", PYTHONHASHSEED="4242", SOURCE_DATE_EPOCH=None)
    assert sorted(first) == sorted(second)
    assert [path for path in first if first[path] != second[path]] == []
    assert "sitemap.xml.gz" in first and len(first) > 100


def _epoch(day: str) -> int:
    return int(datetime.fromisoformat(day).replace(tzinfo=timezone.utc).timestamp())


def _git_commit(repo: Path, when: str) -> None:
    def git(*args: str) -> None:
        subprocess.run(["git", "-c", "user.name=CI", "-c", "user.email=ci@example.vn", *args], cwd=repo,
                       check=True, capture_output=True, env={"GIT_COMMITTER_DATE": when, "GIT_AUTHOR_DATE": when,
                                                             "PATH": "/usr/bin:/bin"})
    git("init", "-q")
    git("add", "-A")
    git("commit", "-q", "-m", "Bộ thủ tục")


@pytest.fixture
def sitemap_config():
    """mkdocs.yml with a site_url, so that the sitemap lists pages with their ``<lastmod>``."""
    config = ROOT / f".sitemap-test-{time.monotonic_ns()}.yml"  # beside mkdocs.yml: templates/ is found from it
    text = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config.write_text(text + "\nsite_url: https://thutuc.example.gov.vn/\n", encoding="utf-8")
    yield config
    config.unlink()


@pytest.mark.parametrize("case", ["newest updated", "caller's SOURCE_DATE_EPOCH", "commit date without updated"])
def test_the_build_date_comes_from_the_catalogue_not_the_clock(tmp_path: Path, sitemap_config: Path,
                                                               case: str) -> None:
    catalogue = copy_base(tmp_path / "repo" / "procedures")
    procedure = catalogue / "ho-tich" / "1.001193.yml"
    text = procedure.read_text(encoding="utf-8")
    assert 'updated: "2026-11-20"\n' in text
    env: dict[str, str | None] = {"SOURCE_DATE_EPOCH": None}
    if case == "newest updated":
        procedure.write_text(text.replace('"2026-11-20"', '"2001-02-03"'), encoding="utf-8")
        expected = "2001-02-03"
    elif case == "caller's SOURCE_DATE_EPOCH":
        env["SOURCE_DATE_EPOCH"] = str(_epoch("2003-04-05"))
        expected = "2003-04-05"
    else:
        procedure.write_text(text.replace('updated: "2026-11-20"\n', ""), encoding="utf-8")
        _git_commit(tmp_path / "repo", "2005-06-07T00:00:00Z")
        expected = "2005-06-07"
    site = _build(catalogue, tmp_path / "site", "--config", str(sitemap_config), **env)
    sitemap = site["sitemap.xml"].decode()
    assert "https://thutuc.example.gov.vn/thu-tuc/1.001193/" in re.findall(r"<loc>(.*?)</loc>", sitemap)
    assert set(re.findall(r"<lastmod>(.*?)</lastmod>", sitemap)) == {expected}
    assert struct.unpack("<I", site["sitemap.xml.gz"][4:8]) == (_epoch(expected),)  # gzip header MTIME
    assert gzip.decompress(site["sitemap.xml.gz"]).decode() == sitemap
