"""The editors' preview (``serve``): a save shows without a rebuild; a broken file shows its errors."""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from conftest import ROOT

KHAI_SINH = Path("ho-tich/1.001193.yml")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")
    except OSError:
        return 0, ""


def _wait_for(check, seconds: float, what: str):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"{what} within {seconds} s")


@contextlib.contextmanager
def preview(catalogue: Path, startup: float = 60, port: int | None = None):
    """``serve`` in a subprocess; yields its base URL and a function returning its output so far."""
    port = port or _free_port()
    log = catalogue.parent / f"serve-{port}.log"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("TTHC_CATALOGUE", None)
    with open(log, "w", encoding="utf-8") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "generator", "serve", "--catalogue", str(catalogue),
             "--dev-addr", f"127.0.0.1:{port}"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/"
    try:
        _wait_for(lambda: _get(base)[0] == 200, startup, "the preview came up")
        yield base, lambda: log.read_text(encoding="utf-8")
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert "Traceback" not in log.read_text(encoding="utf-8")
    assert "Exception occurred" not in log.read_text(encoding="utf-8")


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _status(base: str) -> dict:
    return json.loads(_get(base + ".preview/status?since=-1&site=0")[1])  # as a page loaded first


def test_saves_errors_new_and_removed_files(base_catalogue: Path) -> None:
    source = base_catalogue / KHAI_SINH
    page = "thu-tuc/1.001193/"
    with preview(base_catalogue) as (base, output):
        status, html = _get(base + page)
        assert status == 200 and "<title>Đăng ký khai sinh - " in html
        assert '<script src="/.preview/live.js" data-site="0"></script></body>' in html

        _edit(source, "name: Đăng ký khai sinh", "name: Đăng ký khai sinh (đã sửa)")
        _wait_for(lambda: "(đã sửa)" in _get(base + page)[1], 10, "the saved change showed")
        _wait_for(lambda: "/linh-vuc/ho-tich/" in _status(base)["pages"], 10, "the lists naming it were rendered")
        state = _status(base)
        assert f"/{page}" in state["pages"]
        assert "/hoi-dap/" not in state["pages"]  # untouched pages do not reload
        assert "(đã sửa)" in _get(base + "linh-vuc/ho-tich/")[1]

        _edit(source, "level: 4", "level: cao")
        _wait_for(lambda: _status(base)["errors"], 10, "the error was reported")
        state = _status(base)
        assert [(e["file"], e["line"], e["key"]) for e in state["errors"]] == [(str(source), 6, "level")]
        assert state["errors"][0]["text"].startswith(f"{source}:6:8: error: level: ")
        status, html = _get(base + page)
        assert status == 200 and "(đã sửa)" in html  # the last good page is still served
        assert f"{source}:6:8: error: level:" in output()  # and the terminal says it too

        _edit(source, "level: cao", "level: 4")
        _wait_for(lambda: not _status(base)["errors"], 10, "the fixed file cleared the error")

        text = source.read_text(encoding="utf-8")
        (base_catalogue / "ho-tich" / "9.999999.yml").write_text(
            text.replace('code: "1.001193"', 'code: "9.999999"').replace("Đăng ký khai sinh (đã sửa)", "Thủ tục mới"),
            encoding="utf-8")
        _wait_for(lambda: "Thủ tục mới" in _get(base + "thu-tuc/9.999999/")[1], 10, "a new procedure showed")
        (base_catalogue / "ho-tich" / "9.999999.yml").unlink()
        _wait_for(lambda: _get(base + "thu-tuc/9.999999/")[0] == 404, 10, "a removed procedure's page went away")
        status, html = _get(base + "thu-tuc/9.999999/")
        assert "/.preview/live.js" in html  # the 404 page comes back by itself if the file does

        assert "toàn bộ" not in output()  # nothing here needed a whole rebuild
        assert re.search(r"Đã cập nhật \d+ trang trong", output())


def test_a_browser_that_goes_away_mid_poll_prints_no_traceback(base_catalogue: Path) -> None:
    """Closing a tab or following a link drops a long poll; the answer then meets a closed socket."""
    with preview(base_catalogue) as (base, output):
        version = _status(base)["version"]
        port = int(base.rsplit(":", 1)[1].strip("/"))
        for _ in range(3):
            with socket.create_connection(("127.0.0.1", port)) as client:
                client.sendall(f"GET /.preview/status?since={version}&site=0 HTTP/1.1\r\nHost: x\r\n\r\n".encode())
                client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
            # closed at once (RST): the server's answer after the next save has nowhere to go
        _edit(base_catalogue / KHAI_SINH, "name: Đăng ký khai sinh", "name: Đăng ký khai sinh (đã sửa)")
        _wait_for(lambda: "(đã sửa)" in _get(base + "thu-tuc/1.001193/")[1], 10, "the saved change showed")
        time.sleep(1)
    # preview() asserts that the output has no traceback and no "Exception occurred"


def test_a_busy_port_is_said_in_words_with_how_to_choose_another(base_catalogue: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        started = time.monotonic()
        run = subprocess.run([sys.executable, "-m", "generator", "serve", "--catalogue", str(base_catalogue),
                              "--dev-addr", f"127.0.0.1:{port}"], cwd=ROOT, env=env,
                             capture_output=True, text=True, timeout=60)
    assert run.returncode == 1
    assert f"Cổng {port} trên 127.0.0.1 đang được chương trình khác dùng" in run.stderr
    assert f"make serve PORT={port + 1}" in run.stderr
    assert "Lỗi nội bộ" not in run.stderr and "Traceback" not in run.stderr
    assert "Đang dựng" not in run.stderr  # refused before the first build, not after it
    assert time.monotonic() - started < 30


def test_make_serve_takes_a_port() -> None:
    run = subprocess.run(["make", "-n", "serve", "PORT=8123"], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert "--dev-addr 127.0.0.1:8123" in run.stdout


def test_a_broken_catalogue_file_at_start_is_refused_in_words(base_catalogue: Path) -> None:
    _edit(base_catalogue / "catalogue.yml", "title:", "title: [")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    run = subprocess.run([sys.executable, "-m", "generator", "serve", "--catalogue", str(base_catalogue),
                          "--dev-addr", f"127.0.0.1:{_free_port()}"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 1
    assert "catalogue.yml:" in run.stderr and "Hãy sửa catalogue.yml" in run.stderr
    assert "Traceback" not in run.stderr


@pytest.mark.browser
def test_the_open_page_reloads_itself_and_shows_errors_in_a_banner(base_catalogue: Path, browser) -> None:
    source = base_catalogue / KHAI_SINH
    with preview(base_catalogue) as (base, _):
        context = browser.new_context()
        page, other = context.new_page(), context.new_page()
        page.goto(base + "thu-tuc/1.001193/")
        other.goto(base + "hoi-dap/")
        other.evaluate("window.notReloaded = true")

        _edit(source, "name: Đăng ký khai sinh", "name: Đăng ký khai sinh (đã sửa)")
        page.wait_for_function("() => document.title.includes('(đã sửa)')", timeout=10_000)
        assert other.evaluate("window.notReloaded === true")  # its page did not change

        _edit(source, "level: 4", "level: cao")
        banner = page.locator("#tthc-preview-errors")
        banner.wait_for(timeout=10_000)
        assert banner.get_attribute("role") == "alert"
        assert f"{source}:6:8: error: level:" in banner.inner_text()
        assert "1 lỗi" in banner.inner_text()
        other.locator("#tthc-preview-errors").wait_for(timeout=10_000)  # every open page shows it

        _edit(source, "level: cao", "level: 4")
        banner.wait_for(state="detached", timeout=10_000)
        context.close()


@pytest.mark.national
def test_a_save_on_the_national_catalogue_renders_a_few_pages(national: Path, tmp_path: Path) -> None:
    """The whole build takes ~25 s; a save must not redo it (timings: benchmarks/preview.py)."""
    catalogue = tmp_path / "national"
    shutil.copytree(national, catalogue)
    target = sorted(catalogue.rglob("*.yml"))[100]
    code = re.search(r"^code: ['\"]?([^'\"\n]+)", target.read_text(encoding="utf-8"), re.M).group(1)
    with preview(catalogue, startup=300) as (base, output):
        _edit(target, "\nname: ", "\nname: Đã sửa ")
        _wait_for(lambda: "Đã sửa " in _get(f"{base}thu-tuc/{code}/")[1], 30, "the saved change showed")
        _wait_for(lambda: "Đã cập nhật" in output(), 10, "the update was logged")
        updated = re.findall(r"Đã cập nhật (\d+) trang", output())
        assert updated and int(updated[0]) <= 6, output()[-2000:]
