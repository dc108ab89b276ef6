"""``python -m generator changes``: the report a reviewer reads, against a real git repository.

Each test builds a small repository in tmp_path with the base catalogue in a
sub-folder (the catalogue need not be the repository's root), commits it, edits
the working tree the way editors do and runs the real CLI.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import markdown
import pytest

from conftest import copy_base
from helpers import Elements, run_cli

GOLDEN = Path(__file__).resolve().parent / "golden" / "changes"
CATALOGUE = "dữ liệu/bộ thủ tục"  # not at the top, with spaces and accents
EXTRA = """\
code: "{code}"
name: {name}
agency: so-tu-phap
tiers: [tinh]
field: chung-thuc
level: 1
steps:
  - Nộp hồ sơ.
channels:
  - type: truc-tiep
    fee: 10.000 đồng
"""


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout


def make_repo(tmp_path: Path) -> tuple[Path, Path]:
    """A committed repository: the base catalogue plus two procedures to delete and to break."""
    repo = tmp_path / "repo"
    catalogue = copy_base(repo / CATALOGUE)
    (catalogue / "chung-thuc" / "9.000001.yml").write_text(EXTRA.format(code="9.000001", name="Thủ tục sẽ bỏ"),
                                                           encoding="utf-8")
    (catalogue / "chung-thuc" / "9.000002.yml").write_text(EXTRA.format(code="9.000002", name="Thủ tục sẽ hỏng"),
                                                           encoding="utf-8")
    git(repo, "init", "-q")
    for key, value in (("user.name", "Biên tập viên"), ("user.email", "bientap@example.vn"),
                       ("commit.gpgsign", "false"), ("core.hooksPath", os.devnull)):
        git(repo, "config", key, value)
    commit(repo, "Bộ thủ tục ban đầu")
    return repo, catalogue


def commit(repo: Path, message: str) -> None:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)


def changes(repo: Path, *args: str, catalogue: str = CATALOGUE) -> subprocess.CompletedProcess:
    return run_cli("changes", *args, "--catalogue", catalogue, cwd=repo)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def edit_like_a_pull_request(catalogue: Path) -> None:
    birth = catalogue / "ho-tich" / "1.001193.yml"
    edit(birth, "level: 4", "level: 3")
    edit(birth, "    processing_time: Ngay trong ngày\n    fee: Miễn lệ phí\n",
         "    processing_time: Ngay trong ngày\n    fee: 8.000 đồng\n")
    edit(birth, "forms:", "  - name: Giấy tờ chứng minh nơi cư trú\n    copies: 1\nforms:")
    form = catalogue / "ho-tich" / "mau" / "to-khai.pdf"
    form.write_bytes(form.read_bytes() + b"% ban sua 2026\n")  # a new version of the form
    (catalogue / "khac").mkdir()
    shutil.move(catalogue / "chung-thuc" / "2.000815.yml", catalogue / "khac" / "2.000815.yml")
    (catalogue / "chung-thuc" / "9.000001.yml").unlink()
    (catalogue / "chung-thuc" / "9.000003.yml").write_text(  # new and untracked
        EXTRA.format(code="9.000003", name="Thủ tục mới thêm"), encoding="utf-8")
    edit(catalogue / "chung-thuc" / "9.000002.yml", "name: Thủ tục sẽ hỏng", "name: Thủ tục: sẽ hỏng")
    edit(catalogue / "catalogue.yml", 'phone: "0200 000 000"', 'phone: "0200 111 222"')


def check_golden(name: str, actual: str) -> None:
    """Set UPDATE_GOLDEN=1 to rewrite the golden file after an intended change."""
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert actual == path.read_text(encoding="utf-8"), f"differs from tests/golden/changes/{name}"


@pytest.mark.parametrize("output, golden", [("text", "report.txt"), ("markdown", "report.md.txt")])
def test_report_of_a_pull_request(tmp_path: Path, output: str, golden: str) -> None:
    repo, catalogue = make_repo(tmp_path)
    edit_like_a_pull_request(catalogue)
    status = git(repo, "status", "--porcelain")
    run = changes(repo, "--format", output)
    assert run.returncode == 0, run.stderr
    assert run.stderr == ""
    check_golden(golden, run.stdout)
    assert git(repo, "status", "--porcelain") == status  # the working tree and index are left alone


def test_default_format_is_text_and_rev_is_head(tmp_path: Path) -> None:
    repo, catalogue = make_repo(tmp_path)
    edit_like_a_pull_request(catalogue)
    assert changes(repo).stdout == changes(repo, "HEAD", "--format", "text").stdout


def test_no_changes(tmp_path: Path) -> None:
    repo, catalogue = make_repo(tmp_path)
    shutil.move(catalogue / "chung-thuc" / "2.000815.yml", catalogue / "2.000815.yml")  # a move is no change
    edit(catalogue / "ho-tich" / "1.001193.yml",  # nor is re-wrapping a paragraph: a page shows the same words
         ">-\n  Đăng ký việc sinh của trẻ em để được cấp Giấy khai sinh.",
         "|-\n  Đăng ký việc sinh của trẻ em\n  để được cấp   Giấy khai sinh.")
    text = changes(repo)
    assert (text.returncode, text.stderr) == (0, "")
    assert text.stdout == (f"Không có thay đổi nào đối với người dân so với HEAD.\n\n"
                           f"Tệp chuyển chỗ (người dân không thấy khác biệt):\n"
                           f"  {CATALOGUE}/chung-thuc/2.000815.yml → {CATALOGUE}/2.000815.yml\n")
    git(repo, "reset", "-q", "--hard")
    git(repo, "clean", "-q", "-fd")
    assert changes(repo, "--format", "markdown").stdout == (
        "### Thay đổi đối với người dân\n\nKhông có thay đổi nào đối với người dân so với HEAD.\n")


def test_older_revision_from_inside_the_catalogue(tmp_path: Path) -> None:
    """REV may be any commit; the catalogue path is relative to where the editor stands."""
    repo, catalogue = make_repo(tmp_path)
    edit(catalogue / "chung-thuc" / "9.000001.yml", "level: 1", "level: 2")
    commit(repo, "Mức độ 2")
    run = run_cli("changes", "HEAD~1", "--catalogue", ".", cwd=catalogue)
    assert run.returncode == 0, run.stderr
    assert run.stdout == ("So với HEAD~1: 1 thủ tục thay đổi.\n\n"
                          "Thủ tục thay đổi:\n"
                          "  9.000001 Thủ tục sẽ bỏ\n"
                          "    mức độ: 1 (cung cấp thông tin trực tuyến) → 2 (cung cấp thông tin trực tuyến)\n")


def test_markdown_escapes_values_from_editors(tmp_path: Path) -> None:
    repo, catalogue = make_repo(tmp_path)
    hostile = "a|b <script>*x*</script> [y](javascript:z) @nguoi #1 `c` $m$ ~~d~~ _e_ &amp;"
    edit(catalogue / "chung-thuc" / "9.000001.yml", "name: Thủ tục sẽ bỏ", f"name: '{hostile}'")
    edit(catalogue / "chung-thuc" / "9.000001.yml", "fee: 10.000 đồng", "fee: '| x | y |'")
    run = changes(repo, "--format", "markdown")
    assert run.returncode == 0, run.stderr
    escaped = ("a&#124;b &lt;script&gt;&#42;x&#42;&lt;/script&gt; &#91;y&#93;(javascript:z) "
               "&#64;nguoi &#35;1 &#96;c&#96; &#36;m&#36; &#126;&#126;d&#126;&#126; &#95;e&#95; &amp;amp;")
    assert run.stdout == ("### Thay đổi đối với người dân\n\n"
                          "So với HEAD: 1 thủ tục thay đổi.\n\n"
                          "#### Thủ tục thay đổi\n\n"
                          f"**9.000001 {escaped}**\n\n"
                          "- tên:\n"
                          "  - trước: Thủ tục sẽ bỏ\n"
                          f"  - sau: {escaped}\n"
                          "- Trực tiếp – phí, lệ phí: 10.000 đồng → &#124; x &#124; y &#124;\n")
    html = markdown.markdown(run.stdout, extensions=["tables"])
    page = Elements(html)
    assert {tag for tag, _ in page.tags} <= {"h3", "h4", "p", "ul", "li", "strong"}
    assert f"9.000001 {hostile}" in page.text and f"sau: {hostile}" in page.text
    assert "Trực tiếp – phí, lệ phí: 10.000 đồng → | x | y |" in page.text


@pytest.mark.parametrize("value", ["1. Nộp hồ sơ", "- gạch", "+ cộng", "2) hai", "# tiêu đề", "> trích"])
def test_markdown_value_at_the_start_of_a_list_item_stays_text(value: str) -> None:
    from generator.changes import md

    page = Elements(markdown.markdown(f"- {md(value)}"))
    assert [tag for tag, _ in page.tags] == ["ul", "li"]
    assert page.text.strip() == value


def test_revision_without_the_catalogue_counts_everything_as_new(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    git(repo, "init", "-q")
    git(repo, "config", "user.name", "Biên tập viên")
    git(repo, "config", "user.email", "bientap@example.vn")
    (repo / "README.txt").write_text("kho mới\n", encoding="utf-8")
    commit(repo, "Kho trống")
    copy_base(repo / CATALOGUE)
    run = changes(repo)
    assert run.returncode == 0, run.stderr
    assert run.stdout == ("So với HEAD: 2 thủ tục mới.\n"
                          "Ở HEAD chưa có thư mục bộ thủ tục này: mọi thủ tục đều được tính là mới.\n\n"
                          "Thủ tục mới:\n"
                          "  + 1.001193 Đăng ký khai sinh\n"
                          "  + 2.000815 Chứng thực bản sao từ bản chính\n")


def test_file_unreadable_at_the_revision_is_not_called_new(tmp_path: Path) -> None:
    repo, catalogue = make_repo(tmp_path)
    broken = catalogue / "chung-thuc" / "9.000002.yml"
    edit(broken, "name: Thủ tục sẽ hỏng", "name: Thủ tục: sẽ hỏng")
    commit(repo, "Lỡ tay")
    edit(broken, "name: Thủ tục: sẽ hỏng", "name: Thủ tục đã sửa")
    run = changes(repo)
    assert run.returncode == 0, run.stderr
    assert run.stdout == (
        "So với HEAD: 1 tệp có lỗi.\n\n"
        "Tệp không đọc được ở HEAD (so sánh có thể thiếu):\n"
        f"  {CATALOGUE}/chung-thuc/9.000002.yml: lỗi cú pháp YAML: dấu hai chấm “:” không hợp lệ ở đây; "
        "nếu giá trị có dấu hai chấm, hãy đặt cả giá trị trong dấu nháy kép\n"
        "    chưa so sánh được: 9.000002 Thủ tục đã sửa\n")


def test_not_a_git_repository(tmp_path: Path) -> None:
    copy_base(tmp_path / "tthc")
    run = run_cli("changes", "--catalogue", "tthc", cwd=tmp_path)
    assert (run.returncode, run.stdout) == (1, "")
    assert run.stderr == ("Thư mục “tthc” không nằm trong một kho git: lệnh changes so sánh với lịch sử git "
                          "nên cần một kho git (git init hoặc git clone).\n")


@pytest.mark.parametrize("rev", ["khong-co-nhanh-nay", "HEAD~5", "-p"])
def test_unknown_revision(tmp_path: Path, rev: str) -> None:
    repo, _ = make_repo(tmp_path)
    run = run_cli("changes", f"--catalogue={CATALOGUE}", "--", rev, cwd=repo)
    assert (run.returncode, run.stdout) == (1, "")
    assert run.stderr.startswith(f"Không tìm thấy phiên bản “{rev}” trong kho git.")
    assert "Traceback" not in run.stderr


def test_missing_catalogue_directory(tmp_path: Path) -> None:
    repo, _ = make_repo(tmp_path)
    run = changes(repo, catalogue="khong-co")
    assert (run.returncode, run.stdout, run.stderr) == (1, "", "Không tìm thấy thư mục bộ thủ tục “khong-co”.\n")


def test_invalid_file_is_still_compared(tmp_path: Path) -> None:
    """A file that parses but does not validate is compared from its raw data, and named."""
    repo, catalogue = make_repo(tmp_path)
    birth = catalogue / "ho-tich" / "1.001193.yml"
    edit(birth, "level: 4", 'level: "3"')
    edit(birth, "agency: ubnd-xa", "agency: so-tu-phap")
    edit(birth, "tiers: [xa]", "tiers: [xa, huyen]")
    edit(birth, "  - number: 123/2015/NĐ-CP\n", "  - number: 123/2015/NĐ-CP\n  - number: 07/2025/NĐ-CP\n")
    edit(birth, "  - Nộp tờ khai và giấy chứng sinh.\n", "  - Nộp tờ khai.\n  - Xuất trình giấy tờ tùy thân.\n")
    run = changes(repo)
    assert run.returncode == 0, run.stderr
    assert run.stdout == (
        "So với HEAD: 1 thủ tục thay đổi; 1 tệp có lỗi.\n\n"
        "Thủ tục thay đổi:\n"
        "  1.001193 Đăng ký khai sinh\n"
        "    mức độ: 4 (toàn trình) → 3\n"
        "    cơ quan thực hiện: Ủy ban nhân dân xã Kiểm Thử → Sở Tư pháp\n"
        "    cấp thực hiện:\n"
        "      + huyen\n"
        "    trình tự thực hiện:\n"
        "      - Nộp tờ khai và giấy chứng sinh.\n"
        "      + Nộp tờ khai.\n"
        "      + Xuất trình giấy tờ tùy thân.\n"
        "    căn cứ pháp lý:\n"
        "      + 07/2025/NĐ-CP\n\n"
        "Tệp có lỗi (chạy python -m generator validate để xem chi tiết):\n"
        f"  {CATALOGUE}/ho-tich/1.001193.yml:4:13: “huyen” không có trong danh mục cấp thực hiện (tiers) "
        "của catalogue.yml (và 1 lỗi khác)\n")


def test_long_markdown_is_folded_and_kept_under_the_comment_limit(tmp_path: Path) -> None:
    from generator.changes import Change, ProcedureChanges, ProcedureRef, Report, as_markdown

    steps = tuple(("+", f"Bước {i}") for i in range(12))
    report = Report(rev="main", added=[ProcedureRef(f"9.{i:06}", "Thủ tục mới") for i in range(400)],
                    changed=[ProcedureChanges(ProcedureRef("1.000001", "Dài"), [Change("trình tự thực hiện",
                                                                                       items=steps)])])
    full = as_markdown(report)
    assert "#### Thủ tục mới\n\n<details><summary>400 thủ tục</summary>\n\n- **9.000000** Thủ tục mới\n" in full
    assert ("<details><summary><b>1.000001 Dài (1 mục)</b></summary>\n\n- trình tự thực hiện:\n  - thêm: Bước 0\n"
            in full)
    cut = as_markdown(report, limit=2000)
    assert len(cut) < 2000
    assert cut.endswith("\n\n</details>\n\n_… còn nữa: bình luận đã quá dài; hãy chạy python -m generator "
                        "changes main để xem đầy đủ._\n")
    assert cut.count("<details>") == cut.count("</details>") == 1


def test_damaged_files_never_stop_the_report(tmp_path: Path, monkeypatch) -> None:
    """Every truncation of an edited file still gives a report, in both formats."""
    from generator.changes import as_markdown, as_text, compare

    repo, catalogue = make_repo(tmp_path)
    monkeypatch.chdir(repo)
    birth = catalogue / "ho-tich" / "1.001193.yml"
    data = birth.read_bytes().replace(b"level: 4", b"level: 3")
    for end in range(0, len(data), 23):
        birth.write_bytes(data[:end] + b"\nforms: [{id: '\\0', file: ../../../x.pdf}]\nlevel: [1, {a: 2}]\n"[: end % 60])
        report = compare(Path(CATALOGUE))
        assert as_text(report) and as_markdown(report)


def test_fill_in_form_changes_are_reported_item_by_item(tmp_path: Path) -> None:
    """A defined form's page is what citizens fill in: a new field, a field made required,
    a changed choice and a new recipient are each named."""
    repo, catalogue = make_repo(tmp_path)
    birth = catalogue / "ho-tich" / "1.001193.yml"
    edit(birth, "    file: mau/to-khai.pdf\n", "    file: mau/to-khai.pdf\n"
         "    fields:\n      - heading: Người yêu cầu\n      - name: ho-ten\n        label: Họ và tên\n"
         "      - name: gioi-tinh\n        label: Giới tính\n        type: choice\n        options: [Nam, Nữ]\n")
    commit(repo, "Tờ khai điền trên trang")
    edit(birth, "        label: Họ và tên\n", "        label: Họ và tên\n        required: true\n")
    edit(birth, "options: [Nam, Nữ]", "options: [Nam, Nữ, Khác]")
    edit(birth, "    fields:\n", "    recipient: Ủy ban nhân dân xã\n    fields:\n")
    run = changes(repo)
    assert (run.returncode, run.stderr) == (0, "")
    assert "“Tờ khai đăng ký khai sinh” – kính gửi: (không có) → Ủy ban nhân dân xã" in run.stdout, run.stdout
    for line in ("- Họ và tên", "+ Họ và tên (bắt buộc)", "- Giới tính: Nam / Nữ", "+ Giới tính: Nam / Nữ / Khác"):
        assert line in run.stdout, run.stdout
    assert "Phần: Người yêu cầu" not in run.stdout  # an unchanged heading is no change


def test_a_long_value_changed_in_one_place_shows_that_place_not_two_whole_lines() -> None:
    from generator.changes import Change, ProcedureChanges, ProcedureRef, Report, as_markdown, as_text

    fee = ("Lệ phí đăng ký doanh nghiệp 50.000 đồng/lần; phí công bố thông tin doanh nghiệp 100.000 đồng/lần "
           "(Thông tư số 47/2019/TT-BTC); hỏi mức thu hiện hành khi nộp hồ sơ tại Phòng Đăng ký kinh doanh")
    report = Report(rev="HEAD", changed=[ProcedureChanges(ProcedureRef("2.002041", "Đổi tên doanh nghiệp"), [
        Change("phí, lệ phí (trực tiếp)", fee, fee.replace("100.000", "150.000"))])])
    lines = as_text(report).splitlines()
    assert "      - … tin doanh nghiệp 100.000 đồng/lần (Thông tư …" in lines
    assert "      + … tin doanh nghiệp 150.000 đồng/lần (Thông tư …" in lines
    assert all(len(line) < 80 for line in lines)
    markdown = as_markdown(report)
    assert "trước: … tin doanh nghiệp 100.000 đồng/lần (Thông tư …" in markdown
