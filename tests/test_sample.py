"""The sample catalogue in procedures/ meets its brief, and its forms open."""

from __future__ import annotations

import zipfile
from collections import Counter

import pytest
from docx import Document as Docx

from conftest import ROOT
from generator.loader import load_catalogue


@pytest.fixture(scope="module")
def sample():
    result = load_catalogue(ROOT / "procedures", display_root=ROOT)
    assert result.diagnostics == [], "\n".join(map(str, result.diagnostics))
    return result.catalogue


def test_sample_covers_the_brief(sample) -> None:
    procedures = [e.procedure for e in sample.entries]
    assert len(procedures) >= 40
    assert len({p.field for p in procedures}) >= 8
    assert len({p.agency for p in procedures}) >= 10
    assert set(Counter(p.level for p in procedures)) == {1, 2, 3, 4}
    assert {"tinh", "xa"} <= {t for p in procedures for t in p.tiers}
    assert all(p.online_url for p in procedures if p.level >= 3)


def test_sample_forms_are_real_documents(sample) -> None:
    files = {e.form_path(f) for e in sample.entries for f in e.procedure.forms}
    assert len(files) >= 15
    for path in files:
        if path.suffix == ".docx":
            assert zipfile.is_zipfile(path), path
            text = "\n".join(p.text for p in Docx(path).paragraphs)
            text += "\n".join(c.text for t in Docx(path).tables for r in t.rows for c in r.cells)
            assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text.upper(), path
            assert len(text) > 300, f"{path} has almost no content"
        else:
            assert path.read_bytes().startswith(b"%PDF-"), path
