"""What a province on a base catalogue costs: inherited files against the same content as full files.

Run from the repository root with the project's virtualenv::

    .venv/bin/python benchmarks/layers.py             # national-2642 from ../shared, ~8 minutes
    .venv/bin/python benchmarks/layers.py --repeat 1  # one run of each

In one run, on ``../shared/catalogues/national-2642`` (read where it is for the builds):

1. **Validate and build.** ``python -m generator validate`` and ``build`` of the national
   catalogue as it is (2,642 full procedure files) against a province whose
   ``catalogue.yml`` names it as ``base`` and which adopts every procedure with a two-line
   file (``code`` + ``inherit: true``), and against the same province with local overrides
   (agency and channels) in one file in ten. Each in a fresh process, wall time and peak
   RSS from ``os.wait4`` (``build.timed``), best of ``--repeat``. Goal: inherited ≤ 1.1×
   full files.
2. **Preview.** ``serve`` on a copy of the national catalogue and on the adopting province
   (with that copy as its base, since both are edited): from saving a file to the edited
   page answering with the change, for a full file, a province file (a new override) and a
   base file (a new step, seen in the adopted page). Goal: about a second, as full files.

The figures go to ``docs/maintainers/layers-benchmark.md``. Timings are measured here,
never asserted in tests.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

# Modules beside this script, on sys.path when it runs as one:
from build import Run, best, timed
from machine import describe
from preview import _env, _free_port, _get, _until

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from generator.loader import procedure_files  # noqa: E402 - after the path is set

NATIONAL = ROOT.parent / "shared" / "catalogues" / "national-2642"
OUTPUT = ROOT / "docs" / "maintainers" / "layers-benchmark.md"
GOAL_RATIO = 1.10
OVERRIDE = ("agency: ubnd-xa-thu-nghiem\nchannels:\n  - type: truc-tiep\n"
            "    fee: 10.000 đồng (theo Nghị quyết của HĐND tỉnh Thử Nghiệm)\n")


def _code(path: Path) -> str:
    return re.search(r"^code: ['\"]([^'\"]+)", path.read_text(encoding="utf-8"), re.M).group(1)


def province(target: Path, base: Path, every_override: int = 0) -> Path:
    """A province adopting every procedure of ``base``; with overrides in one file in ``every_override``."""
    target.mkdir(parents=True)
    agencies = "agencies:\n  - id: ubnd-xa-thu-nghiem\n    name: Ủy ban nhân dân xã Thử Nghiệm\n"
    (target / "catalogue.yml").write_text(f"title: Bộ thủ tục tỉnh thử nghiệm\nprovince: tỉnh Thử Nghiệm\n"
                                          f"base: {os.path.relpath(base, target)}\n{agencies}", encoding="utf-8")
    for i, path in enumerate(procedure_files(base)):
        local = target / path.parent.name / path.name
        local.parent.mkdir(exist_ok=True)
        extra = OVERRIDE if every_override and i % every_override == 0 else ""
        local.write_text(f'code: "{_code(path)}"\ninherit: true\n{extra}', encoding="utf-8")
    return target


def _command(*args: str) -> list[str]:
    return [sys.executable, "-m", "generator", *args]


def measure_builds(work: Path, repeat: int) -> dict[str, dict[str, Run]]:
    catalogues = {"tệp đầy đủ (national-2642)": NATIONAL,
                  "kế thừa, 2 dòng mỗi tệp": province(work / "adopt", NATIONAL),
                  "kế thừa, 1/10 tệp ghi đè cơ quan và phí": province(work / "override", NATIONAL, 10)}
    out: dict[str, dict[str, Run]] = {}
    for label, catalogue in catalogues.items():
        out[label] = {}
        for step in ("validate", "build"):
            runs = []
            for i in range(repeat):
                site = work / f"site-{len(out)}-{i}"
                args = ["validate", "--catalogue", str(catalogue)] if step == "validate" else \
                    ["build", "--catalogue", str(catalogue), "--site-dir", str(site)]
                print(f"{label}: {step} {i + 1}/{repeat}", file=sys.stderr, flush=True)
                runs.append(timed(_command(*args), ROOT))
                shutil.rmtree(site, ignore_errors=True)
            out[label][step] = best(runs)
    return out


def _step_added(path: Path, marker: str) -> str:
    return re.sub(r"^steps:\n( *)- ", lambda m: f"steps:\n{m.group(1)}- {marker}\n{m.group(1)}- ",
                  path.read_text(encoding="utf-8"), count=1, flags=re.M)


def measure_preview(work: Path, saves: int) -> dict[str, dict]:
    """Per save, from writing a file to the edited page answering with the change: the same
    national content as full files and as a province adopting it (both copied, since edited)."""
    base = work / "preview" / "quoc-gia"
    shutil.copytree(NATIONAL, base)
    local = province(work / "preview" / "tinh", base)
    out = {}
    for label, catalogue in (("full", base), ("province", local)):
        files = procedure_files(catalogue)
        port = _free_port()
        root = f"http://127.0.0.1:{port}/"
        started = time.monotonic()
        server = subprocess.Popen(_command("serve", "--catalogue", str(catalogue), "--dev-addr", f"127.0.0.1:{port}"),
                                  cwd=ROOT, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        figures: dict = {"own": [], "base": []}
        try:
            _until(lambda: "<html" in _get(root))
            figures["startup"] = time.monotonic() - started
            for i in range(saves):
                target = files[(i * 97 + len(files) // 3 + (7 if label == "full" else 0)) % len(files)]
                code = _code(target)
                marker = f"Thay đổi thử {label} {i}"
                if label == "full":  # a step added in the procedure's own file
                    edit, text, kind = target, _step_added(target, marker), "own"
                elif i % 2 == 0:  # the province sets a summary of its own
                    edit, text, kind = target, target.read_text(encoding="utf-8") + f"summary: {marker}\n", "own"
                else:  # the ministry adds a step in the base
                    edit = base / target.relative_to(local)
                    edit, text, kind = edit, _step_added(edit, marker), "base"
                time.sleep(0.5)
                edit.write_text(text, encoding="utf-8")
                written = time.monotonic()
                _until(lambda: marker in _get(f"{root}thu-tuc/{code}/"), 120)
                figures[kind].append(time.monotonic() - written)
        finally:
            server.terminate()
            server.wait(timeout=30)
        out[label] = figures
    return out


def report(builds: dict[str, dict[str, Run]], preview: dict, repeat: int) -> str:
    full = next(iter(builds.values()))
    lines = ["# Bộ của tỉnh trên bộ gốc: kế thừa so với tệp đầy đủ", "",
             "Made by `benchmarks/layers.py`; do not edit by hand. National-2642 as the base; "
             f"each figure is the best of {repeat} fresh processes.", "", f"Machine: {describe()}", "",
             "| catalogue | validate | build | build ÷ full files | peak memory (build) |",
             "|---|---|---|---|---|"]
    for label, runs in builds.items():
        ratio = runs["build"].wall / full["build"].wall
        lines.append(f"| {label} | {runs['validate'].wall:.1f} s | {runs['build'].wall:.1f} s | {ratio:.2f}× "
                     f"| {runs['build'].rss_kb / 1024:.0f} MB |")
    worst = max(runs["build"].wall / full["build"].wall for runs in builds.values())
    verdict = "met" if worst <= GOAL_RATIO else "NOT met"
    lines += ["", f"Goal: inherited ≤ {GOAL_RATIO:.2f}× full files — {verdict} (worst {worst:.2f}×).", "",
              "## Preview", "",
              "`serve` on each; from saving a file to the edited procedure page answering with the change.", "",
              "| catalogue | first page | save | n | median | max |", "|---|---|---|---|---|---|"]
    rows = (("full", "own", "tệp đầy đủ", "thêm một bước"), ("province", "own", "kế thừa", "tệp của tỉnh thêm summary"),
            ("province", "base", "kế thừa", "tệp của bộ gốc thêm một bước"))
    for label, kind, name, edit in rows:
        values = preview[label][kind]
        if values:
            lines.append(f"| {name} | {preview[label]['startup']:.1f} s | {edit} | {len(values)} "
                         f"| {statistics.median(values):.2f} s | {max(values):.2f} s |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--saves", type=int, default=6)
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()
    if not (NATIONAL / "catalogue.yml").is_file():
        raise SystemExit(f"national-2642 not found at {NATIONAL}")
    work = Path(tempfile.mkdtemp(prefix="layers-bench-"))
    try:
        builds = measure_builds(work, args.repeat)
        preview = measure_preview(work, args.saves)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    args.output.write_text(report(builds, preview, args.repeat), encoding="utf-8")
    print(args.output.read_text(encoding="utf-8"))


if __name__ == "__main__":
    main()
