"""``python -m generator new``: a valid starting file, never an overwrite."""

from __future__ import annotations

import yaml

from generator.loader import load_catalogue
from helpers import run_cli


def _new(catalogue, *flags):
    return run_cli("new", "--catalogue", str(catalogue), *flags)


def test_new_file_is_valid_and_points_to_the_schema(base_catalogue) -> None:
    name = 'Đăng ký: "giám hộ" # NO 1.000080'
    run = _new(base_catalogue, "--code", "9.300001", "--name", name, "--agency", "ubnd-xa",
               "--field", "ho-tich", "--tiers", "xa,tinh", "--level", "4")
    assert run.returncode == 0, run.stderr
    path = base_catalogue / "ho-tich" / "9.300001.yml"
    assert run.stdout.strip() == path.as_posix()
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=../.schema/procedure.schema.json\n")
    assert (base_catalogue / ".schema" / "procedure.schema.json").is_file()
    result = load_catalogue(base_catalogue)
    assert result.diagnostics == []
    created = next(e.procedure for e in result.catalogue.entries if e.procedure.code == "9.300001")
    assert (created.name, created.tiers, created.level) == (name, ["xa", "tinh"], 4)
    assert created.online_url == "https://dichvucong.example.vn"  # the catalogue's portal, to be checked
    assert yaml.safe_load(text)["name"] == name


def test_new_never_overwrites(base_catalogue) -> None:
    source = base_catalogue / "ho-tich" / "1.001193.yml"
    before = source.read_bytes()
    run = _new(base_catalogue, "--code", "1.001193", "--name", "Trùng", "--agency", "ubnd-xa",
               "--field", "ho-tich", "--tiers", "xa", "--level", "1")
    assert run.returncode == 1
    assert "đã có" in run.stderr
    assert source.read_bytes() == before


def test_new_refuses_unknown_ids_with_a_suggestion(base_catalogue) -> None:
    run = _new(base_catalogue, "--code", "9.300002", "--name", "Thử", "--agency", "ubnd-xaa",
               "--field", "ho-tich", "--tiers", "xa", "--level", "1")
    assert run.returncode == 1
    assert "có phải là “ubnd-xa”?" in run.stderr
    assert not (base_catalogue / "ho-tich" / "9.300002.yml").exists()


def test_new_level_3_needs_an_online_address(base_catalogue) -> None:
    info = base_catalogue / "catalogue.yml"
    info.write_text(info.read_text(encoding="utf-8").replace("portal_url: https://dichvucong.example.vn\n", ""),
                    encoding="utf-8")
    flags = ["--code", "9.300003", "--name", "Thử", "--agency", "ubnd-xa", "--field", "ho-tich",
             "--tiers", "xa", "--level", "3"]
    refused = _new(base_catalogue, *flags)
    assert refused.returncode == 1 and "--online-url" in refused.stderr
    made = _new(base_catalogue, *flags, "--online-url", "https://dvc.example.vn/nop")
    assert made.returncode == 0, made.stderr
    assert load_catalogue(base_catalogue).diagnostics == []


def test_new_in_a_script_names_the_missing_flags(base_catalogue) -> None:
    run = _new(base_catalogue, "--code", "9.300004")
    assert run.returncode == 1
    assert run.stderr.strip() == "Thiếu: --name, --agency, --field, --tiers, --level"
