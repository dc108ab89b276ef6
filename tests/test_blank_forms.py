"""Blank DOCX and PDF copies of the forms that define their fields: what is printed on
them, that they are byte-for-byte reproducible, and that the site offers them."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import unicodedata
import zipfile
from datetime import date
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfReader

from conftest import FIXTURES, ROOT, copy_base
from generator import blank_forms
from generator.loader import load_catalogue
from generator.model import Entry, Form
from generator.pages import Memo, generate
from helpers import Elements

# Written out here, not taken from the module: the test checks the module's spelling.
HEADER = ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
SIGNATURE = ["NGƯỜI YÊU CẦU", "(Ký, ghi rõ họ, chữ đệm, tên)"]


def _sample() -> list[tuple[Entry, Form]]:
    result = load_catalogue(ROOT / "procedures")
    assert result.ok
    return [(e, f) for e in result.catalogue.entries for f in e.procedure.forms if f.fields]


SAMPLE = _sample()


def _dated(entry: Entry) -> date:
    return date.fromisoformat(entry.procedure.updated)


def _printed(form: Form) -> list[str]:
    """Every text the paper form must carry, as the editor wrote it."""
    out = [*HEADER, form.title.upper(), *SIGNATURE]
    if form.recipient:
        out.append(f"Kính gửi: {form.recipient}")
    for item in form.fields:
        out += [t for t in (item.heading, item.label, item.help) if t] + list(item.options or [])
    return out


def _docx_text(data: bytes) -> str:
    return "\n".join(p.text for p in Document(io.BytesIO(data)).paragraphs)


def _pdf_text(data: bytes) -> str:
    """The PDF's text with line breaks as spaces: a long label wraps over lines."""
    return " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split())


def test_the_sample_defines_at_least_five_forms() -> None:
    assert len(SAMPLE) >= 5
    assert all(form.file for _, form in SAMPLE)  # the official file stays beside the blank copies
    assert "1.001193" in {entry.procedure.code for entry, _ in SAMPLE}


@pytest.mark.parametrize("entry, form", SAMPLE, ids=[f.id for _, f in SAMPLE])
def test_the_docx_carries_every_label_with_its_diacritics(entry: Entry, form: Form) -> None:
    data = blank_forms.docx(form, _dated(entry))
    paragraphs = [p.text for p in Document(io.BytesIO(data)).paragraphs]
    assert paragraphs[:2] == HEADER
    assert form.title.upper() in paragraphs
    text = "\n".join(paragraphs)
    assert unicodedata.is_normalized("NFC", text)
    for expected in _printed(form):
        assert expected in text, expected
    for item in (i for i in form.fields if not i.heading):
        if item.type in ("text", "date", "number", "id-number", "phone"):
            assert f"{item.label}: \t" in paragraphs  # the tab runs to a dotted leader at the margin
        elif item.type == "checkbox":
            assert f"☐ {item.label}" in paragraphs


@pytest.mark.parametrize("entry, form", SAMPLE, ids=[f.id for _, f in SAMPLE])
def test_the_pdf_carries_every_label_with_its_diacritics(entry: Entry, form: Form) -> None:
    data = blank_forms.pdf(form, _dated(entry))
    text = _pdf_text(data)
    assert text.startswith(" ".join(HEADER))
    assert unicodedata.is_normalized("NFC", text)
    for expected in _printed(form):
        assert " ".join(expected.split()) in text, expected
    reader = PdfReader(io.BytesIO(data))
    assert [round(float(v)) for v in reader.pages[0].mediabox[2:]] == [595, 842]  # A4 in points
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            descriptor = font.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            assert "/FontFile2" in descriptor  # embedded: no system font is needed to print it


def test_the_files_are_small() -> None:
    entry, form = next((e, f) for e, f in SAMPLE if e.procedure.code == "1.001193")
    assert len(blank_forms.pdf(form, _dated(entry))) < 60_000  # the fonts are subset
    assert len(blank_forms.docx(form, _dated(entry))) < 60_000


def test_decomposed_diacritics_are_printed_composed() -> None:
    decomposed = unicodedata.normalize("NFD", "Họ, chữ đệm, tên")
    form = Form(id="don", title=unicodedata.normalize("NFD", "Đơn đề nghị"),
                fields=[{"name": "ho-ten", "label": decomposed}])
    assert "Họ, chữ đệm, tên: \t" in _docx_text(blank_forms.docx(form))
    assert "ĐƠN ĐỀ NGHỊ" in _pdf_text(blank_forms.pdf(form))
    assert "Họ, chữ đệm, tên:" in _pdf_text(blank_forms.pdf(form))


def test_control_characters_a_quoted_value_may_hold_do_not_break_the_build() -> None:
    form = Form(id="don", title="Đơn\x01", fields=[{"name": "a", "label": "Nhãn\x0b có ký tự lạ"}])
    assert "Nhãn\ufffd có ký tự lạ: \t" in _docx_text(blank_forms.docx(form))
    assert "ĐƠN\ufffd" in _pdf_text(blank_forms.pdf(form))


_MAKE_BOTH = """
import hashlib, sys
from datetime import date
from pathlib import Path
from generator import blank_forms
from generator.loader import load_catalogue
entry = next(e for e in load_catalogue(Path("procedures")).catalogue.entries if e.procedure.code == "1.001193")
form = entry.procedure.forms[0]
day = date.fromisoformat(entry.procedure.updated)
print(hashlib.sha256(blank_forms.docx(form, day)).hexdigest(), hashlib.sha256(blank_forms.pdf(form, day)).hexdigest())
"""


def test_the_files_are_byte_for_byte_reproducible() -> None:
    """Two processes, two hash seeds, a second apart: the same bytes."""
    digests = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed, "PYTHONPATH": str(ROOT)}
        run = subprocess.run([sys.executable, "-c", _MAKE_BOTH], cwd=ROOT, env=env, capture_output=True, text=True,
                             check=True, timeout=120)
        digests.add(run.stdout)
    assert len(digests) == 1


def test_the_dates_inside_come_from_the_procedure_not_the_clock() -> None:
    entry, form = SAMPLE[0]
    day = _dated(entry)
    archive = zipfile.ZipFile(io.BytesIO(blank_forms.docx(form, day)))
    assert {info.date_time for info in archive.infolist()} == {(day.year, day.month, day.day, 0, 0, 0)}
    properties = Document(io.BytesIO(blank_forms.docx(form, day))).core_properties
    assert properties.created.date() == properties.modified.date() == day
    info = PdfReader(io.BytesIO(blank_forms.pdf(form, day))).metadata
    assert info["/CreationDate"].startswith(f"D:{day:%Y%m%d}000000")
    assert info["/Producer"] == "tthc-catalogue"
    undated = Form(id="don", title="Đơn", fields=[{"name": "a", "label": "A"}])
    assert blank_forms.pdf(undated) == blank_forms.pdf(undated)
    assert blank_forms.docx(undated) == blank_forms.docx(undated)


# --- on the site ---------------------------------------------------------------------


def test_the_procedure_page_offers_both_blank_copies(sample_site: Path) -> None:
    entry, form = next((e, f) for e, f in SAMPLE if e.procedure.code == "1.001193")
    folder = sample_site / "thu-tuc" / "1.001193"
    page = Elements((folder / "index.html").read_text(encoding="utf-8"))
    links = {a["href"]: a.get("download") for t, a in page.tags if t == "a" and "tthc-download" in a.get("class", "")}
    day = _dated(entry)
    for extension, make in (("docx", blank_forms.docx), ("pdf", blank_forms.pdf)):
        href = f"mau-trong/{form.id}.{extension}"
        assert links[href] == f"1.001193-{form.id}-mau-trong.{extension}"
        assert (folder / href).read_bytes() == make(form, day)
        assert f"Mẫu trống ({extension.upper()}), " in page.text
    assert links[f"{form.id}.docx"] == f"1.001193-{form.id}.docx"  # the official file is still offered
    listing = Elements((sample_site / "bieu-mau" / "index.html").read_text(encoding="utf-8"))
    hrefs = listing.links()
    assert f"../thu-tuc/1.001193/mau-trong/{form.id}.pdf" in hrefs
    assert f"../thu-tuc/1.001193/mau-trong/{form.id}.docx" in hrefs


def _catalogue_with_fields(tmp_path: Path) -> Path:
    catalogue = copy_base(tmp_path / "catalogue")
    shutil.copy(FIXTURES / "valid" / "form-fields.yml", catalogue / "form-fields.yml")
    return catalogue


def test_a_form_without_file_is_offered_through_its_blank_copies(tmp_path: Path) -> None:
    result = load_catalogue(_catalogue_with_fields(tmp_path))
    content = generate(result.catalogue, ROOT / "templates")
    page = next(p.markdown for p in content.pages if p.path == "thu-tuc/1.000081/index.md")
    assert isinstance(content.data["thu-tuc/1.000081/mau-trong/to-khai.docx"], bytes)
    assert content.data["thu-tuc/1.000081/mau-trong/to-khai.pdf"].startswith(b"%PDF-")
    # the checklist's "Tải mẫu" for the document points to the first copy, the DOCX
    assert 'href="mau-trong/to-khai.docx" download="1.000081-to-khai-mau-trong.docx">Tải mẫu (DOCX,' in page
    assert not any(a.path.startswith("thu-tuc/1.000081/to-khai") for a in content.assets)


def test_the_preview_makes_a_blank_copy_again_only_when_its_form_changed(tmp_path: Path, monkeypatch) -> None:
    made = []
    for name in ("docx", "pdf"):
        def counted(form, dated=None, real=getattr(blank_forms, name)):
            made.append(form.id)
            return real(form, dated)
        monkeypatch.setattr(blank_forms, name, counted)
    catalogue = _catalogue_with_fields(tmp_path)
    memo = Memo()
    first = generate(load_catalogue(catalogue).catalogue, ROOT / "templates", memo=memo, search=False)
    assert sorted(made) == ["don-kem-file", "don-kem-file", "to-khai", "to-khai"]
    made.clear()
    generate(load_catalogue(catalogue).catalogue, ROOT / "templates", memo=memo, search=False)
    assert made == []
    source = catalogue / "form-fields.yml"
    source.write_text(source.read_text(encoding="utf-8").replace("label: Lý do", "label: Lý do đề nghị"),
                      encoding="utf-8")
    again = generate(load_catalogue(catalogue).catalogue, ROOT / "templates", memo=memo, search=False)
    assert made == ["to-khai", "to-khai"]
    changed = {p for p in first.data if first.data[p] != again.data[p]}
    assert changed == {"thu-tuc/1.000081/mau-trong/to-khai.docx", "thu-tuc/1.000081/mau-trong/to-khai.pdf"}


def test_the_preview_writes_a_changed_blank_copy_into_its_site(tmp_path: Path) -> None:
    from generator.mkdocs_adapter import LiveSite

    catalogue, memo = _catalogue_with_fields(tmp_path), Memo()
    live = LiveSite(ROOT / "mkdocs.yml", tmp_path / "site")
    live.build(generate(load_catalogue(catalogue).catalogue, ROOT / "templates", memo=memo))
    target = tmp_path / "site" / "thu-tuc" / "1.000081" / "mau-trong" / "to-khai.pdf"
    before = target.read_bytes()
    assert before.startswith(b"%PDF-")
    source = catalogue / "form-fields.yml"
    source.write_text(source.read_text(encoding="utf-8").replace("title: Tờ khai thử", "title: Tờ khai thử lại"),
                      encoding="utf-8")
    content = generate(load_catalogue(catalogue).catalogue, ROOT / "templates", memo=memo)
    live.update(content)
    assert target.read_bytes() == content.data["thu-tuc/1.000081/mau-trong/to-khai.pdf"] != before
    assert "TỜ KHAI THỬ LẠI" in _pdf_text(target.read_bytes())
