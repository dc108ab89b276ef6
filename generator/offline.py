"""Offline after one visit, and installable: the service worker, the web app manifest and the
offline page, engine-neutral like ``pages``.

``pages.generate`` adds the offline page (``templates/offline.html.j2``) and the manifest to the
site's content. Once the engine has written the whole site, ``write_worker`` reads it back and
writes ``sw.js`` at its root: ``generator/offline-worker.js`` behind the build's constants. The
worker's version is a digest of every published file, so two builds of one commit give the same
worker (reproducible builds) and any change anywhere gives a new one, whose caches replace the
old ones when it activates. The worker precaches the *shell*: the home, search, dossier look-up
and offline pages, the stylesheets, scripts and icons those pages name, and the manifest. It
never precaches the search index or the thousands of procedure pages: those are kept as the
citizen opens them.

The ``--offline`` build (index.html links, opened from ``file://``) has none of this: browsers
run no service worker and fetch no manifest from disk.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import posixpath
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

WORKER = "sw.js"  # at the site's root: a worker's scope is its own folder and below
MANIFEST = "manifest.webmanifest"
PAGE = "khong-co-mang/index.md"  # the offline page
REGISTER = "assets/ngoai-tuyen.js"  # docs/assets: registers the worker, on every page
ICONS = "assets/icons"  # docs/assets/icons, drawn by generator/icons.py
THEME_COLOUR = "#b71c1c"  # --md-primary-fg-color in docs/assets/tthc.css
# How long a page may take to start arriving before the copy kept on the phone is shown. A new
# HTTPS connection over 2G with a 0.8 s round trip takes about 3.2 s before the first byte
# (DNS, TCP, TLS: four round trips), so a slow but working network still gets the page as
# published; past 5 s it is a signal with no data, where a citizen would stare at a blank
# screen. The late answer still refreshes the copy for next time.
TIMEOUT_MS = 5000
KEEP = 200  # pages and files kept as visited, oldest dropped first (a few MB at most)
REFRESH = 20  # pages kept by the previous version that a new version fetches again on install
LARGEST_DOWNLOAD = 512 * 1024  # a blank form up to this size is kept when downloaded
BODY = Path(__file__).with_name("offline-worker.js")

# Served by the preview (python -m generator serve) at /sw.js instead of a site's worker: a worker
# left by a built site served earlier on the same address would answer with its cached stylesheets
# and scripts while an editor changes them. This one deletes the caches and unregisters itself.
RETIRING_WORKER = """\
// The preview's stand-in for a built site's service worker: removes itself and its caches.
self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n.indexOf("tthc:") === 0; })
      .map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.registration.unregister(); }));
});
"""


@dataclass(frozen=True)
class Icon:
    name: str
    size: int
    purpose: str


ICON_FILES = (Icon("icon-192.png", 192, "any"), Icon("icon-512.png", 512, "any"),
              Icon("icon-maskable-192.png", 192, "maskable"), Icon("icon-maskable-512.png", 512, "maskable"))
TOUCH_ICON = f"{ICONS}/icon-192.png"  # apple-touch-icon: iOS ignores the manifest's icons


def short_name(title: str) -> str:
    """What a phone writes under the icon: about 12 characters fit."""
    return title if len(title) <= 12 else "Thủ tục HC"


def manifest(title: str, description: str, start: str) -> str:
    """The web app manifest. Every address is relative to the manifest, which sits at the site's
    root, so the site installs wherever it is published. ``start``: the home page's URL from the
    root ("" for directory URLs)."""
    data = {
        "name": title,
        "short_name": short_name(title),
        "description": description,
        "lang": "vi",
        "dir": "ltr",
        "id": "./",
        "start_url": start or "./",
        "scope": "./",
        "display": "standalone",
        "theme_color": THEME_COLOUR,
        "background_color": "#ffffff",
        "icons": [{"src": f"{ICONS}/{i.name}", "sizes": f"{i.size}x{i.size}", "type": "image/png",
                   "purpose": i.purpose} for i in ICON_FILES],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


# --- after the engine has written the site -------------------------------------------------


def published_files(site: Path) -> Iterator[tuple[str, Path]]:
    """Every file of the built site but the worker, as (path from the root, the file), by path."""
    paths = []
    for folder, _, names in os.walk(site):  # strings, not Path objects: a national site has 7,000 files
        here = os.path.relpath(folder, site).replace(os.sep, "/")
        paths += [name if here == "." else f"{here}/{name}" for name in names]
    for path in sorted(paths):
        if path != WORKER:
            yield path, site / path


def _sha256(data: bytes | Path) -> bytes:
    """A file is read in chunks: a national site's open data has files of 17 MB, which read
    whole at the end of a build would raise its peak memory."""
    if isinstance(data, bytes):
        return hashlib.sha256(data).digest()
    with data.open("rb") as file:
        return hashlib.file_digest(file, "sha256").digest()


def cache_version(files: Iterable[tuple[str, bytes | Path]]) -> str:
    """A digest of the published files (their bytes, or the files), names included: equal for
    equal builds, different when any byte of any file differs or a file comes or goes."""
    # One digest per file, then one of them all in path order: files are read one at a time
    # (a national site is 140 MB), in whatever order they come.
    each = sorted((path.encode("utf-8"), _sha256(data)) for path, data in files)
    digest = hashlib.sha256()
    for name, file_digest in each:
        digest.update(len(name).to_bytes(8, "big") + name + file_digest)
    return digest.hexdigest()[:16]


class _References(HTMLParser):
    """The stylesheets, scripts and icons a page loads, and what it loads later: a fill-in form's
    zip library (``data-zip``)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.refs: list[str] = []
        self.later: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "script" and a.get("src"):
            self.refs.append(a["src"])
        elif tag == "link" and a.get("href") and set((a.get("rel") or "").split()) & {
                "stylesheet", "icon", "manifest", "apple-touch-icon"}:
            self.refs.append(a["href"])
        if a.get("data-zip"):  # docs/assets/khai-bao.js loads it when the DOCX button is pressed
            self.later.append(a["data-zip"])


def page_file(url: str) -> str:
    """The file a directory URL ("", "tim-kiem/") is served from."""
    return url + "index.html" if url == "" or url.endswith("/") else url


def references(site: Path, url: str, later: bool = False) -> list[str]:
    """The site's own files a page at ``url`` loads, as paths from the root, in order;
    ``later``: those it loads only when asked (a button pressed)."""
    parser = _References()
    parser.feed((site / page_file(url)).read_text(encoding="utf-8"))
    here = posixpath.dirname(page_file(url))
    out = []
    for ref in parser.later if later else parser.refs:
        parts = urlsplit(ref)
        if parts.scheme or parts.netloc or not parts.path:
            continue
        path = posixpath.normpath(posixpath.join(here, parts.path))
        if not path.startswith("../") and path not in out:
            out.append(path)
    return out


@dataclass(frozen=True)
class Shell:
    """What ``pages.generate`` names for the worker: the shell's pages, as URLs from the root (the
    offline page last), and a fill-in form's page, whose own files (its script, stylesheet and
    zip library) are kept with the first form a citizen opens."""

    pages: tuple[str, ...]
    fill_in: str | None

    @property
    def offline_page(self) -> str:
        return self.pages[-1]


@dataclass(frozen=True)
class Worker:
    version: str
    shell: list[str]  # precached, URLs from the root
    fill_in: list[str]  # what a fill-in form needs beyond the shell: kept with the forms
    fill_in_later: list[str]  # of which the page does not load itself (the zip library): fetched with it
    shell_bytes: int
    shell_gzip: int  # what the shell costs over the network at most (gzip, level 9)

    def report(self) -> str:
        return (f"{len(self.shell)} tệp cài sẵn khi mở trang lần đầu, {self.shell_bytes / 1000:.0f} KB "
                f"({self.shell_gzip / 1000:.0f} KB gzip), phiên bản {self.version}")


def plan(site: Path, names: Shell) -> Worker:
    """What the worker of the site built in ``site`` precaches, and its version."""
    shell = list(names.pages) + [MANIFEST] + [f"{ICONS}/{i.name}" for i in ICON_FILES]
    for url in names.pages:
        shell += [ref for ref in references(site, url) if ref not in shell]
    fill_in = later = []
    if names.fill_in:
        later = [ref for ref in references(site, names.fill_in, later=True) if ref not in shell]
        fill_in = [ref for ref in references(site, names.fill_in) if ref not in shell] + later
    files = [(page_file(url), (site / page_file(url)).read_bytes()) for url in shell]
    return Worker(version=cache_version(published_files(site)), shell=shell, fill_in=fill_in, fill_in_later=later,
                  shell_bytes=sum(len(data) for _, data in files),
                  shell_gzip=sum(len(gzip.compress(data, 9, mtime=0)) for _, data in files))


def worker_script(worker: Worker, offline_url: str) -> str:
    """``sw.js``: the build's constants, then the worker itself."""
    constants = {"VERSION": worker.version, "SHELL": worker.shell, "OFFLINE": offline_url,
                 "FILL_IN": worker.fill_in, "FILL_IN_LATER": worker.fill_in_later, "TIMEOUT": TIMEOUT_MS, "KEEP": KEEP, "REFRESH": REFRESH,
                 "LARGEST_DOWNLOAD": LARGEST_DOWNLOAD}
    head = "".join(f"var {name} = {json.dumps(value, ensure_ascii=False)};\n" for name, value in constants.items())
    return ("// Made by generator/offline.py for this build; the worker's code is generator/offline-worker.js.\n"
            '"use strict";\n' + head + BODY.read_text(encoding="utf-8"))


def write_worker(site: Path, names: Shell) -> Worker:
    """Write ``sw.js`` into the built site; call it once every other file is written."""
    worker = plan(site, names)
    (site / WORKER).write_text(worker_script(worker, names.offline_page), encoding="utf-8")
    return worker
