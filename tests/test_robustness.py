"""No input crashes the validator: damaged files give diagnostics, never exceptions."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from conftest import FIXTURES, copy_base
from generator.loader import load_catalogue

SOURCE = "ho-tich/1.001193.yml"


def _variants(data: bytes):
    for end in range(0, len(data), 7):  # every truncation, as an editor's half-saved file
        yield data[:end]
    rng = random.Random(20261125)
    alphabet = b" \t\n:-[]{}&*!|>'\"#%@`,?\\\xff\xc3\x00"
    for _ in range(400):  # seeded byte edits: deletions, insertions of YAML syntax and bad bytes
        mutated = bytearray(data)
        for _ in range(rng.randint(1, 6)):
            at = rng.randrange(len(mutated))
            if rng.random() < 0.5:
                del mutated[at]
            else:
                mutated.insert(at, rng.choice(alphabet))
        yield bytes(mutated)


def test_damaged_procedure_files_never_raise(tmp_path: Path) -> None:
    catalogue = copy_base(tmp_path / "catalogue")
    target = catalogue / SOURCE
    original = target.read_bytes()
    outcomes = set()
    for variant in _variants(original):
        target.write_bytes(variant)
        result = load_catalogue(catalogue, display_root=catalogue)
        for d in result.diagnostics:
            # a damaged forms[].file leaves the form file unused: a warning on that file
            assert d.file in (SOURCE, "ho-tich/mau/to-khai.pdf") and d.line >= 1 and d.column >= 1 and d.message
        outcomes.add(bool(result.diagnostics))
    assert outcomes == {True, False}  # some edits are harmless, most are caught


def test_damaged_catalogue_file_never_raises(tmp_path: Path) -> None:
    catalogue = copy_base(tmp_path / "catalogue")
    target = catalogue / "catalogue.yml"
    for variant in _variants(target.read_bytes()):
        target.write_bytes(variant)
        result = load_catalogue(catalogue, display_root=catalogue)
        assert result.ok == (not result.diagnostics)


# Found while writing tests/test_fuzz.py: each crashed, or named a line the editor does not show.
def _diagnostics(tmp_path: Path, content: str) -> list[str]:
    catalogue = tmp_path / "catalogue"
    if not catalogue.exists():
        copy_base(catalogue)
    (catalogue / SOURCE).write_bytes(content.encode("utf-8"))
    return [str(d) for d in load_catalogue(catalogue, display_root=catalogue).diagnostics]


def test_a_number_too_long_for_python_is_a_diagnostic(tmp_path: Path) -> None:
    """int() refuses more than 4,300 digits (ValueError); the value is read as a misread number."""
    original = (FIXTURES / "base" / SOURCE).read_text(encoding="utf-8")
    huge = "9" * 5000
    assert _diagnostics(tmp_path, original.replace("level: 4", f"level: {huge}")) == [
        f"{SOURCE}:6:8: error: level: phải là số nguyên, không phải một số quá dài “{huge}”"]
    assert _diagnostics(tmp_path, original.replace('code: "1.001193"', f"code: {huge}")) == [
        f"{SOURCE}:1:7: error: code: YAML sẽ đọc “{huge}” thành một số quá dài, không giữ nguyên chữ; "
        f"hãy đặt trong dấu nháy kép: \"{huge}\""]


def test_nesting_deeper_than_the_format_is_a_diagnostic(tmp_path: Path) -> None:
    """990 levels pass libyaml (1,000 at most) but overflowed Python's recursion in the conversion."""
    assert _diagnostics(tmp_path, "steps: " + "[" * 990 + "]" * 990 + "\n") == [
        f"{SOURCE}:1:58: error: danh sách hoặc khối lồng nhau quá nhiều mức (hơn 50); định dạng thủ tục chỉ có vài "
        "mức, hãy xem lại thụt lề và các dấu [ ] { }"]
    assert _diagnostics(tmp_path, "steps: " + "[" * 1001 + "]" * 1001 + "\n") == [
        f"{SOURCE}:1:1007: error: lỗi cú pháp YAML: danh sách hoặc khối lồng nhau quá nhiều mức (hơn 1.000)"]


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85"])
def test_lines_are_counted_as_the_editor_counts_them(tmp_path: Path, separator: str) -> None:
    """libyaml also ends a line at LINE SEPARATOR, PARAGRAPH SEPARATOR and NEL, which an editor shows
    inside the line: every diagnostic below one of them pointed a line too far down."""
    original = (FIXTURES / "base" / SOURCE).read_text(encoding="utf-8")
    text = original.replace('name: Đăng ký khai sinh', f'name: "Đăng ký{separator}khai sinh"').replace(
        "level: 4", "level: 9")
    assert _diagnostics(tmp_path, text) == [f"{SOURCE}:6:8: error: level: phải nhỏ hơn hoặc bằng 4"]


def test_positions_after_old_mac_line_breaks_and_in_a_line_of_vietnamese(tmp_path: Path) -> None:
    """A lone \\r ends a line for editors (the file saved on an old Mac); a bad byte's column counts
    characters, not the two or three bytes of each Vietnamese letter."""
    assert _diagnostics(tmp_path, 'code: "1.001193"\rname: a\x1f\r') == [
        f"{SOURCE}:2:8: error: tệp chứa ký tự điều khiển không hợp lệ (U+001F); hãy xóa ký tự đó hoặc lưu lại tệp "
        "dạng văn bản thuần"]
    catalogue = copy_base(tmp_path / "bytes")
    (catalogue / SOURCE).write_bytes('code: "1.001193"\nname: Đăng ký '.encode("utf-8") + b"\xff\n")
    assert [str(d) for d in load_catalogue(catalogue, display_root=catalogue).diagnostics] == [
        f"{SOURCE}:2:15: error: tệp không phải mã UTF-8; hãy lưu lại tệp với bảng mã UTF-8"]
