"""Reading a CSV or XLSX list into rows of cell texts, as the spreadsheet shows them.

The lists are made by people in Excel, so the file is recognised by its content,
not its extension, and each way Excel can lose or hide data (a code stored as a
number, an old .xls, a non-UTF-8 CSV, a merged cell) is either read as shown or
refused with the step that fixes it. A file from anyone may also be built to hang
the machine: ``safe_xlsx`` proves an .xlsx harmless before openpyxl reads it, and
``bounded_rows`` bounds what any list can make this module hold.

Formulas are never evaluated, and their last computed value (which the file stores and
anyone can forge) is never read: a formula cell is its literal text, a ``Formula``, and
``rows`` skips a row with one in a column it uses. CSV has no formulas (Excel writes the
values), so ``=1+1`` in a CSV is just that text.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import warnings
from dataclasses import dataclass
from collections.abc import Iterable
from datetime import date, datetime
from pathlib import Path

from generator.importer import safe_xlsx
from generator.importer.failure import ImportFailure

MAX_ROWS = 100_000  # rows read from one file, empty ones included; a national danh mục has about 5,000
EMPTY_RUN = 1_000  # empty rows in a row after which the reading stops: the end of the list
MAX_MERGED_CELLS = MAX_ROWS  # cells filled from merged ranges; ranges in a real sheet never overlap


class ExcelNumber(str):
    """The text of a number cell; ``exact`` is False when Excel may have dropped a code's digits."""

    exact: bool

    def __new__(cls, text: str, exact: bool) -> "ExcelNumber":
        value = super().__new__(cls, text)
        value.exact = exact
        return value


class Formula(str):
    """A formula cell's literal text (``=HYPERLINK(…)``): never evaluated, never its cached value."""


@dataclass
class Sheet:
    rows: list[tuple[int, list[str]]]  # (row number as the spreadsheet shows it, cell texts)
    name: str | None = None  # the worksheet's name (XLSX)


def _text(value: str) -> str:
    return unicodedata.normalize("NFC", value).replace("\u00a0", " ").strip()


def bounded_rows(rows: Iterable[list[str]], name: str, seen: int = 0) -> tuple[list[tuple[int, list[str]]], int]:
    """Numbered rows up to the first run of ``EMPTY_RUN`` empty ones, and the count of rows read so far.

    ``seen``: rows already read from the same file (earlier sheets), so that a workbook of many
    sheets is bounded as a whole. A list never has a thousand empty rows inside it, so what
    follows such a run (a sheet padded to a million rows) is not read at all.
    """
    out: list[tuple[int, list[str]]] = []
    empty = 0
    for number, cells in enumerate(rows, 1):
        seen += 1
        if seen > MAX_ROWS:
            raise ImportFailure(f"Tệp {name} có hơn {safe_xlsx.thousands(MAX_ROWS)} dòng; một danh mục thủ tục không "
                                "dài như vậy. Hãy xóa các dòng và trang tính không thuộc danh mục rồi nhập lại.")
        empty = 0 if any(cells) else empty + 1
        if empty >= EMPTY_RUN:
            break
        out.append((number, cells))
    while out and not any(out[-1][1]):
        out.pop()
    return out, seen


def _read_csv(path: Path, raw: bytes) -> list[Sheet]:
    """One candidate per delimiter: Excel writes ';' in locales such as vi-VN, ',' elsewhere."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's “Unicode Text”
        text = raw.decode("utf-16")
    else:
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ImportFailure(
                f"Tệp {path.name} không phải mã UTF-8 (có thể là Windows-1258 hoặc TCVN3). Trong Excel, chọn "
                "Tệp → Lưu thành, kiểu “CSV UTF-8 (Comma delimited) (*.csv)”, rồi nhập lại.") from None
    sheets = []
    for delimiter in (";", ",", "\t"):
        try:
            rows, _ = bounded_rows(([_text(c) for c in cells]
                                    for cells in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)),
                                   path.name)
        except csv.Error as exc:
            raise ImportFailure(f"Không đọc được tệp CSV {path.name}: {exc}.") from None
        sheets.append(Sheet(rows))
    return sheets


def _number_text(value: float | int, number_format: str) -> ExcelNumber:
    """What Excel shows for a number, and whether that can be trusted as a code."""
    fixed = re.fullmatch(r"0\.(0+)", number_format or "")
    if fixed:
        text = f"{value:.{len(fixed.group(1))}f}"
        return ExcelNumber(text, float(text) == value)
    if float(value).is_integer():
        return ExcelNumber(str(int(value)), False)
    text = repr(float(value))
    return ExcelNumber(text, re.fullmatch(r"\d+\.\d{6}", text) is not None)


def _cell_text(cell) -> str:
    value = cell.value
    if value is None:
        return ""
    if cell.data_type == "f":  # read with data_only=False: the formula itself, as text
        text = value if isinstance(value, str) else getattr(value, "text", None) or "=TABLE()"  # array, data table
        return Formula(_text(text))
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        return _number_text(value, cell.number_format)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return _text(str(value))


def _read_xlsx(path: Path, raw: bytes, sheet: str | None) -> list[Sheet]:
    merges = safe_xlsx.inspect(path, raw)
    try:
        from openpyxl import load_workbook
        from openpyxl.utils.cell import range_boundaries
    except ImportError:  # pragma: no cover - a broken install, not an editor's mistake
        raise ImportFailure("Thiếu thư viện openpyxl để đọc tệp .xlsx: pip install openpyxl") from None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "extension is not supported" and the like
            # read_only: rows streamed from the XML; data_only=False: a formula is read as its text
            book = load_workbook(path, read_only=True, data_only=False, keep_links=False)
    except Exception as exc:
        raise ImportFailure(f"Không đọc được tệp Excel {path.name} ({type(exc).__name__}); hãy mở tệp bằng "
                            "Excel, lưu lại dạng .xlsx (không đặt mật khẩu) rồi nhập lại.") from None
    try:
        if sheet is not None and sheet not in book.sheetnames:
            raise ImportFailure(f"Tệp {path.name} không có trang tính “{sheet}”; có: "
                                + ", ".join(f"“{n}”" for n in book.sheetnames) + ".")
        out, seen = [], 0
        for ws in ([book[sheet]] if sheet is not None else book.worksheets):
            ws.reset_dimensions()  # the declared <dimension> may claim A1:XFD1048576
            try:
                rows, seen = bounded_rows((_row_texts(cells) for cells in ws.iter_rows(max_col=safe_xlsx.MAX_COLUMNS)),
                                          path.name, seen)
            except ImportFailure:
                raise
            except Exception as exc:
                raise ImportFailure(f"Không đọc được trang tính “{ws.title}” của tệp Excel {path.name} "
                                    f"({type(exc).__name__}); hãy mở tệp bằng Excel, lưu lại dạng .xlsx rồi nhập lại."
                                    ) from None
            # openpyxl's read-only sheets do not expose merged cells; safe_xlsx kept them by part name
            ranges = [range_boundaries(ref) for ref in merges.get(ws._worksheet_path, []) if _valid_range(ref)]
            out.append(Sheet(_spread_merged(rows, ranges, path.name), ws.title))
        return out
    finally:
        book.close()


def _row_texts(cells) -> list[str]:
    """A row's texts without its trailing empty cells (a read-only row is padded to ``MAX_COLUMNS``)."""
    texts = [_cell_text(c) for c in cells] if any(c.value is not None for c in cells) else []
    while texts and not texts[-1]:
        texts.pop()
    return texts


def _valid_range(ref: str) -> bool:
    return re.fullmatch(r"\$?[A-Z]{1,3}\$?\d{1,7}(:\$?[A-Z]{1,3}\$?\d{1,7})?", ref) is not None


def _spread_merged(rows: list[tuple[int, list[str]]], ranges: list[tuple[int, int, int, int]],
                   name: str) -> list[tuple[int, list[str]]]:
    """A merged cell holds its value in the top-left cell only. Spread it down the first column of
    the range (a field merged over its procedures), never across: a title merged over the whole
    width must not land in the code column. Only over the rows and columns that were read."""
    grid = dict(rows)
    last = max(grid, default=0)
    filled = 0
    for min_col, min_row, _, max_row in ranges:
        if min_col > safe_xlsx.MAX_COLUMNS or min_row > last:
            continue
        top = grid.get(min_row, [])
        value = top[min_col - 1] if len(top) >= min_col else ""
        for row in range(min_row + 1, min(max_row, last) + 1):
            filled += 1
            if filled > MAX_MERGED_CELLS:
                raise ImportFailure(f"Tệp {name} có các vùng ô gộp (merge) chồng lên nhau quá nhiều lần; hãy bỏ gộp "
                                    "ô (Unmerge Cells) rồi nhập lại.")
            cells = grid.setdefault(row, [])
            cells += [""] * (min_col - len(cells))
            cells[min_col - 1] = value
    return sorted(grid.items())


def read_sheets(path: Path, sheet: str | None = None) -> list[Sheet]:
    """The candidate tables in ``path``, chosen by content, not by the file's extension."""
    safe_xlsx.check_size(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ImportFailure(f"Không tìm thấy tệp {path}.") from None
    except OSError as exc:
        raise ImportFailure(f"Không đọc được tệp {path}: {exc.strerror}.") from None
    if raw.startswith(b"PK\x03\x04"):
        return _read_xlsx(path, raw, sheet)
    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFailure(f"Tệp {path.name} là dạng Excel cũ (.xls) hoặc có mật khẩu. Hãy mở bằng Excel, chọn "
                            "Lưu thành, kiểu “Excel Workbook (*.xlsx)” hoặc “CSV UTF-8”, rồi nhập lại.")
    if sheet is not None:
        raise ImportFailure("--sheet chỉ dùng với tệp Excel (.xlsx).")
    return _read_csv(path, raw)
