"""What publishing costs: build time and memory against bare Material, and a page's weight.

Run from the repository root with the project's virtualenv::

    .venv/bin/python benchmarks/build.py            # national-2642 from ../shared, ~6 minutes
    .venv/bin/python benchmarks/build.py --quick    # the sample catalogue only: a smoke run

In one run, each figure next to its goal:

1. **Build against the site a province would write by hand.** ``python -m generator build``
   against a plain ``mkdocs build`` of one short Markdown page per procedure (name, steps,
   ways to submit with time and fee, documents, legal basis) and a home page linking them,
   theme material with ``font: false``, Material's own search plugin on, procedure pages in
   ``not_in_nav`` (``bare_material.write_hand_written``). Goal: ours ≤ 1.5× its time.
   **Memory, and what the project adds to the same pages:** also a plain ``mkdocs build`` of
   the *same* pages: what ``generator.pages.generate`` produces, written into a temporary
   ``docs/`` with a minimal ``mkdocs.yml`` (the project's ``markdown_extensions`` and nav,
   procedure and list pages in ``not_in_nav`` as the adapter does, no hooks, search off). That
   build is handed pages already generated, and converts them with Python-Markdown as any
   Markdown page; its peak RSS is the yardstick for ours. Goal: ours ≤ 2× its peak RSS. Each
   build is a fresh process started by a small wrapper; its wall time, CPU time (user + sys)
   and peak RSS come from ``os.wait4``, best of ``--repeat`` runs.
2. **Linearity.** The same on a 660-procedure subset (``catalogue.yml`` and every 4th
   procedure file with its forms, copied to a temporary folder so relative form paths stay
   valid) and on the full catalogue: build time per procedure at both sizes. Goal: within
   30 %.
3. **First visit of a procedure page.** The sample (and the national site) served from
   127.0.0.1, the procedure with the median-sized source file opened in a fresh headless
   Chromium (Playwright, Debian's ``/usr/bin/chromium``) until the network is idle; every
   response body's ``gzip -9`` size is summed: what a host serving gzip would send.
   Goal: ≤ 120 KB.
4. **Lighthouse** (npm ``lighthouse``, pinned below, installed into ``benchmarks/.cache/``),
   its default mobile settings (simulated slow 4G, 4× CPU slowdown), on the sample's home,
   procedure and search pages, served gzip-compressed like a real host: performance and
   accessibility scores, FCP, LCP, TBT, CLS; median of ``--lighthouse-runs`` runs.
   Goal: performance ≥ 95, accessibility 100.

The figures go to ``docs/maintainers/build-benchmark.md`` (``--quick`` writes to
``benchmarks/.cache/`` instead, so a smoke run never replaces the real figures). The
national catalogue is read where it is, never copied into the project; builds go to a
temporary folder that is removed at the end. Performance is measured here, never asserted
in tests: timings depend on the machine and on what else it is doing.
"""

from __future__ import annotations

import argparse
import datetime
import gzip
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

# Modules beside this script, on sys.path when it runs as one:
from bare_material import write_hand_written, write_pages
from machine import CHROMIUM, describe
from static_server import serve

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: make ``generator`` importable without install

CACHE = ROOT / "benchmarks" / ".cache"
NATIONAL = ROOT.parent / "shared" / "catalogues" / "national-2642"
SAMPLE = ROOT / "procedures"
DEFAULT_OUTPUT = ROOT / "docs" / "maintainers" / "build-benchmark.md"
QUICK_OUTPUT = CACHE / "build-benchmark-quick.md"

LIGHTHOUSE_VERSION = "12.2.3"
LIGHTHOUSE_PREFIX = CACHE / "lighthouse"
LIGHTHOUSE_CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-background-networking"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic", "--disable-gpu"]

GOAL_RATIO = 1.5
GOAL_MEMORY = 2.0
GOAL_LINEAR = 0.30
GOAL_TRANSFER = 120_000
GOAL_PERF = 95
GOAL_A11Y = 100
SUBSET_STEP = 4  # every 4th procedure: 660 of national-2642


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------------------------
# Timing one build in a fresh process


@dataclass
class Run:
    wall: float  # seconds
    cpu: float  # user + sys seconds
    rss_kb: int  # peak resident set size


def _env() -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("TTHC_CATALOGUE", None)
    return env


# Runs in a small, fresh Python: Linux carries a process's peak RSS across fork and exec, so a
# build started straight from this process (which holds a loaded catalogue) would report this
# process's peak. ``wait4`` gives the build's own usage, its reaped children included.
_MEASURE = """
import json, os, subprocess, sys, time
started = time.monotonic()
child = subprocess.Popen(sys.argv[2:])
_, status, usage = os.wait4(child.pid, 0)
wall = time.monotonic() - started
with open(sys.argv[1], "w") as out:
    json.dump({"exit": os.waitstatus_to_exitcode(status), "wall": wall,
               "cpu": usage.ru_utime + usage.ru_stime, "rss_kb": usage.ru_maxrss}, out)
"""


def timed(command: list[str], cwd: Path) -> Run:
    """One build in a fresh process, measured by the kernel.

    Output goes to a file: a pipe nobody reads while waiting could fill and stall the build.
    """
    with tempfile.TemporaryDirectory() as tmp:
        figures, output = Path(tmp) / "figures.json", Path(tmp) / "output.txt"
        with output.open("wb") as out:
            subprocess.run([sys.executable, "-c", _MEASURE, str(figures), *command], cwd=cwd, env=_env(),
                           stdout=out, stderr=out, check=False)
        result = json.loads(figures.read_text()) if figures.exists() else {"exit": "none"}
        if result["exit"] != 0:
            raise SystemExit(f"{' '.join(command)} failed:\n{output.read_text(errors='replace')[-3000:]}")
    return Run(result["wall"], result["cpu"], result["rss_kb"])


def best(runs: list[Run]) -> Run:
    """Best of the repeats, each figure on its own: other work on the machine only adds."""
    return Run(min(r.wall for r in runs), min(r.cpu for r in runs), min(r.rss_kb for r in runs))


# ---------------------------------------------------------------------------------------------
# The catalogues and the bare Material project


def load(directory: Path):
    from generator.loader import load_catalogue

    result = load_catalogue(directory)
    if result.catalogue is None or not result.ok:
        raise SystemExit(f"{directory}: the catalogue has errors; run "
                         f"`python -m generator validate --catalogue {directory}`")
    return result.catalogue


def make_subset(catalogue, out: Path, step: int) -> int:
    """Every ``step``-th procedure file (by path) with its forms, beside a copy of the registries.

    Files keep their place relative to the catalogue, so ``forms[].file`` stays valid.
    """
    base = catalogue.directory
    out.mkdir(parents=True)
    for registry in ("catalogue.yml", "synonyms.yml"):
        if (base / registry).is_file():
            shutil.copyfile(base / registry, out / registry)
    entries = sorted(catalogue.entries, key=lambda e: e.source.relative_to(base).as_posix())[step - 1::step]
    for entry in entries:
        files = [entry.source] + [entry.form_path(f) for f in entry.procedure.forms if f.file]
        for source in files:
            target = out / source.relative_to(base)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    return len(entries)


def _not_in_nav(pages) -> str:
    """gitignore-style patterns for the pages the adapter marks NOT_IN_NAV.

    One pattern per folder (``/thu-tuc/*/``), not per page: MkDocs matches every file
    against every pattern, so 2,642 patterns would make the bare build quadratic.
    """
    patterns = set()
    for page in pages:
        if not page.in_nav:
            parts = page.path.split("/")
            patterns.add(f"/{parts[0]}/*/" if len(parts) > 2 else f"/{page.path}")
    return "\n".join(sorted(patterns)) + "\n"


def write_bare_project(catalogue, out: Path) -> dict[str, Path]:
    """The project's pages and files as a plain Material project, and the hand-written site;
    returns their config files. The project's own ``docs/`` comes along, as in a real build."""
    import yaml

    from generator.pages import generate

    content = generate(catalogue, ROOT / "templates")
    docs = out / "docs"
    shutil.copytree(ROOT / "docs", docs, ignore=shutil.ignore_patterns("maintainers"))
    write_pages(content, docs)
    ours = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    config = {
        "site_name": content.title,
        "docs_dir": "docs",
        "use_directory_urls": True,
        "theme": {"name": "material", "language": "vi", "font": False},
        "markdown_extensions": ours["markdown_extensions"],
        "nav": ours["nav"],
        "not_in_nav": _not_in_nav(content.pages),
    }
    configs = {"bare": out / "mkdocs-bare.yml", "hand": out / "mkdocs-hand.yml"}
    configs["bare"].write_text(json.dumps({**config, "plugins": []}, ensure_ascii=False, indent=1), encoding="utf-8")
    write_hand_written(catalogue, out / "hand")
    hand = {"site_name": content.title, "docs_dir": "hand", "use_directory_urls": True,
            "theme": {"name": "material", "language": "vi", "font": False}, "plugins": ["search"],
            "nav": [{"Trang chủ": "index.md"}], "not_in_nav": "/thu-tuc/\n"}
    configs["hand"].write_text(json.dumps(hand, ensure_ascii=False, indent=1), encoding="utf-8")
    return configs


def median_page(catalogue) -> str:
    """The procedure with the median-sized source file: an ordinary page, not a best case."""
    sizes = sorted((e.source.stat().st_size, e.procedure.code) for e in catalogue.entries)
    return sizes[len(sizes) // 2][1]


# ---------------------------------------------------------------------------------------------
# Builds at one size


@dataclass
class Size:
    label: str
    procedures: int
    runs: dict[str, Run] = field(default_factory=dict)  # "ours", "hand", "bare"
    site: Path | None = None  # the last build of ours, kept for the page-weight measurement


def measure_size(label: str, catalogue_dir: Path, work: Path, repeat: int, catalogue=None) -> Size:
    """``catalogue``: ``catalogue_dir`` already loaded, if it is."""
    catalogue = catalogue or load(catalogue_dir)
    size = Size(label, len(catalogue.entries))
    log(f"{label}: writing the bare Material project ({size.procedures} procedures)…")
    configs = write_bare_project(catalogue, work / "bare")
    commands = {
        "ours": lambda site: [sys.executable, "-m", "generator", "build", "--catalogue", str(catalogue_dir),
                              "--site-dir", str(site)],
        "bare": lambda site: [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(configs["bare"]),
                              "-d", str(site)],
        "hand": lambda site: [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(configs["hand"]),
                              "-d", str(site)],
    }
    variants = ["ours", "hand", "bare"]
    runs: dict[str, list[Run]] = {v: [] for v in variants}
    for i in range(repeat):
        # Interleaved, so a burst of other work on the machine hits every side alike.
        for variant in variants:
            site = work / f"site-{variant}"
            shutil.rmtree(site, ignore_errors=True)  # not part of the timing
            run = timed(commands[variant](site), cwd=ROOT)
            runs[variant].append(run)
            log(f"  {variant}: {run.wall:.1f} s wall, {run.cpu:.1f} s CPU, {run.rss_kb / 1024:.0f} MB")
    size.runs = {v: best(r) for v, r in runs.items()}
    size.site = work / "site-ours"
    for variant in variants[1:]:
        shutil.rmtree(work / f"site-{variant}", ignore_errors=True)
    shutil.rmtree(work / "bare")
    return size


# ---------------------------------------------------------------------------------------------
# First visit in Chromium


@dataclass
class Visit:
    label: str
    path: str
    total: int = 0  # gzip -9 bytes
    items: list[tuple[str, str, int, int]] = field(default_factory=list)  # url path, kind, raw, gzip
    outside: list[str] = field(default_factory=list)


def first_visit(browser, base: str, label: str, path: str) -> Visit:
    """A fresh browser context (empty cache), the page loaded until the network is idle."""
    visit = Visit(label, path)
    context = browser.new_context(locale="vi-VN", viewport={"width": 360, "height": 740})
    responses = []
    context.on("response", lambda response: responses.append(response))
    context.on("request", lambda r: None if r.url.startswith((base, "data:", "blob:")) else visit.outside.append(r.url))
    page = context.new_page()
    page.goto(base + path, wait_until="load")
    page.wait_for_load_state("networkidle")
    for response in responses:
        try:
            body = response.body()
        except Exception:  # redirects have no body
            continue
        url = urllib.parse.urlsplit(response.url)
        visit.items.append((url.path + (f"?{url.query}" if url.query else ""), response.request.resource_type,
                            len(body), len(gzip.compress(body, 9))))
    context.close()
    visit.items.sort(key=lambda item: -item[3])
    visit.total = sum(item[3] for item in visit.items)
    return visit


def measure_visits(sites: list[tuple[str, Path, str]]) -> list[Visit]:
    """``(label, site, procedure code)``: the procedure page, then the home and search pages."""
    from playwright.sync_api import sync_playwright

    visits = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        for label, site, code in sites:
            with serve(site) as base:
                visits.append(first_visit(browser, base, label, f"thu-tuc/{code}/"))
                visits.append(first_visit(browser, base, label, ""))
                visits.append(first_visit(browser, base, label, "tim-kiem/?q=khai+sinh"))
        browser.close()
    return visits


# ---------------------------------------------------------------------------------------------
# Lighthouse


@dataclass
class Audit:
    page: str
    perf: list[int] = field(default_factory=list)
    a11y: list[int] = field(default_factory=list)
    metrics: dict[str, float] = field(default_factory=dict)  # of the median-performance run
    failing: set[str] = field(default_factory=set)  # accessibility audits below 1, any run
    error: str | None = None


def lighthouse_binary() -> Path:
    binary = LIGHTHOUSE_PREFIX / "node_modules" / ".bin" / "lighthouse"
    installed = LIGHTHOUSE_PREFIX / "node_modules" / "lighthouse" / "package.json"
    if not (binary.exists() and installed.exists()
            and json.loads(installed.read_text())["version"] == LIGHTHOUSE_VERSION):
        log(f"npm install lighthouse@{LIGHTHOUSE_VERSION} (once, into {LIGHTHOUSE_PREFIX.relative_to(ROOT)})")
        LIGHTHOUSE_PREFIX.mkdir(parents=True, exist_ok=True)
        subprocess.run(["npm", "install", "--prefix", str(LIGHTHOUSE_PREFIX), "--no-audit", "--no-fund",
                        "--loglevel=error", f"lighthouse@{LIGHTHOUSE_VERSION}"], check=True)
    return binary


_METRICS = {"FCP": "first-contentful-paint", "LCP": "largest-contentful-paint",
            "TBT": "total-blocking-time", "CLS": "cumulative-layout-shift"}


def run_lighthouse(site: Path, pages: list[str], runs: int) -> tuple[list[Audit], str | None]:
    """Each page ``runs`` times; the run with the median performance score gives the metrics."""
    try:
        binary = lighthouse_binary()
    except (OSError, subprocess.CalledProcessError) as exc:
        return [], f"npm install lighthouse@{LIGHTHOUSE_VERSION} failed: {exc}"
    reports = CACHE / "lighthouse-reports"
    reports.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, CHROME_PATH=CHROMIUM)
    audits = []
    with serve(site) as base:
        for path in pages:
            audit = Audit(path)
            results = []
            for i in range(runs):
                out = reports / f"{path.strip('/').replace('/', '_').split('?')[0] or 'home'}-{i}.json"
                run = subprocess.run([str(binary), base + path, "--only-categories=performance,accessibility",
                                      "--output=json", f"--output-path={out}", "--quiet",
                                      f"--chrome-flags={LIGHTHOUSE_CHROME_FLAGS}"],
                                     env=env, capture_output=True, text=True, timeout=300)
                report = json.loads(out.read_text()) if run.returncode == 0 and out.exists() else None
                if report is None or report.get("runtimeError"):
                    why = (report or {}).get("runtimeError", {}).get("message") or run.stderr.strip()[-300:]
                    audit.error = why or f"exit status {run.returncode}"
                    break
                results.append(report)
                audit.failing |= {ref["id"] for ref in report["categories"]["accessibility"]["auditRefs"]
                                  if ref["weight"] > 0 and (report["audits"][ref["id"]]["score"] or 0) < 1
                                  and report["audits"][ref["id"]]["score"] is not None}
            if results:
                results.sort(key=lambda r: r["categories"]["performance"]["score"])
                audit.perf = [round(100 * r["categories"]["performance"]["score"]) for r in results]
                audit.a11y = [round(100 * r["categories"]["accessibility"]["score"]) for r in results]
                middle = results[len(results) // 2]
                audit.metrics = {k: middle["audits"][v]["numericValue"] for k, v in _METRICS.items()}
            audits.append(audit)
            log(f"  lighthouse {path or '/'}: perf {audit.perf}, a11y {audit.a11y}"
                + (f", error: {audit.error}" if audit.error else ""))
            if audit.error and not results:
                return audits, audit.error
    return audits, None


# ---------------------------------------------------------------------------------------------
# Report


def _s(x: float) -> str:
    return f"{x:.1f} s" if x >= 1 else f"{x * 1000:.0f} ms"


def _kb(n: int) -> str:
    return f"{n / 1000:.1f} KB"


def _verdict(ok: bool | None) -> str:
    return "—" if ok is None else "PASS" if ok else "MISS"


def _versions() -> str:
    from importlib.metadata import version

    return (f"Python {platform.python_version()}, mkdocs {version('mkdocs')}, "
            f"mkdocs-material {version('mkdocs-material')}")


@dataclass
class Results:
    catalogue: str
    sizes: list[Size]
    visits: list[Visit]
    audits: list[Audit]
    lighthouse_error: str | None
    repeat: int
    lighthouse_runs: int
    load: tuple[tuple[float, ...], tuple[float, ...]]
    seconds: float = 0.0
    quick: bool = False


def _pct(x: float) -> str:
    return f"{x * 100:+.0f} %".replace("-", "−")


def _per_procedure(sizes: list[Size], variant: str, figure: str) -> tuple[float, float, float] | None:
    """Seconds per procedure at the smallest and largest size, and their relative difference."""
    if len(sizes) < 2:
        return None
    small, large = sizes[0], sizes[-1]
    per_small = getattr(small.runs[variant], figure) / small.procedures
    per_large = getattr(large.runs[variant], figure) / large.procedures
    return per_small, per_large, per_large / per_small - 1


def summary(r: Results) -> list[str]:
    """Verdicts are on wall time, as the goals are; CPU time is beside it, steadier on a busy machine."""
    full = r.sizes[-1]
    ours, hand, bare = full.runs["ours"], full.runs["hand"], full.runs["bare"]
    ratio, memory = ours.wall / hand.wall, ours.rss_kb / bare.rss_kb
    rows = [f"| build time, ours / hand-written Material with its search ({full.label}, "
            f"{full.procedures:,} procedures) | {ratio:.2f}× ({_s(ours.wall)} / {_s(hand.wall)}); "
            f"CPU time {ours.cpu / hand.cpu:.2f}× | ≤ {GOAL_RATIO}× | {_verdict(ratio <= GOAL_RATIO)} |",
            f"| peak memory, ours / bare Material of the same pages ({full.label}) | {memory:.2f}× "
            f"({ours.rss_kb / 1024:.0f} MB / {bare.rss_kb / 1024:.0f} MB) | ≤ {GOAL_MEMORY:.0f}× | "
            f"{_verdict(memory <= GOAL_MEMORY)} |"]
    wall, cpu = _per_procedure(r.sizes, "ours", "wall"), _per_procedure(r.sizes, "ours", "cpu")
    if wall:
        rows.append(f"| build time per procedure, {r.sizes[0].procedures:,} → {full.procedures:,} procedures | "
                    f"{wall[0] * 1000:.1f} ms → {wall[1] * 1000:.1f} ms ({_pct(wall[2])}); CPU time "
                    f"{cpu[0] * 1000:.1f} ms → {cpu[1] * 1000:.1f} ms ({_pct(cpu[2])}) | "
                    f"within ±{GOAL_LINEAR * 100:.0f} % | "
                    f"{_verdict(abs(wall[2]) <= GOAL_LINEAR)} |")
    else:
        rows.append(f"| build time per procedure, 660 → 2,642 procedures | not measured (`--quick`) | "
                    f"within ±{GOAL_LINEAR * 100:.0f} % | — |")
    for v in r.visits:
        if v.path.startswith("thu-tuc/"):
            rows.append(f"| first visit of a procedure page, gzip ({v.label}, `/{v.path}`) | {_kb(v.total)} | "
                        f"≤ {GOAL_TRANSFER // 1000} KB | {_verdict(v.total <= GOAL_TRANSFER)} |")
    for a in r.audits:
        if a.perf:
            median = a.perf[len(a.perf) // 2]
            rows.append(f"| Lighthouse mobile performance, sample `/{a.page}` | {median} | "
                        f"≥ {GOAL_PERF} | {_verdict(median >= GOAL_PERF)} |")
    for a in r.audits:
        if a.a11y:
            rows.append(f"| Lighthouse accessibility, sample `/{a.page}` | {min(a.a11y)} | {GOAL_A11Y} | "
                        f"{_verdict(min(a.a11y) >= GOAL_A11Y)} |")
    if r.lighthouse_error or not r.audits:
        rows.append(f"| Lighthouse mobile performance / accessibility | not measured: "
                    f"{r.lighthouse_error or 'skipped (--no-lighthouse)'} | ≥ {GOAL_PERF} / {GOAL_A11Y} | — |")
    return ["| measure | figure | goal | result |", "|---|---|---|---|"] + rows


def build_table(r: Results) -> list[str]:
    names = {"ours": "ours: `python -m generator build`",
             "hand": "hand-written Material site, its search on",
             "bare": "bare Material of the same pages, search off"}
    lines = ["| catalogue | build | wall | CPU (user + sys) | peak RSS | per procedure: wall / CPU |",
             "|---|---|---|---|---|---|"]
    for size in r.sizes:
        for variant, run in size.runs.items():
            lines.append(f"| {size.label} ({size.procedures:,}) | {names[variant]} | {_s(run.wall)} | {_s(run.cpu)} | "
                         f"{run.rss_kb / 1024:.0f} MB | {run.wall / size.procedures * 1000:.1f} ms / "
                         f"{run.cpu / size.procedures * 1000:.1f} ms |")
    lines += ["", "| catalogue | ours against | wall | CPU | peak RSS |", "|---|---|---|---|---|"]
    for size in r.sizes:
        o = size.runs["ours"]
        for variant in ("hand", "bare"):
            b = size.runs[variant]
            lines.append(f"| {size.label} ({size.procedures:,}) | {names[variant]} | {o.wall / b.wall:.2f}× | "
                         f"{o.cpu / b.cpu:.2f}× | {o.rss_kb / b.rss_kb:.2f}× |")
    if len(r.sizes) > 1:
        small, large = r.sizes[0], r.sizes[-1]
        lines += ["", "Between the two sizes (CPU time, the steadier figure), each further procedure costs:", ""]
        for variant in ("ours", "hand", "bare"):
            a, b = small.runs[variant].cpu, large.runs[variant].cpu
            marginal = (b - a) / (large.procedures - small.procedures)
            lines.append(f"- {names[variant]}: {marginal * 1000:.1f} ms, on top of a fixed "
                         f"{_s(max(a - marginal * small.procedures, 0))};")
        lines[-1] = lines[-1].rstrip(";") + "."
    return lines


def visit_table(r: Results) -> list[str]:
    lines = ["| site | page | requests | raw | gzip -9 | largest items (gzip -9) |", "|---|---|---|---|---|---|"]
    for v in r.visits:
        top = ", ".join(f"`{Path(urllib.parse.urlsplit(p).path).name or p}` ({kind}) {_kb(g)}"
                        for p, kind, _, g in v.items[:5])
        lines.append(f"| {v.label} | `/{v.path}` | {len(v.items)} | {_kb(sum(i[2] for i in v.items))} | "
                     f"{_kb(v.total)} | {top} |")
    outside = sorted({u for v in r.visits for u in v.outside})
    lines += ["", f"Requests to another host: {len(outside)}" + (f" ({', '.join(outside[:3])})" if outside else ".")]
    return lines


def audit_table(r: Results) -> list[str]:
    if not r.audits:
        return [f"Not measured: {r.lighthouse_error or 'skipped (--no-lighthouse)'}."]
    lines = ["| page | performance (runs) | accessibility | FCP | LCP | TBT | CLS | accessibility audits failing |",
             "|---|---|---|---|---|---|---|---|"]
    for a in r.audits:
        if not a.perf:
            lines.append(f"| `/{a.page}` | not measured: {a.error} | | | | | | |")
            continue
        m = a.metrics
        lines.append(f"| `/{a.page}` | {a.perf[len(a.perf) // 2]} ({', '.join(map(str, a.perf))}) | "
                     f"{min(a.a11y)} | {_s(m['FCP'] / 1000)} | {_s(m['LCP'] / 1000)} | {m['TBT']:.0f} ms | "
                     f"{m['CLS']:.3f} | {', '.join(f'`{x}`' for x in sorted(a.failing)) or '—'} |")
    return lines


def report(r: Results) -> str:
    today = datetime.date.today().isoformat()
    took = f"{r.seconds:.0f} s" if r.seconds < 120 else f"{r.seconds / 60:.0f} minutes"
    load_note = (f"Load average (1 min) at the start {r.load[0][0]:.1f}, at the end {r.load[1][0]:.1f}, "
                 f"on {os.cpu_count()} cores: with other work running, times are longer and noisier than "
                 f"on a quiet machine; ratios and per-procedure figures suffer less, as both sides share it.")
    quick = ("\n**Quick run** (`--quick`): the sample catalogue only; linearity not measured.\n"
             if r.quick else "")
    return "\n".join([
        "# Build benchmark", "",
        f"Written by `benchmarks/build.py` on {today}; do not edit by hand. Rerun it to update this page:", "",
        "```sh", ".venv/bin/python benchmarks/build.py", "```", "",
        f"Machine: {describe()}; {_versions()}. Catalogue: `{r.catalogue}`. The run took {took}.",
        quick, load_note, "",
        *summary(r), "",
        "## Builds", "",
        f"Best of {r.repeat} run{'s' if r.repeat > 1 else ''} each, "
        "each a fresh process started from a small wrapper; "
        "wall time, CPU time and peak RSS from `os.wait4`.", "",
        *build_table(r), "",
        "## First visit", "",
        "A fresh headless Chromium (empty cache, 360 px wide) opens the page and waits until the network "
        "is idle; every response body is compressed with `gzip -9` and summed: what a host serving gzip "
        "would send. The procedure page is the one with the median-sized source file.", "",
        *visit_table(r), "",
        "## Lighthouse", "",
        f"Lighthouse {LIGHTHOUSE_VERSION}, default mobile settings (simulated slow 4G and 4× CPU slowdown), "
        f"Debian's Chromium with `{LIGHTHOUSE_CHROME_FLAGS}`, on the sample site served from 127.0.0.1 "
        f"with gzip; {r.lighthouse_runs} run(s) per page, the median performance score and that run's "
        "metrics; accessibility is the lowest score of the runs and the failing audits are those of any run.", "",
        *audit_table(r), "",
        "## What the figures mean", "",
        "- *Hand-written Material site* is what a province would write without this project: one short "
        "Markdown page per procedure (name, code, steps, ways to submit with time and fee, documents, legal "
        "basis) and a home page linking them, theme material with `font: false`, Material's search plugin on, "
        "procedure pages out of the nav. *Ours / hand-written* is the price of everything the project gives on "
        "top: validation, browse lists, forms and fill-in pages, events, statistics, open data, its search.",
        "- *Bare Material of the same pages* is `mkdocs build` of the pages `generator.pages.generate` produced, written "
        "into a temporary `docs/` with a minimal `mkdocs.yml`: theme material with `font: false`, the "
        "project's `markdown_extensions` and nav, procedure and list pages in `not_in_nav`, no hooks, no "
        "theme overrides, titles in front matter. It starts from pages already generated but converts each "
        "with Python-Markdown, which ours skips for the pages the project makes as HTML; its peak RSS is the "
        "yardstick for ours: the same pages in memory, without the catalogue, the search index and the open data.",
        "- *Per procedure* is a build's wall (or CPU) time divided by its procedures, at 660 (every 4th procedure "
        "file with its forms) and at the full catalogue; fixed costs (starting Python and MkDocs, the "
        "hand-written pages, copying the theme) weigh more on the smaller build.",
        "- Sizes are decimal kilobytes (1 KB = 1,000 bytes).", "",
    ])


# ---------------------------------------------------------------------------------------------
# Main


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true",
                        help="the sample catalogue only (no national builds, no linearity): a smoke run; "
                             f"writes {QUICK_OUTPUT.relative_to(ROOT)} unless --output is given")
    parser.add_argument("--catalogue", type=Path, default=NATIONAL,
                        help="the big catalogue (default: ../shared/catalogues/national-2642)")
    parser.add_argument("--repeat", type=int, default=2, help="runs of each build, best kept (default: 2)")
    parser.add_argument("--lighthouse-runs", type=int, help="runs per page (default: 3; with --quick: 1)")
    parser.add_argument("--no-lighthouse", action="store_true", help="skip Lighthouse")
    parser.add_argument("--output", type=Path,
                        help=f"Markdown page to write (default: {DEFAULT_OUTPUT.relative_to(ROOT)})")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    started = time.monotonic()
    load_start = os.getloadavg()
    output = args.output or (QUICK_OUTPUT if args.quick else DEFAULT_OUTPUT)
    lighthouse_runs = args.lighthouse_runs or (1 if args.quick else 3)
    catalogue_dir = SAMPLE if args.quick else args.catalogue.absolute()
    if not (catalogue_dir / "catalogue.yml").is_file():
        raise SystemExit(f"{catalogue_dir}: no catalogue.yml (national-2642 lives in ../shared beside the "
                         "checkout; --quick measures the sample only)")
    sample = load(SAMPLE)
    work = Path(tempfile.mkdtemp(prefix="build-bench-"))
    try:
        sizes = []
        if not args.quick:
            full = load(catalogue_dir)
            subset_dir = work / "subset"
            n = make_subset(full, subset_dir, SUBSET_STEP)
            national_page = median_page(full)
            sizes.append(measure_size(f"{catalogue_dir.name}, every {SUBSET_STEP}th", subset_dir,
                                      work / "small", args.repeat))
            assert sizes[0].procedures == n
        label = "sample (procedures/)" if args.quick else catalogue_dir.name
        sizes.append(measure_size(label, catalogue_dir, work / "full", 1 if args.quick else args.repeat,
                                  catalogue=None if args.quick else full))
        if args.quick:
            sample_site = sizes[-1].site
        else:
            log("sample: building…")
            sample_site = work / "sample-site"
            timed([sys.executable, "-m", "generator", "build", "--catalogue", str(SAMPLE),
                   "--site-dir", str(sample_site)], cwd=ROOT)
        sample_page = median_page(sample)
        log("first visits in Chromium…")
        sites = [("sample", sample_site, sample_page)]
        if not args.quick:
            sites.append((catalogue_dir.name, sizes[-1].site, national_page))
        visits = measure_visits(sites)
        audits, lighthouse_error = [], None
        if not args.no_lighthouse:
            log("lighthouse…")
            audits, lighthouse_error = run_lighthouse(sample_site, ["", f"thu-tuc/{sample_page}/",
                                                                    "tim-kiem/?q=khai+sinh"], lighthouse_runs)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    results = Results(catalogue_dir.name, sizes, visits, audits, lighthouse_error, 1 if args.quick else args.repeat,
                      lighthouse_runs, (load_start, os.getloadavg()), time.monotonic() - started, args.quick)
    text = report(results)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    print(text)
    log(f"Wrote {output} ({results.seconds:.0f} s).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
