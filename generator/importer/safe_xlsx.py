"""Proving an .xlsx harmless before openpyxl reads it, and the bounds the reading keeps to.

An .xlsx is a zip of XML parts, and ``import`` may be given one from anyone (a list
forwarded by e-mail, downloaded from a portal). Each check below guards against one
way such a file can hang the editor's machine or a CI runner, or run it out of memory,
and fails with a message saying what was found, before openpyxl allocates anything:

* ``MAX_FILE_BYTES``, the file on disk: a real list is a few hundred KB; this bounds
  everything read whole (a CSV, the zip's central directory).
* ``MAX_PARTS``, the zip's entries, counted by their central-directory signature in the
  raw bytes before ``zipfile`` builds one object per entry: a file of millions of empty
  entries would use the memory before any other check could run.
* ``MAX_INFLATED``, the declared uncompressed sizes in the central directory, summed: a
  zip bomb is a small file whose parts inflate to gigabytes. ``zipfile`` never inflates
  an entry past its declared size (it stops there and fails the CRC check), and the scan
  below counts the bytes it actually inflates too, so a lying header gains nothing.
* ``MAX_RATIO``, each large part's compression ratio: Excel's XML compresses 5–25×;
  hundreds or thousands of times is a part built to inflate, not a spreadsheet.
* DTDs in any XML part: a ``<!DOCTYPE>`` with nested ``<!ENTITY>`` definitions
  (“billion laughs”) expands a few hundred bytes into gigabytes, and an external entity
  reads files from the machine. The Open Packaging Conventions forbid DTDs in a
  package, so Excel never writes one; every part that parses as XML is streamed
  through defusedxml's expat parser with DTDs forbidden, keeping nothing but the
  merged-cell ranges, which openpyxl's read-only mode does not give.

openpyxl then reads in read-only mode (streamed rows, no cell objects for the whole
sheet), with the sheet's declared ``<dimension>`` ignored and at most ``MAX_COLUMNS``
columns: a sheet claiming ``A1:XFD1048576`` would otherwise be padded to 16,384 cells
a row and 1,048,576 rows. ``spreadsheet.bounded_rows`` bounds the rows themselves.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import defusedxml
from defusedxml.ElementTree import DefusedXMLParser

from generator.importer.failure import ImportFailure

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_PARTS = 10_000
MAX_INFLATED = 100 * 1024 * 1024
MAX_RATIO = 100  # Apache POI's default minimum inflate ratio is 1 %, the same bound
RATIO_FROM_BYTES = 1024 * 1024  # tiny parts (a one-line rels file) may compress oddly well
MAX_COLUMNS = 64  # a danh mục has about ten
_CHUNK = 64 * 1024
_MERGE_TAG = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}mergeCell"


def thousands(n: int) -> str:
    """Thousands separated by dots, as Vietnamese writes them."""
    return f"{n:,}".replace(",", ".")


def _mb(size: int) -> str:
    return thousands(round(size / 1024 / 1024))


def check_size(path: Path) -> None:
    """Any list, CSV or XLSX: refuse a file far bigger than a danh mục before reading it."""
    try:
        size = path.stat().st_size
    except FileNotFoundError:
        raise ImportFailure(f"Không tìm thấy tệp {path}.") from None
    except OSError as exc:
        raise ImportFailure(f"Không đọc được tệp {path}: {exc.strerror}.") from None
    if size > MAX_FILE_BYTES:
        raise ImportFailure(f"Tệp {path.name} nặng {_mb(size)} MB, quá {_mb(MAX_FILE_BYTES)} MB mà lệnh import nhận; "
                            "một danh mục thủ tục chỉ vài trăm KB. Hãy xóa hình ảnh và trang tính không cần thiết, "
                            "hoặc lưu thành CSV UTF-8, rồi nhập lại.")


class _Merges:
    """An ElementTree parser target that keeps only ``<mergeCell ref>``: no tree is built."""

    def __init__(self) -> None:
        self.refs: list[str] = []

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        if tag == _MERGE_TAG and "ref" in attrib:
            self.refs.append(attrib["ref"])


def _looks_like_xml(head: bytes) -> bool:
    """XML in any encoding a parser may accept (a byte-order mark, UTF-16 or UTF-32); not an image."""
    return (head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"<")
            or head.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00<", b"\x00\x00\xfe\xff", b"\x00\x00\x00<")))


def inspect(path: Path, raw: bytes) -> dict[str, list[str]]:
    """Every check above on the .xlsx ``raw`` read from ``path`` (after ``check_size``); the merged ranges
    (``"A1:C1"``) of each XML part, by part name."""
    name = path.name
    bomb = ("có thể là “bom nén” (zip bomb): một tệp nhỏ giải nén thành dữ liệu khổng lồ để làm treo máy. Không đọc "
            "tệp này; nếu đúng là danh mục, hãy mở bằng Excel, lưu thành CSV UTF-8 rồi nhập lại.")
    if raw.count(b"PK\x01\x02") > MAX_PARTS:
        raise ImportFailure(f"Tệp {name} có hơn {thousands(MAX_PARTS)} phần bên trong (tệp Excel thật có vài chục); "
                            + bomb)
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:  # ValueError: a corrupt central directory
        raise ImportFailure(f"Tệp {name} hỏng, không mở được như tệp Excel ({type(exc).__name__}); hãy mở bằng "
                            "Excel, lưu lại dạng .xlsx rồi nhập lại.") from None
    with archive:
        parts = archive.infolist()
        declared = sum(p.file_size for p in parts)
        if declared > MAX_INFLATED:
            raise ImportFailure(f"Tệp {name} ({_mb(path.stat().st_size)} MB) khi giải nén thành {_mb(declared)} MB, "
                                f"quá {_mb(MAX_INFLATED)} MB; " + bomb)
        for part in parts:
            ratio = part.file_size // max(part.compress_size, 1)
            if part.file_size > RATIO_FROM_BYTES and ratio > MAX_RATIO:
                raise ImportFailure(f"Phần {part.filename} của tệp {name} nén tới {thousands(ratio)}× (tệp Excel thật "
                                    "chỉ khoảng 5–25×); " + bomb)
        budget = MAX_INFLATED
        merges = {}
        for part in parts:
            merges[part.filename], budget = _scan(archive, part, name, budget, bomb)
        return merges


def _scan(archive: zipfile.ZipFile, part: zipfile.ZipInfo, name: str, budget: int,
          bomb: str) -> tuple[list[str], int]:
    """Stream one part through expat with DTDs forbidden; what is left of the inflate budget."""
    target = _Merges()
    parser = DefusedXMLParser(target=target, forbid_dtd=True)
    xml = None
    try:
        with archive.open(part) as stream:
            while chunk := stream.read(_CHUNK):
                budget -= len(chunk)
                if budget < 0:
                    raise ImportFailure(f"Tệp {name} khi giải nén vượt quá {_mb(MAX_INFLATED)} MB; " + bomb)
                if xml is None:
                    xml = _looks_like_xml(chunk)
                    if not xml:
                        return [], budget  # an image: openpyxl does not parse it
                parser.feed(chunk)
            if xml:
                parser.close()
    except defusedxml.DefusedXmlException:
        raise ImportFailure(f"Phần {part.filename} của tệp {name} có khai báo DOCTYPE hoặc ENTITY. Excel không bao "
                            "giờ viết những khai báo này; chúng dùng để làm treo máy (“billion laughs”) hoặc đọc trộm "
                            "tệp trên máy. Không đọc tệp này; nếu đúng là danh mục, hãy mở bằng Excel, lưu lại dạng "
                            ".xlsx hoặc CSV UTF-8 rồi nhập lại.") from None
    except ImportFailure:
        raise
    except Exception as exc:  # ParseError, a bad CRC or deflate stream, an encrypted part, an unknown compression
        raise ImportFailure(f"Phần {part.filename} của tệp {name} hỏng ({type(exc).__name__}); hãy mở bằng Excel, "
                            "lưu lại dạng .xlsx (không đặt mật khẩu) rồi nhập lại.") from None
    return target.refs, budget
