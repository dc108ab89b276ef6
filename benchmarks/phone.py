"""A citizen's phone on slow mobile data: how soon the home page and a procedure page show
something, before and after a change, in one run.

Run from the repository root with the project's virtualenv::

    .venv/bin/python benchmarks/phone.py                   # before = 8f7fc83, after = the work tree
    .venv/bin/python benchmarks/phone.py --before <git ref> --no-national

Each side is built from its own source tree: ``--before`` is checked out into a temporary git
worktree and built with its own ``generator``; "after" is this checkout. Both build the sample
catalogue in ``procedures/`` and, unless ``--no-national``, ``../shared/catalogues/national-2642``
(the catalogue of the same name on both sides, so the difference is the code's).

Chromium (Debian's, as in the tests) opens each page at a 390 px phone viewport with touch,
through CDP network throttling: 400 ms round trip, 50 KB/s down, 20 KB/s up, the HTTP cache
off (a first visit). The server compresses text with gzip as real hosts do. Figures per page:
first contentful paint (FCP), when the page's main heading or search field is painted
(``visible``), the load event, the bytes sent over the wire, and how many phone screens the page
is. Each figure is the median of ``--runs`` visits. They are written to
``docs/maintainers/phone-benchmark.md``.
"""

from __future__ import annotations

import argparse
import datetime
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from machine import CHROMIUM, describe
from static_server import serve

ROOT = Path(__file__).resolve().parent.parent
NATIONAL = ROOT.parent / "shared" / "catalogues" / "national-2642"
CACHE = Path(__file__).resolve().parent / ".cache" / "phone"
BEFORE = "8f7fc83"  # the site as issue 12 found it (the first wave)
THROTTLE = {"offline": False, "latency": 400, "downloadThroughput": 50 * 1024, "uploadThroughput": 20 * 1024}
VIEWPORT = {"width": 390, "height": 844}
# What a citizen comes to see first on each page: the field to type in, or the page's title.
PAGES = {"home": ("", "#tthc-home-q, main h1"), "procedure": ("thu-tuc/{code}/", "main h1")}
CODES = {"sample": "1.001193", "national": "1.001193"}


def _build(source: Path, catalogue: Path, site: Path) -> None:
    if (site / "index.html").is_file():
        return
    run = subprocess.run([sys.executable, "-m", "generator", "build", "--catalogue", str(catalogue),
                          "--site-dir", str(site)], cwd=source, capture_output=True, text=True)
    if run.returncode:
        raise SystemExit(f"build of {catalogue} from {source} failed:\n{run.stdout[-2000:]}{run.stderr[-2000:]}")


def _sites(before: str, catalogues: dict[str, Path], rebuild: bool) -> dict[tuple[str, str], Path]:
    """(side, catalogue name) → built site; the before side is cached by its commit, the
    after side (the work tree, which may have uncommitted changes) is always rebuilt."""
    commit = subprocess.run(["git", "rev-parse", before], cwd=ROOT, capture_output=True, text=True,
                            check=True).stdout.strip()
    if rebuild:
        shutil.rmtree(CACHE, ignore_errors=True)
    sites = {}
    with tempfile.TemporaryDirectory() as tmp:
        worktree = Path(tmp) / "before"
        subprocess.run(["git", "worktree", "add", "--detach", str(worktree), commit], cwd=ROOT,
                       capture_output=True, check=True)
        try:
            for name, catalogue in catalogues.items():
                sites["before", name] = CACHE / f"before-{commit[:12]}-{name}"
                _build(worktree, catalogue, sites["before", name])
        finally:
            subprocess.run(["git", "worktree", "remove", "--force", str(worktree)], cwd=ROOT, capture_output=True)
    for name, catalogue in catalogues.items():
        sites["after", name] = CACHE / f"after-{name}"
        shutil.rmtree(sites["after", name], ignore_errors=True)
        _build(ROOT, catalogue, sites["after", name])
    return sites


_TIMES = """(selector) => {
  const paint = performance.getEntriesByName("first-contentful-paint")[0];
  const nav = performance.getEntriesByType("navigation")[0];
  return {fcp: paint ? paint.startTime : null, load: nav.loadEventEnd,
          visible: window.__visibleAt || null,
          screens: document.documentElement.scrollHeight / innerHeight};
}"""
# Records when the first element matching the selector is painted with a size.
_WATCH = """(selector) => {
  const check = () => {
    const e = document.querySelector(selector);
    if (e && e.getBoundingClientRect().height > 0) { window.__visibleAt = performance.now(); return; }
    requestAnimationFrame(check);
  };
  requestAnimationFrame(check);
}"""


def _visit(browser, url: str, selector: str) -> dict:
    context = browser.new_context(viewport=VIEWPORT, is_mobile=True, has_touch=True, locale="vi-VN")
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    cdp.send("Network.emulateNetworkConditions", THROTTLE)
    sent = []
    cdp.on("Network.loadingFinished", lambda e: sent.append(e["encodedDataLength"]))
    page.add_init_script(f"({_WATCH})({selector!r})")
    page.goto(url, wait_until="load", timeout=300_000)
    page.wait_for_function("() => window.__visibleAt", timeout=300_000)
    page.wait_for_timeout(300)
    figures = page.evaluate(_TIMES, selector)
    figures["bytes"] = sum(sent)
    context.close()
    return figures


def measure(sites: dict, runs: int) -> dict:
    from playwright.sync_api import sync_playwright

    results = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=[
            "--no-sandbox", "--disable-background-networking", "--disable-component-update",
            "--disable-dev-shm-usage"])
        for (side, name), site in sites.items():
            with serve(site) as base:
                for page, (path, selector) in PAGES.items():
                    visits = [_visit(browser, base + path.format(code=CODES[name]), selector) for _ in range(runs)]
                    results[side, name, page] = {k: statistics.median(v[k] for v in visits) for k in visits[0]}
        browser.close()
    return results


def report(results: dict, before: str, runs: int) -> str:
    lines = [
        "# Phone benchmark: first visit on slow mobile data",
        "",
        f"Generated by `benchmarks/phone.py` on {datetime.date.today().isoformat()}: {describe()}.",
        "",
        f"390 px phone viewport with touch, CDP throttling {THROTTLE['latency']} ms round trip, "
        f"{THROTTLE['downloadThroughput'] // 1024} KB/s down, HTTP cache off, gzip on; median of {runs} visits. "
        f"*Before* is `{before}` (the site as issue 12 found it), *after* is this checkout; both build the "
        "same catalogue. *Visible* is when the page's search field (home) or title (procedure) is painted.",
        "",
        "| catalogue | page | side | first paint | visible | load | bytes (gzip) | screens |",
        "|---|---|---|---:|---:|---:|---:|---:|",
    ]
    for (side, name, page), f in sorted(results.items(), key=lambda kv: (kv[0][1], kv[0][2], kv[0][0] != "before")):
        lines.append(f"| {name} | {page} | {side} | {f['fcp'] / 1000:.2f} s | {f['visible'] / 1000:.2f} s | "
                     f"{f['load'] / 1000:.2f} s | {f['bytes'] / 1024:.1f} KB | {f['screens']:.1f} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--before", default=BEFORE, help=f"git ref of the before side (default {BEFORE})")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--no-national", action="store_true", help="only the sample catalogue")
    parser.add_argument("--rebuild", action="store_true", help="ignore the cached builds")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "maintainers" / "phone-benchmark.md")
    args = parser.parse_args()
    catalogues = {"sample": ROOT / "procedures"}
    if not args.no_national:
        if not (NATIONAL / "catalogue.yml").is_file():
            raise SystemExit(f"national-2642 not found at {NATIONAL}; run with --no-national")
        catalogues["national"] = NATIONAL
    text = report(measure(_sites(args.before, catalogues, args.rebuild), args.runs), args.before, args.runs)
    args.output.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
