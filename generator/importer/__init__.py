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
* With a base catalogue (``base:`` in catalogue.yml), a row whose code the base has
  becomes a two-line ``inherit: true`` file; its agency, level and tiers are written
  as overrides only where they differ from the base's.
* Nothing is overwritten: a code already in any procedure file (valid or not), a code
  repeated in the sheet, or an existing target file skips the row, with the reason.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from generator import schema as schemas
from generator.importer.catalogue_edit import _replace, edit_catalogue
from generator.importer.failure import ImportFailure
from generator.importer.header import HEADER_SEARCH_ROWS, Layout, find_layout
from generator.importer.report import ImportReport
from generator.importer.rows import UNKNOWN_AGENCY, UNKNOWN_FIELD, _Adoption, _Importer, _Planned
from generator.importer.spreadsheet import Sheet, read_sheets
from generator.loader import CATALOGUE_FILE, with_base_registries
from generator.model import Catalogue
from generator.scaffold import ScaffoldError, adopt, new_procedure

__all__ = ["ImportFailure", "ImportReport", "import_file"]


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
                root: Path | None = None, today: date | None = None, base=None) -> ImportReport:
    """Read ``source``, add registry entries and stubs; ``root`` is where reported paths start.

    ``base``: the ``LoadResult`` of the catalogue's base. A row whose code the base has
    becomes an ``inherit: true`` file, so importing a province's list publishes the
    base's full text at once; only codes the base lacks become stubs to write.
    """
    root = Path(root or Path.cwd()).absolute()
    table, layout = _choose(read_sheets(source, sheet), source)
    importer = _Importer(catalogue, layout, root, base.inheritable if base is not None else None)
    report = ImportReport(source, table.name, table.rows[layout.header_rows[0]][0],
                          [c for c in layout.ignored if not re.fullmatch(r"\(?\d+\)?", c)], [], dry_run)
    planned: list[_Planned] = []
    adopted: list[_Adoption] = []
    for number, cells in table.rows[layout.header_rows[-1] + 1:]:
        result = importer.row(number, cells)
        if isinstance(result, _Adoption):
            adopted.append(result)
            report.outcomes.append(result.outcome)
        elif isinstance(result, _Planned):
            planned.append(result)
            report.outcomes.append(result.outcome)
        elif result is not None:
            report.outcomes.append(result)
    reasons = {o.reason for o in report.outcomes}
    report.missing_columns = [name for reason, name in ((UNKNOWN_FIELD, "Lĩnh vực"), (UNKNOWN_AGENCY, "Cơ quan thực hiện"))
                              if reason in reasons]  # said once about the header, not once per row
    report.added = {key: list(r.added) for key, r in importer.registries.items() if r.added}
    report.by_slug = [(key, text, entry_id, r.ids[entry_id]) for key, r in importer.registries.items()
                      for text, entry_id in r.by_slug.items()]
    report.numeric_codes, report.information_levels = importer.numeric_codes, importer.information_levels
    info_path = catalogue.directory / CATALOGUE_FILE
    if report.added:
        encoded, info = edit_catalogue(info_path, report.added)
        if base is not None:
            info = with_base_registries(info, base.catalogue.info)
        if not dry_run:
            _replace(info_path, encoded)
            catalogue = Catalogue(info=info, directory=catalogue.directory, entries=catalogue.entries,
                                  synonyms=catalogue.synonyms, drafts=catalogue.drafts)
            if (catalogue.directory / schemas.SCHEMA_DIR).is_dir():
                schemas.write(catalogue.directory, info)  # the editors' schema must know the new ids
    report.inherited = len(adopted)
    if dry_run:
        return report
    for adoption in adopted:
        try:
            adoption.outcome.path = adopt(catalogue, base, adoption.code, adoption.overrides)
        except (ScaffoldError, OSError) as exc:
            adoption.outcome.path, adoption.outcome.reason = None, str(exc)
    for plan in planned:
        try:
            plan.outcome.path = new_procedure(
                catalogue, code=plan.code, name=plan.name, level=plan.level, today=today,
                field=plan.refs["fields"][0][0], agency=plan.refs["agencies"][0][0],
                tiers=[t for t, _ in plan.refs["tiers"]])
        except (ScaffoldError, OSError) as exc:
            plan.outcome.path, plan.outcome.reason = None, str(exc)
    return report
