"""Reading each row under the header: a procedure to create, a section heading, or a row to skip.

Section rows carry the field and tier of the rows below them and mark parts about
abolished procedures; a procedure row is planned only when nothing in it would put
wrong data in a file or overwrite an editor's work, and otherwise says why not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from generator.importer.cells import _after_words, _cell, _parse_level
from generator.importer.header import Layout, _header_key
from generator.importer.registry import REGISTRIES, Registry
from generator.importer.report import Outcome
from generator.importer.spreadsheet import ExcelNumber, Formula
from generator.loader import display_path, procedure_files
from generator.model import CODE_PATTERN, Catalogue
from generator.search import fold
from generator.yamlsource import Misread, read_yaml

_NUMBERING = re.compile(r"\(?([IVXLC]+|[A-Za-z]|\d{1,3}(\.\d{1,3})*)[.)]?")  # "I.", "A", "1)", "(3)"
_NUMBERING_PREFIX = re.compile(r"^\s*(phần\s+)?([IVXLC]+|[A-Za-z]|\d{1,3}(\.\d{1,3})*)\s*[.):\-–]\s+",
                               re.IGNORECASE)
_TIER_SECTION = re.compile(r"\b(thu tuc hanh chinh|tthc)\b.*\bcap (tinh|huyen|xa|trung uong)\b")
_PART_WORDS = ("moi ban hanh", "sua doi", "bo sung", "thay the", "bai bo")
_NOT_MARKED = {"", "0", "khong", "-"}


# Why a row is skipped when its sheet lacks a column: short, as the report explains the header once.
UNKNOWN_FIELD = "không rõ lĩnh vực"
UNKNOWN_AGENCY = "không rõ cơ quan thực hiện"


def _split(text: str, tiers: bool = False) -> list[str]:
    """Several names in one cell: tiers by , ; / or “và”; agencies only by ; or line."""
    pattern = r"[,;/\n+]|\s+và\s+" if tiers else r"[;\n]"
    return [" ".join(part.split()) for part in re.split(pattern, text) if part.strip()]


def _formula_reason(text: str, column: int, number: int) -> str:
    """A formula is never evaluated, and the value Excel last computed (stored in the file, forgeable) never read."""
    from openpyxl.utils import get_column_letter

    shown = text if len(text) <= 60 else text[:59] + "…"
    return (f"ô {get_column_letter(column + 1)}{number} là công thức “{shown}”; lệnh import không tính công thức. Trong "
            "Excel, chọn các ô, Sao chép rồi Dán đặc biệt → Giá trị (Paste Special → Values), lưu và nhập lại")


def _section(cells: list[str]) -> str | None:
    """The text of a row that is a heading rather than a procedure, numbering dropped."""
    texts = {c for c in cells if c and not _NUMBERING.fullmatch(c)}
    if len(texts) != 1:
        return None
    return _NUMBERING_PREFIX.sub("", texts.pop(), count=1).strip()


def existing_codes(catalogue: Catalogue) -> dict[str, Path]:
    """Every code in a procedure file, including files that do not validate: never overwrite work."""
    codes = {e.procedure.code: e.source for e in catalogue.entries + catalogue.drafts}
    known = {e.source for e in catalogue.entries + catalogue.drafts}
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


@dataclass
class _Adoption:
    """A row whose code the base has: an ``inherit: true`` file with what the row says differently."""

    outcome: Outcome
    code: str
    overrides: dict[str, object]  # agency, level, tiers: only where the row differs from the base


class _Importer:
    def __init__(self, catalogue: Catalogue, layout: Layout, root: Path, base: dict | None = None):
        """``base``: what the catalogue's base lends, by code (``LoadResult.inheritable``), if it has one."""
        self.base = base
        self.catalogue = catalogue
        self.layout = layout
        self.root = root
        info = catalogue.info
        self.registries = {key: Registry(key, getattr(info, key), info.province) for key in REGISTRIES}
        self.codes = existing_codes(catalogue)
        self.seen: dict[str, int] = {}
        self.targets: set[Path] = set()
        self.section = {"field": "", "tiers": ""}
        self.used = set(layout.columns.values()) | {column for group in layout.groups.values() for column, _ in group}
        self.abolished: str | None = None
        self.numeric_codes = 0
        self.information_levels = 0

    def row(self, number: int, cells: list[str]) -> _Planned | Outcome | None:
        """A planned stub, a skipped row, or None for a row that is not a procedure at all."""
        columns = self.layout.columns
        code, name = _cell(cells, columns["code"]), " ".join(_cell(cells, columns["name"]).split())
        if not any(cells):
            return None
        formula = next((column for column, c in enumerate(cells) if isinstance(c, Formula) and column in self.used), None)
        if formula is not None:
            return Outcome(number, reason=_formula_reason(cells[formula], formula, number))
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
        if self.base is not None and code in self.base:
            return self._adopt(number, str(code), cells)
        notes: list[str] = ["bộ gốc không có mã này: tệp khung để viết đủ thủ tục"] if self.base is not None else []
        level = self._level(cells, notes)
        if isinstance(level, str):
            return skip(level)
        if level >= 3 and not self.catalogue.info.portal_url:
            return skip(f"mức độ {level} cần địa chỉ nộp trực tuyến nhưng catalogue.yml chưa có portal_url; "
                        "hãy thêm portal_url hoặc tạo tệp bằng lệnh new --online-url")
        field_text = _cell(cells, columns.get("field")) or self.section["field"]
        if not field_text:  # a missing column is said once, above the rows (ImportReport.missing_columns)
            return skip("ô Lĩnh vực trống và chưa có dòng “Lĩnh vực …” phía trên" if "field" in columns
                        else UNKNOWN_FIELD)
        agencies = _split(_cell(cells, columns.get("agency")))
        if not agencies:
            return skip("ô Cơ quan thực hiện trống" if "agency" in columns else UNKNOWN_AGENCY)
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

    def _adopt(self, number: int, code: str, cells: list[str]) -> _Adoption | Outcome:
        """The row's local columns (agency, level, tiers) become overrides where they differ from the base."""
        from generator.layers import BaseProcedure

        lent = self.base[code]
        if not isinstance(lent, BaseProcedure):
            return Outcome(number, reason=f"thủ tục “{code}” của bộ gốc có lỗi ({lent}); chạy validate để xem")
        procedure = lent.entry.procedure
        target = self.catalogue.directory / procedure.field / f"{code}.yml"
        if target.exists() or target in self.targets:
            return Outcome(number, reason=f"tệp {display_path(target, self.root)} đã có; không ghi đè")
        notes: list[str] = []
        overrides: dict[str, object] = {}
        refs: dict[str, list[tuple[str, str | None]]] = {}
        agencies = _split(_cell(cells, self.layout.columns.get("agency")))
        if agencies:
            refs["agencies"] = [self.registries["agencies"].find(agencies[0])]
            if refs["agencies"][0][0] != procedure.agency:
                overrides["agency"] = refs["agencies"][0][0]
        if self._level_given(cells):
            level = self._level(cells, notes)
            if isinstance(level, str):
                return Outcome(number, reason=level)
            if level != procedure.level:
                if level >= 3 and not procedure.online_url:
                    if not self.catalogue.info.portal_url:
                        return Outcome(number, reason=f"mức độ {level} cần địa chỉ nộp trực tuyến nhưng bộ gốc và "
                                                      "catalogue.yml đều chưa có; hãy thêm portal_url")
                    overrides["online_url"] = self.catalogue.info.portal_url
                    notes.append("online_url lấy theo portal_url, hãy kiểm tra")
                overrides["level"] = level
        if self.layout.groups.get("tiers") or _cell(cells, self.layout.columns.get("tiers")) or self.section["tiers"]:
            refs["tiers"] = self._tiers(cells, notes)
            tiers = [t for t, _ in refs["tiers"]]
            if sorted(tiers) != sorted(procedure.tiers):
                overrides["tiers"] = tiers
        for key, found in refs.items():
            for entry_id, new_name in found:
                if new_name is not None and entry_id not in self.registries[key].ids:
                    self.registries[key].add(entry_id, new_name)
        self.targets.add(target)
        notes.insert(0, "kế thừa từ bộ gốc" + (f"; tỉnh ghi: {', '.join(overrides)}" if overrides else ""))
        return _Adoption(Outcome(number, path=target, notes=notes), code, overrides)

    def _level_given(self, cells: list[str]) -> bool:
        group = self.layout.groups.get("level")
        if group:
            return any(fold(_cell(cells, column)) not in _NOT_MARKED for column, _ in group)
        return bool(_cell(cells, self.layout.columns.get("level")))

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
