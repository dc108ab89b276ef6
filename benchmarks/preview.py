"""How long an editor waits in ``serve`` after saving, against a whole build.

Run from the repository root with the project's virtualenv::

    .venv/bin/python benchmarks/preview.py                # national-2642 from ../shared
    .venv/bin/python benchmarks/preview.py --catalogue procedures --saves 5

The catalogue is copied into a temporary folder (it is edited). In one run:

* **whole build**: ``python -m generator build`` (MkDocs + Material, strict), the
  time a preview that rebuilds everything would make an editor wait on every save;
* **preview start**: ``serve`` until its first page answers;
* **per save** (``--saves`` times, two kinds of edit): from writing the file to the
  edited procedure page answering with the change (what the editor sees), and to the
  lists naming it answering with it, polled every 20 ms over HTTP.

The figures are written to ``docs/maintainers/preview-benchmark.md`` (``--output``).
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NATIONAL = ROOT.parent / "shared" / "catalogues" / "national-2642"


def _get(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.read().decode("utf-8")
    except (urllib.error.URLError, OSError):
        return ""


def _until(check, limit: float = 300) -> float:
    started = time.monotonic()
    while not check():
        if time.monotonic() - started > limit:
            raise SystemExit("timed out")
        time.sleep(0.02)
    return time.monotonic() - started


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env() -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("TTHC_CATALOGUE", None)
    return env


def _whole_build(catalogue: Path, work: Path) -> float:
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "generator", "build", "--catalogue", str(catalogue),
                    "--site-dir", str(work / "site")], cwd=ROOT, env=_env(), check=True, capture_output=True)
    return time.monotonic() - started


def _edits(text: str, i: int) -> tuple[str, str]:
    """A name edit (re-renders the lists too) or a content edit, a new first step (the page only)."""
    if i % 2 == 0:
        return re.sub(r"^name: (.*)$", lambda m: f"name: {m.group(1)} S{i}", text, count=1, flags=re.M), f" S{i}"
    marker = f"Bước thử {i}"
    return re.sub(r"^steps:\n( *)- ", lambda m: f"steps:\n{m.group(1)}- {marker}\n{m.group(1)}- ", text,
                  count=1, flags=re.M), marker


def measure(catalogue: Path, saves: int) -> dict:
    work = Path(tempfile.mkdtemp(prefix="preview-bench-"))
    try:
        copy = work / "catalogue"
        shutil.copytree(catalogue, copy)
        whole = _whole_build(copy, work)
        files = sorted(p for p in copy.rglob("*.yml") if p.name not in ("catalogue.yml", "synonyms.yml"))
        port = _free_port()
        base = f"http://127.0.0.1:{port}/"
        started = time.monotonic()
        server = subprocess.Popen([sys.executable, "-m", "generator", "serve", "--catalogue", str(copy),
                                   "--dev-addr", f"127.0.0.1:{port}"], cwd=ROOT, env=_env(),
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            _until(lambda: _get(base).startswith("<!doctype") or "<html" in _get(base))
            startup = time.monotonic() - started
            page_times, list_times = [], []
            for i in range(saves):
                target = files[(i * 97 + len(files) // 3) % len(files)]
                text = target.read_text(encoding="utf-8")
                code = re.search(r"^code: ['\"]?([^'\"\n]+)", text, re.M).group(1)
                field = re.search(r"^field: (\S+)", text, re.M).group(1)
                new, marker = _edits(text, i)
                time.sleep(0.5)
                target.write_text(new, encoding="utf-8")
                written = time.monotonic()
                _until(lambda: marker in _get(f"{base}thu-tuc/{code}/"), 60)
                page_times.append(time.monotonic() - written)
                if i % 2 == 0:
                    _until(lambda: marker in _get(f"{base}linh-vuc/{field}/"), 60)
                    list_times.append(time.monotonic() - written)
        finally:
            server.terminate()
            server.wait(timeout=30)
        return {"procedures": len(files), "whole": whole, "startup": startup,
                "page": page_times, "lists": list_times}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def report(name: str, figures: dict) -> str:
    def spread(values: list[float]) -> str:
        return (f"median {statistics.median(values):.2f} s, max {max(values):.2f} s "
                f"({len(values)} saves)") if values else "—"

    return "\n".join([
        f"## {name} ({figures['procedures']} procedures)", "",
        "| step | time |", "|---|---|",
        f"| whole build (`python -m generator build`, MkDocs + Material) | {figures['whole']:.1f} s |",
        f"| preview start (`serve`, first page answers) | {figures['startup']:.1f} s |",
        f"| save → the edited procedure page answers with the change | {spread(figures['page'])} |",
        f"| save of a name → its field's list answers with it too | {spread(figures['lists'])} |",
        "",
    ])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--catalogue", type=Path, default=NATIONAL)
    parser.add_argument("--saves", type=int, default=10)
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "maintainers" / "preview-benchmark.md")
    args = parser.parse_args()
    figures = measure(args.catalogue, args.saves)
    text = "\n".join([
        "# Preview benchmark", "",
        "Written by `benchmarks/preview.py`; do not edit by hand. What an editor waits for in",
        "`python -m generator serve` after saving a file, next to the whole build a",
        "rebuild-everything preview (such as `mkdocs serve`) would repeat on every save.", "",
        f"Machine: {platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}; "
        f"{time.strftime('%Y-%m-%d')}.", "",
        report(args.catalogue.name, figures),
    ])
    args.output.write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
