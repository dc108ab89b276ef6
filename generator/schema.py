"""JSON Schema for editors' tools, generated from the model, never written by hand.

VS Code's YAML extension reads it to complete keys, offer the catalogue's own agency,
field and tier ids and underline mistakes while an editor types. The schema is made
per catalogue (the ids come from its catalogue.yml) and written beside it in
``.schema/``; ``.vscode/settings.json`` maps the files to it.
"""

from __future__ import annotations

import json
from pathlib import Path

from generator.model import CODE_PATTERN, DOCUMENT_EXTENSIONS, CatalogueInfo, Events, Procedure, Synonyms

SCHEMA_DIR = ".schema"
DIALECT = "https://json-schema.org/draft/2020-12/schema"


_ANNOTATIONS = ("title", "description", "default", "examples")


def _allow_null_when_optional(schema: dict) -> dict:
    """The validator treats ``key:`` with no value as an absent key; so must the schema.

    The key's title, description and examples stay beside the ``anyOf``, where pydantic
    puts them for ``X | None`` and where editors' tools look for them.
    """
    for definition in [schema, *schema.get("$defs", {}).values()]:
        required = set(definition.get("required", []))
        for name, prop in definition.get("properties", {}).items():
            if name not in required and {"type": "null"} not in prop.get("anyOf", []):
                outer = {k: prop.pop(k) for k in _ANNOTATIONS if k in prop}
                definition["properties"][name] = {"anyOf": [prop, {"type": "null"}], **outer}
    return schema


def _ids(entries) -> dict:
    return {"enum": [e.id for e in entries], "markdownEnumDescriptions": [e.name for e in entries]}


def procedure_schema(info: CatalogueInfo | None) -> dict:
    schema = Procedure.model_json_schema()
    props = schema["properties"]
    props["code"]["pattern"] = f"^{CODE_PATTERN.pattern}$"
    form = schema["$defs"]["Form"]["properties"]["file"]
    # ECMA-262 has no inline (?i) flag, and editors' tools compile patterns as ECMA-262: any case, spelled out.
    form["pattern"] = r"\.(" + "|".join(_any_case(e) for e in DOCUMENT_EXTENSIONS) + r")$"
    if info is not None:
        props["agency"].update(_ids(info.agencies))
        props["field"].update(_ids(info.fields))
        props["tiers"]["items"].update(_ids(info.tiers))
    _form_rules(schema["$defs"])
    schema["$schema"] = DIALECT
    schema = _allow_null_when_optional(schema)
    # The rules across keys the schema can say too (checks.py reports them with the line).
    # A file with inherit: true needs only its code: the base holds the rest, and the
    # rules across keys apply to the merged procedure, which only the validator sees.
    schema["if"] = {"properties": {"inherit": {"const": True}}, "required": ["inherit"]}
    schema["then"] = {"required": ["code"]}
    schema["else"] = {"required": schema.pop("required"),
                      "if": {"properties": {"level": {"minimum": 3}}, "required": ["level"]},
                      "then": {"required": ["online_url"]}}
    return schema


def _any_case(word: str) -> str:
    """``pdf`` → ``[pP][dD][fF]``: a case-insensitive match without flags."""
    return "".join(f"[{c}{c.upper()}]" if c.isalpha() else c for c in word)


def _present(*keys: str) -> dict:
    """The keys are there with a value: the validator reads ``key:`` with no value as absent."""
    return {"required": list(keys), "properties": {k: {"not": {"type": "null"}} for k in keys}}


def _form_rules(defs: dict) -> None:
    """checks.py's rules on forms[].fields, as far as a schema can say them (not: unique names)."""
    field_keys = [k for k in defs["FormField"]["properties"] if k != "heading"]
    defs["Form"]["anyOf"] = [_present("file"), _present("fields")]
    defs["Form"]["properties"]["fields"]["contains"] = {"not": _present("heading")}
    defs["FormField"]["allOf"] = [
        {"if": _present("heading"),
         "then": {"properties": {k: {"type": "null"} for k in field_keys}},
         "else": _present("name", "label")},
        {"if": {"required": ["type"], "properties": {"type": {"const": "choice"}}},
         "then": {"required": ["options"], "properties": {"options": {"type": "array", "minItems": 2,
                                                                     "uniqueItems": True}}},
         "else": {"properties": {"options": {"type": "null"}}}},
    ]


def catalogue_schema() -> dict:
    schema = _allow_null_when_optional({"$schema": DIALECT, **CatalogueInfo.model_json_schema()})
    # Without a base, the three registries are required and not empty (checks.check_registries).
    registries = ("tiers", "fields", "agencies")
    schema["if"] = {"not": {"required": ["base"], "properties": {"base": {"type": "string"}}}}
    schema["then"] = {"required": list(registries),
                      "properties": {key: {"type": "array", "minItems": 1} for key in registries}}
    return schema


def synonyms_schema() -> dict:
    return {"$schema": DIALECT, **Synonyms.model_json_schema()}


def events_schema() -> dict:
    """events.yml; what only the validator sees: unique ids and steps, codes of the catalogue."""
    schema = _allow_null_when_optional({"$schema": DIALECT, **Events.model_json_schema()})
    schema["$defs"]["EventStep"]["properties"]["procedure"]["pattern"] = f"^{CODE_PATTERN.pattern}$"
    return schema


def schemas(info: CatalogueInfo | None) -> dict[str, dict]:
    return {"procedure.schema.json": procedure_schema(info), "catalogue.schema.json": catalogue_schema(),
            "synonyms.schema.json": synonyms_schema(), "events.schema.json": events_schema()}


def render(schema: dict) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def write(directory: Path, info: CatalogueInfo | None) -> list[Path]:
    target = directory / SCHEMA_DIR
    target.mkdir(exist_ok=True)
    written = []
    for name, schema in schemas(info).items():
        (target / name).write_text(render(schema), encoding="utf-8")
        written.append(target / name)
    return written
