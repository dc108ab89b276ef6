"""Running the real CLI and reading what it built, for the end-to-end tests."""

from __future__ import annotations

import contextlib
import functools
import os
import subprocess
import sys
import threading
import unicodedata
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from conftest import ROOT


def run_cli(*args: str, cwd: Path = ROOT, env: dict[str, str | None] | None = None) -> subprocess.CompletedProcess:
    """``env`` overrides this process's environment; a None value removes the variable."""
    changes = {"TTHC_CATALOGUE": None, **(env or {})}
    environment = {k: v for k, v in {**os.environ, "PYTHONPATH": str(ROOT), **changes}.items() if v is not None}
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, env=environment,
                          capture_output=True, text=True, timeout=900)


def squash(text: str) -> str:
    """Text without whitespace, NFC: PDF text extraction splits Vietnamese syllables at each
    combining glyph and wraps lines anywhere, so only the letters are compared."""
    return "".join(unicodedata.normalize("NFC", text).split())


class Elements(HTMLParser):
    """Every start tag with its attributes and the text of every element, in order."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.texts: list[str] = []
        self._stack: list[str] = []
        self.text_in: dict[str, list[str]] = {}
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        self._stack.append(tag)

    def handle_endtag(self, tag):
        if tag in self._stack:
            while self._stack and self._stack.pop() != tag:
                pass

    def handle_data(self, data):
        self.texts.append(data)
        if self._stack:
            self.text_in.setdefault(self._stack[-1], []).append(data)

    @property
    def text(self) -> str:
        return "".join(self.texts)

    def links(self) -> list[str]:
        return [a["href"] for t, a in self.tags if t == "a" and a.get("href")]


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


class _QuietServer(ThreadingHTTPServer):
    """A test that closes its browser while a page or the site's service worker is still
    fetching breaks a connection mid-answer: an ordinary event, not a traceback to print."""

    def handle_error(self, request, client_address) -> None:
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextlib.contextmanager
def serve(directory: Path):
    """A static HTTP server for ``directory`` on 127.0.0.1, yielding its base URL."""
    httpd = _QuietServer(("127.0.0.1", 0), functools.partial(_QuietHandler, directory=str(directory)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


# What a citizen types into each kind of field of a fill-in form (docs/assets/khai-bao.js):
# valid values, so that a filled form checks clean.
SAMPLE_VALUE = {"date": "05/09/2024", "id-number": "001234567890", "phone": "0912 345 678", "number": "1",
                "textarea": "Số 1, bản Mường Phăng", "text": "Nguyễn Thị Hoa"}


def fill_every_field(page) -> None:
    """Fill every field of the fill-in form open in ``page`` with a valid value."""
    for field in page.locator(".kb-field").all():
        kind = field.get_attribute("data-type")
        if kind == "choice":
            field.locator("input").first.check()
        elif kind == "checkbox":
            field.locator("input").check()
        else:
            field.locator("input, textarea").first.fill(SAMPLE_VALUE.get(kind, "Nguyễn Thị Hoa"))
