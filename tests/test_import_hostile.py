"""``import`` given a spreadsheet built to harm: a message, exit 1, bounded memory and time, nothing written.

Every file is built here from handwritten XML, some zip headers by hand too (zipfile
compresses what it is given, and a bomb's data must be compressed once and repeated).
The import runs as the CLI in a subprocess whose address space is capped at 512 MB,
with a timeout, so a check that let openpyxl inflate or allocate would fail the test
with a MemoryError's traceback or a timeout instead of hanging the suite.
"""

from __future__ import annotations

import os
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import pytest

from conftest import ROOT, copy_base
from generator.importer import safe_xlsx

MEMORY = 512 * 1024 * 1024
LIMITED = ("import resource, runpy, sys; resource.setrlimit(resource.RLIMIT_AS, ({0}, {0})); "
           "sys.argv[0] = 'generator'; runpy.run_module('generator', run_name='__main__', alter_sys=True)"
           ).format(MEMORY)

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PARTS = {
    "[Content_Types].xml":
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" '
        'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>',
    "_rels/.rels":
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/workbook.xml":
        f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN}" xmlns:r="{REL}">'
        '<sheets><sheet name="Danh mục" sheetId="1" r:id="rId1"/></sheets></workbook>',
    "xl/_rels/workbook.xml.rels":
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>',
}
SHEET = "xl/worksheets/sheet1.xml"
HEADER = ["STT", "Mã số", "Tên thủ tục", "Lĩnh vực", "Cơ quan thực hiện", "Cấp thực hiện", "Mức độ"]
NEXT = ("Tiếp theo: điền nội dung các tệp vừa tạo (viết lại các dòng có “(viết lại)”, kiểm tra các giá trị có chú "
        "thích “# (kiểm tra lại)” rồi xóa chú thích) và chạy: python -m generator validate. Tệp còn các dấu đó chưa "
        "lên trang web.")
BOMB = ("có thể là “bom nén” (zip bomb): một tệp nhỏ giải nén thành dữ liệu khổng lồ để làm treo máy. Không đọc tệp "
        "này; nếu đúng là danh mục, hãy mở bằng Excel, lưu thành CSV UTF-8 rồi nhập lại.")
DTD = ("có khai báo DOCTYPE hoặc ENTITY. Excel không bao giờ viết những khai báo này; chúng dùng để làm treo máy "
       "(“billion laughs”) hoặc đọc trộm tệp trên máy. Không đọc tệp này; nếu đúng là danh mục, hãy mở bằng Excel, "
       "lưu lại dạng .xlsx hoặc CSV UTF-8 rồi nhập lại.")


def _column(index: int) -> str:
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _row(number: int, cells: list[str | None]) -> str:
    """A row of inline strings; a cell starting with ``<`` is written as given (a formula)."""
    out = []
    for index, text in enumerate(cells, 1):
        ref = f"{_column(index)}{number}"
        if text is None:
            continue
        if text.startswith("<"):
            out.append(text.format(ref=ref))
        else:
            out.append(f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>')
    return f'<row r="{number}">{"".join(out)}</row>'


def _sheet(rows: str, head: str = "", dimension: str = "A1:G3") -> str:
    return (f'{head}<worksheet xmlns="{MAIN}"><dimension ref="{dimension}"/><sheetData>'
            + _row(1, HEADER) + rows + "</sheetData></worksheet>")


def _xlsx(path: Path, sheet: str, **parts: str) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in {**PARTS, **parts, SHEET: sheet}.items():
            archive.writestr(name, text)
    return path


def _handmade_zip(path: Path, entries: list[tuple[str, bytes, int, int]]) -> Path:
    """(name, raw deflate data, CRC-32, uncompressed size as declared) → a zip, headers packed by hand."""
    local, central = bytearray(), bytearray()
    for name, data, crc, size in entries:
        encoded = name.encode()
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, zipfile.ZIP_DEFLATED, 0, 0x21, crc,
                               len(data), size, len(encoded), 0, 0, 0, 0, 0, len(local)) + encoded
        local += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, zipfile.ZIP_DEFLATED, 0, 0x21, crc, len(data), size,
                             len(encoded), 0) + encoded + data
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(entries), len(entries), len(central), len(local), 0)
    path.write_bytes(bytes(local + central + end))
    return path


def _deflated(text: str) -> tuple[bytes, int, int]:
    data = text.encode()
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush(), zlib.crc32(data), len(data)


def _inflating(megabytes: int) -> tuple[bytes, int, int]:
    """A sheet of ``megabytes`` MiB, almost all spaces, deflated in a few KB per MiB: one MiB compressed
    once after a full flush (which forgets the history) and its output repeated."""
    prefix, suffix, spaces = _sheet("").split("</sheetData>")[0].encode(), b"</sheetData></worksheet>", b" " * (1 << 20)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    head = compressor.compress(prefix) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(spaces) + compressor.flush(zlib.Z_FULL_FLUSH)
    tail = compressor.compress(suffix) + compressor.flush()
    crc = zlib.crc32(prefix)
    for _ in range(megabytes):
        crc = zlib.crc32(spaces, crc)
    return head + block * megabytes + tail, zlib.crc32(suffix, crc), len(prefix) + megabytes * len(spaces) + len(suffix)


def _bomb(path: Path, sheet: tuple[bytes, int, int], **parts: tuple[bytes, int, int]) -> Path:
    return _handmade_zip(path, [(name, *_deflated(text)) for name, text in PARTS.items()]
                         + [(name, *entry) for name, entry in {SHEET: sheet, **parts}.items()])


def _import(workdir: Path, source: Path) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in {**os.environ, "PYTHONPATH": str(ROOT)}.items() if k != "TTHC_CATALOGUE"}
    return subprocess.run([sys.executable, "-c", LIMITED, "import", source.name, "--catalogue", "catalogue"],
                          cwd=workdir, env=environment, capture_output=True, text=True, timeout=300)


def _files(directory: Path) -> dict[str, bytes]:
    return {p.relative_to(directory).as_posix(): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    copy_base(tmp_path / "catalogue")
    return tmp_path


def _refused(workdir: Path, source: Path, message: str) -> None:
    before = _files(workdir / "catalogue")
    run = _import(workdir, source)
    assert (run.returncode, run.stdout, run.stderr.strip()) == (1, "", "Chưa nhập được: " + message)
    assert _files(workdir / "catalogue") == before


LAUGHS = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
          + "".join(f'<!ENTITY lol{n} "{("&lol" + str(n - 1) + ";" if n > 1 else "&lol;") * 10}">' for n in range(1, 10))
          + "]>")


@pytest.mark.parametrize("part, document", [
    (SHEET, _sheet(_row(2, ["1", "1.000080", "&lol9;", "Hộ tịch", "UBND xã Kiểm Thử", "Cấp xã", "2"]), LAUGHS)),
    ("xl/workbook.xml", '<?xml version="1.0"?><!DOCTYPE workbook [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
                        + PARTS["xl/workbook.xml"].split("?>", 1)[1].replace("Danh mục", "&secret;")),
], ids=["billion-laughs", "external-entity"])
def test_a_dtd_in_any_part_is_refused(workdir: Path, part: str, document: str) -> None:
    sheet = document if part == SHEET else _sheet("")
    source = _xlsx(workdir / "danh-muc.xlsx", sheet, **({} if part == SHEET else {part: document}))
    _refused(workdir, source, f"Phần {part} của tệp danh-muc.xlsx {DTD}")


def test_a_zip_bomb_is_refused_from_its_declared_sizes(workdir: Path) -> None:
    """Two parts of 1 GiB each in a 2 MB file."""
    gigabyte = _inflating(1024)
    source = _bomb(workdir / "bom.xlsx", gigabyte, **{"xl/sharedStrings.xml": gigabyte})
    assert source.stat().st_size < 3 * 1024 * 1024
    _refused(workdir, source, f"Tệp bom.xlsx (2 MB) khi giải nén thành 2.048 MB, quá 100 MB; {BOMB}")


def test_a_part_compressed_a_thousand_times_is_refused(workdir: Path) -> None:
    """Under the total bound, but no spreadsheet compresses a thousand to one."""
    sheet = _inflating(50)
    ratio = sheet[2] // len(sheet[0])
    assert ratio > 900
    _refused(workdir, _bomb(workdir / "bom.xlsx", sheet),
             f"Phần {SHEET} của tệp bom.xlsx nén tới {safe_xlsx.thousands(ratio)}× (tệp Excel thật chỉ khoảng 5–25×); {BOMB}")


def test_a_part_inflating_past_its_declared_size_is_cut_there(workdir: Path) -> None:
    """The central directory says 1 KB; the data inflates to 1 GiB. zipfile stops at the declared
    size and the CRC check fails there: the part is read as damaged, never inflated."""
    data, crc, _ = _inflating(1024)
    _refused(workdir, _bomb(workdir / "bom.xlsx", (data, crc, 1024)),
             f"Phần {SHEET} của tệp bom.xlsx hỏng (BadZipFile); hãy mở bằng Excel, lưu lại dạng .xlsx "
             "(không đặt mật khẩu) rồi nhập lại.")


def test_a_zip_of_countless_parts_is_refused_before_zipfile_reads_it(workdir: Path) -> None:
    source = workdir / "nhieu.xlsx"
    with zipfile.ZipFile(source, "w") as archive:
        for name, text in PARTS.items():
            archive.writestr(name, text)
        for number in range(safe_xlsx.MAX_PARTS):
            archive.writestr(f"x/{number}", b"")
    _refused(workdir, source, f"Tệp nhieu.xlsx có hơn 10.000 phần bên trong (tệp Excel thật có vài chục); {BOMB}")


DATA = ["1", "1.000080", "Đăng ký kết hôn", "Hộ tịch", "UBND xã Kiểm Thử", "Cấp xã", "2"]
LATE = ["2", "1.000081", "Sau một triệu dòng trống", "Hộ tịch", "UBND xã Kiểm Thử", "Cấp xã", "2"]
IMPORTED = [
    "Đọc danh-muc.xlsx, trang tính “Danh mục”: dòng tiêu đề là dòng 1.",
    "Dòng 2: đã tạo catalogue/ho-tich/1.000080.yml",
    "Đã tạo 1 tệp, bỏ qua 0 dòng; catalogue.yml không đổi.",
    NEXT,
]


@pytest.mark.parametrize("rows, dimension", [
    # a million empty rows written out, then a procedure that is never read
    (_row(2, DATA) + "".join(f'<row r="{n}"/>' for n in range(3, 1_000_003)) + _row(1_000_003, LATE), "A1:G1000003"),
    # the whole grid claimed, a cell in the last column, a row at the last line
    (_row(2, DATA + [None] * 16376 + ["x"]) + _row(1_048_576, LATE), "A1:XFD1048576"),
], ids=["million-empty-rows", "dimension-XFD1048576"])
def test_a_sheet_padded_to_a_million_rows_is_read_to_its_last_procedure(workdir: Path, rows: str,
                                                                       dimension: str) -> None:
    source = _xlsx(workdir / "danh-muc.xlsx", _sheet(rows, dimension=dimension))
    assert source.stat().st_size < safe_xlsx.MAX_FILE_BYTES
    run = _import(workdir, source)
    assert (run.returncode, run.stderr) == (0, ""), run.stderr
    assert run.stdout.splitlines() == IMPORTED
    assert not (workdir / "catalogue" / "ho-tich" / "1.000081.yml").exists()


def test_formulas_are_never_evaluated_nor_their_cached_values_read(workdir: Path) -> None:
    """A formula in a column the import uses skips its row, whatever value the file stores for it
    (here a plausible one); in a column it does not use (STT) it is ignored."""
    link = "HYPERLINK(&quot;http://example.com/&quot;,&quot;Đăng ký khai sinh&quot;)"
    rows = (_row(2, ['<c r="{ref}"><f>A1+1</f><v>1</v></c>', "1.000080", "Đăng ký kết hôn", "Hộ tịch",
                     "UBND xã Kiểm Thử", "Cấp xã", "2"])
            + _row(3, ["2", '<c r="{ref}"><f>1+1</f><v>1.000081</v></c>', "Đăng ký lại kết hôn", "Hộ tịch",
                       "UBND xã Kiểm Thử", "Cấp xã", "2"])
            + _row(4, ["3", "1.000082", f'<c r="{{ref}}" t="str"><f>{link}</f><v>Đăng ký khai sinh</v></c>',
                       "Hộ tịch", "UBND xã Kiểm Thử", "Cấp xã", "2"]))
    run = _import(workdir, _xlsx(workdir / "danh-muc.xlsx", _sheet(rows, dimension="A1:G4")))
    paste = ("lệnh import không tính công thức. Trong Excel, chọn các ô, Sao chép rồi Dán đặc biệt → Giá trị "
             "(Paste Special → Values), lưu và nhập lại")
    assert run.returncode == 1, run.stderr
    assert run.stdout.splitlines() == [
        "Đọc danh-muc.xlsx, trang tính “Danh mục”: dòng tiêu đề là dòng 1.",
        "Dòng 2: đã tạo catalogue/ho-tich/1.000080.yml",
        f"Dòng 3: bỏ qua — ô B3 là công thức “=1+1”; {paste}",
        "Dòng 4: bỏ qua — ô C4 là công thức “=HYPERLINK(\"http://example.com/\",\"Đăng ký khai sinh\")”; "
        + paste,
        "Đã tạo 1 tệp, bỏ qua 2 dòng; catalogue.yml không đổi.",
        NEXT,
    ]
    assert sorted(p.name for p in (workdir / "catalogue" / "ho-tich").glob("1.00008*.yml")) == ["1.000080.yml"]
