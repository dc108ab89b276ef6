"""Every rejection the editors rely on, with the file and line it must name.

Each case in fixtures/invalid is a procedure file (or a folder overlaid on the base
catalogue) whose ``# expect: LINE:COL KEY`` comments list exactly the diagnostics
the validator must report for that file, no more, no fewer.
"""

from __future__ import annotations

import json
import re
import shutil
import time
from datetime import date
from pathlib import Path

import pytest

from conftest import FIXTURES, copy_base
from generator.diagnostics import Severity
from generator.loader import load_catalogue
from helpers import run_cli

INVALID = sorted((FIXTURES / "invalid").iterdir())
WARNING = sorted((FIXTURES / "warning").iterdir())
TODAY = date(2026, 11, 25)
VALID = sorted((FIXTURES / "valid").iterdir())
EXPECT = re.compile(rb"^%? ?# expect: (\d+):(\d+) ?(.*)$", re.M)


def _install(case: Path, catalogue: Path) -> None:
    if case.is_dir():
        shutil.copytree(case, catalogue, dirs_exist_ok=True)
    else:
        shutil.copy(case, catalogue / case.name)


def _expected(case: Path, catalogue: Path) -> set[tuple]:
    files = [p for p in case.rglob("*") if p.is_file()] if case.is_dir() else [case]  # .pdf too: "% # expect:"
    expected = set()
    for path in files:
        shown = (path.relative_to(case) if case.is_dir() else Path(path.name)).as_posix()
        for line, col, key in EXPECT.findall(path.read_bytes()):
            expected.add((shown, int(line), int(col), key.decode().strip()))
    return expected


@pytest.mark.parametrize("case", INVALID, ids=[c.name for c in INVALID])
def test_invalid_case_reports_exactly_its_errors(case: Path, tmp_path: Path) -> None:
    catalogue = copy_base(tmp_path / "catalogue")
    _install(case, catalogue)
    result = load_catalogue(catalogue, display_root=catalogue)
    actual = {(d.file, d.line, d.column, d.key) for d in result.diagnostics}
    assert actual == _expected(case, catalogue)
    assert not result.ok
    for d in result.diagnostics:
        assert re.search(r"[à-ỹđ]", d.message), f"message is not Vietnamese: {d.message}"


@pytest.mark.parametrize("case", WARNING, ids=[c.name for c in WARNING])
def test_warning_case_reports_exactly_its_warnings(case: Path, tmp_path: Path) -> None:
    catalogue = copy_base(tmp_path / "catalogue")
    _install(case, catalogue)
    result = load_catalogue(catalogue, display_root=catalogue, today=TODAY)
    assert {(d.file, d.line, d.column, d.key) for d in result.diagnostics} == _expected(case, catalogue)
    assert result.ok and {d.severity for d in result.diagnostics} == {Severity.WARNING}


def test_strict_turns_warnings_into_failure(tmp_path: Path) -> None:
    catalogue = copy_base(tmp_path / "catalogue")
    _install(FIXTURES / "warning" / "online-url_level-2.yml", catalogue)
    lenient = run_cli("validate", "--catalogue", "catalogue", cwd=tmp_path)
    strict = run_cli("validate", "--catalogue", "catalogue", "--strict", cwd=tmp_path)
    assert (lenient.returncode, strict.returncode) == (0, 1)
    assert lenient.stdout.startswith("catalogue/online-url_level-2.yml:8:13: warning: online_url: thủ tục mức độ 2")
    assert "Đã kiểm tra 4 tệp: không có lỗi, 1 cảnh báo." in lenient.stderr


@pytest.mark.parametrize("case", VALID, ids=[c.name for c in VALID])
def test_valid_case_has_no_diagnostics(case: Path, tmp_path: Path) -> None:
    catalogue = copy_base(tmp_path / "catalogue")
    _install(case, catalogue)
    result = load_catalogue(catalogue, display_root=catalogue)
    assert result.diagnostics == []
    assert result.ok


def test_valid_cases_keep_text_exactly(tmp_path: Path) -> None:
    catalogue = copy_base(tmp_path / "catalogue")
    for case in VALID:
        _install(case, catalogue)
    by_code = {e.procedure.code: e.procedure for e in load_catalogue(catalogue).catalogue.entries}
    quoted = by_code["1.000080"]
    assert quoted.name == "NO"
    assert quoted.channels[0].fee == "0"
    assert quoted.channels[0].processing_time == "7:30"
    assert quoted.updated == "2026-01-05"


def test_form_symlink_out_of_catalogue_is_rejected(tmp_path: Path) -> None:
    catalogue = copy_base(tmp_path / "catalogue")
    outside = tmp_path / "secret.pdf"
    outside.write_bytes(b"%PDF-1.4\n")
    (catalogue / "ho-tich" / "mau" / "link.pdf").symlink_to(outside)
    text = (catalogue / "ho-tich" / "1.001193.yml").read_text(encoding="utf-8")
    (catalogue / "ho-tich" / "1.001193.yml").write_text(text.replace("mau/to-khai.pdf", "mau/link.pdf"),
                                                        encoding="utf-8")
    result = load_catalogue(catalogue, display_root=catalogue)
    errors = [d for d in result.diagnostics if d.severity is Severity.ERROR]
    assert [(d.file, d.line, d.key) for d in errors] == [("ho-tich/1.001193.yml", 39, "forms[0].file")]
    assert "ngoài thư mục" in errors[0].message


def test_all_problems_of_all_files_in_one_run(tmp_path: Path) -> None:
    catalogue = copy_base(tmp_path / "catalogue")
    cases = [c for c in INVALID if c.is_file()]
    for case in cases:
        _install(case, catalogue)
    result = load_catalogue(catalogue, display_root=catalogue)
    assert {d.file for d in result.diagnostics} == {c.name for c in cases}


def test_alias_bomb_fails_fast(tmp_path: Path) -> None:
    catalogue = copy_base(tmp_path / "catalogue")
    _install(FIXTURES / "invalid" / "file_alias-bomb.yml", catalogue)
    started = time.monotonic()
    result = load_catalogue(catalogue, display_root=catalogue)
    # Expanding it would take minutes and gigabytes; refusing it takes milliseconds.
    assert time.monotonic() - started < 5
    assert len(result.diagnostics) == 1


def test_cli_prints_file_line_col_and_exits_1(tmp_path: Path) -> None:
    catalogue = copy_base(tmp_path / "catalogue")
    _install(FIXTURES / "invalid" / "agency_unknown.yml", catalogue)
    _install(FIXTURES / "invalid" / "file_invalid-utf8.yml", catalogue)
    run = run_cli("validate", "--catalogue", "catalogue", cwd=tmp_path)
    assert run.returncode == 1
    assert run.stdout.splitlines() == [
        "catalogue/agency_unknown.yml:4:9: error: agency: “ubnd-huyen” không có trong danh mục cơ quan "
        "(agencies) của catalogue.yml",
        "catalogue/file_invalid-utf8.yml:4:9: error: tệp không phải mã UTF-8; "
        "hãy lưu lại tệp với bảng mã UTF-8",
    ]
    assert "Đã kiểm tra 5 tệp: 2 lỗi trong 2 tệp." in run.stderr
    assert "Traceback" not in run.stderr


def test_cli_missing_catalogue_is_a_diagnostic_not_a_traceback(tmp_path: Path) -> None:
    run = run_cli("validate", "--catalogue", "khong-co", cwd=tmp_path)
    assert run.returncode == 1
    assert run.stdout.startswith("khong-co:1:1: error: không tìm thấy thư mục")
    assert "Traceback" not in run.stderr


def test_cli_github_annotations_and_json(tmp_path: Path) -> None:
    catalogue = copy_base(tmp_path / "catalogue")
    _install(FIXTURES / "invalid" / "agency_unknown.yml", catalogue)
    _install(FIXTURES / "invalid" / "name_duplicate-key.yml", catalogue)
    github = run_cli("validate", "--catalogue", "catalogue", "--format", "github", cwd=tmp_path)
    assert github.returncode == 1
    assert github.stdout.splitlines() == [
        "::error file=catalogue/agency_unknown.yml,line=4,col=9,title=agency::“ubnd-huyen” không có trong "
        "danh mục cơ quan (agencies) của catalogue.yml",
        "::error file=catalogue/name_duplicate-key.yml,line=5,col=1,title=name::khóa “name” bị lặp lại "
        "(đã có ở dòng 4); hãy xóa một trong hai",
    ]
    as_json = run_cli("validate", "--catalogue", "catalogue", "--format", "json", cwd=tmp_path)
    assert as_json.returncode == 1
    report = json.loads(as_json.stdout)
    assert (report["files_checked"], report["errors"], report["warnings"]) == (5, 2, 0)
    assert report["diagnostics"][1] == {"file": "catalogue/name_duplicate-key.yml", "line": 5, "column": 1,
                                        "key": "name", "severity": "error",
                                        "message": "khóa “name” bị lặp lại (đã có ở dòng 4); hãy xóa một trong hai"}


def test_github_annotation_escapes_what_would_break_the_command() -> None:
    from generator.diagnostics import Diagnostic, github_annotation

    d = Diagnostic("a,b:c.yml", 2, 3, "x", "50% sai\ndòng hai")
    assert github_annotation(d) == "::error file=a%2Cb%3Ac.yml,line=2,col=3,title=x::50%25 sai%0Adòng hai"


@pytest.mark.parametrize("case, message", [
    ("forms_label-true.yml", "YAML sẽ đọc “true” thành giá trị đúng/sai, không giữ nguyên chữ; "
                             "hãy đặt trong dấu nháy kép: \"true\""),
    ("forms_field-required-yes.yml", "phải là true hoặc false, viết không có dấu nháy, ví dụ required: true"),
])
def test_true_and_false_are_read_only_where_the_format_wants_them(case: str, message: str, tmp_path: Path) -> None:
    catalogue = copy_base(tmp_path / "catalogue")
    _install(FIXTURES / "invalid" / case, catalogue)
    assert [d.message for d in load_catalogue(catalogue).diagnostics] == [message]


# What each common YAML mistake is called: the real cause, at the line where the editor acts.
YAML_MISTAKES = {
    "file_indent-3-spaces.yml": "khóa “note” thụt lề 3 dấu cách, khác khóa “fee” ngay trên (4 dấu cách)",
    "file_indent-5-spaces.yml": "khóa “note” thụt lề 5 dấu cách, khác khóa “fee” ngay trên (4 dấu cách)",
    "file_unclosed-quote.yml": "dấu nháy kép (\") mở ở đây chưa được đóng",
    "results_colon-in-item.yml": "hãy đặt cả mục trong dấu nháy kép: \"Kết quả: Giấy chứng nhận\"",
}


@pytest.mark.parametrize("name", sorted(YAML_MISTAKES))
def test_each_common_yaml_mistake_names_its_real_cause(name: str, tmp_path: Path) -> None:
    catalogue = copy_base(tmp_path / "catalogue")
    _install(FIXTURES / "invalid" / name, catalogue)
    [problem] = [d for d in load_catalogue(catalogue, display_root=catalogue).diagnostics if d.file == name]
    assert YAML_MISTAKES[name] in problem.message


def test_forms_beside_an_unreadable_file_are_not_called_unused(tmp_path: Path) -> None:
    """A typo in the YAML must not come with advice to delete the procedure's forms."""
    catalogue = copy_base(tmp_path / "catalogue")
    source = catalogue / "ho-tich" / "1.001193.yml"
    source.write_text(source.read_text(encoding="utf-8").replace("name: Đăng ký khai sinh", 'name: "Đăng ký'),
                      encoding="utf-8")
    found = load_catalogue(catalogue, display_root=catalogue).diagnostics
    assert [(d.file, d.line) for d in found] == [("ho-tich/1.001193.yml", 2)]


# --- events.yml -------------------------------------------------------------------------


def test_events_file_is_not_read_as_a_procedure_and_loads_in_order(tmp_path: Path) -> None:
    catalogue = copy_base(tmp_path / "catalogue")
    (catalogue / "events.yml").write_text(
        'events:\n  - id: giay-to\n    title: Giấy tờ\n    summary: Làm giấy tờ.\n    type: kinh-doanh\n'
        '    steps:\n      - procedure: "2.000815"\n        note: Trước tiên.\n      - procedure: "1.001193"\n'
        '        optional: true\n', encoding="utf-8")
    result = load_catalogue(catalogue, display_root=catalogue)
    assert result.diagnostics == [] and result.files_checked == 4
    [event] = result.catalogue.events
    assert (event.id, event.type) == ("giay-to", "kinh-doanh")
    assert [(s.procedure, s.note, s.optional) for s in event.steps] == [
        ("2.000815", "Trước tiên.", False), ("1.001193", None, True)]


@pytest.mark.parametrize("case, key, message", [
    ("events_unknown-procedure", "events[0].steps[0].procedure",
     "không có thủ tục mã “1.001194” trong bộ; có phải là “1.001193”?"),
    ("events_unknown-procedure", "events[0].steps[1].procedure", "không có thủ tục mã “9.999999” trong bộ"),
    ("events_procedure-twice", "events[0].steps[2].procedure",
     "thủ tục “1.001193” đã là bước 1 của sự kiện này; mỗi thủ tục chỉ là một bước"),
    ("events_duplicate-id", "events[1].id", "mã sự kiện “sinh-con” bị trùng với sự kiện thứ 1"),
    ("events_unknown-key", "events[0].titel", "khóa “titel” không có trong định dạng; có phải là “title”?"),
    ("events_empty-steps", "events[0].steps", "danh sách phải có ít nhất một mục"),
])
def test_events_problems_are_said_plainly(case: str, key: str, message: str, tmp_path: Path) -> None:
    catalogue = copy_base(tmp_path / "catalogue")
    _install(FIXTURES / "invalid" / case, catalogue)
    result = load_catalogue(catalogue, display_root=catalogue)
    assert {d.key: d.message for d in result.diagnostics}[key] == message
    assert result.catalogue.events == []  # an invalid events.yml publishes no event


def test_events_are_checked_even_when_catalogue_yml_is_broken(tmp_path: Path) -> None:
    """All problems in one run: the events file's own mistakes show beside catalogue.yml's."""
    catalogue = copy_base(tmp_path / "catalogue")
    _install(FIXTURES / "invalid" / "events_duplicate-id", catalogue)
    (catalogue / "catalogue.yml").write_text("title: Bộ\n", encoding="utf-8")
    found = {(d.file, d.key) for d in load_catalogue(catalogue, display_root=catalogue).diagnostics}
    assert ("events.yml", "events[1].id") in found and ("catalogue.yml", "tiers") in found


def test_cli_reports_events_problems_like_every_other(tmp_path: Path) -> None:
    catalogue = copy_base(tmp_path / "catalogue")
    _install(FIXTURES / "invalid" / "events_unknown-procedure", catalogue)
    run = run_cli("validate", "--catalogue", "catalogue", cwd=tmp_path)
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert run.stdout.splitlines()[0] == ("catalogue/events.yml:9:20: error: events[0].steps[0].procedure: không có "
                                          "thủ tục mã “1.001194” trong bộ; có phải là “1.001193”?")
    assert "Đã kiểm tra 4 tệp: 2 lỗi trong 1 tệp." in run.stderr  # catalogue.yml, events.yml, two procedures
