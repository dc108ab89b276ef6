"""Blank paper copies (DOCX and PDF) of a form that defines its fields.

Not every citizen fills in a form on the site: many print it, or are handed a copy at
the one-stop desk, and write by hand. For them the build lays the same fields out like
an official Vietnamese form on A4: the national header, the title in capitals,
“Kính gửi”, a dotted line to write on after each label, boxes to tick, then the place
and date and the signature block.

Both files are byte-for-byte the same for the same form (the team requires identical
sites from identical input): dates inside them come from the procedure's ``updated``
day, not the clock; the DOCX zip is re-written with fixed entry times; the PDF's
creation date, producer and /ID are fixed. The PDF embeds a subset of DejaVu Serif,
shipped in ``generator/fonts/``, so no system font and no download is needed.
"""

from __future__ import annotations

import io
import unicodedata
import zipfile
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt
from fpdf import FPDF

from generator.model import Form
from generator.text import xml_safe

# The fixed words of an official form; the fill-in page prints the same (templates/form.html.j2).
NATIONAL = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"
PLACE_AND_DATE = "…………, ngày …… tháng …… năm ……"
SIGNER = "NGƯỜI YÊU CẦU"
SIGNATURE_HINT = "(Ký, ghi rõ họ, chữ đệm, tên)"
FONTS = Path(__file__).parent / "fonts"
_UNDATED = date(2020, 1, 1)  # any fixed day will do when the procedure has no `updated`
_TEXTAREA_LINES = 2  # dotted lines under a textarea's first one
_PAGE = {"width": 210, "height": 297, "top": 20, "bottom": 20, "left": 30, "right": 15}  # mm, as for official papers


@dataclass(frozen=True)
class _Line:
    """One element of the printed form, the same for both file formats."""

    kind: str  # "heading", "field", "textarea", "choice", "checkbox", "help"
    text: str
    options: tuple[str, ...] = ()


def _clean(text: str) -> str:
    """Editors may type decomposed diacritics, which fonts and searches expect composed;
    a quoted YAML value can hold control characters, which a DOCX cannot."""
    return xml_safe(unicodedata.normalize("NFC", text))


def _lines(form: Form) -> list[_Line]:
    out = []
    for item in form.fields:
        if item.heading:
            out.append(_Line("heading", _clean(item.heading)))
            continue
        kind = item.type if item.type in ("choice", "checkbox", "textarea") else "field"  # the rest: one line
        out.append(_Line(kind, _clean(item.label or ""), tuple(_clean(o) for o in item.options or ())))
        if item.help:
            out.append(_Line("help", f"({_clean(item.help)})"))
    return out


def _moment(dated: date | None) -> datetime:
    day = dated or _UNDATED
    return datetime(day.year, day.month, day.day, tzinfo=timezone.utc)


# --- DOCX ----------------------------------------------------------------------------


def docx(form: Form, dated: date | None = None) -> bytes:
    """The blank form as a Word file, to fill in on a computer or print."""
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = Mm(_PAGE["width"]), Mm(_PAGE["height"])
    section.top_margin, section.bottom_margin = Mm(_PAGE["top"]), Mm(_PAGE["bottom"])
    section.left_margin, section.right_margin = Mm(_PAGE["left"]), Mm(_PAGE["right"])
    width = Mm(_PAGE["width"] - _PAGE["left"] - _PAGE["right"])
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = "Times New Roman", Pt(13)
    normal.paragraph_format.space_after = Pt(3)

    def paragraph(text: str = "", bold=False, italic=False, size=None, centre=False, indent=None):
        p = document.add_paragraph()
        if text:
            run = p.add_run(text)
            run.bold, run.italic = bold or None, italic or None
            if size:
                run.font.size = Pt(size)
        if centre:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        if indent is not None:
            p.paragraph_format.left_indent = indent
        return p

    def dotted(text: str):
        p = paragraph(text + "\t")
        p.paragraph_format.tab_stops.add_tab_stop(width, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
        return p

    paragraph(NATIONAL, bold=True, centre=True).paragraph_format.space_after = Pt(0)
    paragraph(MOTTO, bold=True, size=14, centre=True).paragraph_format.space_after = Pt(0)
    _rule(paragraph(), width, Mm(55))
    title = paragraph(_clean(form.title).upper(), bold=True, size=14, centre=True)
    title.paragraph_format.space_before = Pt(18)
    title.paragraph_format.space_after = Pt(12)
    if form.recipient:
        paragraph(f"Kính gửi: {_clean(form.recipient)}", centre=True).paragraph_format.space_after = Pt(12)
    for line in _lines(form):
        if line.kind == "heading":
            heading = paragraph(line.text, bold=True).paragraph_format
            heading.space_before, heading.keep_with_next = Pt(6), True
        elif line.kind == "help":
            paragraph(line.text, italic=True, size=11)
        elif line.kind == "checkbox":
            paragraph(f"☐ {line.text}")
        elif line.kind == "choice":
            paragraph(f"{line.text}:   " + "    ".join(f"☐ {o}" for o in line.options))
        else:
            dotted(f"{line.text}: ")
            for _ in range(_TEXTAREA_LINES if line.kind == "textarea" else 0):
                dotted("")
    signature = Mm((_PAGE["width"] - _PAGE["left"] - _PAGE["right"]) / 2)
    place = paragraph(PLACE_AND_DATE, italic=True, centre=True, indent=signature).paragraph_format
    place.space_before, place.keep_with_next = Pt(12), True
    signer = paragraph(SIGNER, bold=True, centre=True, indent=signature).paragraph_format
    signer.space_after, signer.keep_with_next = Pt(0), True
    paragraph(SIGNATURE_HINT, italic=True, centre=True, indent=signature)

    properties = document.core_properties
    properties.title = _clean(form.title)
    properties.author = properties.last_modified_by = properties.comments = ""
    properties.language = "vi-VN"
    properties.revision = 1
    properties.created = properties.modified = _moment(dated).replace(tzinfo=None)
    _drop_extras(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return _fixed_zip(buffer.getvalue(), dated or _UNDATED)


_EXTRAS = ("thumbnail", "stylesWithEffects", "customXml")


def _drop_extras(document) -> None:
    """python-docx's template carries a thumbnail of some other page, Word 2010's copy of
    the styles and a bibliography store: optional parts, 16 KB a phone need not download."""
    for owner in (document.part.package, document.part):
        for rel_id, rel in list(owner.rels.items()):
            if rel.reltype.rsplit("/", 1)[-1] in _EXTRAS:
                del owner.rels[rel_id]


def _rule(p, width, length) -> None:
    """The short line under the motto, as on every official paper: a bottom border on an
    empty paragraph indented to ``length``. The border goes in before the indent and
    alignment, which Word's schema wants after it."""
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    for name, value in (("val", "single"), ("sz", "6"), ("space", "1"), ("color", "auto")):
        bottom.set(qn(f"w:{name}"), value)
    borders.append(bottom)
    p._p.get_or_add_pPr().append(borders)
    side = int((width - length) / 2)
    p.paragraph_format.left_indent = p.paragraph_format.right_indent = side
    p.paragraph_format.space_after = Pt(0)


def _fixed_zip(data: bytes, day: date) -> bytes:
    """The same archive with every entry dated ``day`` and made on the same "system"."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(max(day.year, 1980), day.month, day.day, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.create_system = 0
            fixed.external_attr = 0
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


# --- PDF -----------------------------------------------------------------------------

_FONT = "DejaVuSerif"
_SIZE = 12  # pt; DejaVu Serif is wider than Times New Roman, so a point smaller than the DOCX
_LEAD = 7  # mm between lines: room to write by hand
_BOX = 3.4  # mm, a tick box


def pdf(form: Form, dated: date | None = None) -> bytes:
    """The blank form as a PDF, to print as it is."""
    doc = FPDF(orientation="P", unit="mm", format="A4")
    doc.set_margins(_PAGE["left"], _PAGE["top"], _PAGE["right"])
    doc.set_auto_page_break(True, _PAGE["bottom"])
    for style, file in (("", "DejaVuSerif.ttf"), ("B", "DejaVuSerif-Bold.ttf"), ("I", "DejaVuSerif-Italic.ttf")):
        doc.add_font(_FONT, style, FONTS / file)
    doc.set_creation_date(_moment(dated))
    doc.set_producer("tthc-catalogue")
    doc.set_creator("tthc-catalogue")
    doc.set_title(_clean(form.title))
    doc.set_lang("vi")
    doc.add_page()
    width = doc.epw

    def centred(text: str, style: str = "", size: float = _SIZE, height: float = 6) -> None:
        doc.set_font(_FONT, style, size)
        doc.multi_cell(width, height, text, align="C", new_x="LMARGIN", new_y="NEXT")

    centred(NATIONAL, "B")
    centred(MOTTO, "B", _SIZE + 1)
    middle = doc.l_margin + width / 2
    doc.line(middle - 27, doc.get_y() + 1.5, middle + 27, doc.get_y() + 1.5)
    doc.ln(10)
    centred(_clean(form.title).upper(), "B", _SIZE + 2, 7)
    doc.ln(3)
    if form.recipient:
        centred(f"Kính gửi: {_clean(form.recipient)}")
        doc.ln(3)
    for line in _lines(form):
        if line.kind == "heading":
            _keep_room(doc, 3 * _LEAD)  # a heading never ends a page
            doc.ln(2)
            doc.set_font(_FONT, "B", _SIZE)
            doc.multi_cell(width, _LEAD, line.text, align="L", new_x="LMARGIN", new_y="NEXT")
        elif line.kind == "help":
            doc.set_font(_FONT, "I", _SIZE - 2)
            doc.multi_cell(width, 5, line.text, align="L", new_x="LMARGIN", new_y="NEXT")
        elif line.kind == "checkbox":
            doc.set_font(_FONT, "", _SIZE)
            _box(doc, doc.l_margin)
            doc.set_x(doc.l_margin + _BOX + 2)
            doc.multi_cell(width - _BOX - 2, _LEAD, line.text, align="L", new_x="LMARGIN", new_y="NEXT")
        elif line.kind == "choice":
            _choice(doc, line)
        else:
            _dotted(doc, f"{line.text}:")
            for _ in range(_TEXTAREA_LINES if line.kind == "textarea" else 0):
                _dotted(doc, "")
    _keep_room(doc, 40)  # the signature block stays in one piece
    doc.ln(6)
    column = width * 0.6  # the right of the page, wide enough for the date line on one line
    for text, style in ((PLACE_AND_DATE, "I"), (SIGNER, "B"), (SIGNATURE_HINT, "I")):
        doc.set_font(_FONT, style, _SIZE)
        doc.set_x(doc.l_margin + width - column)
        doc.multi_cell(column, 6, text, align="C", new_x="LMARGIN", new_y="NEXT")
    return bytes(doc.output())


def _keep_room(doc: FPDF, height: float) -> None:
    if doc.get_y() + height > doc.page_break_trigger:
        doc.add_page()


def _wrap(doc: FPDF, text: str, width: float) -> list[str]:
    lines, current = [], ""
    for word in text.split():
        trial = f"{current} {word}" if current else word
        if current and doc.get_string_width(trial) > width:
            lines.append(current)
            current = word
        else:
            current = trial
    return [*lines, current]


def _dotted(doc: FPDF, label: str) -> None:
    """``label`` then dots to the right margin; on a line of its own if little room is left."""
    doc.set_font(_FONT, "", _SIZE)
    width = doc.epw
    lines = _wrap(doc, label, width) if label else [""]
    last = f"{lines[-1]} " if lines[-1] else ""
    room = width - doc.get_string_width(last)
    dot = doc.get_string_width(".")
    if room < 25:
        lines.append("." * int(width / dot))
    else:
        lines[-1] = last + "." * int(room / dot)
    for text in lines:
        doc.cell(width, _LEAD, text, new_x="LMARGIN", new_y="NEXT")


def _box(doc: FPDF, x: float) -> None:
    doc.rect(x, doc.get_y() + (_LEAD - _BOX) / 2, _BOX, _BOX)


def _choice(doc: FPDF, line: _Line) -> None:
    """The label, then a box before each option, wrapping as the options need."""
    doc.set_font(_FONT, "", _SIZE)
    right = doc.l_margin + doc.epw
    *parts, last = _wrap(doc, f"{line.text}:", doc.epw)
    for part in parts:
        doc.cell(doc.epw, _LEAD, part, new_x="LMARGIN", new_y="NEXT")
    doc.cell(doc.get_string_width(last) + 4, _LEAD, last)
    for option in line.options:
        needed = _BOX + 2 + doc.get_string_width(option) + 6
        if doc.get_x() + needed > right:
            doc.ln(_LEAD)
            doc.set_x(doc.l_margin + 4)
        _box(doc, doc.get_x())
        doc.set_x(doc.get_x() + _BOX + 1.5)
        doc.cell(doc.get_string_width(option) + 6, _LEAD, option)
    doc.ln(_LEAD)
