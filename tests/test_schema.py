"""The JSON Schema editors' tools use agrees with the validator, and is up to date."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from conftest import BASE, FIXTURES, ROOT
from generator import schema
from generator.loader import load_catalogue, procedure_files

# What only the validator can see: YAML itself (syntax, duplicate keys, anchors, bytes),
# the disk, and references inside one file. Every other invalid case must fail the schema.
BEYOND_SCHEMA = {
    "documents_form-unknown.yml": "a reference to a form id declared in the same file",
    "file_alias-bomb.yml": "anchors and aliases are refused before parsing",
    "file_anchor-alias.yml": "anchors and aliases are refused before parsing",
    "file_control-character.yml": "not YAML at all",
    "file_empty.yml": "not YAML data at all",
    "file_indent-3-spaces.yml": "not YAML",
    "file_indent-5-spaces.yml": "not YAML",
    "file_unclosed-quote.yml": "not YAML",
    "file_invalid-utf8.yml": "not UTF-8",
    "file_syntax-error.yml": "not YAML",
    "file_tab-indent.yml": "not YAML",
    "forms_file-escape.yml": "where the file is on disk",
    "forms_file-missing.yml": "whether the file exists",
    "forms_file-nul.yml": "a NUL character is a valid JSON string",
    "forms_field-duplicate-name.yml": "uniqueItems compares whole items, not one key of them",
    "forms_field-required-yes.yml": "a YAML 1.1 parser reads yes as true",
    "name_duplicate-key.yml": "a YAML parser keeps the last of two keys",
}


def _validator(info) -> Draft202012Validator:
    return Draft202012Validator(schema.procedure_schema(info), format_checker=Draft202012Validator.FORMAT_CHECKER)


def _data(path: Path):
    """What an editor's tool sees: plain YAML, no position tracking, no refusals."""
    return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)


@pytest.fixture(scope="module")
def base_validator():
    return _validator(load_catalogue(BASE).catalogue.info)


def test_committed_schemas_are_up_to_date() -> None:
    info = load_catalogue(ROOT / "procedures").catalogue.info
    for name, generated in schema.schemas(info).items():
        committed = ROOT / "procedures" / schema.SCHEMA_DIR / name
        assert committed.read_text(encoding="utf-8") == schema.render(generated), \
            f"{committed} is stale: run python -m generator schema"


def test_schema_offers_the_catalogues_own_ids() -> None:
    props = schema.procedure_schema(load_catalogue(BASE).catalogue.info)["properties"]
    assert props["agency"]["enum"] == ["ubnd-xa", "so-tu-phap"]
    assert props["agency"]["markdownEnumDescriptions"] == ["Ủy ban nhân dân xã Kiểm Thử", "Sở Tư pháp"]
    assert props["tiers"]["items"]["enum"] == ["tinh", "xa"]


def test_schema_accepts_what_the_validator_accepts(base_validator, tmp_path: Path) -> None:
    catalogue = tmp_path / "catalogue"
    shutil.copytree(BASE, catalogue)
    for case in (FIXTURES / "valid").iterdir():
        (shutil.copytree if case.is_dir() else shutil.copy)(case, catalogue / case.name)
    assert load_catalogue(catalogue).ok
    for path in procedure_files(catalogue):
        errors = [e.message for e in base_validator.iter_errors(_data(path))]
        assert errors == [], f"{path.name}: {errors}"


SINGLE_FILE_CASES = sorted(p for p in (FIXTURES / "invalid").iterdir() if p.is_file())


def test_beyond_schema_names_real_cases() -> None:
    assert set(BEYOND_SCHEMA) <= {p.name for p in SINGLE_FILE_CASES}


@pytest.mark.parametrize("case", [p for p in SINGLE_FILE_CASES if p.name not in BEYOND_SCHEMA],
                         ids=lambda p: p.name)
def test_schema_rejects_what_the_validator_rejects(base_validator, case: Path) -> None:
    assert list(base_validator.iter_errors(_data(case))), f"the schema accepts {case.name}"


def test_catalogue_schema_rejects_bad_registries() -> None:
    checker = Draft202012Validator(schema.catalogue_schema())
    bad = _data(FIXTURES / "invalid" / "catalogue_bad-registries" / "catalogue.yml")
    messages = " ".join(e.message for e in checker.iter_errors(bad))
    assert "Chung_Thuc" in messages and "fax" in messages and "ftp://example.vn" in messages
    assert not list(checker.iter_errors(_data(BASE / "catalogue.yml")))


@pytest.mark.national
def test_schema_accepts_the_national_catalogue(national: Path) -> None:
    result = load_catalogue(national)
    checker = _validator(result.catalogue.info)
    rejected = [p.name for p in procedure_files(national) if not checker.is_valid(_data(p))]
    assert rejected == []


# --- the schema as editors' tools read it: ECMA-262 patterns --------------------------------


def _patterns(node) -> list[str]:
    if isinstance(node, dict):
        return [v for k, v in node.items() if k == "pattern" and isinstance(v, str)] + \
            [p for k, v in node.items() if k != "pattern" for p in _patterns(v)]
    if isinstance(node, list):
        return [p for v in node for p in _patterns(v)]
    return []


GENERATED = {name: generated for name, generated in schema.schemas(load_catalogue(BASE).catalogue.info).items()}
PATTERNS = sorted({p for generated in GENERATED.values() for p in _patterns(generated)})


def test_every_pattern_is_ecma_262_as_the_checkers_compile_it() -> None:
    """check-jsonschema's default engine (regress, Rust's ECMA-262) compiles each pattern."""
    import regress

    assert PATTERNS
    for pattern in PATTERNS:
        regress.Regex(pattern)  # raises on (?i) and other non-ECMA syntax


@pytest.mark.skipif(not shutil.which("node"), reason="Node.js not installed: VS Code's RegExp check not run")
def test_every_pattern_compiles_in_javascript_as_vs_code_does(tmp_path: Path) -> None:
    """VS Code's YAML language server compiles patterns with JavaScript's ``new RegExp(p, "u")``."""
    import json
    import subprocess

    script = ("const ps = JSON.parse(require('fs').readFileSync(0, 'utf8'));"
              "for (const p of ps) { try { new RegExp(p, 'u'); new RegExp(p); } catch (e) { console.log(p + ' ' + e); } }")
    run = subprocess.run(["node", "-e", script], input=json.dumps(PATTERNS), capture_output=True, text=True, timeout=60)
    assert run.returncode == 0 and run.stdout == "", run.stdout + run.stderr


@pytest.mark.parametrize("name", sorted(GENERATED))
def test_check_jsonschema_accepts_each_schema_with_its_default_regex_engine(name: str, tmp_path: Path) -> None:
    import json
    import subprocess
    import sys

    path = tmp_path / name
    path.write_text(json.dumps(GENERATED[name], ensure_ascii=False), encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "check_jsonschema", "--check-metaschema", str(path)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout + run.stderr


def test_the_form_file_pattern_matches_any_case_like_the_validator() -> None:
    import regress

    pattern = regress.Regex(GENERATED["procedure.schema.json"]["$defs"]["Form"]["properties"]["file"]["pattern"])
    assert pattern.find("mau/To-Khai.PDF") and pattern.find("mau/to-khai.docx")
    assert not pattern.find("mau/to-khai.exe") and not pattern.find("mau/to-khai.pdf.exe")


# --- events.yml ----------------------------------------------------------------------------------

EVENT_CASES = sorted((FIXTURES / "invalid").glob("events_*"))
# What only the validator sees in events.yml: the catalogue's codes and one key across items.
EVENTS_BEYOND_SCHEMA = {
    "events_duplicate-id": "uniqueItems compares whole events, not their ids",
    "events_procedure-twice": "uniqueItems compares whole steps, not their codes",
    "events_unknown-procedure": "the codes are the catalogue's files, not in the schema",
}


def test_events_schema_accepts_the_sample_events() -> None:
    checker = Draft202012Validator(schema.events_schema())
    assert [e.message for e in checker.iter_errors(_data(ROOT / "procedures" / "events.yml"))] == []


def test_events_beyond_schema_names_real_cases() -> None:
    assert set(EVENTS_BEYOND_SCHEMA) <= {p.name for p in EVENT_CASES}


@pytest.mark.parametrize("case", [p for p in EVENT_CASES if p.name not in EVENTS_BEYOND_SCHEMA], ids=lambda p: p.name)
def test_events_schema_rejects_what_the_validator_rejects(case: Path) -> None:
    checker = Draft202012Validator(schema.events_schema())
    assert list(checker.iter_errors(_data(case / "events.yml"))), f"the schema accepts {case.name}"
