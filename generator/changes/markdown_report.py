"""The report as a pull-request comment, where reviewers who are editors read it.

Values come from editors, so every one is escaped; GitHub limits a comment's size,
so long lists fold and the comment is cut, saying how to see the rest.
"""

from __future__ import annotations

import re

from generator.changes.phrases import (ABSENT, _changed_part, _hidden, _missing, _no_changes, _problem_heading,
                                       _short, _summary)
from generator.changes.report import VALIDATE, Change, Report
from generator.loader import CATALOGUE_FILE


# Markdown and HTML syntax in values from editors, as character references: they
# render as the character in Markdown, in table cells and inside HTML (<summary>)
# alike, where a backslash escape would only work in Markdown. "@" and "#" would
# mention people and link issues in a GitHub comment.
_MARKDOWN = {c: f"&#{ord(c)};" for c in "\\`*_[]|~$@#!{}"} | {"&": "&amp;", "<": "&lt;", ">": "&gt;"}
_MARKDOWN_RE = re.compile("|".join(map(re.escape, _MARKDOWN)))


# At the start of a list item's text, "1." or "-" would begin a nested list.
_LIST_MARKER = re.compile(r"^(\d{0,9})([-+.)])(?=\s|$)")


def md(value: str) -> str:
    """One line of plain text that Markdown and HTML show as typed, wherever it is placed."""
    text = _MARKDOWN_RE.sub(lambda m: _MARKDOWN[m.group()], " ".join(value.split()))
    return _LIST_MARKER.sub(lambda m: f"{m.group(1)}&#{ord(m.group(2))};", text)


_SIGNS = {"+": "thêm", "-": "bỏ"}
FOLD_AFTER = 8  # list lines shown before the rest of a list folds into <details>
COMMENT_LIMIT = 60_000  # GitHub refuses comments over 65,536 characters


def _markdown_change(change: Change) -> list[str]:
    label = md(change.label)
    if change.note is not None:
        return [f"- {label}: {md(change.note)}"]
    if change.items:
        return [f"- {label}:"] + [f"  - {_SIGNS[sign]}: {md(text)}" for sign, text in change.items]
    old, new = change.old or ABSENT, change.new or ABSENT
    if _short(old, new):
        return [f"- {label}: {md(old)} → {md(new)}"]
    if change.old and change.new:
        old, new = _changed_part(change.old, change.new)
    return [f"- {label}:", f"  - trước: {md(old)}", f"  - sau: {md(new)}"]


def _fold(title: str, lines: list[str], fold: bool) -> list[str]:
    """A bold title and its list, behind <details> when the list is long; ``title`` is escaped already."""
    if not fold:
        return [f"**{title}**", ""] + lines + [""]
    return [f"<details><summary><b>{title}</b></summary>", ""] + lines + ["", "</details>", ""]


def _fit(lines: list[str], limit: int, rev: str) -> list[str]:
    """Cut at a line that keeps the comment under ``limit``, closing an open <details>."""
    if len("\n".join(lines)) < limit:
        return lines
    note = f"_… còn nữa: bình luận đã quá dài; hãy chạy python -m generator changes {rev} để xem đầy đủ._"
    kept, size, folded = [], len(note) + 20, False
    for line in lines:
        if size + len(line) + 1 > limit:
            break
        kept.append(line)
        size += len(line) + 1
        folded = line.startswith("<details>") or (folded and line != "</details>")
    return kept + (["", "</details>"] if folded else []) + ["", note]


def as_markdown(report: Report, limit: int = COMMENT_LIMIT) -> str:
    """For a pull-request comment: every value escaped, long lists folded, within GitHub's size limit."""
    rev = md(report.rev)
    lines = ["### Thay đổi đối với người dân", "", _no_changes(rev) if report.empty else _summary(report, rev)]
    if report.missing_at_rev:
        lines += ["", _missing(rev)]
    if report.base_note:
        lines += ["", md(report.base_note)]
    for title, refs in (("Thủ tục mới", report.added), ("Thủ tục bị bỏ", report.removed)):
        if refs:
            items = [f"- **{md(r.code)}** {md(r.name)}" for r in refs]
            if len(items) > FOLD_AFTER:
                items = [f"<details><summary>{len(items)} thủ tục</summary>", "", *items, "", "</details>"]
            lines += ["", f"#### {title}", "", *items]
    if report.changed:
        lines += ["", "#### Thủ tục thay đổi", ""]
        for item in report.changed:
            changes = [line for change in item.changes for line in _markdown_change(change)]
            title, fold = f"{md(item.procedure.code)} {md(item.procedure.name)}", len(changes) > FOLD_AFTER
            lines += _fold(title + (f" ({len(item.changes)} mục)" if fold else ""), changes, fold)
        lines.pop()
    if report.catalogue:
        lines += ["", f"#### Thông tin chung ({CATALOGUE_FILE})", ""]
        lines += [line for change in report.catalogue for line in _markdown_change(change)]
    for at_revision in (False, True):
        problems = [p for p in report.problems if p.at_revision is at_revision]
        if problems:
            heading = _problem_heading(at_revision, rev).rstrip(":").replace(VALIDATE, f"`{VALIDATE}`")
            lines += ["", f"#### {heading}", ""]
            for p in problems:
                hidden = f" — chưa so sánh được: {md(_hidden(p))}" if p.hidden else ""
                lines.append(f"- {md(p.where)}: {md(p.message)}{hidden}")
    if report.moved:
        moves = [f"- {md(old)} → {md(new)}" for old, new in report.moved]
        lines += ["", *_fold("Tệp chuyển chỗ (người dân không thấy khác biệt)", moves, True)[:-1]]
    return "\n".join(_fit(lines, limit, rev)) + "\n"
