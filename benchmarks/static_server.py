"""The benchmarks' static web server: like a real host, it compresses text with gzip for
clients that accept it, and knows the MIME types Pagefind needs (``.wasm``).

Separate from ``tests/helpers.serve`` on purpose: transfer sizes and Lighthouse scores
must see what a gzip-serving host sends, while the tests want plain files.
"""

from __future__ import annotations

import contextlib
import functools
import gzip
import io
import threading
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

_COMPRESSIBLE = {".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".map"}


class _Handler(SimpleHTTPRequestHandler):
    extensions_map = {**SimpleHTTPRequestHandler.extensions_map, ".wasm": "application/wasm",
                      ".js": "text/javascript", ".json": "application/json"}
    _compressed: dict[str, bytes] = {}

    def log_message(self, *args) -> None:
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.split("?", 1)[0].endswith("/"):
            path = path / "index.html"
        if (path.suffix not in _COMPRESSIBLE or not path.is_file()
                or "gzip" not in self.headers.get("Accept-Encoding", "")):
            return super().send_head()
        body = self._compressed.get(str(path))
        if body is None:
            body = self._compressed[str(path)] = gzip.compress(path.read_bytes(), 9)
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Vary", "Accept-Encoding")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


@contextlib.contextmanager
def serve(directory: Path):
    """``http://127.0.0.1:<random port>/`` serving ``directory`` until the block ends."""
    handler = type("Handler", (_Handler,), {"_compressed": {}})
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(handler, directory=str(directory)))
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()
