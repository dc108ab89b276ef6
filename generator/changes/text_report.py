"""The report for a terminal: what an editor reads before opening a pull request."""

from __future__ import annotations

from generator.changes.phrases import (ABSENT, _changed_part, _hidden, _missing, _no_changes, _problem_heading,
                                       _short, _summary)
from generator.changes.report import Change, Report
from generator.loader import CATALOGUE_FILE


def _text_change(change: Change, pad: str) -> list[str]:
    if change.note is not None:
        return [f"{pad}{change.label}: {change.note}"]
    if change.items:
        return [f"{pad}{change.label}:"] + [f"{pad}  {sign} {text}" for sign, text in change.items]
    old, new = change.old or ABSENT, change.new or ABSENT
    if _short(old, new):
        return [f"{pad}{change.label}: {old} → {new}"]
    if change.old and change.new:
        old, new = _changed_part(change.old, change.new)
    else:
        old, new = change.old, change.new
    return [f"{pad}{change.label}:"] + ([f"{pad}  - {old}"] if old else []) + ([f"{pad}  + {new}"] if new else [])


def as_text(report: Report) -> str:
    """For the terminal: a summary line, then one section per kind of change."""
    lines = [_no_changes(report.rev) if report.empty else _summary(report, report.rev)]
    if report.missing_at_rev:
        lines.append(_missing(report.rev))
    if report.base_note:
        lines.append(report.base_note)
    for title, refs, sign in (("Thủ tục mới:", report.added, "+"), ("Thủ tục bị bỏ:", report.removed, "-")):
        if refs:
            lines += ["", title] + [f"  {sign} {r.code} {r.name}" for r in refs]
    if report.changed:
        lines += ["", "Thủ tục thay đổi:"]
        for item in report.changed:
            lines.append(f"  {item.procedure.code} {item.procedure.name}")
            for change in item.changes:
                lines += _text_change(change, "    ")
    if report.catalogue:
        lines += ["", f"Thông tin chung ({CATALOGUE_FILE}):"]
        for change in report.catalogue:
            lines += _text_change(change, "  ")
    for at_revision in (False, True):
        problems = [p for p in report.problems if p.at_revision is at_revision]
        if problems:
            lines += ["", _problem_heading(at_revision, report.rev)]
            for p in problems:
                lines.append(f"  {p.where}: {p.message}")
                if p.hidden:
                    lines.append(f"    chưa so sánh được: {_hidden(p)}")
    if report.moved:
        lines += ["", "Tệp chuyển chỗ (người dân không thấy khác biệt):"]
        lines += [f"  {old} → {new}" for old, new in report.moved]
    return "\n".join(lines) + "\n"
