"""What ``changes`` reports, in the shape both the text and the Markdown forms print.

Kept apart from finding the changes and from writing them, so each can be read,
and tested, against this one shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field

VALIDATE = "python -m generator validate"


@dataclass(frozen=True)
class Change:
    """One thing a citizen would notice.

    Exactly one shape is used: ``old``/``new`` for a value, ``items`` ("+"/"-", text)
    for a list, ``note`` for what is better said in words (a new form file).
    """

    label: str
    old: str | None = None
    new: str | None = None
    items: tuple[tuple[str, str], ...] = ()
    note: str | None = None


@dataclass(frozen=True)
class ProcedureRef:
    code: str
    name: str


@dataclass
class ProcedureChanges:
    procedure: ProcedureRef
    changes: list[Change]


@dataclass
class FileProblem:
    """A file that could not be compared fully, and the procedure it hid, if any."""

    where: str  # path:line:col as ``validate`` prints it
    message: str
    at_revision: bool = False
    hidden: list[ProcedureRef] = field(default_factory=list)


@dataclass
class Report:
    rev: str
    added: list[ProcedureRef] = field(default_factory=list)
    removed: list[ProcedureRef] = field(default_factory=list)
    changed: list[ProcedureChanges] = field(default_factory=list)
    catalogue: list[Change] = field(default_factory=list)
    problems: list[FileProblem] = field(default_factory=list)
    moved: list[tuple[str, str]] = field(default_factory=list)
    missing_at_rev: bool = False
    base_note: str | None = None  # why the base's own changes could not be counted

    @property
    def empty(self) -> bool:
        """Moves alone count as nothing: a page's address is its code, not its file."""
        return not (self.added or self.removed or self.changed or self.catalogue or self.problems)
