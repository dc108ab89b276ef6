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


def _changed_part(old: str, new: str, context: int = 3) -> tuple[str, str]:
    """What differs between two long texts, with a few words around it and “…” for the rest.

    A fee edited from “… 10.000 đồng/lần …” to “… 15.000 đồng/lần …” in a 200-character
    line must not read as two whole lines a reviewer has to compare word by word.
    """
    a, b = old.split(), new.split()
    start = 0
    while start < min(len(a), len(b)) and a[start] == b[start]:
        start += 1
    end = 0
    while end < min(len(a), len(b)) - start and a[-1 - end] == b[-1 - end]:
        end += 1
    first, keep_end = max(start - context, 0), max(end - context, 0)

    def part(words: list[str]) -> str:
        text = " ".join(words[first:len(words) - keep_end])
        return ("… " if first else "") + text + (" …" if keep_end else "")

    return part(a), part(b)


def _hidden(problem: FileProblem) -> str:
    return ", ".join(f"{p.code} {p.name}" for p in problem.hidden)


def _problem_heading(at_revision: bool, rev: str) -> str:
    return (f"Tệp không đọc được ở {rev} (so sánh có thể thiếu):" if at_revision else
            f"Tệp có lỗi (chạy {VALIDATE} để xem chi tiết):")


# What each key of a procedure is called in the reports: for the review-your-override notes.
KEY_LABELS = {"name": "tên", "agency": "cơ quan thực hiện", "tiers": "cấp thực hiện", "field": "lĩnh vực",
              "level": "mức độ", "online_url": "địa chỉ nộp trực tuyến", "summary": "mô tả",
              "subjects": "đối tượng thực hiện", "steps": "các bước", "channels": "cách nộp, thời hạn, phí",
              "documents": "thành phần hồ sơ", "forms": "mẫu đơn, tờ khai", "conditions": "điều kiện",
              "results": "kết quả", "legal_basis": "căn cứ pháp lý", "updated": "ngày kiểm tra",
              "announcement": "quyết định công bố"}


def _review(keys: list[str]) -> str:
    named = ", ".join(f"{KEY_LABELS.get(k, k)} ({k})" for k in keys)
    return (f"bộ gốc đã sửa {named}, mà tỉnh đang ghi đè nên người dân chưa thấy bản sửa của bộ gốc; "
            "hãy xem lại phần tỉnh ghi trong tệp")


def _base_unknown(reason: str) -> str:
    return f"Không đọc được bộ gốc ở phiên bản cũ ({reason}): thay đổi của bộ gốc không được tính."
