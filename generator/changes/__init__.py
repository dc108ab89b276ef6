"""``python -m generator changes``: what a pull request changes for citizens.

Reviewers of a catalogue are editors, not programmers. A YAML diff shows moved
files, re-wrapped lines and ids; they need "the fee went up", "a form has a new
version". So the catalogue at a git revision and the working tree are compared
the way citizens read the site: procedures matched by code (their page address),
registry ids shown by name, form files by content.

Both sides are read as raw YAML data, not validated models: a half-finished edit
is still compared as far as it can be, and files with errors are named instead
of stopping the report.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from generator.changes.differences import _catalogue, _procedure, _ref
from generator.changes.markdown_report import as_markdown, md
from generator.changes.report import Change, FileProblem, ProcedureChanges, ProcedureRef, Report
from generator.changes.phrases import _base_unknown, _review
from generator.changes.revision import ChangesError, _commit, _extract, _repository, base_at
from generator.changes.side import _read_side, _Side, base_directory, read_info
from generator.changes.text_report import as_text
from generator.diagnostics import Severity
from generator.loader import display_path, load_catalogue_cached

__all__ = ["ChangesError", "Change", "FileProblem", "ProcedureChanges", "ProcedureRef", "Report",
           "as_markdown", "as_text", "compare", "md"]


def compare(catalogue: Path, rev: str = "HEAD") -> Report:
    """The catalogue at ``rev`` against the files on disk now, uncommitted and untracked ones included."""
    directory = Path(catalogue).absolute()
    if not directory.is_dir():
        raise ChangesError(f"Không tìm thấy thư mục bộ thủ tục “{catalogue}”.")
    top, prefix = _repository(directory, catalogue)
    commit = _commit(top, rev)
    root = Path.cwd().absolute()

    def shown(rel: str) -> str:
        return display_path(directory / rel, root)

    with tempfile.TemporaryDirectory(prefix="tthc-changes-") as temporary:
        blobs = _extract(top, commit, prefix, Path(temporary) / "catalogue")
        new = _read_side(directory, base=_base_now(directory))
        report = Report(rev=rev, missing_at_rev=blobs is None)
        old_base = None
        at_rev = base_directory(directory, read_info(Path(temporary) / "catalogue")[0])
        if at_rev is not None:
            try:
                base_blobs = base_at(top, commit, at_rev, Path(temporary) / "base")
                old_base = _read_side(Path(temporary) / "base", base_blobs or {})
            except ChangesError as exc:
                report.base_note = _base_unknown(str(exc))
                old_base = new.base
        old = _read_side(Path(temporary) / "catalogue", blobs or {}, base=old_base)
        problems = _problems(directory, new, old, shown)
        for code in sorted(old.files.keys() | new.files.keys()):
            before, after = old.files.get(code), new.files.get(code)
            if before and after:
                changes = _procedure(before, after, old, new)
                review = _overrides_to_review(before, after)
                if review:
                    changes.insert(0, Change("xem lại phần tỉnh ghi đè", note=_review(review)))
                if changes:
                    report.changed.append(ProcedureChanges(_ref(after), changes))
                if before.rel != after.rel:
                    report.moved.append((shown(before.rel), shown(after.rel)))
            elif before:
                # Its file is still there but unreadable: not removed, just not comparable.
                if before.rel in new.unreadable:
                    problems[(False, shown(before.rel))].hidden.append(_ref(before))
                else:
                    report.removed.append(_ref(before))
            elif after.rel in old.unreadable:
                problems[(True, shown(after.rel))].hidden.append(_ref(after))
            else:
                report.added.append(_ref(after))
        if old.info is not None and new.info is not None:
            report.catalogue = _catalogue(old, new)
    report.problems = [problems[key] for key in sorted(problems)]
    return report


def _base_now(directory: Path) -> _Side | None:
    """The base on disk, as the working tree's catalogue.yml names it."""
    base = base_directory(directory, read_info(directory)[0])
    return _read_side(base) if base is not None and base.is_dir() else None


def _overrides_to_review(before, after) -> list[str]:
    """Keys the province overrides in both versions and the base changed in between."""
    if before.base is None or after.base is None:
        return []
    return [k for k in sorted(after.local_keys & before.local_keys)
            if before.base.data.get(k) != after.base.data.get(k)]


def _problems(directory: Path, new: _Side, old: _Side, shown) -> dict[tuple[bool, str], FileProblem]:
    """Files with errors, keyed by (at revision?, shown path).

    The working tree's come from the validator itself, so the report agrees with
    ``validate``; the revision's are only those that could not be read at all.
    """
    out: dict[tuple[bool, str], FileProblem] = {}
    by_file: dict[str, list] = {}
    for d in load_catalogue_cached(directory).diagnostics:
        if d.severity is Severity.ERROR:
            by_file.setdefault(d.file, []).append(d)
    for file, found in by_file.items():
        first = found[0]
        more = f" (và {len(found) - 1} lỗi khác)" if len(found) > 1 else ""
        out[(False, file)] = FileProblem(f"{file}:{first.line}:{first.column}", first.message + more)
    for rel, message in new.unreadable.items():
        out.setdefault((False, shown(rel)), FileProblem(shown(rel), message))
    for rel, message in old.unreadable.items():
        out[(True, shown(rel))] = FileProblem(shown(rel), message, at_revision=True)
    return out
