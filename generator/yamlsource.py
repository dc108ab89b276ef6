"""Reading one YAML file into plain data *and* the position of every key and value.

PyYAML's constructors would silently turn ``1.000080`` into a float, ``NO`` into
``False`` and ``7:30`` into 450, keep the last of two duplicate keys and happily
expand an alias bomb. Editors must never lose data that way, so we compose the
node tree with libyaml (fast) and convert it ourselves: text stays text, plain
scalars YAML would read as something else become ``Misread`` (the model rejects
them with a hint to quote), duplicate keys and anchors/aliases are errors. Only
decimal integers and the exact words ``true``/``false`` are read as what they say.

Positions are the editor's: libyaml (YAML 1.1) also ends a line at NEL, LINE SEPARATOR
and PARAGRAPH SEPARATOR, which editors show inside a line, so every position is
computed from the character index libyaml reports, with only ``\r\n``, ``\r`` and
``\n`` ending a line.
"""

from __future__ import annotations

import bisect
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from generator import placeholders
from generator.diagnostics import Diagnostic

Path_ = tuple  # a location inside a document: ("documents", 2, "form")

_TAG = "tag:yaml.org,2002:"
_DECIMAL_INT = re.compile(r"[-+]?(0|[1-9][0-9]*)")
_LINE_BREAK = re.compile(r"\r\n|\r|\n")
# Deeper than any key path of the format; also keeps the conversion below Python's recursion limit
# (libyaml itself stops at 1,000 levels).
MAX_DEPTH = 50

# What a plain scalar turned into, in the words an editor understands.
_KINDS = {
    _TAG + "int": "một số nguyên",
    _TAG + "float": "một số thập phân",
    _TAG + "bool": "giá trị đúng/sai",
    _TAG + "timestamp": "ngày tháng",
}

# libyaml's problem texts, translated; anything else is shown as it is.
_SYNTAX_MESSAGES = {
    "mapping values are not allowed in this context": "dấu hai chấm “:” không hợp lệ ở đây; nếu giá trị có dấu hai chấm, hãy đặt cả giá trị trong dấu nháy kép",
    "mapping values are not allowed here": "dấu hai chấm “:” không hợp lệ ở đây; nếu giá trị có dấu hai chấm, hãy đặt cả giá trị trong dấu nháy kép",
    "could not find expected ':'": "thiếu dấu hai chấm “:” sau tên khóa",
    "did not find expected key": "thụt lề không thẳng hàng với các khóa phía trên",
    "did not find expected '-' indicator": "thụt lề của danh sách không thẳng hàng (các mục phải bắt đầu bằng “- ” cùng một cột)",
    "found unexpected end of stream": "tệp kết thúc khi chuỗi trong dấu nháy chưa được đóng",
    "expected a single document in the stream": "mỗi tệp chỉ được chứa một thủ tục (bỏ dòng “---” thứ hai)",
    "found unknown escape character": "ký tự “\\” không hợp lệ trong dấu nháy kép; dùng dấu nháy đơn hoặc viết “\\\\”",
    "found undefined alias": "không dùng bí danh YAML (*tên)",
    "did not find expected node content": "thiếu giá trị",
    "found character that cannot start any token": "ký tự đầu giá trị không hợp lệ (ví dụ @ hoặc `); hãy đặt giá trị trong dấu nháy kép",
    "did not find expected ',' or ']'": "danh sách trong ngoặc vuông thiếu dấu phẩy hoặc dấu “]”",
    "did not find expected ',' or '}'": "khối trong ngoặc nhọn thiếu dấu phẩy hoặc dấu “}”",
    "found unexpected ':'": "dấu hai chấm “:” không hợp lệ ở đây; hãy đặt giá trị trong dấu nháy kép",
    "exceeded maximum nesting depth": "danh sách hoặc khối lồng nhau quá nhiều mức (hơn 1.000)",
}


@dataclass(frozen=True)
class Misread:
    """A plain scalar YAML would not read as the text the editor typed."""

    text: str
    kind: str


@dataclass
class YamlDocument:
    data: Any
    keys: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    values: dict[Path_, tuple[int, int]] = field(default_factory=dict)
    checked_lines: frozenset[int] = frozenset()  # lines ending in the scaffold's “check this” comment

    def position(self, path: Path_, prefer_key: bool = False) -> tuple[int, int]:
        """Best (line, column) for a location, falling back to its nearest ancestor."""
        path = tuple(path)
        while True:
            first, second = (self.keys, self.values) if prefer_key else (self.values, self.keys)
            if path in first:
                return first[path]
            if path in second:
                return second[path]
            if not path:
                return (1, 1)
            path = path[:-1]
            prefer_key = True


def editor_lines(text: str) -> list[str]:
    """The lines of ``text`` as an editor numbers them; the last is what follows the final line break."""
    return _LINE_BREAK.split(text)


class _Positions:
    """(line, column) as an editor shows them, from a character index into the text."""

    def __init__(self, text: str):
        self.starts = [0] + [m.end() for m in _LINE_BREAK.finditer(text)]

    def at(self, index: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.starts, index)
        return line, index - self.starts[line - 1] + 1

    def mark(self, mark) -> tuple[int, int]:
        return self.at(mark.index)


class _TooDeep(Exception):
    def __init__(self, node):
        self.node = node


def read_yaml(path: Path, display: str) -> tuple[YamlDocument | None, list[Diagnostic]]:
    """Parse ``path``; ``display`` is how diagnostics name the file."""

    def error(line: int, col: int, message: str, key: str = "") -> Diagnostic:
        return Diagnostic(display, line, col, key, message)

    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start].decode("utf-8-sig")
        return None, [error(*_Positions(before).at(len(before)),
                            "tệp không phải mã UTF-8; hãy lưu lại tệp với bảng mã UTF-8")]

    positions = _Positions(text)
    if "&" in text or "*" in text:
        found = _anchors_and_aliases(text, error, positions)
        if found:
            return None, found

    try:
        root = yaml.compose(text, Loader=yaml.CSafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = positions.mark(mark) if mark else (1, 1)
        problem = (exc.problem or exc.context or "").strip()
        offending = editor_lines(text)[line - 1][col - 1:col]
        if offending == "\t" or "tab" in problem:
            message = "không được dùng phím Tab để thụt lề; hãy dùng dấu cách"
        else:
            cause = _unclosed_quote(text, line) or _misindented_key(text, line)
            if cause:
                line, col, message = cause
            else:
                message = _SYNTAX_MESSAGES.get(problem) or next(
                    (m for p, m in _SYNTAX_MESSAGES.items() if problem.startswith(p)), f"({problem})")
        return None, [error(line, col, "lỗi cú pháp YAML: " + message)]
    except yaml.reader.ReaderError as exc:  # control characters such as NUL
        before = text.encode("utf-8")[: exc.position].decode("utf-8", "ignore")  # libyaml counts bytes here
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        return None, [error(*positions.at(len(before)), f"tệp chứa ký tự điều khiển không hợp lệ (U+{code:04X}); "
                                       "hãy xóa ký tự đó hoặc lưu lại tệp dạng văn bản thuần")]
    except yaml.YAMLError as exc:
        return None, [error(1, 1, f"không đọc được tệp YAML ({exc})")]

    if root is None:
        return None, [error(1, 1, "tệp rỗng")]

    doc = YamlDocument(data=None)
    if placeholders.CHECK in text:  # a comment, which the node tree does not keep
        doc.checked_lines = frozenset(n for n, line in enumerate(editor_lines(text), 1) if placeholders.CHECK in line)
    diagnostics: list[Diagnostic] = []
    try:
        doc.data = _convert(root, (), doc, diagnostics, error, positions)
    except _TooDeep as deep:
        return None, [error(*positions.mark(deep.node.start_mark),
                            f"danh sách hoặc khối lồng nhau quá nhiều mức (hơn {MAX_DEPTH}); định dạng thủ tục chỉ "
                            "có vài mức, hãy xem lại thụt lề và các dấu [ ] { }")]
    return doc, diagnostics


# A line that starts a value: "key: …" or "- …" or "- key: …", with what follows the marker.
_VALUE_START = re.compile(r"^(\s*)(?:- +)?(?:([^\s#:\"'][^:#]*?):(?: +|$))?(.*)$")
_KEY_LINE = re.compile(r"^(\s*(?:- +)*)([^\s#\"'-][^:#]*?):(?: |$)")


def _unclosed_quote(text: str, error_line: int) -> tuple[int, int, str] | None:
    """A quoted value opened on a line before the error and never closed on that line.

    libyaml reads on into the following lines and fails far below, where nothing is
    wrong; the editor must act where the quote was opened.
    """
    lines = editor_lines(text)[:error_line]
    for number, line in enumerate(lines, 1):
        match = _VALUE_START.match(line)
        value = match.group(3) if match else ""
        if not value or value[0] not in "\"'":
            continue
        # A quoted value may span lines; one that closes only on the error line swallowed the lines
        # between (the closing quote is the next value's opening one): that is the unclosed one.
        quote, rest = value[0], "\n".join([value[1:], *lines[number:error_line - 1]])
        closed = re.search(r'(?<!\\)"', rest) if quote == '"' else re.search(r"'(?!')", rest.replace("''", ""))
        if not closed:
            sign = "kép (\")" if quote == '"' else "đơn (')"
            return number, len(line) - len(value) + 1, (
                f"dấu nháy {sign} mở ở đây chưa được đóng; hãy thêm dấu nháy {sign} ở cuối giá trị trên dòng này")
    return None


def _misindented_key(text: str, error_line: int) -> tuple[int, int, str] | None:
    """A key indented one to three spaces off its siblings above: named as an indentation
    problem, not as the list or colon problem libyaml reports for it."""
    lines = editor_lines(text)
    if not 0 < error_line <= len(lines):
        return None
    here = _KEY_LINE.match(lines[error_line - 1])
    if not here:
        return None
    column = len(here.group(1))
    for line in reversed(lines[:error_line - 1]):
        above = _KEY_LINE.match(line)
        if not line.strip() or line.lstrip().startswith("#") or not above:
            continue
        sibling = len(above.group(1))
        if sibling != column and abs(sibling - column) <= 3:
            key = here.group(2).strip()
            return error_line, column + 1, (
                f"khóa “{key}” thụt lề {column} dấu cách, khác khóa “{above.group(2).strip()}” ngay trên "
                f"({sibling} dấu cách); các khóa cùng một khối phải thẳng cột: hãy thụt lề {sibling} dấu cách")
        return None
    return None


def _anchors_and_aliases(text: str, error, positions: _Positions) -> list[Diagnostic]:
    """Refuse anchors and aliases from the event stream, before anything is built.

    Events are never expanded, so a "billion laughs" file costs one linear scan.
    One diagnostic names the first use: the fix is the same for every one.
    """
    uses, first = 0, None
    try:
        for event in yaml.parse(text, Loader=yaml.CSafeLoader):
            if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
                uses += 1
                first = first or event
    except yaml.YAMLError:
        pass  # compose reports the syntax error with its position
    if not first:
        return []
    sign = "*" if isinstance(first, yaml.AliasEvent) else "&"
    more = f" (tệp có {uses} chỗ dùng neo, bí danh)" if uses > 1 else ""
    return [error(*positions.mark(first.start_mark),
                  f"không dùng neo, bí danh YAML ({sign}{first.anchor}){more}; hãy viết đầy đủ từng giá trị")]


def _convert(node, path: Path_, doc: YamlDocument, diagnostics: list, error, positions: _Positions) -> Any:
    if len(path) > MAX_DEPTH:
        raise _TooDeep(node)
    doc.values[path] = positions.mark(node.start_mark)
    if isinstance(node, yaml.MappingNode):
        out: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if not (isinstance(key_node, yaml.ScalarNode) and key_node.tag == _TAG + "str"):
                diagnostics.append(error(*positions.mark(key_node.start_mark), "tên khóa phải là chữ, ví dụ “name”"))
                continue
            key = key_node.value
            if key in out:
                first = doc.keys[path + (key,)][0]
                diagnostics.append(error(*positions.mark(key_node.start_mark),
                                         f"khóa “{key}” bị lặp lại (đã có ở dòng {first}); hãy xóa một trong hai",
                                         key=dotted(path + (key,))))
                continue
            doc.keys[path + (key,)] = positions.mark(key_node.start_mark)
            out[key] = _convert(value_node, path + (key,), doc, diagnostics, error, positions)
        return out
    if isinstance(node, yaml.SequenceNode):
        return [_convert(item, path + (i,), doc, diagnostics, error, positions) for i, item in enumerate(node.value)]

    tag, value = node.tag, node.value
    if tag == _TAG + "str":
        return value
    if tag == _TAG + "null":
        return None
    if tag == _TAG + "int" and _DECIMAL_INT.fullmatch(value):
        if 0 < sys.get_int_max_str_digits() < len(value.lstrip("+-")):  # int() would refuse it
            return Misread(value, "một số quá dài")
        return int(value)
    if tag == _TAG + "bool" and value in ("true", "false"):  # never NO, yes, on: those stay Misread
        return value == "true"
    if tag in _KINDS:
        return Misread(value, _KINDS[tag])
    diagnostics.append(error(*positions.mark(node.start_mark), f"không hỗ trợ kiểu YAML “{tag}”; hãy viết giá trị dạng chữ",
                             key=dotted(path)))
    return Misread(value, "kiểu không hỗ trợ")


def dotted(path: Path_) -> str:
    """``("documents", 2, "form")`` → ``documents[2].form``, the key name editors see."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else part)
    return text

