"""``serve``: the editors' live preview.

An editor saves a file and looks at the browser; on a national catalogue a whole
build takes ~20 s, far too long for that loop. So the preview builds once, then on
every save re-reads only the changed files (``loader.FileMemo``), regenerates only
the pages whose inputs changed (``pages.Memo``) and has the engine re-render just
those. A save that breaks a file does not stop anything: the last good site stays
and every open page shows the errors in a banner until the file is fixed.

The engine is anything with ``build(content)``, ``update(content) -> changed`` and
``site_dir`` (``mkdocs_adapter.LiveSite`` today); this module does not know MkDocs.
"""

from __future__ import annotations

import errno
import json
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from watchdog.events import FileSystemEventHandler
from watchdog.observers import Observer

from generator import offline
from generator.diagnostics import Diagnostic, Severity
from generator.loader import LoadResult, load_catalogue_cached
from generator.pages import Memo, Urls, generate

LIVE_JS = Path(__file__).with_name("preview.js")
DEBOUNCE = 0.1  # seconds: editors save through a temporary file and a rename
POLL_TIMEOUT = 25  # seconds a browser's status request waits for news
LOG_LENGTH = 100  # page changes remembered for browsers that were busy reloading


@dataclass
class State:
    """What the browsers are told.

    ``version`` changes on any news, ``site`` each time pages were re-rendered; the
    log says which pages, so a browser reloads only when its own page changed.
    """

    version: int = 0
    site: int = 0
    errors: list[Diagnostic] = field(default_factory=list)
    warnings: int = 0
    log: list[tuple[int, list[str]]] = field(default_factory=list)  # (site, URLs or ["*"])

    def as_json(self, seen_site: int) -> dict:
        """``seen_site``: the site the asking page was loaded from."""
        if self.log and seen_site < self.log[0][0] - 1:
            pages = ["*"]  # older than what the log remembers
        else:
            pages = sorted({url for site, urls in self.log if site > seen_site for url in urls})
        return {"version": self.version, "site": self.site, "pages": pages, "warnings": self.warnings,
                "errors": [{"file": d.file, "line": d.line, "column": d.column, "key": d.key,
                            "message": d.message, "text": str(d)} for d in self.errors]}


class Preview:
    def __init__(self, catalogue: Path, templates: Path, engine, log=print):
        self.catalogue = catalogue
        self.templates = templates
        self.engine = engine
        self.log = log
        self.memo = Memo()
        self.urls = Urls(directory_urls=True)
        self.state = State()
        self.changed = threading.Condition()
        self._dirty: set[str] = set()
        self.layers: list[Path] = [catalogue]  # the catalogue and its bases, once loaded
        self._wake = threading.Event()

    # --- building ------------------------------------------------------------------

    def start(self) -> bool:
        """The first, whole build; False when there is nothing to show (catalogue.yml broken)."""
        result = self._load()
        if result.catalogue is None:
            return False
        self.layers = result.layers
        self.engine.build(generate(result.catalogue, self.templates, True, self.memo))
        return True

    def refresh(self, whole: bool = False) -> None:
        """After a save: the changed pages, or everything when a template or page changed."""
        started = time.monotonic()
        result = self._load()
        if not result.ok:
            self.log(f"Trang xem trước chưa cập nhật: {len(self.state.errors)} lỗi (hiện trên trình duyệt).")
            return
        if whole:
            self.memo = Memo()
            self.engine.build(generate(result.catalogue, self.templates, True, self.memo))
            self._publish(pages=["*"])
            self.log(f"Đã dựng lại toàn bộ trang trong {time.monotonic() - started:.2f} giây.")
            return
        # Pages first; the search index and the open data (most of a national catalogue's
        # regeneration time) follow in a whole generation, where every page is memoised.
        content = generate(result.catalogue, self.templates, True, self.memo, search=False)
        content.data = dict(self.engine.content.data)
        changed = self.engine.update(content, rendered=lambda paths: self._publish(pages=paths))
        if changed:
            self.log(f"Đã cập nhật {len(changed)} trang trong {time.monotonic() - started:.2f} giây.")
        self.engine.update(generate(result.catalogue, self.templates, True, self.memo))

    def _load(self) -> LoadResult:
        result = load_catalogue_cached(self.catalogue)
        errors = [d for d in result.diagnostics if d.severity is Severity.ERROR]
        warnings = len(result.diagnostics) - len(errors)
        if errors != self.state.errors or warnings != self.state.warnings:
            for diagnostic in errors:
                self.log(str(diagnostic))
            self.state.errors, self.state.warnings = errors, warnings
            self._publish()
        return result

    def _publish(self, pages: list[str] | None = None) -> None:
        """``pages``: source paths of re-rendered pages, or ["*"] for all."""
        with self.changed:
            self.state.version += 1
            if pages:
                self.state.site += 1
                urls = ["*"] if pages == ["*"] else ["/" + self.urls.url(path) for path in pages]
                self.state.log = [*self.state.log[-(LOG_LENGTH - 1):], (self.state.site, urls)]
            self.changed.notify_all()

    def wait(self, since: int, seen_site: int) -> dict:
        with self.changed:
            self.changed.wait_for(lambda: self.state.version != since, timeout=POLL_TIMEOUT)
            return self.state.as_json(seen_site)

    # --- watching ------------------------------------------------------------------

    def watch(self, catalogue: Path, whole: list[Path]) -> Observer:
        """Catalogue saves update pages; template or hand-written page saves rebuild everything."""
        preview = self

        class Handler(FileSystemEventHandler):
            def __init__(self, kind: str):
                self.kind = kind

            def on_any_event(self, event):
                if event.event_type in ("opened", "closed_no_write"):
                    return
                preview._dirty.add(self.kind)
                preview._wake.set()

        observer = Observer()
        observer.schedule(Handler("catalogue"), str(catalogue), recursive=True)
        for layer in self.layers[1:]:  # a base outside the catalogue: its edits reach adopted pages too
            if not layer.is_relative_to(catalogue.absolute()):
                observer.schedule(Handler("catalogue"), str(layer), recursive=True)
        for path in whole:
            if path.exists():
                observer.schedule(Handler("whole"), str(path), recursive=True)
        observer.daemon = True
        observer.start()
        threading.Thread(target=self._rebuild_loop, daemon=True).start()
        return observer

    def _rebuild_loop(self) -> None:
        while True:
            self._wake.wait()
            time.sleep(DEBOUNCE)
            self._wake.clear()
            dirty, self._dirty = self._dirty, set()
            try:
                self.refresh(whole="whole" in dirty)
            except Exception as exc:  # keep serving: the editor may fix it with the next save
                self.log(f"Lỗi khi cập nhật trang xem trước: {type(exc).__name__}: {exc}")

    # --- serving -------------------------------------------------------------------

    def serve(self, host: str, port: int) -> ThreadingHTTPServer:
        preview = self
        site_dir = str(self.engine.site_dir)

        class Handler(SimpleHTTPRequestHandler):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, directory=site_dir, **kwargs)

            def log_message(self, *args) -> None:
                pass

            def do_GET(self) -> None:
                url = urlsplit(self.path)
                if url.path == "/.preview/live.js":
                    return self._send(200, "text/javascript", LIVE_JS.read_bytes())
                if url.path == "/" + offline.WORKER:  # pages here register no worker; one left from a built site goes
                    return self._send(200, "text/javascript", offline.RETIRING_WORKER.encode())
                if url.path == "/.preview/status":
                    query = parse_qs(url.query)
                    since, site = (_number(query.get(key, ["-1"])[0]) for key in ("since", "site"))
                    state = preview.wait(since, site)
                    return self._send(200, "application/json", json.dumps(state, ensure_ascii=False).encode())
                site = preview.state.site  # before reading: a page rendered meanwhile reloads once more
                local = Path(self.translate_path(self.path))
                if local.is_dir() and url.path.endswith("/"):
                    local = local / "index.html"
                status = 200
                if not local.exists() and url.path.endswith((".html", "/")):
                    local, status = Path(site_dir) / "404.html", 404
                if local.suffix == ".html" and local.is_file():
                    return self._send(status, "text/html; charset=utf-8", _with_live_script(local.read_bytes(), site))
                return super().do_GET()

            def _send(self, status: int, kind: str, body: bytes) -> None:
                self.send_response(status)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.send_header("Cache-Control", "no-store")
                self.end_headers()
                self.wfile.write(body)

        server = _QuietServer((host, port), Handler)
        server.daemon_threads = True
        return server


class _QuietServer(ThreadingHTTPServer):
    """A browser that closes a tab or follows a link drops its connection, often in the middle
    of a long poll: an ordinary event, not an error to print a traceback for."""

    def handle_error(self, request, client_address) -> None:
        if isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            return
        print(f"Lỗi khi trả trang xem trước: {sys.exc_info()[1]!r}", file=sys.stderr, flush=True)


class PortBusy(Exception):
    """The address to serve on is taken, said for the editor."""


def bind(preview: "Preview", host: str, port: int) -> ThreadingHTTPServer:
    try:
        return preview.serve(host, port)
    except OSError as exc:
        if exc.errno in (errno.EADDRINUSE, errno.EACCES):
            raise PortBusy(f"Cổng {port} trên {host} đang được chương trình khác dùng (có thể là một trang xem "
                           f"trước khác đang chạy). Hãy dừng chương trình đó, hoặc chọn cổng khác: make serve "
                           f"PORT={port + 1} (hay python -m generator serve --dev-addr {host}:{port + 1}).") from None
        raise


def _number(text: str) -> int:
    return int(text) if text.lstrip("-").isdigit() else -1


def _with_live_script(html: bytes, site: int) -> bytes:
    """``site``: which rendering the page comes from, so the script knows what it missed."""
    tag = f'<script src="/.preview/live.js" data-site="{site}"></script>'.encode()
    at = html.rfind(b"</body>")
    return html[:at] + tag + html[at:] if at >= 0 else html + tag


def run(catalogue: Path, templates: Path, engine, host: str, port: int, whole: list[Path]) -> int:
    preview = Preview(catalogue, templates, engine, log=lambda text: print(text, file=sys.stderr, flush=True))
    try:
        server = bind(preview, host, port)  # before the first build, which takes a while on a large catalogue
    except PortBusy as exc:
        print(exc, file=sys.stderr)
        return 1
    print("Đang dựng trang xem trước…", file=sys.stderr, flush=True)
    if not preview.start():
        server.server_close()
        print("Hãy sửa catalogue.yml rồi chạy lại lệnh xem trước.", file=sys.stderr)
        return 1
    observer = preview.watch(catalogue, whole)
    print(f"Xem trước tại http://{host}:{port}/ — lưu tệp là trang tự cập nhật; Ctrl+C để dừng.",
          file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    finally:
        observer.stop()
        server.server_close()
    return 0
