"""The locks in requirements/: every pin hashed, building apart from testing, one source of names.

pip refuses an unhashed line only when it installs it; these checks say so at once, and keep
a publishing job's install (build.lock) free of test packages.
"""

from __future__ import annotations

import re
import tomllib

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from conftest import ROOT

REQUIREMENTS = ROOT / "requirements"
HASH = re.compile(r"--hash=sha256:[0-9a-f]{64}")


def _entries(text: str) -> dict[str, tuple[str, list[str]]]:
    """A lock as {name: (version, hashes)}; a line that is not `name==version` is an error."""
    entries = {}
    for line in text.replace("\\\n", " ").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        requirement, *options = line.split(" --")
        pin = re.fullmatch(r"([A-Za-z0-9._-]+)==([^\s;]+)\s*(;.*)?", requirement.strip())
        assert pin, f"not an exact pin: {line}"
        hashes = [f"--{option.strip()}" for option in options]
        assert all(HASH.fullmatch(h) for h in hashes), f"not a sha256 hash: {line}"
        entries[canonicalize_name(pin[1])] = (pin[2], hashes)
    return entries


def _lock(name: str) -> dict[str, tuple[str, list[str]]]:
    return _entries((REQUIREMENTS / f"{name}.lock").read_text(encoding="utf-8"))


def _declared(name: str) -> set[str]:
    """The names a .in file asks for; each line must be a plain requirement, as setuptools reads it."""
    lines = (REQUIREMENTS / f"{name}.in").read_text(encoding="utf-8").splitlines()
    return {canonicalize_name(Requirement(line).name) for line in lines if line.strip() and not line.startswith("#")}


@pytest.mark.parametrize("lock", ["build", "test", "lock-tool"])
def test_every_pin_carries_a_hash(lock: str) -> None:
    entries = _lock(lock)
    assert entries
    assert [name for name, (_, hashes) in entries.items() if not hashes] == []


def test_the_hash_check_catches_a_line_without_one() -> None:
    text = (REQUIREMENTS / "build.lock").read_text(encoding="utf-8")
    stripped = re.sub(r"(mkdocs==[^\s]+) \\\n(\s+--hash=\S+ \\\n)*\s+--hash=\S+", r"\1", text)
    assert stripped != text
    assert _entries(stripped)["mkdocs"][1] == [] and _entries(text)["mkdocs"][1]


def test_the_build_lock_holds_no_test_package() -> None:
    build, test_only = _lock("build"), _declared("test")
    assert {"pytest", "playwright"} <= test_only
    assert set(build) & (test_only | {"greenlet", "pluggy", "iniconfig"}) == set()  # nor what they bring


def test_the_test_lock_installs_on_top_without_changing_a_build_version() -> None:
    build, test = _lock("build"), _lock("test")
    assert {name: test.get(name) for name in build} == build
    assert _declared("test") <= set(test)


def test_every_declared_dependency_is_locked() -> None:
    build = _lock("build")
    assert _declared("build") | _declared("install") <= set(build)
    assert {"mkdocs", "mkdocs-material", "pydantic", "pyyaml", "jinja2"} <= _declared("build")
    assert "setuptools" in build  # the editable install is built with it, without build isolation


def test_pyproject_reads_its_dependencies_from_the_in_files() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "dependencies" not in project["project"] and "optional-dependencies" not in project["project"]
    assert set(project["project"]["dynamic"]) == {"dependencies", "optional-dependencies"}
    dynamic = project["tool"]["setuptools"]["dynamic"]
    assert dynamic["dependencies"] == {"file": ["requirements/build.in"]}
    assert dynamic["optional-dependencies"] == {"test": {"file": ["requirements/test.in"]}}
