"""The format told to editors: the data of the format page, walked from the models.

``generator.model`` is the single definition of the format. This module walks it
(every key with its nested keys, whether it is required, its type and constraints
in plain Vietnamese, its description and example) and adds the rules only the
cross-key checks know (``checks.PROCEDURE_RULES``). It returns plain data;
``templates/reference.md.j2`` renders it. Nothing here knows about the site engine.
"""

from __future__ import annotations

import functools
import re
import types
import typing
from dataclasses import dataclass, field
from typing import Any, Literal, Union, get_args, get_origin

import annotated_types
import yaml
from pydantic import AfterValidator, BaseModel
from pydantic.fields import FieldInfo
from pydantic.types import StringConstraints

from generator import checks, model
from generator.levels import LEVELS, Level
from generator.model import CatalogueInfo, Events, Procedure, RegistryEntry, Synonyms, example_of

# Our string types, recognised by their validator, in plain words: (what it is, rule).
_VALIDATED = {
    model._check_id: ("mã", "chỉ gồm chữ thường không dấu (a–z), chữ số và dấu gạch ngang, "
                            "bắt đầu bằng chữ hoặc số, ví dụ `so-tu-phap`"),
    model._check_code: ("mã thủ tục", "chỉ gồm chữ, chữ số, dấu chấm và dấu gạch ngang; luôn đặt trong "
                                      "dấu nháy kép, vì YAML đọc `1.001193` không có nháy thành một số"),
    model._check_url: ("liên kết web", "bắt đầu bằng `https://` (hoặc `http://`); không có dấu cách và các "
                                       "ký tự `< > \" { } | \\ ^` hay dấu nháy ngược"),
    model._check_date: ("ngày", "viết `\"NĂM-THÁNG-NGÀY\"` trong dấu nháy kép, ví dụ `\"2026-11-25\"`"),
}

_KEY_PATH = re.compile(r"[a-z_]+(\[\]\.[a-z_]+|\.[a-z_]+)*")


class _Dumper(yaml.SafeDumper):
    """Block style; lists indented under their key; a string YAML would read as
    something else (a number, a date, true/false) or that needs quoting is double-quoted,
    as the format asks."""

    def choose_scalar_style(self):
        style = super().choose_scalar_style()
        return '"' if style == "'" else style

    def increase_indent(self, flow=False, indentless=False):
        return super().increase_indent(flow, False)


def to_yaml(value: Any) -> str:
    """``value`` as an editor would write it; reading it back gives ``value``."""
    return yaml.dump(value, Dumper=_Dumper, allow_unicode=True, sort_keys=False,
                     default_flow_style=False, width=72)


@dataclass(frozen=True)
class Key:
    path: str  # where the key sits in a file: "channels[].fee"
    name: str  # "fee"
    depth: int  # 0 at the top of the file
    required: bool
    kind: str  # what the value is, in plain words
    description: str
    rules: tuple[str, ...]  # plain words; `…` marks code
    example: Any
    example_yaml: str  # "fee: …", the key with its example

    @property
    def anchor(self) -> str:
        return self.path.replace("[]", "").replace(".", "-").replace("_", "-")


@dataclass(frozen=True)
class FileFormat:
    slug: str  # the section's anchor on the page
    keys: list[Key]
    example: Any  # a complete file made of the examples
    example_yaml: str


@dataclass(frozen=True)
class Registry:
    key: str  # "tiers"
    title: str
    used_by: str  # the procedure key that takes these ids
    entries: list[RegistryEntry]


@dataclass(frozen=True)
class Reference:
    procedure: FileFormat
    catalogue: FileFormat
    synonyms: Key
    registries: list[Registry]
    events: FileFormat | None = None
    levels: list[Level] = field(default_factory=lambda: list(LEVELS.values()))


def unwrap(annotation: Any, metadata: list) -> tuple[Any, list]:
    """The type under ``X | None`` and ``Annotated[...]``, with every constraint found on the way."""
    metadata = list(metadata)
    while True:
        origin = get_origin(annotation)
        if origin is typing.Annotated:
            annotation, *extra = get_args(annotation)
            metadata += extra
        elif origin in (Union, types.UnionType):
            args = [a for a in get_args(annotation) if a is not type(None)]
            if len(args) != 1:
                raise TypeError(f"no plain words for the union {annotation}")
            annotation = args[0]
        else:
            break
    flat = []
    for item in metadata:
        flat += item.metadata if isinstance(item, FieldInfo) else [item]
    return annotation, flat


def _plain(annotation: Any, metadata: list) -> tuple[str, list[str], type[BaseModel] | None]:
    """(kind, rules, nested model) of a type, in the words an editor understands."""
    base, constraints = unwrap(annotation, metadata)
    rules: list[str] = []
    if get_origin(base) is list:
        item_kind, item_rules, nested = _plain(get_args(base)[0], [])
        if any(isinstance(c, annotated_types.MinLen) and c.min_length >= 1 for c in constraints):
            rules.append("có ít nhất một mục")
        rules += [f"mỗi mục: {r}" for r in item_rules]
        one = "một đoạn chữ" if item_kind == "chữ" else f"một {item_kind}"
        return f"danh sách, mỗi mục {one}", rules, nested
    if isinstance(base, type) and issubclass(base, BaseModel):
        return "khối khóa: giá trị", rules, base
    if get_origin(base) is Literal:
        choices = ", ".join(f"`{c}`" for c in get_args(base))
        return "giá trị cố định", [f"chỉ được là một trong: {choices}"], None
    if base is bool:
        return "đúng/sai", ["viết `true` hoặc `false`, không có dấu nháy"], None
    if base is int:
        low = next((c.ge for c in constraints if isinstance(c, annotated_types.Ge)), None)
        high = next((c.le for c in constraints if isinstance(c, annotated_types.Le)), None)
        if low is not None and high is not None:
            rules.append(f"từ {low} đến {high}")
        elif low is not None:
            rules.append(f"lớn hơn hoặc bằng {low}")
        rules.append("viết số không có dấu nháy")
        return "số nguyên", rules, None
    if base is str:
        validators = [c.func for c in constraints if isinstance(c, AfterValidator)]
        for func in validators:
            if func not in _VALIDATED:
                raise TypeError(f"no plain words for the validator {func.__name__}: add it to _VALIDATED")
        if validators:
            kind, rule = _VALIDATED[validators[0]]
            return kind, [rule], None
        if any(isinstance(c, StringConstraints) and c.min_length for c in constraints):
            return "chữ", [], None
    raise TypeError(f"no plain words for the type {annotation}")


def _keys(cls: type[BaseModel], example: dict | None, prefix: str, depth: int,
          cross_rules: dict[str, list[str]]) -> list[Key]:
    """Every key of ``cls`` and, after each, its nested keys. A nested key's example is
    its value in the parent's example, so the examples on a page read as one file."""
    keys = []
    for name, info in cls.model_fields.items():
        path = prefix + name
        if not _KEY_PATH.fullmatch(path):
            raise ValueError(f"key path {path!r} would need escaping in a heading")
        if not info.description or not info.examples:
            raise ValueError(f"{cls.__name__}.{name} needs a description and an example")
        kind, rules, nested = _plain(info.annotation, info.metadata)
        value = example.get(name, info.examples[0]) if example else info.examples[0]
        keys.append(Key(path, name, depth, info.is_required(), kind, info.description,
                        tuple(rules + cross_rules.get(path, [])), value, to_yaml({name: value})))
        if nested is not None:
            items = value if isinstance(value, list) else [value]
            merged = {k: v for item in reversed(items) for k, v in item.items()}  # first item wins
            keys += _keys(nested, merged, f"{path}[]." if isinstance(value, list) else f"{path}.",
                          depth + 1, cross_rules)
    return keys


# Keys the complete example files leave out: they turn a file into a layer on a base
# catalogue, which the page's section on bases shows on its own.
LAYER_KEYS = ("inherit", "base", "source_name")


def complete_example(cls: type[BaseModel]) -> dict[str, Any]:
    """The complete example file of the page: every key's example but the layer keys."""
    return {k: v for k, v in example_of(cls).items() if k not in LAYER_KEYS}


def _file(cls: type[BaseModel], slug: str, cross_rules: dict[str, list[str]]) -> FileFormat:
    keys = _keys(cls, None, "", 0, cross_rules)
    stale = set(cross_rules) - {k.path for k in keys}
    if stale:
        raise ValueError(f"rules for keys the format does not have: {sorted(stale)}")
    example = complete_example(cls)
    return FileFormat(slug, keys, example, to_yaml(example))


def _synonyms() -> Key:
    info = Synonyms.model_fields["root"]
    example = info.examples[0]
    rules = ("mỗi khóa là một cách gõ, có dấu hay không dấu đều được",
             "mỗi giá trị là một danh sách cụm từ, viết trong ngoặc vuông `[…]` hoặc mỗi mục một dòng `- …`")
    return Key("synonyms", "synonyms", 0, False, "một khối: cách gõ → danh sách cụm từ",
               info.description, rules, example, to_yaml(example))


@functools.cache
def _formats() -> tuple[FileFormat, FileFormat, Key, FileFormat]:
    """The part that depends on the models only: walked once per process."""
    return (_file(Procedure, "thu-tuc", checks.PROCEDURE_RULES),
            _file(CatalogueInfo, "catalogue", checks.CATALOGUE_RULES), _synonyms(),
            _file(Events, "su-kien", checks.EVENT_RULES))


def build(info: CatalogueInfo) -> Reference:
    """The format page's data; ``info`` gives the catalogue's own registries."""
    procedure, catalogue, synonyms, events = _formats()
    return Reference(
        procedure=procedure,
        catalogue=catalogue,
        synonyms=synonyms,
        events=events,
        registries=[Registry("tiers", "Cấp thực hiện", "tiers", list(info.tiers)),
                    Registry("fields", "Lĩnh vực", "field", list(info.fields)),
                    Registry("agencies", "Cơ quan thực hiện", "agency", list(info.agencies))],
    )
