"""The editors' format page: every key described with an example, every example valid,
every key of the format on the page, and the page published outside the citizens' nav.

The page's golden file is tests/golden/soan-thao.md, checked with the others in
test_pages.py (UPDATE_GOLDEN=1 rewrites it).
"""

from __future__ import annotations

import html
import re
import shutil
from datetime import date
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator
from markupsafe import escape
from pydantic import BaseModel

from conftest import BASE, FIXTURES, ROOT
from generator import reference, schema
from generator.loader import load_catalogue
from generator.model import (Agency, Announcement, CatalogueInfo, Channel, Document, Event, Events, EventStep, Form,
                             FormField, LegalBasis, Procedure, RegistryEntry, StatusLookup, Synonyms, example_of)
from generator.pages import EDITORS, generate
from generator.yamlsource import read_yaml
from helpers import Elements

EDITOR_MODELS = [Procedure, Channel, Document, Form, FormField, LegalBasis, Announcement, CatalogueInfo,
                 RegistryEntry, Agency, StatusLookup, Synonyms, Events, Event, EventStep]


@pytest.fixture(scope="module")
def page() -> str:
    result = load_catalogue(BASE)
    assert result.ok, result.diagnostics
    pages = {p.path: p for p in generate(result.catalogue, ROOT / "templates").pages}
    assert not pages[EDITORS].in_nav
    return pages[EDITORS].markdown


def _examples(markdown: str, kind: str) -> dict[str, str]:
    """The YAML blocks the page shows, by their data-file or data-key name, as an editor reads them."""
    blocks = re.findall(rf'<pre class="tthc-example" data-{kind}="([^"]+)"><code>(.*?)</code></pre>', markdown, re.S)
    assert len({name for name, _ in blocks}) == len(blocks), "two blocks with one name"
    return {html.unescape(name): html.unescape(text) + "\n" for name, text in blocks}


def _read(text: str, tmp_path: Path, name: str = "snippet.yml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    doc, diagnostics = read_yaml(path, name)
    assert diagnostics == [], text
    return doc.data


def _schema_paths(root: dict) -> list[str]:
    """Every key path of a JSON Schema: nested objects by $ref, lists of objects as `key[].`.

    Independent of generator.reference, which walks the pydantic models' types instead.
    """
    defs = root.get("$defs", {})

    def target(ref: str) -> dict:
        return defs[ref.rsplit("/", 1)[-1]]

    def walk(node: dict, prefix: str):
        for name, prop in node.get("properties", {}).items():
            yield prefix + name
            for option in prop.get("anyOf", [prop]):
                if "$ref" in option:
                    yield from walk(target(option["$ref"]), f"{prefix}{name}.")
                elif "$ref" in option.get("items", {}):
                    yield from walk(target(option["items"]["$ref"]), f"{prefix}{name}[].")

    return list(walk(root, ""))


def _section(markdown: str, anchor: str) -> str:
    start = re.search(rf"^## .*\{{#{anchor}\}}$", markdown, re.M)
    following = re.search(r"^## ", markdown[start.end():], re.M)
    return markdown[start.end(): start.end() + following.start() if following else None]


def _values_at(data, path: str) -> list:
    """Every value at ``channels[].fee`` in a parsed file."""
    values = [data]
    for part in path.split("."):
        name = part.removesuffix("[]")
        values = [v[name] for v in values if isinstance(v, dict) and name in v]
        if part.endswith("[]"):
            values = [item for v in values for item in v]
    return values


# --- 1. every key has a description and an example ----------------------------------


@pytest.mark.parametrize("model", EDITOR_MODELS, ids=lambda m: m.__name__)
def test_every_key_has_a_description_and_an_example(model: type[BaseModel]) -> None:
    for name, info in model.model_fields.items():
        assert info.description and info.description.strip(), f"{model.__name__}.{name} has no description"
        assert info.examples, f"{model.__name__}.{name} has no example"


def test_every_model_editors_write_is_checked_above() -> None:
    names = {m.__name__ for m in EDITOR_MODELS}
    for generated in schema.schemas(None).values():
        assert set(generated.get("$defs", {})) <= names


def test_the_examples_reach_the_json_schema() -> None:
    procedure = schema.procedure_schema(None)
    assert procedure["properties"]["code"]["examples"] == ["1.001193"]
    assert procedure["properties"]["subjects"]["examples"]  # optional lists keep them beside the anyOf
    assert procedure["$defs"]["Channel"]["properties"]["fee"]["examples"]
    assert schema.synonyms_schema()["examples"] and schema.synonyms_schema()["description"].startswith("Cách gọi")


# --- 2. every example is valid ------------------------------------------------------------


@pytest.mark.parametrize("model", [m for m in EDITOR_MODELS if m is not Synonyms], ids=lambda m: m.__name__)
def test_each_models_examples_validate(model: type[BaseModel]) -> None:
    model.model_validate(example_of(model))


def test_the_complete_examples_are_a_valid_catalogue(page: str, tmp_path: Path) -> None:
    files, keys = _examples(page, "file"), _examples(page, "key")
    assert set(files) == {"thu-tuc", "catalogue", "su-kien"}
    catalogue = tmp_path / "catalogue"
    source = catalogue / "ho-tich" / "1.001193.yml"
    source.parent.mkdir(parents=True)
    (catalogue / "catalogue.yml").write_text(files["catalogue"], encoding="utf-8")
    (catalogue / "synonyms.yml").write_text(keys["synonyms/synonyms"], encoding="utf-8")
    source.write_text(files["thu-tuc"], encoding="utf-8")
    procedure = _read(files["thu-tuc"], tmp_path)
    for form in procedure["forms"]:
        (source.parent / form["file"]).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(BASE / "ho-tich" / "mau" / "to-khai.pdf", source.parent / form["file"])

    (catalogue / "events.yml").write_text(files["su-kien"], encoding="utf-8")
    events = _read(files["su-kien"], tmp_path)
    for step in events["events"][0]["steps"][1:]:  # the example's other steps: the same procedure, other codes
        other = catalogue / "ho-tich" / f"{step['procedure']}.yml"
        other.write_text(files["thu-tuc"].replace('code: "1.001193"', f'code: "{step["procedure"]}"'), encoding="utf-8")

    result = load_catalogue(catalogue, today=date.fromisoformat(procedure["updated"]))
    assert [str(d) for d in result.diagnostics] == []
    assert result.catalogue.events == Events.model_validate(reference.complete_example(Events)).events
    assert [e.message for e in Draft202012Validator(schema.events_schema()).iter_errors(events)] == []
    assert result.catalogue.entries[0].procedure == Procedure.model_validate(reference.complete_example(Procedure))
    assert len(result.catalogue.entries) == len(events["events"][0]["steps"])
    assert result.catalogue.info == CatalogueInfo.model_validate(reference.complete_example(CatalogueInfo))
    assert result.catalogue.synonyms == Synonyms.model_fields["root"].examples[0]

    checker = Draft202012Validator(schema.procedure_schema(result.catalogue.info))
    assert [e.message for e in checker.iter_errors(procedure)] == []
    assert [e.message for e in Draft202012Validator(schema.catalogue_schema()).iter_errors(
        _read(files["catalogue"], tmp_path))] == []


def test_each_keys_yaml_reads_back_as_its_example(page: str, tmp_path: Path) -> None:
    shown = _examples(page, "key")
    ref = reference.build(load_catalogue(BASE).catalogue.info)
    keys = {f"{f.slug}/{k.path}": (f, k) for f in (ref.procedure, ref.catalogue, ref.events) for k in f.keys}
    assert set(shown) == set(keys) | {"synonyms/synonyms"}
    for name, (file, key) in keys.items():
        assert _read(shown[name], tmp_path) == {key.name: key.example}, name
        # the value is the one the complete, validated file has at that place (the keys that
        # make a file a layer on a base have their own examples, in the section on bases)
        if key.path not in reference.LAYER_KEYS:
            assert key.example in _values_at(file.example, key.path), name
    assert _read(shown["synonyms/synonyms"], tmp_path) == Synonyms.model_fields["root"].examples[0]


def test_values_yaml_would_misread_are_shown_in_double_quotes(page: str) -> None:
    shown = _examples(page, "key")
    assert shown["thu-tuc/code"] == 'code: "1.001193"\n'
    assert shown["thu-tuc/updated"] == 'updated: "2026-11-25"\n'
    assert shown["catalogue/status_lookup.sms_number"] == 'sms_number: "8188"\n'
    assert shown["thu-tuc/level"] == "level: 3\n"


# --- 3. every key of the format is on the page -----------------------------------------


@pytest.mark.parametrize("anchor, root", [("thu-tuc", Procedure), ("catalogue", CatalogueInfo), ("su-kien", Events)])
def test_the_page_lists_every_key(page: str, anchor: str, root: type[BaseModel]) -> None:
    expected = _schema_paths(root.model_json_schema())
    assert {"channels[].fee", "status_lookup.url", "events[].steps[].procedure"} & set(expected)  # nested keys walked
    section = _section(page, anchor)
    headed = re.findall(r"^#{3,6} `([^`]+)` \{#", section, re.M)
    assert headed == expected


def test_the_page_names_the_catalogues_own_ids(page: str) -> None:
    section = _section(page, "danh-muc")
    info = load_catalogue(BASE).catalogue.info
    for entry in (*info.tiers, *info.fields, *info.agencies):
        assert f"<tr><td><code>{entry.id}</code></td><td>{escape(entry.name)}</td></tr>" in section


def test_the_strict_rules_are_stated(page: str) -> None:
    rules = _section(page, "quy-tac")
    for phrase in ('`code: "1.001193"`', "`NO`", "`7:30`", "khóa lạ", "khóa trùng", "neo/bí danh YAML (`&`, `*`)",
                   "Tab", "UTF-8"):
        assert phrase in rules, phrase


def test_a_key_without_plain_words_fails_loudly() -> None:
    from typing import Annotated

    from pydantic import AfterValidator, Field

    class Odd(BaseModel):
        value: Annotated[str, AfterValidator(str.strip)] = Field(description="lạ", examples=["x"])

    with pytest.raises(TypeError, match="plain words"):
        reference._keys(Odd, None, "", 0, {})


# --- 5. the built site -------------------------------------------------------------------


def test_the_site_has_the_page_outside_the_navigation(sample_site: Path) -> None:
    built = Elements((sample_site / "soan-thao" / "index.html").read_text(encoding="utf-8"))
    assert "Soạn thảo thủ tục: định dạng tệp" in built.text_in["h1"]
    assert 'code: "1.001193"' in built.text
    info = load_catalogue(ROOT / "procedures").catalogue.info
    codes = built.text_in["code"]
    assert {a.id for a in info.agencies} | {f.id for f in info.fields} <= set(codes)
    for page in ("index.html", "huong-dan/index.html", "soan-thao/index.html"):
        doc = Elements((sample_site / page).read_text(encoding="utf-8"))
        nav = [a["href"] for t, a in doc.tags if t == "a" and "md-nav__link" in a.get("class", "")]
        assert nav and not [h for h in nav if "soan-thao" in h], page
    guide = Elements((sample_site / "huong-dan" / "index.html").read_text(encoding="utf-8"))
    assert "../soan-thao/" in guide.links()
    assert "Dành cho cán bộ soạn thảo" in guide.text


def test_the_examples_of_inheriting_are_valid_files_on_a_base(page: str, tmp_path: Path) -> None:
    layers = _examples(page, "layer")
    assert _read(layers["ke-thua"], tmp_path) == {"code": "1.001193", "inherit": True}
    shutil.copytree(FIXTURES / "layered", tmp_path / "layered")
    province = tmp_path / "layered" / "province"
    for name, text in layers.items():
        (province / "ho-tich" / "1.001193.yml").write_text(text, encoding="utf-8")
        result = load_catalogue(province)
        assert [str(d) for d in result.diagnostics] == [], name
