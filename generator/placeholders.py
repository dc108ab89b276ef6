"""The scaffold's placeholders: one definition for what ``new`` and ``import`` write and what
``validate`` and ``build`` look for.

A file made by ``new`` or ``import`` is valid YAML and a valid procedure, so nothing else
would stop its made-up steps (“(viết lại) …”) or an ``online_url`` guessed from the portal
from reaching citizens. Such a file is a draft until every marker is gone: ``validate``
warns at each marker's line (so ``--strict``, and CI, fail) and ``build`` leaves the
procedure out of the site and names it.
"""

from __future__ import annotations

from collections.abc import Iterator

# In a text value: the text is the scaffold's, to be rewritten.
REWRITE = "(viết lại)"
# After a value, as a YAML comment: the value is a guess, to be checked and the comment removed.
CHECK = "# (kiểm tra lại)"


def found(doc) -> Iterator[tuple[tuple, str]]:
    """(key path, what the editor must do) for every placeholder left in a ``YamlDocument``."""
    for path in _in_text(doc.data, ()):
        yield path, f"đoạn chữ mẫu của công cụ chưa được viết lại; hãy viết nội dung thật và bỏ “{REWRITE}”"
    deepest: dict[int, tuple] = {}  # a line's innermost value: "- type: …  # …" names type, not the item
    for path, (line, _) in doc.values.items():
        if path and line in doc.checked_lines and len(path) >= len(deepest.get(line, ())):
            deepest[line] = path
    for path in deepest.values():
        yield path, f"giá trị do công cụ điền sẵn; hãy kiểm tra rồi xóa chú thích “{CHECK}” ở cuối dòng"


def _in_text(value, path: tuple) -> Iterator[tuple]:
    if isinstance(value, str) and REWRITE in value:
        yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _in_text(item, path + (key,))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            yield from _in_text(item, path + (i,))
