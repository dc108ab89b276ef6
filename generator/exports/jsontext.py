"""JSON text that is the same byte for byte on every run, and JSON that is safe inside HTML."""

from __future__ import annotations

import json

from markupsafe import Markup


def dumps(value: object) -> str:
    """Compact, sorted keys, Vietnamese kept readable (not \\u-escaped): diffs between builds stay small."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


_HTML_SAFE = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                            "\u2028": "\\u2028", "\u2029": "\\u2029"})


def script_json(value: object) -> Markup:
    """JSON for a ``<script>`` element: no value from YAML can close the element or open a comment.

    ``<``, ``>`` and ``&`` only occur inside JSON strings, where their ``\\u`` escapes mean the
    same characters, so the data is unchanged for every JSON reader. Only after that is the
    text marked safe for the template.
    """
    return Markup(dumps(value).translate(_HTML_SAFE))
