"""What the benchmarks ran on, for the first lines of every figures page: numbers
from another machine are not comparable, so each page says which machine it was."""

from __future__ import annotations

import contextlib
import os
import platform
import subprocess
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"  # Debian's, as in the tests: no browser download


def describe() -> str:
    cpu = platform.processor() or platform.machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    chromium = subprocess.run([CHROMIUM, "--version"], capture_output=True, text=True).stdout.strip()
    return f"{os.cpu_count()} cores ({cpu}), {platform.system()} {platform.release()}, {chromium}"
