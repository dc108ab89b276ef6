"""The one problem type editors see, whatever stage found it.

Every check (YAML syntax, schema, cross-references, files) reports through
``Diagnostic`` so that output, sorting and tests treat all problems alike, in the
``path:line:col: severity: key: message`` shape editors' tools already understand.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import Enum


class Severity(str, Enum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, order=True)
class Diagnostic:
    file: str
    line: int
    column: int
    key: str
    message: str
    severity: Severity = Severity.ERROR

    def __str__(self) -> str:
        key = f"{self.key}: " if self.key else ""
        return f"{self.file}:{self.line}:{self.column}: {self.severity.value}: {key}{self.message}"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def github_annotation(d: Diagnostic) -> str:
    """A GitHub Actions workflow command: the pull request shows it on the offending line."""
    title = f",title={_escape_property(d.key)}" if d.key else ""
    return (f"::{d.severity.value} file={_escape_property(d.file)},line={d.line},col={d.column}{title}"
            f"::{_escape_data(d.message)}")


def as_json(diagnostics: list[Diagnostic], files_checked: int) -> dict:
    errors = sum(d.severity is Severity.ERROR for d in diagnostics)
    return {
        "files_checked": files_checked,
        "errors": errors,
        "warnings": len(diagnostics) - errors,
        "diagnostics": [{"file": d.file, "line": d.line, "column": d.column, "key": d.key,
                         "message": d.message, "severity": d.severity.value} for d in diagnostics],
    }


def gitlab_code_quality(diagnostics: list[Diagnostic]) -> list[dict]:
    """GitLab's Code Quality report: a merge request lists each problem with its file and line."""
    return [{"description": f"{d.key}: {d.message}" if d.key else d.message, "check_name": d.key or "yaml",
             "fingerprint": hashlib.sha256(str(d).encode()).hexdigest(),
             "severity": "major" if d.severity is Severity.ERROR else "minor",
             "location": {"path": d.file, "lines": {"begin": d.line}}} for d in diagnostics]


def summary(diagnostics: list[Diagnostic], files_checked: int) -> str:
    """The closing line of a validation run, in Vietnamese."""
    errors = sum(d.severity is Severity.ERROR for d in diagnostics)
    warnings = len(diagnostics) - errors
    files_with_errors = len({d.file for d in diagnostics if d.severity is Severity.ERROR})
    if not diagnostics:
        return f"Đã kiểm tra {files_checked} tệp: không có lỗi."
    text = f"Đã kiểm tra {files_checked} tệp: "
    text += f"{errors} lỗi trong {files_with_errors} tệp" if errors else "không có lỗi"
    if warnings:
        text += f", {warnings} cảnh báo"
    return text + "."
