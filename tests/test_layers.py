"""A province catalogue on top of a base: adoption, overrides, provenance and every rejection.

``fixtures/layered`` holds a small base (``national``) and a province that adopts two of
its procedures as they are or with overrides, replaces a list, and adds a full procedure
of its own. Each case in ``fixtures/invalid-layered`` is overlaid on a copy of the base
and the province's ``catalogue.yml``; its ``# expect: LINE:COL KEY`` comments list
exactly the diagnostics the validator must report, in whichever layer's file.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import FIXTURES
from generator.loader import load_catalogue
from helpers import run_cli

LAYERED = FIXTURES / "layered"
INVALID = sorted((FIXTURES / "invalid-layered").iterdir())
EXPECT = re.compile(r"^# expect: (\d+):(\d+) ?(.*)$", re.M)


def _layered_copy(target: Path, procedures: bool = True) -> Path:
    shutil.copytree(LAYERED / "national", target / "national")
    if procedures:
        shutil.copytree(LAYERED / "province", target / "province")
    else:
        (target / "province").mkdir()
        shutil.copy(LAYERED / "province" / "catalogue.yml", target / "province")
    return target


def test_province_publishes_only_its_own_files_with_the_base_content_merged_by_whole_key(tmp_path: Path) -> None:
    root = _layered_copy(tmp_path)
    result = load_catalogue(root / "province", display_root=root)
    assert [str(d) for d in result.diagnostics] == []
    entries = {e.procedure.code: e for e in result.catalogue.entries}
    assert sorted(entries) == ["1.000894", "1.001193", "2.000815", "9.000001"]  # the base has no other, but
    # a base procedure without a province file would not be published either:
    (root / "province" / "ho-tich" / "1.000894.yml").unlink()
    assert "1.000894" not in {e.procedure.code for e in load_catalogue(root / "province").catalogue.entries}

    adopted = entries["1.001193"]  # the two-line adoption: the base's procedure as it is
    assert adopted.procedure.name == "Đăng ký khai sinh" and adopted.procedure.level == 4
    assert adopted.provenance.local_keys == frozenset()
    assert adopted.provenance.base_name == "Cơ sở dữ liệu kiểm thử về thủ tục hành chính"
    assert adopted.form_path(adopted.procedure.forms[0]) == (root / "national/ho-tich/mau/to-khai.pdf").resolve()

    overridden = entries["1.000894"].procedure
    assert (overridden.agency, overridden.level) == ("ubnd-xa-muong-phang", 3)
    assert [c.fee for c in overridden.channels] == ["10.000 đồng (theo Nghị quyết của HĐND tỉnh Kiểm Thử)",
                                                    "5.000 đồng"]  # the whole list replaced
    assert overridden.steps[0].startswith("Hai bên nam, nữ")  # what the province did not set: the base's
    assert overridden.announcement.number == "123/QĐ-UBND"
    assert entries["1.000894"].provenance.local_keys == {"agency", "level", "online_url", "channels",
                                                         "announcement"}

    shared = entries["2.000815"]  # a form kept in another folder of the base, inherited as it is
    assert shared.form_path(shared.procedure.forms[0]) == (root / "national/ho-tich/mau/to-khai.pdf").resolve()
    documents = entries["2.000815"].procedure.documents
    assert [d.copies for d in documents] == [None, 2] and documents[1].note.startswith("Nộp thêm")
    assert entries["9.000001"].provenance is None

    agencies = {a.id: a.name for a in result.catalogue.info.agencies}
    assert agencies == {"ubnd-xa": "Ủy ban nhân dân xã Kiểm Thử",  # the province's entry replaces the base's
                        "so-tu-phap": "Sở Tư pháp", "ubnd-xa-muong-phang": "Ủy ban nhân dân xã Mường Phăng"}
    assert [f.id for f in result.catalogue.info.fields] == ["ho-tich", "chung-thuc", "dat-dai"]
    assert result.layers == [root / "province", root / "national"]


def test_a_base_change_reaches_every_adopted_procedure_but_not_what_the_province_overrides(tmp_path: Path) -> None:
    root = _layered_copy(tmp_path)
    for code, folder in (("1.000894", "ho-tich"), ("2.000815", "chung-thuc")):
        path = root / "national" / folder / f"{code}.yml"
        text = path.read_text(encoding="utf-8")
        path.write_text(text.replace("  - type: truc-tiep\n", "  - type: truc-tiep\n    note: Mới\n", 1)
                        .replace("original: 1\n", "original: 2\n", 1), encoding="utf-8")
    entries = {e.procedure.code: e.procedure for e in load_catalogue(root / "province").catalogue.entries}
    assert entries["2.000815"].channels[0].note == "Mới"  # channels come from the base
    assert entries["2.000815"].documents[0].original == 1  # documents are the province's own
    assert entries["1.000894"].channels[0].note is None  # channels are the province's own
    assert entries["1.000894"].documents[0].original == 2  # documents come from the base


def _expected(case: Path) -> set[tuple]:
    expected = set()
    for path in (p for p in case.rglob("*") if p.is_file()):
        for line, col, key in EXPECT.findall(path.read_text(encoding="utf-8")):
            expected.add((path.relative_to(case).as_posix(), int(line), int(col), key.strip()))
    return expected


@pytest.mark.parametrize("case", INVALID, ids=[c.name for c in INVALID])
def test_invalid_layered_case_reports_exactly_its_errors_in_the_right_layer(case: Path, tmp_path: Path) -> None:
    root = _layered_copy(tmp_path, procedures=False)
    shutil.copytree(case, root, dirs_exist_ok=True)
    result = load_catalogue(root / "province", display_root=root)
    errors = [d for d in result.diagnostics if d.severity.value == "error"]
    assert {(d.file, d.line, d.column, d.key) for d in errors} == _expected(case)
    assert not result.ok
    for d in errors:
        assert re.search(r"[à-ỹđ]", d.message), d.message


def test_problems_of_a_merged_procedure_say_which_layer_each_value_came_from(tmp_path: Path) -> None:
    root = _layered_copy(tmp_path, procedures=False)
    for name in ("override-level-without-url", "override-forms-break-documents"):
        shutil.copytree(FIXTURES / "invalid-layered" / name, root, dirs_exist_ok=True)
    messages = {d.key: d.message for d in load_catalogue(root / "province", display_root=root).diagnostics}
    assert messages["level"].endswith("(level: do tỉnh ghi trong tệp này; online_url: cả tệp này và bộ gốc đều không có)")
    assert "phải có online_url" in messages["level"]
    assert messages["documents[0].form"].endswith("(documents: lấy từ bộ gốc, national/ho-tich/1.001193.yml:28; forms: do tỉnh ghi trong tệp này)")
    assert "“to-khai” không được khai báo" in messages["documents[0].form"]


def test_unknown_code_suggests_the_closest_base_code(tmp_path: Path) -> None:
    root = _layered_copy(tmp_path, procedures=False)
    shutil.copytree(FIXTURES / "invalid-layered" / "code-unknown", root, dirs_exist_ok=True)
    [problem] = load_catalogue(root / "province", display_root=root).diagnostics
    assert "không có thủ tục mã “1.001194” (có phải là “1.001193”?)" in problem.message


def test_cycle_names_the_loop(tmp_path: Path) -> None:
    root = _layered_copy(tmp_path, procedures=False)
    shutil.copytree(FIXTURES / "invalid-layered" / "base-cycle", root, dirs_exist_ok=True)
    problems = {d.file: d.message for d in load_catalogue(root / "province", display_root=root).diagnostics}
    assert "province/catalogue.yml → national/catalogue.yml → province/catalogue.yml" in \
        problems["national/catalogue.yml"]


def test_warnings_of_the_base_content_stay_with_the_base(tmp_path: Path) -> None:
    """A province is warned about what its own keys bring in, not about the base's text."""
    root = _layered_copy(tmp_path)
    base_file = root / "national" / "ho-tich" / "1.001193.yml"
    base_file.write_text(base_file.read_text(encoding="utf-8").replace(
        "  - Nhận Giấy khai sinh.", "  - Nhận Giấy khai sinh.\n  - Nhận Giấy khai sinh."), encoding="utf-8")
    local = root / "province" / "chung-thuc" / "2.000815.yml"
    local.write_text(local.read_text(encoding="utf-8") + "online_url: https://dichvucong.example.vn/x\n",
                     encoding="utf-8")
    warnings = [(d.file, d.key) for d in load_catalogue(root / "province", display_root=root).diagnostics]
    assert warnings == [("province/chung-thuc/2.000815.yml", "online_url")]


# --- editors' tools on a base -------------------------------------------------------------


def _git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-c", "protocol.file.allow=always", *args], cwd=repo, check=True,
                          capture_output=True, text=True).stdout


def _repository(path: Path) -> Path:
    path.mkdir(parents=True, exist_ok=True)
    _git(path, "init", "-q")
    for key, value in (("user.name", "Biên tập viên"), ("user.email", "bientap@example.vn"),
                       ("commit.gpgsign", "false"), ("core.hooksPath", os.devnull)):
        _git(path, "config", key, value)
    return path


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _base_edits(national: Path) -> None:
    """The ministry amends two procedures: one the province adopts as is, one whose fees it overrides."""
    _edit(national / "ho-tich" / "1.001193.yml", "  - Nhận Giấy khai sinh.", "  - Nhận Giấy khai sinh và bản sao.")
    _edit(national / "ho-tich" / "1.000894.yml", "fee: Miễn lệ phí", "fee: 8.000 đồng")
    _edit(national / "ho-tich" / "1.000894.yml", "  - Hai bên ký vào", "  - Hai bên cùng có mặt, ký vào")


EXPECTED_BASE_CHANGES = """\
So với HEAD: 2 thủ tục thay đổi.

Thủ tục thay đổi:
  1.000894 Đăng ký kết hôn
    xem lại phần tỉnh ghi đè: bộ gốc đã sửa cách nộp, thời hạn, phí (channels), mà tỉnh đang ghi đè nên người \
dân chưa thấy bản sửa của bộ gốc; hãy xem lại phần tỉnh ghi trong tệp
    trình tự thực hiện:
      - Hai bên ký vào Giấy chứng nhận kết hôn.
      + Hai bên cùng có mặt, ký vào Giấy chứng nhận kết hôn.
  1.001193 Đăng ký khai sinh
    trình tự thực hiện:
      - Nhận Giấy khai sinh.
      + Nhận Giấy khai sinh và bản sao.
"""


def test_changes_reports_base_edits_in_adopted_procedures_and_flags_overrides(tmp_path: Path) -> None:
    repo = _repository(_layered_copy(tmp_path / "repo"))
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "Bộ thủ tục ban đầu")
    _base_edits(repo / "national")
    run = run_cli("changes", "--catalogue", "province", cwd=repo)
    assert run.returncode == 0, run.stderr
    assert run.stdout == EXPECTED_BASE_CHANGES


def test_changes_follows_a_base_kept_as_a_git_submodule_bump(tmp_path: Path) -> None:
    upstream = _repository(tmp_path / "upstream")
    shutil.copytree(LAYERED / "national", upstream, dirs_exist_ok=True)
    _git(upstream, "add", "-A")
    _git(upstream, "commit", "-q", "-m", "Dữ liệu quốc gia")
    repo = _repository(tmp_path / "repo")
    _git(repo, "submodule", "add", "-q", str(upstream), "national")
    shutil.copytree(LAYERED / "province", repo / "province")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "Tỉnh tiếp nhận bộ quốc gia")
    _base_edits(upstream)
    _git(upstream, "commit", "-q", "-am", "Bộ sửa đổi")
    _git(repo / "national", "pull", "-q", "origin", "HEAD")  # the submodule bump, not yet committed
    run = run_cli("changes", "--catalogue", "province", cwd=repo)
    assert run.returncode == 0, run.stderr
    assert run.stdout == EXPECTED_BASE_CHANGES
    _git(repo, "commit", "-q", "-am", "Cập nhật bộ quốc gia")
    assert run_cli("changes", "--catalogue", "province", "HEAD~1", cwd=repo).stdout == \
        EXPECTED_BASE_CHANGES.replace("So với HEAD:", "So với HEAD~1:")
    assert run_cli("changes", "--catalogue", "province", cwd=repo).stdout.startswith("Không có thay đổi nào")


def test_new_inherit_writes_the_two_line_adoption(tmp_path: Path) -> None:
    root = _layered_copy(tmp_path)
    (root / "province" / "ho-tich" / "1.001193.yml").unlink()
    run = run_cli("new", "--catalogue", str(root / "province"), "--inherit", "1.001193")
    assert run.returncode == 0, run.stderr
    written = root / "province" / "ho-tich" / "1.001193.yml"
    assert [line for line in written.read_text(encoding="utf-8").splitlines() if not line.startswith("#")] == [
        'code: "1.001193"', "inherit: true"]
    assert load_catalogue(root / "province").ok
    again = run_cli("new", "--catalogue", str(root / "province"), "--inherit", "1.001193")
    assert again.returncode == 1 and "đã có" in again.stderr
    unknown = run_cli("new", "--catalogue", str(root / "province"), "--inherit", "1.00119")
    assert unknown.returncode == 1 and "có phải là “1.001193”" in unknown.stderr


def test_import_of_a_province_list_adopts_what_the_base_has_and_stubs_the_rest(tmp_path: Path) -> None:
    root = _layered_copy(tmp_path, procedures=False)
    source = tmp_path / "danh-muc.csv"
    source.write_text("\n".join([
        "STT,Mã thủ tục,Tên thủ tục,Lĩnh vực,Cơ quan thực hiện,Mức độ",
        "1,1.001193,Đăng ký khai sinh,Hộ tịch,Ủy ban nhân dân xã Kiểm Thử,Toàn trình",
        "2,1.000894,Đăng ký kết hôn,Hộ tịch,UBND xã Mường Phăng,Một phần",
        "3,2.000815,Chứng thực bản sao từ bản chính,Chứng thực,,",
        "4,9.000777,Thủ tục riêng của tỉnh,Hộ tịch,Ủy ban nhân dân xã Kiểm Thử,1",
    ]), encoding="utf-8")
    run = run_cli("import", "--catalogue", "province", str(source), cwd=root)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[1:6] == [
        "Dòng 2: đã tạo province/ho-tich/1.001193.yml (kế thừa từ bộ gốc)",
        "Dòng 3: đã tạo province/ho-tich/1.000894.yml (kế thừa từ bộ gốc; tỉnh ghi: agency, online_url, level; "
        "online_url lấy theo portal_url, hãy kiểm tra)",
        "Dòng 4: đã tạo province/chung-thuc/2.000815.yml (kế thừa từ bộ gốc)",
        "Dòng 5: đã tạo province/ho-tich/9.000777.yml (bộ gốc không có mã này: tệp khung để viết đủ thủ tục; "
        "chưa ghi cấp thực hiện: tạm ghi “Cấp tỉnh”, hãy kiểm tra)",
        "Đã tạo 4 tệp (3 tệp kế thừa bộ gốc, 1 tệp khung), bỏ qua 0 dòng; catalogue.yml không đổi.",
    ]
    result = load_catalogue(root / "province")
    assert [str(d) for d in result.diagnostics if d.severity.value == "error"] == []
    entries = {e.procedure.code: e for e in result.catalogue.entries}
    assert entries["1.000894"].provenance.local_keys == {"agency", "level", "online_url"}
    assert entries["1.000894"].procedure.level == 3
    assert entries["1.001193"].provenance.local_keys == frozenset()
    [stub] = result.catalogue.drafts  # a stub to write: kept off the site until it is written
    assert stub.procedure.code == "9.000777" and stub.provenance is None


# --- national scale: ../shared/catalogues/national-2642 as the base --------------------------


def _code_of(path: Path) -> str:
    return re.search(r"^code: ['\"]([^'\"]+)", path.read_text(encoding="utf-8"), re.M).group(1)


def adopting_province(target: Path, base: Path, codes_of: list[Path], overrides: dict[str, str] | None = None) -> Path:
    """A province that adopts the procedures in ``codes_of`` (base files) with two-line files."""
    target.mkdir(parents=True)
    (target / "catalogue.yml").write_text(
        "title: Bộ thủ tục tỉnh thử nghiệm\nprovince: tỉnh Thử Nghiệm\n"
        f"base: {os.path.relpath(base, target)}\n", encoding="utf-8")
    for path in codes_of:
        code = _code_of(path)
        local = target / path.parent.name / f"{code}.yml"
        local.parent.mkdir(exist_ok=True)
        local.write_text(f'code: "{code}"\ninherit: true\n' + (overrides or {}).get(code, ""), encoding="utf-8")
    return target


def _built(tmp_path: Path, catalogue: Path) -> tuple[Path, str]:
    site = tmp_path / "site"
    run = run_cli("build", "--catalogue", str(catalogue), "--site-dir", str(site))
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    return site, run.stdout + run.stderr


@pytest.mark.national
def test_a_province_adopting_the_whole_national_catalogue_builds(national: Path, national_site: Path,
                                                                  tmp_path: Path) -> None:
    from generator.loader import procedure_files

    files = procedure_files(national)
    province = adopting_province(tmp_path / "province", national, files)
    site, output = _built(tmp_path, province)
    assert re.search(r"Đã kiểm tra 5286 tệp: không có lỗi\.", output), output[-2000:]  # base files included
    pages = sorted(p.parent.name for p in (site / "thu-tuc").glob("*/index.html"))
    assert pages == sorted(p.parent.name for p in (national_site / "thu-tuc").glob("*/index.html"))
    assert len(list((site / "thu-tuc").glob("*/*.pdf"))) == len(list((national_site / "thu-tuc").glob("*/*.pdf")))
    page = (site / "thu-tuc" / "1.001193" / "index.html").read_text(encoding="utf-8")
    assert "Nội dung theo Thủ tục hành chính (dữ liệu quốc gia" in page and "Tỉnh quy định" not in page


@pytest.mark.national
def test_a_province_adopting_a_few_hundred_national_procedures_publishes_only_those(national: Path,
                                                                                     tmp_path: Path) -> None:
    from generator.loader import procedure_files

    chosen = procedure_files(national)[::9]
    first = _code_of(chosen[0])
    province = adopting_province(tmp_path / "province", national, chosen, {first: (
        "agency: ubnd-xa-thu-nghiem\nchannels:\n  - type: truc-tiep\n"
        "    fee: 10.000 đồng (theo Nghị quyết của HĐND tỉnh Thử Nghiệm)\n")})
    with (province / "catalogue.yml").open("a", encoding="utf-8") as out:
        out.write("agencies:\n  - id: ubnd-xa-thu-nghiem\n    name: Ủy ban nhân dân xã Thử Nghiệm\n")
    site, output = _built(tmp_path, province)
    assert f"Xong: {len(chosen)} thủ tục" in output
    assert len(list((site / "thu-tuc").glob("*/index.html"))) == len(chosen)
    page = (site / "thu-tuc" / first / "index.html").read_text(encoding="utf-8")
    assert "Ủy ban nhân dân xã Thử Nghiệm" in page and "10.000 đồng (theo Nghị quyết" in page
    assert page.count('class="tthc-local"') >= 3  # agency, fee in the glance, the channels section
    data = json.loads((site / "du-lieu" / "thu-tuc" / f"{first}.json").read_text(encoding="utf-8"))
    assert data["provenance"] == {"base": "Thủ tục hành chính (dữ liệu quốc gia, bản chuyển đổi để kiểm thử)",
                                  "local_keys": ["agency", "channels"]}


def test_the_editors_schema_accepts_inheriting_files_and_still_rejects_unknown_keys(tmp_path: Path) -> None:
    """VS Code must not underline a two-line adoption, nor miss a key that is not in the format."""
    from jsonschema import Draft202012Validator

    from generator import schema
    from generator.yamlsource import read_yaml

    def data(path: Path):
        return read_yaml(path, path.name)[0].data

    info = load_catalogue(LAYERED / "province").catalogue.info
    procedures = Draft202012Validator(schema.procedure_schema(info))
    for path in sorted((LAYERED / "province").rglob("*.yml")):
        if path.name != "catalogue.yml":
            assert [e.message for e in procedures.iter_errors(data(path))] == [], path.name
    unknown = FIXTURES / "invalid-layered" / "override-unknown-key" / "province" / "ho-tich" / "1.001193.yml"
    assert not procedures.is_valid(data(unknown))
    catalogues = Draft202012Validator(schema.catalogue_schema())
    assert catalogues.is_valid(data(LAYERED / "province" / "catalogue.yml"))  # registries lent by the base
    assert not catalogues.is_valid(data(FIXTURES / "invalid-layered" / "base-missing" / "province" / "catalogue.yml")
                                   | {"base": None})  # no base: the registries are required


def test_an_event_step_only_in_the_base_says_to_adopt_it(tmp_path: Path) -> None:
    root = _layered_copy(tmp_path, procedures=False)
    shutil.copytree(FIXTURES / "invalid-layered" / "events-base-only", root, dirs_exist_ok=True)
    [problem] = load_catalogue(root / "province", display_root=root).diagnostics
    assert problem.message == ("thủ tục “1.000894” có trong bộ gốc (Cơ sở dữ liệu kiểm thử về thủ tục hành chính) nhưng "
                               "bộ này chưa tiếp nhận nên không có trang trên trang web; hãy tiếp nhận (python -m "
                               "generator new --inherit 1.000894) hoặc bỏ bước này")
    (root / "province" / "ho-tich" / "1.000894.yml").write_text('code: "1.000894"\ninherit: true\n', encoding="utf-8")
    result = load_catalogue(root / "province", display_root=root)  # adopted: a page, so a step
    assert result.diagnostics == [] and [s.procedure for s in result.catalogue.events[0].steps] == ["1.001193",
                                                                                                    "1.000894"]
