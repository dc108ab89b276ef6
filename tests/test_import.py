"""``python -m generator import``: a published danh mục becomes stubs, and nothing is overwritten."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest
import yaml

from conftest import copy_base
from generator.loader import load_catalogue
from helpers import run_cli

# What Excel in vi-VN saves as “CSV UTF-8”: a BOM, ';' between cells, CRLF, title rows
# above the header, section rows, and a quoted cell naming two tiers.
CSV = "\ufeff" + "\r\n".join([
    "ỦY BAN NHÂN DÂN TỈNH KIỂM THỬ;;;;;;",
    '"DANH MỤC THỦ TỤC HÀNH CHÍNH; kèm theo Quyết định số 12/QĐ-UBND";;;;;;',
    ";;;;;;",
    "STT;Mã số;Tên thủ tục;Cơ quan thực hiện;Cấp thực hiện;Mức độ;Ghi chú",
    "I;;Lĩnh vực Hộ tịch;;;;",
    "1;1.000080;Đăng ký kết hôn;UBND xã Kiểm Thử;Cấp xã;Toàn trình;",
    "2;1.001193;Đăng ký khai sinh;UBND xã Kiểm Thử;Cấp xã;4;",
    "3;1.000080;Đăng ký kết hôn (lặp lại);UBND xã Kiểm Thử;Cấp xã;4;",
    "4;;Đăng ký giám hộ;UBND xã Kiểm Thử;Cấp xã;4;",
    "II;;LĨNH VỰC TƯ PHÁP;;;;",
    '5;2.001417;Cấp Phiếu lý lịch tư pháp;Sở Tư pháp;"Cấp tỉnh; cấp huyện";Mức độ 3;Nộp qua bưu chính',
    "6;2.001418;Tra cứu thông tin;Công an tỉnh;Cấp tỉnh;Cung cấp thông tin trực tuyến;",
    "7;2.001419;Thủ tục chưa ghi mức độ;Sở Tư pháp;Cấp tỉnh;;",
    "8;2.001 420;Mã có dấu cách;Sở Tư pháp;Cấp tỉnh;2;",
    "9;2.001421;Mức độ lạ;Sở Tư pháp;Cấp tỉnh;Không;",
    "10;2.001422;Không có cơ quan;;Cấp tỉnh;2;",
]) + "\r\n"

NEXT = ("Tiếp theo: điền nội dung các tệp vừa tạo (viết lại các dòng có “(viết lại)”, kiểm tra các giá trị có chú "
        "thích “# (kiểm tra lại)” rồi xóa chú thích) và chạy: python -m generator validate. Tệp còn các dấu đó chưa "
        "lên trang web.")

CSV_REPORT = [
    "Đọc danh-muc.csv: dòng tiêu đề là dòng 4.",
    "Không dùng các cột: “Ghi chú”.",
    "Dòng 6: đã tạo catalogue/ho-tich/1.000080.yml",
    "Dòng 7: bỏ qua — mã “1.001193” đã có trong catalogue/ho-tich/1.001193.yml",
    "Dòng 8: bỏ qua — mã “1.000080” trùng với dòng 6",
    "Dòng 9: bỏ qua — thiếu mã thủ tục (“Đăng ký giám hộ”)",
    "Dòng 11: đã tạo catalogue/tu-phap/2.001417.yml",
    "Dòng 12: đã tạo catalogue/tu-phap/2.001418.yml (mức độ 1 từ “Cung cấp thông tin trực tuyến”)",
    "Dòng 13: đã tạo catalogue/tu-phap/2.001419.yml (mức độ 1 vì chưa ghi mức độ)",
    "Dòng 14: bỏ qua — mã “2.001 420” chỉ được gồm chữ, số, dấu chấm và gạch ngang",
    "Dòng 15: bỏ qua — không hiểu mức độ “Không” (ghi 1–4, “Toàn trình”, “Một phần” hoặc để trống)",
    "Dòng 16: bỏ qua — ô Cơ quan thực hiện trống",
    "Đã thêm vào catalogue.yml: lĩnh vực “Tư pháp” (tu-phap); cơ quan “Công an tỉnh” (cong-an-tinh); "
    "cấp “Cấp huyện” (huyen).",
    "Đã tạo 4 tệp, bỏ qua 6 dòng; thêm 1 lĩnh vực, 1 cơ quan, 1 cấp vào catalogue.yml.",
    "Lưu ý: 1 thủ tục “cung cấp thông tin trực tuyến” được ghi mức độ 1, không phải 2, vì mức độ 2 nghĩa là "
    "có biểu mẫu tải về; hãy sửa thành 2 nếu có biểu mẫu.",
    NEXT,
]

CSV_CREATED = {
    # path: (name, agency, field, tiers, level)
    "ho-tich/1.000080.yml": ("Đăng ký kết hôn", "ubnd-xa", "ho-tich", ["xa"], 4),
    "tu-phap/2.001417.yml": ("Cấp Phiếu lý lịch tư pháp", "so-tu-phap", "tu-phap", ["tinh", "huyen"], 3),
    "tu-phap/2.001418.yml": ("Tra cứu thông tin", "cong-an-tinh", "tu-phap", ["tinh"], 1),
    "tu-phap/2.001419.yml": ("Thủ tục chưa ghi mức độ", "so-tu-phap", "tu-phap", ["tinh"], 1),
}


def _import(workdir: Path, source: Path, *flags: str):
    return run_cli("import", source.name, "--catalogue", "catalogue", *flags, cwd=workdir)


def _snapshot(directory: Path) -> dict[str, bytes]:
    return {p.relative_to(directory).as_posix(): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


def _procedures(directory: Path) -> set[str]:
    return {p for p in _snapshot(directory) if p.endswith(".yml") and p != "catalogue.yml"
            and not p.startswith(".")}


def _check_created(catalogue: Path, created: dict) -> None:
    """Every stub valid, and a draft: its placeholders are reported and keep it off the site."""
    result = load_catalogue(catalogue)
    assert result.ok
    assert {(d.file, d.key) for d in result.diagnostics} == {
        (str(catalogue / path), key) for path, (*_, level) in created.items()
        for key in ["steps[0]", "steps[1]"] + (["online_url"] if level >= 3 else [])}
    procedures = {e.source.relative_to(catalogue).as_posix(): e.procedure for e in result.catalogue.drafts}
    assert set(procedures) >= set(created)
    for path, (name, agency, field, tiers, level) in created.items():
        p = procedures[path]
        assert (p.code, p.name, p.agency, p.field, p.tiers, p.level) == \
            (Path(path).stem, name, agency, field, tiers, level)
        assert p.online_url == ("https://dichvucong.example.vn" if level >= 3 else None)
    validate = run_cli("validate", "--catalogue", str(catalogue))
    assert validate.returncode == 0, validate.stdout + validate.stderr
    assert run_cli("validate", "--strict", "--catalogue", str(catalogue)).returncode == 1


@pytest.fixture
def workdir(tmp_path: Path) -> Path:
    copy_base(tmp_path / "catalogue")
    (tmp_path / "danh-muc.csv").write_bytes(CSV.encode("utf-8"))
    return tmp_path


def test_csv_import_creates_stubs_and_registry_entries(workdir: Path) -> None:
    catalogue = workdir / "catalogue"
    before = _snapshot(catalogue)
    run = _import(workdir, workdir / "danh-muc.csv")
    assert run.returncode == 1, run.stderr  # rows were skipped: CI can tell
    assert run.stdout.splitlines() == CSV_REPORT
    assert run.stderr == "Mã thoát 1: 6 dòng bị bỏ qua (lý do ở từng dòng trên).\n"
    assert _procedures(catalogue) == {p for p in before if p.endswith(".yml") and p != "catalogue.yml"} | set(
        CSV_CREATED)
    after = _snapshot(catalogue)
    assert after["ho-tich/1.001193.yml"] == before["ho-tich/1.001193.yml"]
    assert {p: b for p, b in after.items() if p in before and p != "catalogue.yml"} == \
        {p: b for p, b in before.items() if p != "catalogue.yml"}

    # The new entries are appended to their lists; everything else, comments included, is as it was.
    old = before["catalogue.yml"].decode("utf-8")
    expected = (old.replace("    name: Cấp xã\n", '    name: Cấp xã\n  - id: huyen\n    name: "Cấp huyện"\n')
                .replace("    name: Chứng thực\n", '    name: Chứng thực\n  - id: tu-phap\n    name: "Tư pháp"\n')
                + '  - id: cong-an-tinh\n    name: "Công an tỉnh"\n')
    assert after["catalogue.yml"].decode("utf-8") == expected
    assert expected.startswith("# Test catalogue: values are test data, not facts.\n")
    _check_created(catalogue, CSV_CREATED)

    # Importing the same list again creates nothing and changes nothing.
    before_again = _snapshot(catalogue)
    again = _import(workdir, workdir / "danh-muc.csv")
    assert again.returncode == 1, again.stderr
    lines = again.stdout.splitlines()
    for path in CSV_CREATED:
        code = Path(path).stem
        assert any(line.endswith(f"bỏ qua — mã “{code}” đã có trong catalogue/{path}") for line in lines), code
    assert not any("đã tạo" in line for line in lines)
    assert "Đã tạo 0 tệp, bỏ qua 10 dòng; catalogue.yml không đổi." in lines
    assert NEXT not in lines
    assert _snapshot(catalogue) == before_again


def test_dry_run_writes_nothing_and_reports_the_same_plan(workdir: Path) -> None:
    catalogue = workdir / "catalogue"
    before = _snapshot(catalogue)
    run = _import(workdir, workdir / "danh-muc.csv", "--dry-run")
    assert run.returncode == 1, run.stderr
    assert _snapshot(catalogue) == before
    lines = run.stdout.splitlines()
    assert lines[0] == "Chạy thử (--dry-run): không ghi tệp nào."
    assert lines[-1] == "Chạy lại không có --dry-run để tạo tệp."
    planned = [line.replace("sẽ tạo", "đã tạo").replace("Sẽ thêm", "Đã thêm") for line in lines[1:-1]]
    planned[planned.index("Sẽ tạo 4 tệp, bỏ qua 6 dòng; sẽ thêm 1 lĩnh vực, 1 cơ quan, 1 cấp vào catalogue.yml.")] = \
        "Đã tạo 4 tệp, bỏ qua 6 dòng; thêm 1 lĩnh vực, 1 cơ quan, 1 cấp vào catalogue.yml."
    assert planned == CSV_REPORT[:-1]


def _xlsx(path: Path) -> None:
    """A list as a province publishes it: a merged title, a two-row header with marked
    sub-columns, a field merged down its procedures, and codes Excel stored as numbers."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "Danh mục"
    sheet.append(["DANH MỤC THỦ TỤC HÀNH CHÍNH CÔNG BỐ KÈM THEO QUYẾT ĐỊNH SỐ 12/QĐ-UBND"])
    sheet.merge_cells("A1:I1")
    sheet.append([])
    sheet.append(["STT", "Mã TTHC", "Tên TTHC", "Lĩnh vực", "Cơ quan giải quyết", "Cấp thực hiện", None,
                  "Dịch vụ công trực tuyến", None])
    sheet.append([None] * 5 + ["Cấp tỉnh", "Cấp xã", "Toàn trình", "Một phần"])
    for column in "ABCDE":
        sheet.merge_cells(f"{column}3:{column}4")
    sheet.merge_cells("F3:G3")
    sheet.merge_cells("H3:I3")
    sheet.append([1, "1.000081", "Đăng ký lại khai sinh", "Hộ tịch", "UBND xã Kiểm Thử", None, "x", "x", None])
    sheet.append([2, 1.001194, "Đăng ký khai sinh có yếu tố nước ngoài", None, "Sở Tư pháp", "x", "x", None, "x"])
    sheet.append([3, 1.00008, "Đăng ký kết hôn lưu động", None, "UBND xã Kiểm Thử", None, "x", None, None])
    sheet.merge_cells("D5:D7")
    sheet.append([4, "2.000815", "Chứng thực bản sao từ bản chính", "Chứng thực", "UBND xã Kiểm Thử", None, "x",
                  None, None])
    sheet.append([5, "2.000816", "Chứng thực chữ ký", "Chứng thực", "Phòng Tư pháp", None, "x", None, None])
    book.save(path)


def test_xlsx_import_reads_merged_cells_and_refuses_codes_excel_may_have_changed(workdir: Path) -> None:
    catalogue = workdir / "catalogue"
    _xlsx(workdir / "danh-muc.xlsx")
    before = _snapshot(catalogue)
    run = _import(workdir, workdir / "danh-muc.xlsx")
    assert run.returncode == 1, run.stderr
    assert run.stdout.splitlines() == [
        "Đọc danh-muc.xlsx, trang tính “Danh mục”: dòng tiêu đề là dòng 3.",
        "Dòng 5: đã tạo catalogue/ho-tich/1.000081.yml",
        "Dòng 6: đã tạo catalogue/ho-tich/1.001194.yml",
        "Dòng 7: bỏ qua — mã “1.00008” được Excel lưu dạng số nên có thể đã mất số 0 ở cuối "
        "(1.001190 thành 1.00119); hãy định dạng cột mã là Văn bản (Text), gõ lại mã rồi nhập lại",
        "Dòng 8: bỏ qua — mã “2.000815” đã có trong catalogue/chung-thuc/2.000815.yml",
        "Dòng 9: đã tạo catalogue/chung-thuc/2.000816.yml (mức độ 1 vì không đánh dấu “Toàn trình”, “Một phần”)",
        "Đã thêm vào catalogue.yml: cơ quan “Phòng Tư pháp” (phong-tu-phap).",
        "Đã tạo 3 tệp, bỏ qua 2 dòng; thêm 1 cơ quan vào catalogue.yml.",
        "Lưu ý: 1 mã được Excel lưu dạng số (đã đọc được đủ chữ số). Nên định dạng cột mã là Văn bản (Text) "
        "để Excel không làm mất số 0 ở cuối mã.",
        NEXT,
    ]
    after = _snapshot(catalogue)
    assert after["chung-thuc/2.000815.yml"] == before["chung-thuc/2.000815.yml"]
    assert after["catalogue.yml"].decode("utf-8") == \
        before["catalogue.yml"].decode("utf-8") + '  - id: phong-tu-phap\n    name: "Phòng Tư pháp"\n'
    _check_created(catalogue, {
        "ho-tich/1.000081.yml": ("Đăng ký lại khai sinh", "ubnd-xa", "ho-tich", ["xa"], 4),
        "ho-tich/1.001194.yml": ("Đăng ký khai sinh có yếu tố nước ngoài", "so-tu-phap", "ho-tich", ["tinh", "xa"], 3),
        "chung-thuc/2.000816.yml": ("Chứng thực chữ ký", "phong-tu-phap", "chung-thuc", ["xa"], 1),
    })
    assert yaml.safe_load((catalogue / "ho-tich" / "1.001194.yml").read_text(encoding="utf-8"))["code"] == "1.001194"

    wrong_sheet = _import(workdir, workdir / "danh-muc.xlsx", "--sheet", "Trang 2")
    assert wrong_sheet.returncode == 1
    assert wrong_sheet.stderr.strip() == \
        "Chưa nhập được: Tệp danh-muc.xlsx không có trang tính “Trang 2”; có: “Danh mục”."


def test_registry_lists_keep_their_layout_line_endings_and_comments(workdir: Path) -> None:
    """Indentless lists, CRLF, comments between and after the lists, no final newline."""
    info = workdir / "catalogue" / "catalogue.yml"
    text = info.read_text(encoding="utf-8")
    text = text.replace("fields:\n  - id: ho-tich\n    name: Hộ tịch\n  - id: chung-thuc\n    name: Chứng thực\n",
                        "# Lĩnh vực dùng chung\nfields:\n- id: ho-tich\n  name: Hộ tịch\n- id: chung-thuc\n"
                        "  name: Chứng thực\n    # mô tả thêm của mục cuối\n\n")
    text = text + "  # cơ quan khác thêm sau\n# hết tệp"
    assert "fields:\n- id" in text
    old = text.replace("\n", "\r\n")
    info.write_bytes(old.encode("utf-8"))
    run = _import(workdir, workdir / "danh-muc.csv")
    assert run.returncode == 1, run.stdout + run.stderr
    expected = (old.replace("    name: Cấp xã\r\n", '    name: Cấp xã\r\n  - id: huyen\r\n    name: "Cấp huyện"\r\n')
                .replace("    # mô tả thêm của mục cuối\r\n",
                         '    # mô tả thêm của mục cuối\r\n- id: tu-phap\r\n  name: "Tư pháp"\r\n')
                .replace("    name: Sở Tư pháp\r\n",
                         '    name: Sở Tư pháp\r\n  - id: cong-an-tinh\r\n    name: "Công an tỉnh"\r\n'))
    assert info.read_bytes().decode("utf-8") == expected
    _check_created(workdir / "catalogue", CSV_CREATED)


def _windows_1258(text: str) -> bytes:
    """How Windows writes Vietnamese: precomposed letters, a separate tone mark."""
    out = b""
    for char in text:
        try:
            out += char.encode("cp1258")
        except UnicodeEncodeError:
            parts = unicodedata.normalize("NFD", char)
            tone = "".join(c for c in parts if c in "\u0300\u0301\u0303\u0309\u0323")
            base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in tone))
            out += (base + tone).encode("cp1258")
    return out


def test_unreadable_lists_fail_with_a_message_not_a_traceback(workdir: Path) -> None:
    catalogue = workdir / "catalogue"
    before = _snapshot(catalogue)
    legacy = workdir / "windows.csv"
    legacy.write_bytes(_windows_1258(CSV[1:]))
    no_header = workdir / "ghi-chu.csv"
    no_header.write_text("Danh sách;Ghi chú\n1;2\n", encoding="utf-8")
    cases = {
        legacy: "Chưa nhập được: Tệp windows.csv không phải mã UTF-8 (có thể là Windows-1258 hoặc TCVN3). "
                "Trong Excel, chọn Tệp → Lưu thành, kiểu “CSV UTF-8 (Comma delimited) (*.csv)”, rồi nhập lại.",
        no_header: "Chưa nhập được: Không tìm thấy dòng tiêu đề trong ghi-chu.csv: cần cột “Mã thủ tục” "
                   "(hoặc Mã số, Mã TTHC) và cột “Tên thủ tục” trong 50 dòng đầu.",
        workdir / "khong-co.csv": "Chưa nhập được: Không tìm thấy tệp khong-co.csv.",
    }
    for source, message in cases.items():
        run = _import(workdir, source)
        assert (run.returncode, run.stdout, run.stderr.strip()) == (1, "", message)
    info = catalogue / "catalogue.yml"
    info.write_text(info.read_text(encoding="utf-8").replace("  - id: xa\n", "  - id: Xã\n"), encoding="utf-8")
    broken = _import(workdir, workdir / "danh-muc.csv")
    assert broken.returncode == 1
    assert broken.stderr.strip() == "Hãy sửa catalogue.yml trước khi nhập danh mục."
    assert "catalogue.yml:" in broken.stdout and "Traceback" not in broken.stdout + broken.stderr
    del before["catalogue.yml"]
    assert {p: b for p, b in _snapshot(catalogue).items() if p != "catalogue.yml"} == before


def test_sections_set_tier_and_field_and_abolished_procedures_are_not_imported(tmp_path: Path) -> None:
    """Headings instead of columns, the header repeated on every printed page, the “(1) (2)”
    row, a part listing abolished procedures (which must not become pages), and agency
    names written differently from catalogue.yml."""
    from generator.importer import import_file

    catalogue = copy_base(tmp_path / "catalogue")
    info = catalogue / "catalogue.yml"
    info.write_text(info.read_text(encoding="utf-8").replace(
        "Ủy ban nhân dân xã Kiểm Thử", "Ủy ban nhân dân cấp xã (xã, phường)"), encoding="utf-8")
    source = tmp_path / "ds.csv"
    source.write_text("\n".join([
        "DANH MỤC THỦ TỤC HÀNH CHÍNH,,,,",
        "STT,Mã TTHC,Tên TTHC,Cơ quan thực hiện,Mức độ",
        "(1),(2),(3),(4),(5)",
        "A,THỦ TỤC HÀNH CHÍNH CẤP TỈNH,,,",
        "I,Lĩnh vực Chứng thực,,,",
        "1,3.000001,Chứng thực hợp đồng,Sở Tư pháp tỉnh Kiểm Thử,3",
        "STT,Mã TTHC,Tên TTHC,Cơ quan thực hiện,Mức độ",
        "B,THỦ TỤC HÀNH CHÍNH CẤP XÃ,,,",
        "II,LĨNH VỰC HỘ TỊCH,,,",
        "2,3.000002,Đăng ký giám hộ,UBND xã; Công an xã,2",
        "PHẦN II. DANH MỤC THỦ TỤC HÀNH CHÍNH BỊ BÃI BỎ,,,,",
        "1,1.001193,Đăng ký khai sinh,UBND xã Kiểm Thử,4",
        "2,3.000003,Thủ tục đã bỏ,UBND xã Kiểm Thử,4",
    ]), encoding="utf-8")
    report = import_file(source, load_catalogue(catalogue).catalogue, root=tmp_path)
    assert report.lines(tmp_path) == [
        "Đọc ds.csv: dòng tiêu đề là dòng 2.",
        "Dòng 6: đã tạo catalogue/chung-thuc/3.000001.yml",
        "Dòng 10: đã tạo catalogue/ho-tich/3.000002.yml (chỉ ghi cơ quan đầu tiên; còn: “Công an xã”)",
        "Dòng 12: bỏ qua — thuộc phần “DANH MỤC THỦ TỤC HÀNH CHÍNH BỊ BÃI BỎ”; thủ tục này đang có trong "
        "catalogue/ho-tich/1.001193.yml, hãy xem có cần gỡ",
        "Dòng 13: bỏ qua — thuộc phần “DANH MỤC THỦ TỤC HÀNH CHÍNH BỊ BÃI BỎ”",
        "Ghép theo mã, hãy kiểm tra: cơ quan “UBND xã” → “Ủy ban nhân dân cấp xã (xã, phường)” (ubnd-xa).",
        "Đã tạo 2 tệp, bỏ qua 2 dòng; catalogue.yml không đổi.",
        NEXT,
    ]
    _check_created(catalogue, {
        "chung-thuc/3.000001.yml": ("Chứng thực hợp đồng", "so-tu-phap", "chung-thuc", ["tinh"], 3),
        "ho-tich/3.000002.yml": ("Đăng ký giám hộ", "ubnd-xa", "ho-tich", ["xa"], 2),
    })


def test_a_missing_column_is_said_once_about_the_header_and_an_empty_cell_as_such(workdir: Path) -> None:
    source = workdir / "thieu-cot.csv"
    source.write_text("Mã thủ tục,Tên thủ tục,Cơ quan thực hiện,Mức độ\n"
                      "3.000011,Thủ tục một,Sở Tư pháp,2\n3.000012,Thủ tục hai,Sở Tư pháp,2\n", encoding="utf-8")
    run = _import(workdir, source)
    lines = run.stdout.splitlines()
    assert run.returncode == 1
    assert sum("Bảng không có cột “Lĩnh vực”" in line for line in lines) == 1
    assert "Dòng 2: bỏ qua — không rõ lĩnh vực" in lines and "Dòng 3: bỏ qua — không rõ lĩnh vực" in lines
    empty = workdir / "o-trong.csv"
    empty.write_text("Mã thủ tục,Tên thủ tục,Lĩnh vực,Cơ quan thực hiện,Mức độ\n"
                     "3.000013,Thủ tục ba,,Sở Tư pháp,2\n", encoding="utf-8")
    lines = _import(workdir, empty).stdout.splitlines()
    assert "Dòng 2: bỏ qua — ô Lĩnh vực trống và chưa có dòng “Lĩnh vực …” phía trên" in lines
    assert not any("Bảng không có cột" in line for line in lines)
