"""No input crashes the validator: damaged files give diagnostics, never exceptions."""

from __future__ import annotations

import random
from pathlib import Path

from conftest import copy_base
from generator.loader import load_catalogue

SOURCE = "ho-tich/1.001193.yml"


def _variants(data: bytes):
    for end in range(0, len(data), 7):  # every truncation, as an editor's half-saved file
        yield data[:end]
    rng = random.Random(20261125)
    alphabet = b" \t\n:-[]{}&*!|>'\"#%@`,?\\\xff\xc3\x00"
    for _ in range(400):  # seeded byte edits: deletions, insertions of YAML syntax and bad bytes
        mutated = bytearray(data)
        for _ in range(rng.randint(1, 6)):
            at = rng.randrange(len(mutated))
            if rng.random() < 0.5:
                del mutated[at]
            else:
                mutated.insert(at, rng.choice(alphabet))
        yield bytes(mutated)


def test_damaged_procedure_files_never_raise(tmp_path: Path) -> None:
    catalogue = copy_base(tmp_path / "catalogue")
    target = catalogue / SOURCE
    original = target.read_bytes()
    outcomes = set()
    for variant in _variants(original):
        target.write_bytes(variant)
        result = load_catalogue(catalogue, display_root=catalogue)
        for d in result.diagnostics:
            # a damaged forms[].file leaves the form file unused: a warning on that file
            assert d.file in (SOURCE, "ho-tich/mau/to-khai.pdf") and d.line >= 1 and d.column >= 1 and d.message
        outcomes.add(bool(result.diagnostics))
    assert outcomes == {True, False}  # some edits are harmless, most are caught


def test_damaged_catalogue_file_never_raises(tmp_path: Path) -> None:
    catalogue = copy_base(tmp_path / "catalogue")
    target = catalogue / "catalogue.yml"
    for variant in _variants(target.read_bytes()):
        target.write_bytes(variant)
        result = load_catalogue(catalogue, display_root=catalogue)
        assert result.ok == (not result.diagnostics)
