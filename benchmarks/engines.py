"""Build time and peak memory per engine (``--engine mkdocs|properdocs|zensical``).

Run from the repository root with the project's virtualenv::

    .venv/bin/python benchmarks/engines.py              # the sample, then national-2642 from ../shared
    .venv/bin/python benchmarks/engines.py --sample-only

Each build is ``python -m generator build --engine E`` in a fresh process, measured by the
kernel (``build.timed``: wall time, CPU time user + sys, peak RSS from ``os.wait4``), best of
``--repeat`` runs on the sample and one run on the national catalogue. The figures replace
the block between the markers in ``docs/maintainers/engines.md``; the rest of that page is
written by hand. Performance is measured here, never asserted in tests.
"""

from __future__ import annotations

import argparse
import datetime
import re
import sys
import tempfile
from pathlib import Path

# Modules beside this script, on sys.path when it runs as one:
from build import Run, best, timed
from machine import describe

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "procedures"
NATIONAL = ROOT.parent / "shared" / "catalogues" / "national-2642"
PAGE = ROOT / "docs" / "maintainers" / "engines.md"
START, END = "<!-- figures: benchmarks/engines.py -->", "<!-- /figures -->"
sys.path.insert(0, str(ROOT))

from generator.engines import ENGINES  # noqa: E402


def measure(catalogue: Path, engine: str, repeat: int) -> tuple[Run, int, int]:
    """The best run, and the built site's files and bytes."""
    runs = []
    with tempfile.TemporaryDirectory(prefix="engines-") as tmp:
        site = Path(tmp) / "site"
        for _ in range(repeat):
            runs.append(timed([sys.executable, "-m", "generator", "build", "--engine", engine,
                               "--catalogue", str(catalogue), "--site-dir", str(site)], cwd=ROOT))
        files = [p for p in site.rglob("*") if p.is_file()]
        return best(runs), len(files), sum(p.stat().st_size for p in files)


def table(label: str, rows: dict[str, tuple[Run, int, int]]) -> list[str]:
    base = rows["mkdocs"][0].wall
    out = [f"**{label}**", "", "| engine | wall | × MkDocs | CPU | peak memory | files | size |", "|---|---:|---:|---:|---:|---:|---:|"]
    for engine, (run, files, size) in rows.items():
        out.append(f"| {engine} | {run.wall:.1f} s | {run.wall / base:.2f} | {run.cpu:.1f} s | "
                   f"{run.rss_kb / 1024:.0f} MB | {files} | {size / 1e6:.1f} MB |")
    return out + [""]


def _versions() -> str:
    from importlib.metadata import version

    return ", ".join(f"{name} {version(name)}" for name in ("mkdocs", "properdocs", "mkdocs-material", "zensical"))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sample-only", action="store_true", help="skip national-2642")
    parser.add_argument("--repeat", type=int, default=3, help="runs per engine on the sample (best kept)")
    args = parser.parse_args()
    catalogues = [("Sample (procedures/, 52 procedures)", SAMPLE, args.repeat)]
    if not args.sample_only and (NATIONAL / "catalogue.yml").is_file():
        catalogues.append(("national-2642 (2,642 procedures), one run each", NATIONAL, 1))
    lines = [START, "", f"Measured {datetime.date.today().isoformat()} on {describe()}; {_versions()}.", ""]
    for label, catalogue, repeat in catalogues:
        rows = {}
        for engine in ENGINES:
            print(f"{label}: {engine}…", file=sys.stderr)
            rows[engine] = measure(catalogue, engine, repeat)
        lines += table(label, rows)
    lines.append(END)
    text = PAGE.read_text(encoding="utf-8")
    block = re.compile(re.escape(START) + ".*?" + re.escape(END), re.S)
    if not block.search(text):
        raise SystemExit(f"{PAGE} has no {START} … {END} block to fill")
    PAGE.write_text(block.sub(lambda _: "\n".join(lines), text), encoding="utf-8")
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
