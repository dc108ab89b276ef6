"""The sentences the text and Markdown reports share, so both say the same thing."""

from __future__ import annotations

from generator.changes.report import VALIDATE, FileProblem, Report

ABSENT = "(không có)"


def _summary(report: Report, rev: str) -> str:
    counts = [f"{n} {word}" for n, word in ((len(report.added), "mới"), (len(report.removed), "bị bỏ"),
                                            (len(report.changed), "thay đổi")) if n]
    if counts:
        counts[0] = counts[0].replace(" ", " thủ tục ", 1)
    groups = [", ".join(counts)] if counts else []
    if report.catalogue:
        groups.append(f"{len(report.catalogue)} thay đổi thông tin chung")
    if report.problems:
        groups.append(f"{len(report.problems)} tệp có lỗi")
    return f"So với {rev}: " + "; ".join(groups) + "."


def _no_changes(rev: str) -> str:
    return f"Không có thay đổi nào đối với người dân so với {rev}."


def _missing(rev: str) -> str:
    return f"Ở {rev} chưa có thư mục bộ thủ tục này: mọi thủ tục đều được tính là mới."


def _short(old: str, new: str) -> bool:
    return "\n" not in old + new and len(old) + len(new) <= 80


def _hidden(problem: FileProblem) -> str:
    return ", ".join(f"{p.code} {p.name}" for p in problem.hidden)


def _problem_heading(at_revision: bool, rev: str) -> str:
    return (f"Tệp không đọc được ở {rev} (so sánh có thể thiếu):" if at_revision else
            f"Tệp có lỗi (chạy {VALIDATE} để xem chi tiết):")
