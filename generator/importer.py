"""``python -m generator import``: a published list of procedures → stub files.

A Quyết định công bố comes with a spreadsheet (the “danh mục”) listing every
procedure's code, name, field, agency, tier and online level. Typing hundreds of
those into files by hand is where typos come from, so the list is read once and
each row becomes a valid, commented stub (``generator.scaffold``) for an editor to
fill in. The spreadsheets are made by people, for printing, so reading them is
lenient about layout and strict about anything that would put wrong data in a file:

* Columns are found by their folded names (no diacritics or case), on whatever row
  the header is: real lists have the decision's title above it. A two-row header
  whose parent cell (“Cấp thực hiện”, “Dịch vụ công trực tuyến”) spans marked
  sub-columns (“Cấp tỉnh”/“Cấp xã”, “Toàn trình”/“Một phần”) is read too. STT is
  ignored; other unknown columns are named once in the report.
* Section rows (“I. Lĩnh vực Hộ tịch”, “A. Thủ tục hành chính cấp tỉnh”) supply the
  field and tier of the rows below when their own cell is empty. Rows under a part
  about abolished procedures (“… bị bãi bỏ”) are skipped: they must not become pages.
* Levels: “Toàn trình” → 4, “Một phần” → 3, a digit → that level, “Cung cấp thông
  tin trực tuyến” → 1 rather than 2, because level 2 promises downloadable forms the
  list does not show; an empty cell → 1. Each is said in the report. Anything else
  skips the row.
* Codes are never guessed. Excel stores a code typed into a General cell as a number,
  and 1.001190 becomes 1.00119 with no trace of the lost zero. A number cell is
  accepted only when its text cannot have lost digits: a fixed number format that
  shows the exact value, or the six decimals every national code has (1.001193). Any
  other number cell skips the row, asking for the column to be formatted as Text. The
  same goes for a CSV code written with a decimal comma (1,001193).
* Field, agency and tier names are matched to catalogue.yml by id, then by folded
  name, then loosely (“UBND” for “Ủy ban nhân dân”, without the province's name or
  parentheses) when that loose match is unambiguous. A name whose id would be an
  existing id (“UBND xã” → ubnd-xa) is taken as that entry, not made into a second
  one, and listed in the report to check. Other names become new entries, appended
  textually at the end of their list so the file's comments and layout survive; the
  result is validated before it replaces catalogue.yml.
* Nothing is overwritten: a code already in any procedure file (valid or not), a code
  repeated in the sheet, or an existing target file skips the row, with the reason.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import tempfile
import unicodedata
import warnings
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import yaml

from generator import schema as schemas
from generator.checks import check_registries
from generator.loader import CATALOGUE_FILE, display_path, procedure_files
from generator.model import CODE_PATTERN, Catalogue, CatalogueInfo
from generator.scaffold import ScaffoldError, new_procedure
from generator.search import fold
from generator.yamlsource import Misread, read_yaml

HEADER_SEARCH_ROWS = 50  # room for the decision's title block above the header
REGISTRIES = {"fields": "lĩnh vực", "agencies": "cơ quan", "tiers": "cấp"}

# Folded header text → the column's meaning (full match). "skip": known, not needed.
_HEADERS = (
    ("skip", r"stt|tt|so tt|so thu tu"),
    ("code", r"ma( so)?( tthc| thu tuc( hanh chinh)?)?( tren .+)?"),
    ("name", r"ten( tthc| thu tuc( hanh chinh)?)?"),
    ("field", r"(ten )?linh vuc( thuc hien)?"),
    ("agency", r"co quan( thuc hien| giai quyet| co tham quyen)+"),
    ("tiers", r"cap( thuc hien| giai quyet)*"),
    ("level", r"muc do( dvc| dvctt| dich vu cong)?( truc tuyen| tt)?|dich vu cong truc tuyen|dvc( truc tuyen| tt)?"
              r"|dvctt"),
)
_NUMBERING = re.compile(r"\(?([IVXLC]+|[A-Za-z]|\d{1,3}(\.\d{1,3})*)[.)]?")  # "I.", "A", "1)", "(3)"
_NUMBERING_PREFIX = re.compile(r"^\s*(phần\s+)?([IVXLC]+|[A-Za-z]|\d{1,3}(\.\d{1,3})*)\s*[.):\-–]\s+",
                               re.IGNORECASE)
_TIER_SECTION = re.compile(r"\b(thu tuc hanh chinh|tthc)\b.*\bcap (tinh|huyen|xa|trung uong)\b")
_PART_WORDS = ("moi ban hanh", "sua doi", "bo sung", "thay the", "bai bo")
_NOT_MARKED = {"", "0", "khong", "-"}


class ImportFailure(Exception):
    """The file cannot be imported at all; the message is for the editor, in Vietnamese."""


class ExcelNumber(str):
    """The text of a number cell; ``exact`` is False when Excel may have dropped a code's digits."""

    exact: bool

    def __new__(cls, text: str, exact: bool) -> "ExcelNumber":
        value = super().__new__(cls, text)
        value.exact = exact
        return value


# --- reading the spreadsheet ---------------------------------------------------------------


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


# --- finding the columns ---------------------------------------------------------------------


def _header_key(text: str) -> str | None:
    folded = fold(text)
    return next((key for key, pattern in _HEADERS if re.fullmatch(pattern, folded)), None) if folded else None


def _cell(cells: list[str], column: int | None) -> str:
    return cells[column] if column is not None and column < len(cells) else ""


@dataclass
class Layout:
    header_rows: list[int]  # indexes into Sheet.rows
    columns: dict[str, int]
    groups: dict[str, list[tuple[int, str]]]  # "tiers"/"level" → (column, sub-header) marked with x
    ignored: list[str]


def find_layout(sheet: Sheet) -> Layout | None:
    for index, (_, cells) in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
        columns: dict[str, int] = {}
        ignored = []
        for column, text in enumerate(cells):
            key = _header_key(text)
            if key is None or key in columns:
                if text:
                    ignored.append(" ".join(text.split()))
            elif key != "skip":
                columns[key] = column
        if "code" in columns and "name" in columns:
            layout = Layout([index], columns, {}, ignored)
            _sub_columns(sheet, layout)
            return layout
    return None


def _sub_columns(sheet: Sheet, layout: Layout) -> None:
    """A parent header over sub-columns marked with “x”, read from the header's next row."""
    index = layout.header_rows[0]
    if index + 1 >= len(sheet.rows):
        return
    header, below = sheet.rows[index][1], sheet.rows[index + 1][1]
    if _cell(below, layout.columns["code"]) and _header_key(_cell(below, layout.columns["code"])) != "code":
        return  # the next row is data: a one-row header
    for key in ("tiers", "level"):
        parent = layout.columns.get(key)
        if parent is None:
            continue
        subs = []
        column = parent
        while _cell(below, column) and (column == parent or not _cell(header, column)):
            text = _cell(below, column)
            if key == "level" and _parse_level(text) is None:
                break
            subs.append((column, text))
            column += 1
        if len(subs) >= 2:
            layout.groups[key] = subs
            del layout.columns[key]
    if layout.groups:
        layout.header_rows.append(index + 1)


# --- reading one row -------------------------------------------------------------------------


def _parse_level(text: str) -> tuple[int, bool] | None:
    """(level, read conservatively as 1) or None when the text says no single level."""
    folded = fold(text)
    found: set[int] = set()
    if "toan trinh" in folded:
        found.add(4)
    if "mot phan" in folded:
        found.add(3)
    information = "cung cap thong tin" in folded or folded in ("thong tin", "thong tin truc tuyen")
    if information:
        found.add(1)
    found |= {int(n) for n in re.findall(r"\d+", folded)}
    if len(found) != 1 or not 1 <= min(found) <= 4:
        return None
    return found.pop(), information


def _split(text: str, tiers: bool = False) -> list[str]:
    """Several names in one cell: tiers by , ; / or “và”; agencies only by ; or line."""
    pattern = r"[,;/\n+]|\s+và\s+" if tiers else r"[;\n]"
    return [" ".join(part.split()) for part in re.split(pattern, text) if part.strip()]


def _section(cells: list[str]) -> str | None:
    """The text of a row that is a heading rather than a procedure, numbering dropped."""
    texts = {c for c in cells if c and not _NUMBERING.fullmatch(c)}
    if len(texts) != 1:
        return None
    return _NUMBERING_PREFIX.sub("", texts.pop(), count=1).strip()


def _after_words(text: str, words: int) -> str:
    return " ".join(text.split()[words:]).lstrip(":-– ").strip()


# --- matching and adding registry entries -----------------------------------------------------


def _sentence_case(name: str) -> str:
    name = " ".join(name.split())
    return name[:1] + name[1:].lower() if name.isupper() else name


def _slug(name: str) -> str:
    """Like ``fold`` but without merging y into i: ids read as editors spell them (dang-ky)."""
    text = unicodedata.normalize("NFD", name.lower().replace("đ", "d")).encode("ascii", "ignore").decode()
    slug = ""
    for word in re.findall(r"[a-z0-9]+", text):
        if len(slug) + len(word) + 1 > 60:
            break
        slug = f"{slug}-{word}" if slug else word
    return slug


class Registry:
    """One list of catalogue.yml, matched the way an editor reads the names."""

    def __init__(self, key: str, entries, province: str | None):
        self.key = key
        self.places = [p for p in (fold(province or ""), fold(re.sub(r"(?i)^(tỉnh|thành phố)\s+", "",
                                                                      province or ""))) if p]
        self.ids: dict[str, str] = {}  # id → name
        self.names: dict[str, str] = {}
        self.loose: dict[str, str | None] = {}
        self.added: list[tuple[str, str]] = []
        self.by_slug: dict[str, str] = {}  # name → existing id it was matched to only because the slug is that id
        for entry in entries:
            self._remember(entry.id, entry.name)

    def _loose(self, name: str) -> list[str]:
        """Keys for “Sở Tư pháp” = “Sở Tư pháp tỉnh X”, “UBND tỉnh” = “Ủy ban nhân dân tỉnh X”."""
        text = fold(re.sub(r"\([^)]*\)", " ", name))
        text = re.sub(r"\bubnd\b", "uy ban nhan dan", text)
        text = re.sub(r"\bhdnd\b", "hoi dong nhan dan", text)
        prefix = {"fields": "linh vuc ", "tiers": "cap "}.get(self.key)
        if prefix and text.startswith(prefix):
            text = text[len(prefix):]
        keys = [text] + [text[: -len(place) - 1] for place in self.places if text.endswith(" " + place)]
        return [key for key in keys if key]

    def _remember(self, entry_id: str, name: str) -> None:
        self.ids.setdefault(entry_id, name)
        self.names.setdefault(fold(name), entry_id)
        for key in self._loose(name):
            self.loose[key] = None if self.loose.get(key, entry_id) != entry_id else entry_id

    def _new_name(self, text: str) -> str:
        name = _sentence_case(text)
        if self.key == "fields" and fold(name).startswith("linh vuc "):
            name = _sentence_case(_after_words(name, 2)) or name
        if self.key == "tiers" and not fold(name).startswith("cap "):
            name = "Cấp " + name.lower()
        return name[:1].upper() + name[1:]

    def find(self, text: str) -> tuple[str, str | None]:
        """(id, name of the entry to add or None when it exists); nothing is added yet."""
        text = " ".join(text.split())
        if text in self.ids:
            return text, None
        found = self.names.get(fold(text)) or next(filter(None, map(self.loose.get, self._loose(text))), None)
        if found:
            return found, None
        name = self._new_name(text)
        base = _slug(name)
        if self.key == "tiers" and base.startswith("cap-"):
            base = base[4:]
        if base in self.ids:  # “UBND xã” for ubnd-xa: surely that entry, not a second one
            self.by_slug[text] = base
            return base, None
        base = base or {"fields": "linh-vuc", "agencies": "co-quan", "tiers": "cap"}[self.key]
        return base, name

    def add(self, entry_id: str, name: str) -> None:
        self._remember(entry_id, name)
        self.added.append((entry_id, name))


def _plain(value: str) -> str:
    return value if yaml.safe_load(value) == value else json.dumps(value)


def edit_catalogue(path: Path, additions: dict[str, list[tuple[str, str]]]) -> tuple[bytes, CatalogueInfo]:
    """catalogue.yml's bytes with ``additions`` appended to their lists, and the result validated.

    Textual, not a YAML round trip: a dump would drop every comment and reflow the file.
    """
    raw = path.read_bytes()
    bom = raw.startswith(b"\xef\xbb\xbf")
    text = raw.decode("utf-8-sig")
    doc, problems = read_yaml(path, CATALOGUE_FILE)
    newline = "\r\n" if "\r\n" in text else "\n"
    lines = [line for line in re.split(r"(?<=\n)", text) if line]  # YAML's lines, not str.splitlines
    inserts = []
    for key, items in additions.items():
        if not items:
            continue
        last = len(doc.data[key]) - 1
        line, column = doc.values[(key, last)]
        start_line, start_column = doc.values[(key,)]
        prefix = lines[line - 1][: column - 1]
        if lines[start_line - 1][start_column - 1:start_column] == "[" or not prefix.rstrip().endswith("-"):
            raise ImportFailure(
                f"danh sách {key} trong catalogue.yml không viết theo dạng mỗi mục một dòng “- id: …” nên không "
                "thêm mục mới được. Hãy viết lại danh sách theo dạng đó (như các danh sách mẫu) rồi nhập lại.")
        dash = len(prefix.rstrip()) - 1
        end = line
        for index in range(line, len(lines)):
            content = lines[index].strip()
            indent = len(lines[index]) - len(lines[index].lstrip(" "))
            if content and indent <= dash and not content.startswith("#"):
                break  # the next key: the list ended above
            if content and indent > dash:
                end = index + 1
        block = "".join(f"{' ' * dash}{prefix[dash:]}id: {_plain(entry_id)}{newline}"
                        f"{' ' * (column - 1)}name: {json.dumps(name, ensure_ascii=False)}{newline}"
                        for entry_id, name in items)
        inserts.append((end, block))
    for end, block in sorted(inserts, reverse=True):
        if end == len(lines) and lines and not lines[-1].endswith(("\n", "\r")):
            lines[-1] += newline
        lines.insert(end, block)
    new_text = "".join(lines)
    encoded = (b"\xef\xbb\xbf" if bom else b"") + new_text.encode("utf-8")
    expected = dict(doc.data)
    for key, items in additions.items():
        expected[key] = list(doc.data[key]) + [{"id": i, "name": n} for i, n in items]
    with tempfile.TemporaryDirectory() as scratch:
        check = Path(scratch) / CATALOGUE_FILE
        check.write_bytes(encoded)
        new_doc, new_problems = read_yaml(check, CATALOGUE_FILE)
        try:
            if new_problems or problems or new_doc.data != expected or check_registries(new_doc.data, new_doc, ""):
                raise ValueError
            info = CatalogueInfo.model_validate(new_doc.data)
        except Exception:
            names = "; ".join(f"{key}: {i} “{n}”" for key, items in additions.items() for i, n in items)
            raise ImportFailure("tự động thêm mục vào catalogue.yml cho kết quả không hợp lệ nên không tệp nào được "
                                f"ghi. Hãy thêm tay các mục sau rồi nhập lại: {names}.") from None
    return encoded, info


# --- the import --------------------------------------------------------------------------------


@dataclass
class Outcome:
    row: int
    path: Path | None = None  # created, or to be created in a dry run
    reason: str | None = None  # why the row was skipped
    notes: list[str] = field(default_factory=list)


@dataclass
class ImportReport:
    source: Path
    sheet: str | None
    header_row: int
    ignored_columns: list[str]
    dry_run: bool
    outcomes: list[Outcome] = field(default_factory=list)
    added: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    by_slug: list[tuple[str, str, str, str]] = field(default_factory=list)  # registry, text, id, name
    numeric_codes: int = 0
    information_levels: int = 0

    @property
    def created(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.path is not None]

    def lines(self, root: Path) -> list[str]:
        out = []
        if self.dry_run:
            out.append("Chạy thử (--dry-run): không ghi tệp nào.")
        where = f", trang tính “{self.sheet}”" if self.sheet else ""
        out.append(f"Đọc {self.source.name}{where}: dòng tiêu đề là dòng {self.header_row}.")
        if self.ignored_columns:
            out.append("Không dùng các cột: " + ", ".join(f"“{c}”" for c in self.ignored_columns) + ".")
        verb = "sẽ tạo" if self.dry_run else "đã tạo"
        for o in self.outcomes:
            text = f"{verb} {display_path(o.path, root)}" if o.path else f"bỏ qua — {o.reason}"
            out.append(f"Dòng {o.row}: {text}" + (f" ({'; '.join(o.notes)})" if o.notes else ""))
        added = [(key, i, n) for key, items in self.added.items() for i, n in items]
        if added:
            out.append(("Sẽ thêm" if self.dry_run else "Đã thêm") + " vào catalogue.yml: "
                       + "; ".join(f"{REGISTRIES[k]} “{n}” ({i})" for k, i, n in added) + ".")
        if self.by_slug:
            out.append("Ghép theo mã, hãy kiểm tra: " + "; ".join(
                f"{REGISTRIES[k]} “{text}” → “{name}” ({i})" for k, text, i, name in self.by_slug) + ".")
        counts = ", ".join(f"{len(self.added[k])} {REGISTRIES[k]}" for k in REGISTRIES if self.added.get(k))
        skipped = len(self.outcomes) - len(self.created)
        registry = (f"{'sẽ thêm' if self.dry_run else 'thêm'} {counts} vào catalogue.yml" if counts
                    else "catalogue.yml không đổi")
        out.append(f"{'Sẽ tạo' if self.dry_run else 'Đã tạo'} {len(self.created)} tệp, bỏ qua {skipped} dòng; "
                   f"{registry}.")
        if self.information_levels:
            out.append(f"Lưu ý: {self.information_levels} thủ tục “cung cấp thông tin trực tuyến” được ghi mức độ 1, "
                       "không phải 2, vì mức độ 2 nghĩa là có biểu mẫu tải về; hãy sửa thành 2 nếu có biểu mẫu.")
        if self.numeric_codes:
            out.append(f"Lưu ý: {self.numeric_codes} mã được Excel lưu dạng số (đã đọc được đủ chữ số). "
                       "Nên định dạng cột mã là Văn bản (Text) để Excel không làm mất số 0 ở cuối mã.")
        if self.dry_run:
            out.append("Chạy lại không có --dry-run để tạo tệp.")
        elif self.created:
            out.append("Tiếp theo: điền nội dung các tệp vừa tạo (thay các dòng “(viết lại)”, kiểm tra online_url) "
                       "rồi chạy: python -m generator validate")
        return out


def existing_codes(catalogue: Catalogue) -> dict[str, Path]:
    """Every code in a procedure file, including files that do not validate: never overwrite work."""
    codes = {e.procedure.code: e.source for e in catalogue.entries}
    known = {e.source for e in catalogue.entries}
    for path in procedure_files(catalogue.directory):
        if path in known:
            continue
        doc, _ = read_yaml(path, path.name)
        code = doc.data.get("code") if doc is not None and isinstance(doc.data, dict) else None
        code = code.text if isinstance(code, Misread) else code
        if isinstance(code, str) and code.strip():
            codes.setdefault(code.strip(), path)
    return codes


@dataclass
class _Planned:
    outcome: Outcome
    code: str
    name: str
    level: int
    refs: dict[str, list[tuple[str, str | None]]]  # registry → [(id, name to add or None)]


class _Importer:
    def __init__(self, catalogue: Catalogue, layout: Layout, root: Path):
        self.catalogue = catalogue
        self.layout = layout
        self.root = root
        info = catalogue.info
        self.registries = {key: Registry(key, getattr(info, key), info.province) for key in REGISTRIES}
        self.codes = existing_codes(catalogue)
        self.seen: dict[str, int] = {}
        self.targets: set[Path] = set()
        self.section = {"field": "", "tiers": ""}
        self.abolished: str | None = None
        self.numeric_codes = 0
        self.information_levels = 0

    def row(self, number: int, cells: list[str]) -> _Planned | Outcome | None:
        """A planned stub, a skipped row, or None for a row that is not a procedure at all."""
        columns = self.layout.columns
        code, name = _cell(cells, columns["code"]), " ".join(_cell(cells, columns["name"]).split())
        if not any(cells):
            return None
        section = _section(cells)
        if section is not None and not (code and name) and self._heading(section):
            return None
        if all(_NUMBERING.fullmatch(c) for c in cells if c) and not re.search(r"[^\W\d_]", name):
            return None  # the "(1) (2) (3)" row under a header
        if sum(_header_key(c) in ("code", "name") for c in cells) >= 2:
            return None  # the header again, as on every printed page

        def skip(reason: str) -> Outcome:
            return Outcome(number, reason=reason)

        if self.abolished:
            where = self.codes.get(code.strip()) if code else None
            return skip(f"thuộc phần “{self.abolished}”" + (
                f"; thủ tục này đang có trong {display_path(where, self.root)}, hãy xem có cần gỡ" if where else ""))
        if not code and not name:
            return skip(f"không có mã và tên thủ tục (“{' '.join(' | '.join(c for c in cells if c).split())}”)")
        if not code:
            return skip(f"thiếu mã thủ tục (“{name}”)")
        if not name:
            return skip(f"thiếu tên thủ tục (mã “{code}”)")
        if not re.search(r"[^\W\d_]", name):
            return skip(f"tên thủ tục “{name}” không có chữ")
        if isinstance(code, ExcelNumber) and not code.exact:
            return skip(f"mã “{code}” được Excel lưu dạng số nên có thể đã mất số 0 ở cuối (1.001190 thành 1.00119); "
                        "hãy định dạng cột mã là Văn bản (Text), gõ lại mã rồi nhập lại")
        if not CODE_PATTERN.fullmatch(code):
            hint = ("; có vẻ Excel đã đổi mã thành số (dấu phẩy thập phân): hãy định dạng cột mã là Văn bản (Text) "
                    "và gõ lại mã" if re.fullmatch(r"\d+,\d+", code) else "")
            return skip(f"mã “{code}” chỉ được gồm chữ, số, dấu chấm và gạch ngang{hint}")
        if code in self.seen:
            return skip(f"mã “{code}” trùng với dòng {self.seen[code]}")
        self.seen[code] = number
        if code in self.codes:
            return skip(f"mã “{code}” đã có trong {display_path(self.codes[code], self.root)}")
        notes: list[str] = []
        level = self._level(cells, notes)
        if isinstance(level, str):
            return skip(level)
        if level >= 3 and not self.catalogue.info.portal_url:
            return skip(f"mức độ {level} cần địa chỉ nộp trực tuyến nhưng catalogue.yml chưa có portal_url; "
                        "hãy thêm portal_url hoặc tạo tệp bằng lệnh new --online-url")
        field_text = _cell(cells, columns.get("field")) or self.section["field"]
        if not field_text:
            return skip("không rõ lĩnh vực (không có cột Lĩnh vực và chưa có dòng “Lĩnh vực …” phía trên)")
        agencies = _split(_cell(cells, columns.get("agency")))
        if not agencies:
            return skip("thiếu cơ quan thực hiện")
        if len(agencies) > 1:
            notes.append("chỉ ghi cơ quan đầu tiên; còn: " + ", ".join(f"“{a}”" for a in agencies[1:]))
        refs = {"fields": [self.registries["fields"].find(field_text)],
                "agencies": [self.registries["agencies"].find(agencies[0])],
                "tiers": self._tiers(cells, notes)}
        target = self.catalogue.directory / refs["fields"][0][0] / f"{code}.yml"
        if target.exists() or target in self.targets:
            return skip(f"tệp {display_path(target, self.root)} đã có; không ghi đè")
        self.targets.add(target)
        for key, found in refs.items():
            for entry_id, new_name in found:
                if new_name is not None and entry_id not in self.registries[key].ids:
                    self.registries[key].add(entry_id, new_name)
        if isinstance(code, ExcelNumber):
            self.numeric_codes += 1
        return _Planned(Outcome(number, path=target, notes=notes), str(code), name, level, refs)

    def _heading(self, text: str) -> bool:
        """Take in a section row; False when it is not one this import understands."""
        folded = fold(text)
        if folded.startswith("linh vuc "):
            self.section["field"] = _after_words(text, 2)
            return True
        understood = False
        if any(word in folded for word in _PART_WORDS) and re.search(r"\b(thu tuc|tthc)\b", folded):
            self.abolished = text if "bai bo" in folded else None
            self.section = {"field": "", "tiers": ""}
            understood = True
        tier = _TIER_SECTION.search(folded)
        if tier:
            words = [w for w in re.split(r"[\s,.;:()]+", text) if w]
            at = max(i for i, w in enumerate(words) if fold(w) == "cap")
            self.section["tiers"] = " ".join(words[at:at + 1 + len(tier.group(2).split())])
            understood = True
        return understood

    def _level(self, cells: list[str], notes: list[str]) -> int | str:
        """The level, or why the row is skipped."""
        group = self.layout.groups.get("level")
        if group:
            marked = [sub for column, sub in group if fold(_cell(cells, column)) not in _NOT_MARKED]
            text = marked[0] if len(marked) == 1 else " ".join(marked)
        else:
            text = _cell(cells, self.layout.columns.get("level"))
        if not text:
            notes.append("mức độ 1 vì không đánh dấu " + ", ".join(f"“{sub}”" for _, sub in group) if group
                         else "mức độ 1 vì chưa ghi mức độ")
            return 1
        parsed = _parse_level(text)
        if parsed is None:
            return f"không hiểu mức độ “{text}” (ghi 1–4, “Toàn trình”, “Một phần” hoặc để trống)"
        if parsed[1]:
            self.information_levels += 1
            notes.append(f"mức độ 1 từ “{text}”")
        return parsed[0]

    def _tiers(self, cells: list[str], notes: list[str]) -> list[tuple[str, str | None]]:
        group = self.layout.groups.get("tiers")
        if group:
            names = [sub for column, sub in group if fold(_cell(cells, column)) not in _NOT_MARKED]
        else:
            names = _split(_cell(cells, self.layout.columns.get("tiers")), tiers=True)
        names = names or _split(self.section["tiers"], tiers=True)
        if not names:
            first = self.catalogue.info.tiers[0]
            notes.append(f"chưa ghi cấp thực hiện: tạm ghi “{first.name}”, hãy kiểm tra")
            return [(first.id, None)]
        found: list[tuple[str, str | None]] = []
        for name in names:
            ref = self.registries["tiers"].find(name)
            if ref[0] not in [f[0] for f in found]:
                found.append(ref)
        return found


def _choose(sheets: list[Sheet], path: Path) -> tuple[Sheet, Layout]:
    found = [(sheet, layout) for sheet in sheets if (layout := find_layout(sheet))]
    if not found:
        where = "" if sheets[0].name is None else " (trang tính " + ", ".join(f"“{s.name}”" for s in sheets) + ")"
        raise ImportFailure(f"Không tìm thấy dòng tiêu đề trong {path.name}{where}: cần cột “Mã thủ tục” (hoặc Mã số, "
                            f"Mã TTHC) và cột “Tên thủ tục” trong {HEADER_SEARCH_ROWS} dòng đầu.")
    if sheets[0].name is not None:
        return found[0]  # the first worksheet that is a list
    return max(found, key=lambda f: len(f[1].columns) + len(f[1].groups))  # the delimiter that splits most


def import_file(source: Path, catalogue: Catalogue, *, dry_run: bool = False, sheet: str | None = None,
                root: Path | None = None, today: date | None = None) -> ImportReport:
    """Read ``source``, add registry entries and stubs; ``root`` is where reported paths start."""
    root = Path(root or Path.cwd()).absolute()
    table, layout = _choose(read_sheets(source, sheet), source)
    importer = _Importer(catalogue, layout, root)
    report = ImportReport(source, table.name, table.rows[layout.header_rows[0]][0],
                          [c for c in layout.ignored if not re.fullmatch(r"\(?\d+\)?", c)], dry_run)
    planned: list[_Planned] = []
    for number, cells in table.rows[layout.header_rows[-1] + 1:]:
        result = importer.row(number, cells)
        if isinstance(result, _Planned):
            planned.append(result)
            report.outcomes.append(result.outcome)
        elif result is not None:
            report.outcomes.append(result)
    report.added = {key: list(r.added) for key, r in importer.registries.items() if r.added}
    report.by_slug = [(key, text, entry_id, r.ids[entry_id]) for key, r in importer.registries.items()
                      for text, entry_id in r.by_slug.items()]
    report.numeric_codes, report.information_levels = importer.numeric_codes, importer.information_levels
    info_path = catalogue.directory / CATALOGUE_FILE
    if report.added:
        encoded, info = edit_catalogue(info_path, report.added)
        if not dry_run:
            _replace(info_path, encoded)
            catalogue = Catalogue(info=info, directory=catalogue.directory, entries=catalogue.entries,
                                  synonyms=catalogue.synonyms)
            if (catalogue.directory / schemas.SCHEMA_DIR).is_dir():
                schemas.write(catalogue.directory, info)  # the editors' schema must know the new ids
    if dry_run:
        return report
    for plan in planned:
        try:
            plan.outcome.path = new_procedure(
                catalogue, code=plan.code, name=plan.name, level=plan.level, today=today,
                field=plan.refs["fields"][0][0], agency=plan.refs["agencies"][0][0],
                tiers=[t for t, _ in plan.refs["tiers"]])
        except (ScaffoldError, OSError) as exc:
            plan.outcome.path, plan.outcome.reason = None, str(exc)
    return report


def _replace(path: Path, data: bytes) -> None:
    """Write beside, then rename: an interrupted import never leaves half a catalogue.yml."""
    fd, scratch = tempfile.mkstemp(prefix=".catalogue-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        os.replace(scratch, path)
    except BaseException:
        Path(scratch).unlink(missing_ok=True)
        raise
