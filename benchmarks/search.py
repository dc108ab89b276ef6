"""Search engines side by side on one catalogue: what a citizen finds, waits for and downloads.

Run from the repository root with the project's virtualenv::

    .venv/bin/python benchmarks/search.py                      # all engines, full query set
    .venv/bin/python benchmarks/search.py --limit 20 --engines material,pagefind

Three engines are measured in one run, on the same pages, in the same headless Chromium:

``material``
    Material for MkDocs' built-in search (lunr, ``lang: vi``). The project turned it off
    because its index loads on every page; this measures what that choice saves and what
    it would have found. The pages are the project's own (``generator.pages.generate``),
    written into a bare Material build without the project's hooks.
``pagefind``
    Pagefind (npm ``pagefind``, pinned below), the usual static-site alternative, indexing
    that same bare build, queried through its JavaScript API (``pagefind.search``).
``project``
    This project's own search page (``tim-kiem/``), built with ``python -m generator
    build``. It is driven only through the contract in ``tests/search/README.md``
    (``?q=`` and filters, ``#tthc-results[data-state=done]``, ``a.tthc-result__link``,
    ``data-ms``), so it needs no change here when the page changes inside.

For each engine: recall@5 (a query is a hit if any expected code is among the first five
distinct pages), recall@5 per ``kind``, top-1 accuracy on the ``no-diacritics`` queries
that are a procedure's exact name, bytes of an ordinary procedure-page load, bytes of the
first query, and latency. Bytes are the sum of ``len(gzip.compress(body, 6))`` over every
response, because a real host serves text gzip-compressed while the benchmark's loopback
server does not. Only Material and this project know what filters are; for Material and
Pagefind a query's ``filters`` are ignored (Pagefind could filter, but only with
``data-pagefind-filter`` markup that the bare build does not have).

Everything stays on 127.0.0.1: sites are served by a ``ThreadingHTTPServer`` on a random
port and Chromium is started with background networking off. Builds are cached in
``benchmarks/.cache/`` (gitignored) under a key of their inputs, so a second run on an
unchanged catalogue and code skips them; ``--rebuild`` forces them.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import gzip
import hashlib
import json
import re
import shutil
import statistics
import subprocess
import sys
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

# Modules beside this script, on sys.path when it runs as one:
from bare_material import write_pages
from machine import CHROMIUM, describe
from static_server import serve

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: make ``generator`` importable without install

from generator.search import fold  # noqa: E402  (after the path is set)

CACHE = ROOT / "benchmarks" / ".cache"
DEFAULT_CATALOGUE = ROOT.parent / "shared" / "catalogues" / "national-2642"
# The held-out sets were written without seeing the engine; the others are the ones it was tuned on.
DEFAULT_QUERIES = [ROOT / "tests" / "search" / name for name in (
    "national-holdout.yml", "national-holdout-2.yml", "national-holdout-3.yml", "national-queries.yml",
    "national-patterns.yml", "national-tuning-3.yml", "national-tuning-4.yml", "national-holdout-4.yml",
    "national-tuning-5.yml", "national-tuning-6.yml")]
DEFAULT_OUTPUT = ROOT / "docs" / "maintainers" / "search-benchmark.md"
ENGINES = ("material", "pagefind", "project")
KINDS = ("diacritics", "no-diacritics", "code", "abbreviation", "colloquial", "partial", "filter",
         "typo", "telex", "agency-field", "question", "marks", "rare")
FILTER_KEYS = ("field", "agency", "tier", "level")

PAGEFIND_VERSION = "1.5.2"  # newest 1.5.x when this was written (`npm view pagefind versions`)
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
                 "--no-first-run"]
TOP = 5
QUERY_TIMEOUT_MS = 30_000
CODE_IN_URL = re.compile(r"/thu-tuc/([^/?#]+)/")


# ---------------------------------------------------------------------------------------------
# Query set


@dataclass(frozen=True)
class Query:
    q: str
    expect: tuple[str, ...]
    kind: str
    filters: dict = field(default_factory=dict, hash=False, compare=False)
    source: str = field(default="", compare=False)  # the query set's file name


def load_queries(path: Path) -> list[Query]:
    """The contract's query-set format; a malformed entry stops the run (figures would lie)."""
    import yaml

    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(raw, list):
        raise SystemExit(f"{path}: expected a list of queries")
    queries = []
    for n, item in enumerate(raw, 1):
        if not isinstance(item, dict) or not isinstance(item.get("q"), str) or not item.get("expect"):
            raise SystemExit(f"{path}: entry {n} needs q (text) and expect (list of codes)")
        kind = item.get("kind")
        if kind not in KINDS:
            raise SystemExit(f"{path}: entry {n}: kind {kind!r} is not one of {', '.join(KINDS)}")
        filters = item.get("filters") or {}
        unknown = set(filters) - set(FILTER_KEYS)
        if unknown:
            raise SystemExit(f"{path}: entry {n}: unknown filters {sorted(unknown)}")
        expect = item["expect"] if isinstance(item["expect"], list) else [item["expect"]]
        queries.append(Query(item["q"], tuple(str(c) for c in expect), kind, dict(filters), path.name))
    return queries


def is_exact_name(query: Query, names: dict[str, str]) -> bool:
    """A ``no-diacritics`` query that is an expected procedure's whole name, tone marks dropped.

    The names in the national data mostly start with “Thủ tục”, which nobody types, so the
    name without it counts as exact too.
    """
    q = fold(query.q)
    for code in query.expect:
        name = fold(names.get(code, ""))
        if name and (q == name or q == name.removeprefix("thu tuc ")):
            return True
    return False


# ---------------------------------------------------------------------------------------------
# Builds (cached under a key of their inputs)


def _tree_key(paths: list[Path], content: bool, exclude: frozenset[Path] = frozenset()) -> str:
    """Hash of every file under ``paths``: contents for code, size and mtime for big data."""
    h = hashlib.sha256()
    for base in paths:
        files = [base] if base.is_file() else sorted(p for p in base.rglob("*") if p.is_file()
                                                     and "__pycache__" not in p.parts)
        for p in files:
            if p.resolve() in exclude:
                continue
            h.update(str(p).encode())
            if content:
                h.update(p.read_bytes())
            else:
                st = p.stat()
                h.update(f"{st.st_size}:{st.st_mtime_ns}".encode())
    return h.hexdigest()[:16]


def _versions() -> str:
    from importlib.metadata import version

    return f"mkdocs {version('mkdocs')}, mkdocs-material {version('mkdocs-material')}"


def _cached_build(name: str, key: str, rebuild: bool, make) -> Path:
    """``CACHE/name-key`` made by ``make(tmp)``; older builds of ``name`` are removed."""
    target = CACHE / "builds" / f"{name}-{key}"
    if target.is_dir() and not rebuild:
        print(f"  {name}: reusing {target.relative_to(ROOT)}", file=sys.stderr)
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    for old in target.parent.glob(f"{name}-*"):
        shutil.rmtree(old)
    tmp = target.with_name(target.name + ".tmp")
    started = time.monotonic()
    make(tmp)
    tmp.rename(target)
    print(f"  {name}: built in {time.monotonic() - started:.0f} s", file=sys.stderr)
    return target


def bare_material_config(site_name: str, site_dir: Path) -> dict:
    """Material as it comes, plus the settings that keep it comparable with the project.

    ``font: false`` because the project has it (no font host); the nav lists only the
    top-level pages, as the project's does: without a ``nav`` MkDocs would put all 2,642
    procedures in every page's sidebar and the build would be quadratic.
    """
    return {
        "site_name": site_name,
        "docs_dir": "docs",
        "site_dir": str(site_dir),
        "use_directory_urls": True,
        "theme": {"name": "material", "language": "vi", "font": False},
        "plugins": [{"search": {"lang": "vi"}}],
        "markdown_extensions": ["attr_list", "toc"],
        "nav": ["index.md", "linh-vuc/index.md", "co-quan/index.md", "cap/index.md",
                "muc-do/index.md", "bieu-mau/index.md", "hoi-dap/index.md"],
        "not_in_nav": "/thu-tuc/\n/linh-vuc/*/\n/co-quan/*/\n/cap/*/\n/muc-do/*/\n",
    }


def build_bare_material(catalogue_dir: Path, rebuild: bool) -> Path:
    """The project's pages in a Material site with only the built-in search: no hooks."""
    from generator.loader import load_catalogue
    from generator.pages import generate

    key = hashlib.sha256("|".join([
        _tree_key([catalogue_dir], content=False),
        _tree_key([ROOT / "generator", ROOT / "templates"], content=True),
        _versions(), json.dumps(bare_material_config("", Path()))]).encode()).hexdigest()[:16]

    def make(out: Path) -> None:
        result = load_catalogue(catalogue_dir)
        if result.catalogue is None or not result.ok:
            raise SystemExit(f"{catalogue_dir}: the catalogue has errors; run "
                             f"`python -m generator validate --catalogue {catalogue_dir}`")
        content = generate(result.catalogue, ROOT / "templates")
        project = out.with_name(out.name + ".src")
        shutil.rmtree(project, ignore_errors=True)
        write_pages(content, project / "docs", data=False)  # forms: pages link to them
        config = bare_material_config(result.catalogue.info.title, out)
        (project / "mkdocs.yml").write_text(json.dumps(config, ensure_ascii=False, indent=1),
                                            encoding="utf-8")
        run = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-f",
                              str(project / "mkdocs.yml")], cwd=project, capture_output=True, text=True)
        shutil.rmtree(project, ignore_errors=True)
        if run.returncode != 0:
            raise SystemExit(f"mkdocs build of the bare Material site failed:\n{run.stderr[-3000:]}")

    return _cached_build("material", key, rebuild, make)


def pagefind_binary() -> Path:
    """Pagefind from npm, installed once into the cache (it ships a native binary)."""
    prefix = CACHE / "node"
    binary = prefix / "node_modules" / ".bin" / "pagefind"
    installed = prefix / "node_modules" / "pagefind" / "package.json"
    if not (binary.exists() and installed.exists()
            and json.loads(installed.read_text())["version"] == PAGEFIND_VERSION):
        print(f"  pagefind: npm install pagefind@{PAGEFIND_VERSION}", file=sys.stderr)
        prefix.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--prefix", str(prefix), "--no-audit", "--no-fund",
                        "--loglevel=error", f"pagefind@{PAGEFIND_VERSION}"], check=True)
    return binary


def index_pagefind(material_site: Path, rebuild: bool) -> Path:
    """Pagefind's index inside the bare Material build (``<site>/pagefind/``); reused."""
    out = material_site / "pagefind"
    stamp = out / ".benchmark-version"
    if out.is_dir() and stamp.exists() and stamp.read_text() == PAGEFIND_VERSION and not rebuild:
        print("  pagefind: reusing the index", file=sys.stderr)
        return out
    shutil.rmtree(out, ignore_errors=True)
    started = time.monotonic()
    run = subprocess.run([str(pagefind_binary()), "--site", str(material_site)],
                         capture_output=True, text=True)
    if run.returncode != 0:
        raise SystemExit(f"pagefind failed:\n{run.stdout[-2000:]}\n{run.stderr[-2000:]}")
    stamp.write_text(PAGEFIND_VERSION)
    print(f"  pagefind: indexed in {time.monotonic() - started:.0f} s", file=sys.stderr)
    return out


def build_project(catalogue_dir: Path, rebuild: bool, report_page: Path) -> Path:
    """The project's own site, through its CLI, as an editor would build it.

    The benchmark's own report page lives in docs/ and changes every run; it is left out
    of the key, or every run would rebuild.
    """
    key = hashlib.sha256("|".join([
        _tree_key([catalogue_dir], content=False),
        _tree_key([ROOT / "generator", ROOT / "templates", ROOT / "docs", ROOT / "mkdocs.yml"],
                  content=True, exclude=frozenset({report_page.resolve()})),
        _versions()]).encode()).hexdigest()[:16]

    def make(out: Path) -> None:
        run = subprocess.run([sys.executable, "-m", "generator", "build", "--catalogue",
                              str(catalogue_dir), "--site-dir", str(out)],
                             cwd=ROOT, capture_output=True, text=True)
        if run.returncode != 0:
            raise SystemExit(f"python -m generator build failed:\n{run.stdout[-2000:]}{run.stderr[-3000:]}")

    return _cached_build("project", key, rebuild, make)


# ---------------------------------------------------------------------------------------------
# Serving and measuring traffic


class Traffic:
    """Every response a browser context receives, gzip-compressed size on demand.

    Bodies are read after the fact (reading them inside the event handler would block
    Playwright's dispatcher); a mark is just an index into the list.
    """

    def __init__(self, context, base: str):
        self.responses = []
        self.base = base
        self.outside: list[str] = []
        context.on("response", self._record)
        context.on("request", self._check_host)

    def _record(self, response) -> None:
        self.responses.append(response)

    def _check_host(self, request) -> None:
        if not request.url.startswith((self.base, "data:", "blob:")):
            self.outside.append(request.url)

    def mark(self) -> int:
        return len(self.responses)

    def gzip_bytes(self, start: int = 0, end: int | None = None, only=None) -> tuple[int, list[str]]:
        total, urls = 0, []
        for response in self.responses[start:end]:
            if only is not None and not only(response.url):
                continue
            try:
                if response.status == 304 or response.request.sizes()["responseBodySize"] < 0:
                    continue  # answered from the browser cache: nothing crossed the network
                body = response.body()
            except Exception:  # redirects and aborted requests have no body
                continue
            total += len(gzip.compress(body, 6))
            urls.append(response.url)
        return total, urls


@dataclass
class Answer:
    codes: list[str]  # procedure codes among the first TOP distinct result pages, in order
    ms: float | None  # query issued → results shown
    data_ms: float | None = None  # the project's own figure (data-ms)
    error: str | None = None


@dataclass
class EngineRun:
    name: str
    answers: list[Answer] = field(default_factory=list)
    page_bytes: int = 0
    first_query_bytes: int = 0
    ready_ms: float | None = None  # Material only: page load → index usable
    notes: list[str] = field(default_factory=list)
    skipped: str | None = None


def codes_from_hrefs(hrefs: list[str]) -> list[str]:
    """First TOP distinct pages (anchors dropped) → the procedure codes among them.

    A result that is not a procedure page (home, a browse list) still takes its slot:
    the citizen sees it in the list.
    """
    pages: list[str] = []
    for href in hrefs:
        page = urllib.parse.unquote(href.split("#", 1)[0])
        if page not in pages:
            pages.append(page)
    codes = []
    for page in pages[:TOP]:
        m = CODE_IN_URL.search(page)
        codes.append(m.group(1) if m else "")
    return codes


# ---------------------------------------------------------------------------------------------
# Engines

_MATERIAL_SEARCH = re.compile(r"/search/search_index\.json|/javascripts/workers/search\.|/javascripts/lunr/")

# Runs one query in Material's header search, timed in the page. The input is focused (which
# opens the search overlay), its value set, and input and keyup events fired: Material reads
# the input on keyup and focus, as after a citizen's last key, so this is one search per query.
# Material replaces the text of .md-search-result__meta in the same synchronous step as the
# result list, so the first mutation of that element after the query is the moment the
# results are shown. A repeated value is not searched again, so each query is preceded by a
# sentinel word that matches nothing, awaited the same way.
_MATERIAL_QUERY = """
async ([q, timeout]) => {
  const input = document.querySelector('input.md-search__input');
  const meta = document.querySelector('.md-search-result__meta');
  const run = (value) => new Promise((resolve) => {
    let t0;
    const done = (error) => {
      observer.disconnect(); clearTimeout(timer);
      const links = [...document.querySelectorAll('.md-search-result__item .md-search-result__link')];
      resolve({ms: error ? null : performance.now() - t0, error,
               hrefs: links.map(a => a.getAttribute('href'))});
    };
    const observer = new MutationObserver(() => done(null));
    const timer = setTimeout(() => done('timeout'), timeout);
    observer.observe(meta, {childList: true, characterData: true, subtree: true});
    t0 = performance.now();
    input.value = value;
    input.dispatchEvent(new Event('input', {bubbles: true}));
    input.dispatchEvent(new KeyboardEvent('keyup', {bubbles: true, key: 'Unidentified'}));
  });
  input.focus();
  await run('zqxjkv');
  return await run(q);
}
"""

# Records when Material's index becomes usable: the meta line leaves “Initializing search”.
_MATERIAL_READY = """
(() => {
  const watch = () => {
    const meta = document.querySelector('.md-search-result__meta');
    if (!meta) return;
    window.__mdInitializer = meta.textContent.trim();
    new MutationObserver((_, obs) => {
      if (meta.textContent.trim() !== window.__mdInitializer) {
        window.__mdReadyAt = performance.now();
        obs.disconnect();
      }
    }).observe(meta, {childList: true, characterData: true, subtree: true});
  };
  document.addEventListener('DOMContentLoaded', watch);
})();
"""


def _procedure_url(base: str, code: str) -> str:
    return f"{base}thu-tuc/{urllib.parse.quote(code)}/"


@contextlib.contextmanager
def _session(browser, site: Path, page_code: str, run: EngineRun, prepare):
    """A fresh browser on the served site, an ordinary page loaded and its bytes counted.

    ``prepare(context)`` adds an engine's init scripts or routes before anything loads.
    Requests to other hosts are noted when the session ends.
    """
    with serve(site) as base:
        context = browser.new_context(locale="vi-VN")
        prepare(context)
        traffic = Traffic(context, base)
        page = context.new_page()
        page.goto(_procedure_url(base, page_code), wait_until="load")
        page.wait_for_load_state("networkidle")
        run.page_bytes, _ = traffic.gzip_bytes()
        try:
            yield base, page, traffic
        finally:
            run.notes += _outside(traffic)
            context.close()


def run_material(browser, site: Path, queries: list[Query], page_code: str) -> EngineRun:
    """Material's search on its own bare build.

    The ordinary page load includes the search index, because Material fetches it on
    every page. First-query bytes are the search files fetched at page load (index,
    worker, lunr) plus whatever the query itself fetched (normally nothing).
    """
    run = EngineRun("material")
    with _session(browser, site, page_code, run, lambda c: c.add_init_script(_MATERIAL_READY)) as (_, page, traffic):
        page.wait_for_function("() => window.__mdReadyAt !== undefined", timeout=120_000)
        run.ready_ms = page.evaluate("window.__mdReadyAt")
        search_bytes, _ = traffic.gzip_bytes(only=lambda url: bool(_MATERIAL_SEARCH.search(url)))
        for i, query in enumerate(queries):
            mark = traffic.mark()
            out = page.evaluate(_MATERIAL_QUERY, [query.q, QUERY_TIMEOUT_MS])
            run.answers.append(Answer(codes_from_hrefs(out["hrefs"]), out["ms"], error=out["error"]))
            if i == 0:
                page.wait_for_timeout(200)
                run.first_query_bytes = search_bytes + traffic.gzip_bytes(mark)[0]
    if any(q.filters for q in queries):
        run.notes.append("filters ignored (Material's search has none)")
    return run


# One Pagefind query through its JS API, timed in the page. The first call also imports
# pagefind.js (and with it the WebAssembly and index metadata): that is the first query's cost.
_PAGEFIND_QUERY = """
async ([q, top]) => {
  const t0 = performance.now();
  if (!window.__pagefind) {
    window.__pagefind = await import('/pagefind/pagefind.js');
    await window.__pagefind.options({});
  }
  const search = await window.__pagefind.search(q);
  const data = await Promise.all(search.results.slice(0, top).map(r => r.data()));
  return {ms: performance.now() - t0, hrefs: data.map(d => d.url)};
}
"""


def run_pagefind(browser, site: Path, queries: list[Query], page_code: str) -> EngineRun:
    """Pagefind on the bare Material build, with Material's own search files blocked.

    Blocking them makes the page what a Pagefind site would serve: nothing search-related
    loads until the first query.
    """
    run = EngineRun("pagefind")
    block_material = lambda c: c.route(_MATERIAL_SEARCH, lambda route: route.abort())  # noqa: E731
    with _session(browser, site, page_code, run, block_material) as (_, page, traffic):
        for i, query in enumerate(queries):
            mark = traffic.mark()
            try:
                out = page.evaluate(_PAGEFIND_QUERY, [query.q, TOP])
                run.answers.append(Answer(codes_from_hrefs(out["hrefs"]), out["ms"]))
            except Exception as exc:  # noqa: BLE001 - one broken query must not end the run
                run.answers.append(Answer([], None, error=str(exc).splitlines()[0]))
            if i == 0:
                page.wait_for_timeout(200)
                run.first_query_bytes = traffic.gzip_bytes(mark)[0]
    if any(q.filters for q in queries):
        run.notes.append("filters ignored (the bare build has no data-pagefind-filter markup)")
    return run


# The contract's “done” moment, recorded in the page as soon as it happens; performance.now()
# counts from the navigation, i.e. from the moment the query was submitted.
_PROJECT_DONE = """
(() => {
  new MutationObserver((_, obs) => {
    const el = document.getElementById('tthc-results');
    if (el && el.getAttribute('data-state') === 'done') {
      window.__tthcDoneAt = performance.now();
      obs.disconnect();
    }
  }).observe(document, {subtree: true, childList: true, attributes: true, attributeFilter: ['data-state']});
})();
"""


def _project_url(base: str, query: Query) -> str:
    params = {"q": query.q, **{k: str(v) for k, v in query.filters.items()}}
    return f"{base}tim-kiem/?{urllib.parse.urlencode(params)}"


def run_project(browser, site: Path, queries: list[Query], page_code: str) -> EngineRun:
    """This project's search page, one navigation to ``tim-kiem/?q=…`` per query.

    Latency runs from the navigation (the query being submitted) to ``data-state=done``;
    ``data-ms`` is the page's own time after its data had loaded. The browser cache is
    kept between queries, as for a citizen searching several times.
    """
    run = EngineRun("project")
    if not (site / "tim-kiem" / "index.html").exists():
        run.skipped = "the build has no tim-kiem/ page yet"
        return run
    with _session(browser, site, page_code, run, lambda c: c.add_init_script(_PROJECT_DONE)) as (base, page, traffic):
        for i, query in enumerate(queries):
            mark = traffic.mark()
            try:
                page.goto(_project_url(base, query), wait_until="commit")
                page.wait_for_selector("#tthc-results[data-state=done]", state="attached",
                                       timeout=QUERY_TIMEOUT_MS)
                out = page.evaluate("""() => ({
                    ms: window.__tthcDoneAt ?? null,
                    dataMs: document.getElementById('tthc-results').getAttribute('data-ms'),
                    hrefs: [...document.querySelectorAll('#tthc-results a.tthc-result__link')]
                           .map(a => a.getAttribute('href'))})""")
                data_ms = float(out["dataMs"]) if out["dataMs"] not in (None, "") else None
                run.answers.append(Answer(codes_from_hrefs(_absolute(page.url, out["hrefs"])),
                                          out["ms"], data_ms))
            except Exception as exc:  # noqa: BLE001 - one broken query must not end the run
                run.answers.append(Answer([], None, error=str(exc).splitlines()[0]))
            if i == 0:
                page.wait_for_load_state("networkidle")
                run.first_query_bytes = traffic.gzip_bytes(mark)[0]
    return run


def _absolute(page_url: str, hrefs: list[str]) -> list[str]:
    """Relative result links (``../thu-tuc/x/``) as URL paths, so codes can be read off."""
    return [urllib.parse.urljoin(page_url, h) for h in hrefs]


def _outside(traffic: Traffic) -> list[str]:
    return [f"requests left 127.0.0.1: {traffic.outside[:3]}"] if traffic.outside else []


# ---------------------------------------------------------------------------------------------
# Figures and report


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile: with few queries, a value that was actually measured."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * p // 100))
    return ordered[int(rank) - 1]


@dataclass
class Figures:
    recall: float | None
    by_kind: dict[str, tuple[int, int]]  # kind → (hits, queries)
    top1: tuple[int, int]  # exact-name no-diacritics: (top-1 hits, queries)
    first_ms: float | None
    median_ms: float | None
    p95_ms: float | None
    data_median: float | None
    data_p95: float | None
    errors: int


def figures(run: EngineRun, queries: list[Query], names: dict[str, str]) -> Figures:
    hits = [bool(set(a.codes[:TOP]) & set(q.expect)) for q, a in zip(queries, run.answers)]
    by_kind: dict[str, tuple[int, int]] = {}
    for q, hit in zip(queries, hits):
        h, n = by_kind.get(q.kind, (0, 0))
        by_kind[q.kind] = (h + hit, n + 1)
    exact = [(q, a) for q, a in zip(queries, run.answers)
             if q.kind == "no-diacritics" and is_exact_name(q, names)]
    top1 = (sum(bool(a.codes) and a.codes[0] in q.expect for q, a in exact), len(exact))
    warm = [a.ms for a in run.answers[1:] if a.ms is not None]
    data = [a.data_ms for a in run.answers if a.data_ms is not None]
    return Figures(
        recall=sum(hits) / len(hits) if hits else None, by_kind=by_kind, top1=top1,
        first_ms=run.answers[0].ms if run.answers else None,
        median_ms=statistics.median(warm) if warm else None, p95_ms=percentile(warm, 95),
        data_median=statistics.median(data) if data else None, data_p95=percentile(data, 95),
        errors=sum(a.error is not None for a in run.answers))


def _pct(x: float | None) -> str:
    return "—" if x is None else f"{100 * x:.0f} %"


def _ratio(hits: int, n: int) -> str:
    return "—" if n == 0 else f"{100 * hits / n:.0f} % ({hits}/{n})"


def _ms(x: float | None) -> str:
    return "—" if x is None else f"{x:,.0f}" if x >= 10 else f"{x:.1f}"


def _kb(n: int) -> str:
    return f"{n / 1000:,.0f} KB" if n >= 10_000 else f"{n / 1000:.1f} KB"


LABELS = {"material": "Material (lunr)", "pagefind": f"Pagefind {PAGEFIND_VERSION}",
          "project": "This project (tim-kiem/)"}


def tables(runs: list[EngineRun], queries: list[Query], names: dict[str, str]) -> str:
    done = [r for r in runs if not r.skipped]
    figs = {r.name: figures(r, queries, names) for r in done}
    lines = ["| engine | recall@5 | top-1, exact names without diacritics | ordinary page load | "
             "first query | first query ms | median ms | p95 ms | data-ms median / p95 |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in done:
        f = figs[r.name]
        first = _ms(f.first_ms)
        if r.ready_ms is not None:
            first += f" (index ready {_ms(r.ready_ms)} ms after page load)"
        data = "—" if f.data_median is None else f"{_ms(f.data_median)} / {_ms(f.data_p95)}"
        lines.append(f"| {LABELS[r.name]} | {_pct(f.recall)} | {_ratio(*f.top1)} | {_kb(r.page_bytes)} | "
                     f"{_kb(r.first_query_bytes)} | {first} | {_ms(f.median_ms)} | {_ms(f.p95_ms)} | {data} |")
    sources = sorted({q.source for q in queries})
    if len(sources) > 1:
        lines += ["", "recall@5 by query set:", "",
                  "| engine | " + " | ".join(f"{src} ({sum(q.source == src for q in queries)})" for src in sources) + " |",
                  "|---|" + "---|" * len(sources)]
        for r in done:
            cells = []
            for src in sources:
                picked = [(q, a) for q, a in zip(queries, r.answers) if q.source == src]
                hits = sum(bool(set(a.codes[:TOP]) & set(q.expect)) for q, a in picked)
                cells.append(_pct(hits / len(picked)))
            lines.append(f"| {LABELS[r.name]} | " + " | ".join(cells) + " |")
    for src in sources:
        picked = [i for i, q in enumerate(queries) if q.source == src]
        kinds = [k for k in KINDS if any(queries[i].kind == k for i in picked)]
        title = f"recall@5 by kind of query, {src}:" if len(sources) > 1 else "recall@5 by kind of query:"
        lines += ["", title, "",
                  "| engine | " + " | ".join(f"{k} ({sum(queries[i].kind == k for i in picked)})" for k in kinds) + " |",
                  "|---|" + "---|" * len(kinds)]
        for r in done:
            cells = []
            for k in kinds:
                mine = [i for i in picked if queries[i].kind == k]
                hits = sum(bool(set(r.answers[i].codes[:TOP]) & set(queries[i].expect)) for i in mine)
                cells.append(_ratio(hits, len(mine)))
            lines.append(f"| {LABELS[r.name]} | " + " | ".join(cells) + " |")
    notes = [f"- {LABELS[r.name]}: not measured: {r.skipped}." for r in runs if r.skipped]
    for r in done:
        extra = list(r.notes)
        if figs[r.name].errors:
            extra.append(f"{figs[r.name].errors} queries failed or timed out (counted as misses)")
        notes += [f"- {LABELS[r.name]}: {n}." for n in extra]
    if notes:
        lines += [""] + notes
    return "\n".join(lines)


def report(table: str, args, queries: list[Query], runs: list[EngineRun], page_code: str,
           catalogue_size: int, seconds: float) -> str:
    """The maintainers' page: the figures and exactly how they were obtained."""
    today = datetime.date.today().isoformat()
    limited = f" (the first {args.limit} only, a quick run)" if args.limit else ""
    shown = []
    for path in args.queries:
        try:
            shown.append(f"`{path.resolve().relative_to(ROOT).as_posix()}`")
        except ValueError:
            shown.append(f"`{path}`, a temporary set outside the repository")
    qpath = " and ".join(shown)
    took = f"{seconds:.0f} s" if seconds < 120 else f"{seconds / 60:.0f} minutes"
    return f"""# Search benchmark

Written by `benchmarks/search.py` on {today}; rerun it to update this page:

```sh
.venv/bin/python benchmarks/search.py
```

Machine: {describe()}. Catalogue: `{args.catalogue.name}` ({catalogue_size} procedures).
Queries: {len(queries)} from {qpath}{limited}. The run took {took}, builds included
(builds are reused when their inputs have not changed).

{table}

## What was measured, and how

- **Engines.** *Material*: Material for MkDocs' built-in search (lunr, `lang: vi`) on a bare
  Material build of the project's own generated pages (no hooks, only the top-level pages
  in the nav). *Pagefind* {PAGEFIND_VERSION}: the same bare build indexed with
  `pagefind --site`, queried through its JavaScript API. *This project*: the site built with
  `python -m generator build`, queried by opening `tim-kiem/?q=…`.
- **recall@5**: share of queries for which one of the expected procedures is among the first
  five result pages (section links of the same page count once; a result that is not a
  procedure page still takes its place). Filters (`kind: filter`) are applied only by this
  project's search; the other two run the same words without them.
- **top-1**: `no-diacritics` queries that are a procedure's exact name (with or without the
  leading “Thủ tục”): share where that procedure is the first result.
- **Bytes** are gzip-compressed sizes (level 6) of every response, as a web server would send
  them; Pagefind's files are gzip already. *Ordinary page load*: a procedure page
  (`thu-tuc/{page_code}/`, the one with the median-sized source file) in a fresh browser, until the network is
  idle; for Material this includes its search index, fetched on every page. *First query*:
  what the first search fetches; for Material that is its index and search scripts, loaded
  with the page.
- **Latency**, in the page: from issuing the query to the results being on screen. *First
  query* is the first one after the page loaded (for Pagefind it includes loading its
  scripts; for this project, loading the search page and its data); *median* and *p95*
  cover the queries after it, browser cache kept. Material is timed once its index is
  ready; the time it needs for that after a page load is given with the first query.
  *data-ms* is this project's own figure: the query's time once its data was loaded.
- Headless Chromium (Debian's), sites served from 127.0.0.1 by Python's HTTP server: no
  network latency, so these times are the browser's work. On a phone on a mobile network,
  the bytes matter much more than the milliseconds here.
"""


# ---------------------------------------------------------------------------------------------
# Main


def median_page(catalogue) -> str:
    """The procedure with the median-sized source file: an ordinary page, not a best case.

    Chosen from the catalogue, not a build, so every engine and every run loads the same page.
    """
    sizes = sorted((e.source.stat().st_size, e.procedure.code) for e in catalogue.entries)
    return sizes[len(sizes) // 2][1]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--catalogue", type=Path, default=DEFAULT_CATALOGUE,
                        help="catalogue directory (default: ../shared/catalogues/national-2642)")
    parser.add_argument("--queries", type=Path, nargs="+", default=DEFAULT_QUERIES,
                        help="query sets (default: the national ones in tests/search/)")
    parser.add_argument("--engines", default=",".join(ENGINES),
                        help=f"comma-separated, from {','.join(ENGINES)} (default: all)")
    parser.add_argument("--limit", type=int, default=0, help="only the first N queries (quick runs)")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT,
                        help="Markdown page to write (default: docs/maintainers/search-benchmark.md)")
    parser.add_argument("--rebuild", action="store_true", help="rebuild sites even if cached")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    started = time.monotonic()
    engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    unknown = set(engines) - set(ENGINES)
    if unknown or not engines:
        raise SystemExit(f"--engines: choose from {', '.join(ENGINES)}")
    args.catalogue = args.catalogue.absolute()
    missing_sets = [q for q in args.queries if not q.exists()]
    if missing_sets:
        raise SystemExit(f"{missing_sets[0]}: no query set (format in tests/search/README.md)")
    queries = [q for path in args.queries for q in load_queries(path)]
    if args.limit:
        queries = queries[:args.limit]

    from generator.loader import load_catalogue

    catalogue = load_catalogue(args.catalogue).catalogue
    if catalogue is None:
        raise SystemExit(f"{args.catalogue}: not a catalogue")
    names = {e.procedure.code: e.procedure.name for e in catalogue.entries}
    missing = sorted({c for q in queries for c in q.expect} - set(names))
    if missing:
        print(f"warning: expected codes not in the catalogue: {', '.join(missing[:10])}", file=sys.stderr)

    print("Builds:", file=sys.stderr)
    sites: dict[str, Path] = {}
    if {"material", "pagefind"} & set(engines):
        sites["material"] = build_bare_material(args.catalogue, args.rebuild)
    if "pagefind" in engines:
        index_pagefind(sites["material"], args.rebuild)
        sites["pagefind"] = sites["material"]
    if "project" in engines:
        sites["project"] = build_project(args.catalogue, args.rebuild, args.output)
    page_code = median_page(catalogue)

    from playwright.sync_api import sync_playwright

    runners = {"material": run_material, "pagefind": run_pagefind, "project": run_project}
    runs = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        for name in engines:
            print(f"Querying {name} ({len(queries)} queries)…", file=sys.stderr)
            t = time.monotonic()
            run = runners[name](browser, sites[name], queries, page_code)
            if run.skipped:
                print(f"  {name}: SKIPPED: {run.skipped}", file=sys.stderr)
            else:
                print(f"  {name}: {time.monotonic() - t:.0f} s", file=sys.stderr)
            runs.append(run)
        browser.close()

    table = tables(runs, queries, names)
    print(table)
    seconds = time.monotonic() - started
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(report(table, args, queries, runs, page_code, len(names), seconds),
                           encoding="utf-8")
    CACHE.mkdir(parents=True, exist_ok=True)
    (CACHE / "last-run.json").write_text(json.dumps({
        r.name: [{"q": q.q, "kind": q.kind, "expect": q.expect, "got": a.codes, "ms": a.ms,
                  "data_ms": a.data_ms, "error": a.error} for q, a in zip(queries, r.answers)]
        for r in runs}, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"\nWrote {args.output} and {(CACHE / 'last-run.json').relative_to(ROOT)} "
          f"({seconds:.0f} s).", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
