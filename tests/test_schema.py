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
