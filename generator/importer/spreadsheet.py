"""Reading a CSV or XLSX list into rows of cell texts, as the spreadsheet shows them.

The lists are made by people in Excel, so the file is recognised by its content,
not its extension, and each way Excel can lose or hide data (a code stored as a
number, an old .xls, a non-UTF-8 CSV, a merged cell) is either read as shown or
refused with the step that fixes it.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import warnings
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from generator.importer.failure import ImportFailure


class ExcelNumber(str):
    """The text of a number cell; ``exact`` is False when Excel may have dropped a code's digits."""

    exact: bool

    def __new__(cls, text: str, exact: bool) -> "ExcelNumber":
        value = super().__new__(cls, text)
        value.exact = exact
        return value


@dataclass
class Sheet:
    rows: list[tuple[int, list[str]]]  # (row number as the spreadsheet shows it, cell texts)
    name: str | None = None  # the worksheet's name (XLSX)


def _text(value: str) -> str:
    return unicodedata.normalize("NFC", value).replace("\u00a0", " ").strip()


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
            rows = [(n, [_text(c) for c in cells])
                    for n, cells in enumerate(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), 1)]
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
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        return _number_text(value, cell.number_format)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    return _text(str(value))


def _read_xlsx(path: Path, sheet: str | None) -> list[Sheet]:
    try:
        from openpyxl import load_workbook
    except ImportError:  # pragma: no cover - a broken install, not an editor's mistake
        raise ImportFailure("Thiếu thư viện openpyxl để đọc tệp .xlsx: pip install openpyxl") from None
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "extension is not supported" and the like
            book = load_workbook(path, data_only=True)  # data_only: a formula's last computed value
    except Exception as exc:
        raise ImportFailure(f"Không đọc được tệp Excel {path.name} ({type(exc).__name__}); hãy mở tệp bằng "
                            "Excel, lưu lại dạng .xlsx (không đặt mật khẩu) rồi nhập lại.") from None
    if sheet is not None and sheet not in book.sheetnames:
        raise ImportFailure(f"Tệp {path.name} không có trang tính “{sheet}”; có: "
                            + ", ".join(f"“{n}”" for n in book.sheetnames) + ".")
    out = []
    for ws in ([book[sheet]] if sheet is not None else book.worksheets):
        grid = {cells[0].row: [_cell_text(c) for c in cells] for cells in ws.iter_rows() if cells}
        # A merged cell holds its value in the top-left cell only. Spread it down the first
        # column of the range (a field merged over its procedures), never across: a title
        # merged over the whole width must not land in the code column.
        for merged in ws.merged_cells.ranges:
            top = grid.get(merged.min_row, [])
            value = top[merged.min_col - 1] if len(top) >= merged.min_col else ""
            for row in range(merged.min_row + 1, merged.max_row + 1):
                cells = grid.setdefault(row, [])
                cells += [""] * (merged.min_col - len(cells))
                cells[merged.min_col - 1] = value
        out.append(Sheet(sorted(grid.items()), ws.title))
    return out


def read_sheets(path: Path, sheet: str | None = None) -> list[Sheet]:
    """The candidate tables in ``path``, chosen by content, not by the file's extension."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ImportFailure(f"Không tìm thấy tệp {path}.") from None
    except OSError as exc:
        raise ImportFailure(f"Không đọc được tệp {path}: {exc.strerror}.") from None
    if raw.startswith(b"PK\x03\x04"):
        return _read_xlsx(path, sheet)
    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise ImportFailure(f"Tệp {path.name} là dạng Excel cũ (.xls) hoặc có mật khẩu. Hãy mở bằng Excel, chọn "
                            "Lưu thành, kiểu “Excel Workbook (*.xlsx)” hoặc “CSV UTF-8”, rồi nhập lại.")
    if sheet is not None:
        raise ImportFailure("--sheet chỉ dùng với tệp Excel (.xlsx).")
    return _read_csv(path, raw)
