"""Property-based tests: whatever an editor's file holds, the validator answers with positioned diagnostics.

``test_robustness.py`` walks fixed truncations and seeded byte edits; here Hypothesis
generates the files, from any bytes and from structured edits of a valid procedure file
(keys swapped, unicode and control characters, deep nesting, huge numbers, anchors and
aliases, tabs, truncation), and shrinks a failure to the smallest file that shows it.
The property: ``load_catalogue`` returns, never raises, and every diagnostic names a
line that exists (1 ≤ line ≤ lines, counting the empty one after a final newline, as an
editor numbers them: ``\\r\\n``, ``\\r`` or ``\\n`` end a line) and a column on it.

Reproducible and bounded: ``derandomize`` (the examples follow from the test's name),
no example database, a fixed number of examples and a generous 2 s deadline for each.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import copy_base
from generator.loader import load_catalogue

SOURCE = "ho-tich/1.001193.yml"
FUZZ = settings(max_examples=200, deadline=timedelta(seconds=2), derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def editor_lines(text: str) -> list[str]:
    return re.split(r"\r\n|\r|\n", text)


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory) -> Path:
    return copy_base(tmp_path_factory.mktemp("fuzz") / "catalogue")


def _check(catalogue: Path, relative: str, content: bytes) -> None:
    (catalogue / relative).write_bytes(content)
    try:
        result = load_catalogue(catalogue, display_root=catalogue)
    finally:
        (catalogue / relative).write_text(ORIGINALS[relative], encoding="utf-8")
    texts = {relative: content.decode("utf-8-sig", "replace")}
    for d in result.diagnostics:
        target = catalogue / d.file
        text = texts.get(d.file) or (target.read_text(encoding="utf-8") if target.suffix == ".yml" else "")
        lines = editor_lines(text)
        assert 1 <= d.line <= len(lines), (str(d), len(lines))
        assert 1 <= d.column <= len(lines[d.line - 1]) + 1, (str(d), lines[d.line - 1])
        assert d.message.strip(), str(d)


@FUZZ
@given(content=st.one_of(st.binary(max_size=3000), st.text(max_size=1500).map(lambda t: t.encode("utf-8"))))
def test_any_bytes_as_a_procedure_file(catalogue: Path, content: bytes) -> None:
    _check(catalogue, SOURCE, content)


def _key_lines(text: str) -> list[int]:
    return [n for n, line in enumerate(editor_lines(text)) if re.match(r"\s*(- )?[a-z_]+:", line)]


@st.composite
def _edit(draw, text: str) -> str:
    """One editor-shaped mishap at a drawn place in ``text``: anywhere, or where a value starts."""
    starts = [m.end() for m in re.finditer(r"(?m)^[ \t]*(?:- +)?(?:[^\s:#]+:[ \t]+)?", text)]
    at = draw(st.one_of(st.integers(0, len(text)), st.sampled_from(starts)))
    kind = draw(st.sampled_from(["truncate", "swap", "unicode", "control", "nest", "number", "alias", "tab"]))
    if kind == "truncate":
        return text[:at]
    if kind == "swap":  # two keys exchanged: a value under the wrong key, maybe at another depth
        lines = editor_lines(text)
        keyed = _key_lines(text)
        if len(keyed) < 2:
            return text
        first, second = draw(st.sampled_from(keyed)), draw(st.sampled_from(keyed))
        key = re.compile(r"[a-z_]+(?=:)")
        a, b = key.search(lines[first]).group(), key.search(lines[second]).group()
        lines[first], lines[second] = key.sub(b, lines[first], 1), key.sub(a, lines[second], 1)
        return "\n".join(lines)
    if kind == "unicode":
        return text[:at] + draw(st.text(min_size=1, max_size=20)) + text[at:]
    if kind == "control":  # C0/C1 controls, format characters (BOM, zero-width), line and paragraph separators, lone surrogates (bad UTF-8)
        characters = st.characters(categories=["Cc", "Cf", "Zl", "Zp", "Cs"])
        return text[:at] + draw(st.text(characters, min_size=1, max_size=5)) + text[at:]
    if kind == "nest":
        depth = draw(st.integers(1, 3000))
        opener, closer = draw(st.sampled_from([("[", "]"), ("{a: ", "}"), ("- ", "")]))
        return text[:at] + opener * depth + draw(st.sampled_from(["", "x"])) + closer * depth + text[at:]
    if kind == "number":
        digits = draw(st.integers(1, 10_000))
        number = draw(st.sampled_from(["9" * digits, "-" + "1" * digits, f"1e{digits}", f"0x{'F' * digits}",
                                       f"1.{'0' * digits}1", ".inf", "-.nan", "0o777", "1_000"]))
        return text[:at] + number + text[at:]
    if kind == "alias":
        anchor = draw(st.sampled_from(["&a ", "&a", "*a", "&a *a", "!!str ", "!!binary ", "!custom ", "<<: *a"]))
        return text[:at] + anchor + text[at:]
    lines = editor_lines(text)  # tab: indentation with tabs, or a tab after a key
    line = draw(st.integers(0, len(lines) - 1))
    lines[line] = re.sub(r"^ +", lambda m: "\t" * draw(st.integers(1, len(m.group()))), lines[line]) \
        if draw(st.booleans()) else lines[line].replace(": ", ":\t", 1)
    return "\n".join(lines)


@st.composite
def _edited(draw, original: str) -> str:
    text = original
    for _ in range(draw(st.integers(1, 4))):
        text = draw(_edit(text))
    return text


ORIGINALS = {name: (Path(__file__).parent / "fixtures" / "base" / name).read_text(encoding="utf-8")
             for name in (SOURCE, "catalogue.yml")}


@FUZZ
@given(text=_edited(ORIGINALS[SOURCE]), newline=st.sampled_from(["\n", "\r\n", "\r"]))
def test_edits_of_a_valid_procedure_file(catalogue: Path, text: str, newline: str) -> None:
    _check(catalogue, SOURCE, text.replace("\n", newline).encode("utf-8", "surrogatepass"))


@FUZZ
@given(text=_edited(ORIGINALS["catalogue.yml"]))
def test_edits_of_a_valid_catalogue_file(catalogue: Path, text: str) -> None:
    _check(catalogue, "catalogue.yml", text.encode("utf-8", "surrogatepass"))
