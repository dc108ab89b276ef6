"""The editors' preview: ``serve`` rebuilds when a procedure file is saved."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from conftest import ROOT


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str | None:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except OSError:
        return None


def _wait_for(url: str, text: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        body = _get(url)
        if body and text in body:
            return True
        time.sleep(0.3)
    return False


def test_serve_shows_a_saved_change(base_catalogue: Path) -> None:
    port = _free_port()
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    server = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--catalogue", str(base_catalogue),
         "--dev-addr", f"127.0.0.1:{port}"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    url = f"http://127.0.0.1:{port}/thu-tuc/1.001193/"
    try:
        assert _wait_for(url, "Đăng ký khai sinh", 60), "the preview never came up"
        source = base_catalogue / "ho-tich" / "1.001193.yml"
        source.write_text(source.read_text(encoding="utf-8").replace(
            "name: Đăng ký khai sinh", "name: Đăng ký khai sinh (đã sửa)"), encoding="utf-8")
        assert _wait_for(url, "Đăng ký khai sinh (đã sửa)", 30), "the saved change never showed"
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert "Traceback" not in output
