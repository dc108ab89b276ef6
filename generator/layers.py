"""A province's procedure file with ``inherit: true`` on top of the base procedure of the same code.

The merge rule is whole-key replacement at the top level of the file: a key the
province writes replaces the base's key entirely (a whole list such as ``channels``,
a whole block such as ``announcement``); a key it writes with no value removes the
base's value; every other key comes from the base unchanged. It is the one rule an
editor can apply by reading the province file alone, and it never half-merges two
lists into something neither layer wrote.

Problems found in the merged procedure are reported in the province file, where the
editor acts, and each says which layer its value came from.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from pathlib import Path

from generator.diagnostics import Diagnostic
from generator.model import Entry, Procedure
from generator.yamlsource import YamlDocument

INHERIT = "inherit"
OWN_KEYS = frozenset({"code", INHERIT})  # always the province file's own, never "set on top of" the base


def inherits(data: object) -> bool:
    """Whether a parsed procedure file asks to inherit: ``inherit: true``, or a value meant
    as one (``yes``) that the merged procedure's validation then asks to write as true."""
    return isinstance(data, dict) and data.get(INHERIT) not in (None, False)


@dataclass(frozen=True)
class BaseProcedure:
    """A valid procedure of the base catalogue, as a province file inherits it."""

    doc: YamlDocument
    display: str  # how diagnostics name its file
    entry: Entry
    forms_root: Path  # the catalogue its forms' files must stay in


@dataclass
class LayeredDocument(YamlDocument):
    """The merged data of an inherited procedure, positioned in the province file.

    Keys the province wrote keep their own line; every key that came from the base
    points at the province file's ``inherit`` line, since that line is what brings
    the base's value in.
    """

    local: YamlDocument = field(default_factory=lambda: YamlDocument(None))
    base: BaseProcedure | None = None
    local_keys: frozenset[str] = frozenset()

    def position(self, path, prefer_key: bool = False) -> tuple[int, int]:
        path = tuple(path)
        if path and path[0] not in self.local.data:
            return self.local.position((INHERIT,), prefer_key=True)
        return self.local.position(path, prefer_key)

    def layer_of(self, key: str) -> str:
        """Which layer a top-level key's value came from, in the editor's words."""
        if key in self.local.data:
            return "do tỉnh ghi trong tệp này" if self.local.data[key] is not None else \
                "tệp này để trống nên bỏ giá trị của bộ gốc"
        if key in self.base.doc.data:
            line, _ = self.base.doc.position((key,), prefer_key=True)
            return f"lấy từ bộ gốc, {self.base.display}:{line}"
        return "cả tệp này và bộ gốc đều không có"


def merge(local: YamlDocument, base: BaseProcedure) -> LayeredDocument:
    data = {k: v for k, v in base.doc.data.items() if k not in OWN_KEYS}
    data.update(local.data)
    doc = LayeredDocument(data=data, local=local, base=base,
                          local_keys=frozenset(k for k in local.data if k not in OWN_KEYS))
    doc.keys = dict(local.keys)
    doc.values = dict(local.values)
    doc.checked_lines = local.checked_lines
    return doc


_KEYS = [k for k in Procedure.model_fields if k not in OWN_KEYS]


def explain(diagnostics: list[Diagnostic], doc: LayeredDocument) -> list[Diagnostic]:
    """Each problem of a merged procedure, saying which layer each value it names came from:
    the key at fault, and any other key its message names ("level 3 needs online_url")."""
    out = []
    for d in diagnostics:
        top = d.key.split(".")[0].split("[")[0]
        named = [top] if top in _KEYS else []
        named += [k for k in _KEYS if k != top and re.search(rf"(?<![\w.]){k}(?![\w])", d.message)]
        if named:
            d = replace(d, message=d.message + " (" + "; ".join(f"{k}: {doc.layer_of(k)}" for k in named) + ")")
        out.append(d)
    return out


def source_name(info) -> str:
    """How a procedure page names a base catalogue: its ``source_name``, else its title."""
    return info.source_name or info.title
