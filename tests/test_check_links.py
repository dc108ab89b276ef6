"""``check-links`` against a local server that answers each way a real site can.

The catalogues are copies of the test fixtures whose addresses point at a
ThreadingHTTPServer on 127.0.0.1; any other host would go through a proxy on a
closed port, so no test reaches the internet. The server counts every request.
"""

from __future__ import annotations

import json
import shutil
import ssl
import subprocess
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from conftest import FIXTURES, copy_base
from helpers import run_cli

SLOW = 1.0  # seconds the slow page takes, well beyond the --timeout the tests pass
TIMEOUT = "0.25"
NO_INTERNET = {"HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9", "http_proxy": None,
               "https_proxy": None, "ALL_PROXY": None, "all_proxy": None, "NO_PROXY": "127.0.0.1", "no_proxy": None}


class _Site(BaseHTTPRequestHandler):
    """Each path answers one way; ``server.requests`` counts (method, path)."""

    REDIRECTS = {"/moved": (301, "/moved-here"), "/temporary": (302, "/temporary-here"),
                 "/old-law": (308, "/missing-too")}

    def do_HEAD(self) -> None:
        self._answer()

    def do_GET(self) -> None:
        self._answer()

    def _answer(self) -> None:
        server = self.server
        with server.lock:
            server.requests[(self.command, self.path)] += 1
            server.agents.add(self.headers.get("User-Agent"))
            seen = server.requests[(self.command, self.path)]
        if self.path in self.REDIRECTS:
            status, target = self.REDIRECTS[self.path]
            return self._send(status, {"Location": target})
        if self.path in ("/missing", "/missing-too"):
            return self._send(404)
        if self.path == "/flaky":  # a server having a bad moment: 500 once, then fine
            return self._send(500 if seen == 1 else 200)
        if self.path == "/head-refused":
            return self._send(405 if self.command == "HEAD" else 200)
        if self.path == "/slow":
            time.sleep(SLOW)
        self._send(200)

    def _send(self, status: int, headers: dict[str, str] | None = None) -> None:
        try:
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("Content-Length", "0")
            self.end_headers()
        except (BrokenPipeError, ConnectionResetError):  # the checker gave up waiting: as a browser would
            pass

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def site():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    server.daemon_threads = True
    server.lock = threading.Lock()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def server(site):
    site.requests, site.agents = Counter(), set()
    site.url = f"http://127.0.0.1:{site.server_address[1]}"
    return site


def _settled(server) -> Counter:
    """The requests once the server has read all it was sent: on a busy machine the handler of a
    request the checker already gave up on (the slow page's last try) may run after the checker exits."""
    while True:
        before = sum(server.requests.values())
        time.sleep(0.3)
        if sum(server.requests.values()) == before:
            return server.requests


def _rewrite(path: Path, replacements: dict[str, str], append: str = "") -> None:
    text = path.read_text(encoding="utf-8")
    for old, new in replacements.items():
        assert old in text, (path, old)
        text = text.replace(old, new)
    path.write_text(text + append, encoding="utf-8")


def _catalogue(tmp_path: Path, s: str) -> Path:
    """tests/fixtures/base with every way a link can answer; /ok and /missing are used in several files."""
    catalogue = copy_base(tmp_path / "catalogue")
    _rewrite(catalogue / "catalogue.yml", {"https://dichvucong.example.vn/tra-cuu": f"{s}/moved",  # line 8
                                           "https://dichvucong.example.vn": f"{s}/ok",  # line 4
                                           "https://example.vn": f"{s}/temporary"})  # line 26
    _rewrite(catalogue / "ho-tich" / "1.001193.yml", {"https://dichvucong.example.vn/khai-sinh": f"{s}/ok",  # 7
                                                      "https://example.vn/luat-ho-tich": f"{s}/missing"})  # 45
    _rewrite(catalogue / "chung-thuc" / "2.000815.yml", {}, append=(  # the file has 11 lines
        "legal_basis:\n"
        "  - number: 1/2026/TT-KT\n"
        f"    url: {s}/flaky\n"  # line 14
        "  - number: 2/2026/TT-KT\n"
        f"    url: {s}/head-refused\n"  # 16
        "  - number: 3/2026/TT-KT\n"
        f"    url: {s}/slow\n"  # 18
        "  - number: 4/2026/TT-KT\n"
        f"    url: {s}/missing#dieu-5\n"  # 20
        "  - number: 5/2026/TT-KT\n"
        f"    url: {s}/old-law\n"  # 22
        "  - number: 6/2026/TT-KT\n"
        f"    url: {s}/văn-bản?số=6\n"  # sent as a browser sends it, percent-encoded
        "announcement:\n"
        "  number: 1/QĐ-UBND\n"
        f"  url: {s}/ok\n"))
    return catalogue


def _check(tmp_path: Path, *args: str, catalogue: str = "catalogue"):
    return run_cli("check-links", "--catalogue", catalogue, "--timeout", TIMEOUT, *args, cwd=tmp_path,
                   env=NO_INTERNET)


def _expected(s: str) -> list[tuple[str, int, int, str, str]]:
    missing = "liên kết hỏng: không có trang này (máy chủ trả lời mã 404)"
    return [
        ("catalogue/catalogue.yml", 8, 8, "status_lookup.url",
         f"trang đã đổi địa chỉ sang {s}/moved-here; hãy thay liên kết bằng địa chỉ mới"),
        ("catalogue/chung-thuc/2.000815.yml", 18, 10, "legal_basis[2].url",
         "liên kết hỏng: máy chủ không trả lời trong 0,25 giây, đã thử 3 lần"),
        ("catalogue/chung-thuc/2.000815.yml", 20, 10, "legal_basis[3].url", missing),
        ("catalogue/chung-thuc/2.000815.yml", 22, 10, "legal_basis[4].url",
         f"{missing}; địa chỉ này chuyển tới {s}/missing-too"),
        ("catalogue/ho-tich/1.001193.yml", 45, 10, "legal_basis[0].url", missing),
    ]


def test_text_output_points_at_each_link_and_fetches_each_address_once(tmp_path: Path, server) -> None:
    _catalogue(tmp_path, server.url)
    run = _check(tmp_path)
    assert run.returncode == 1, run.stderr
    assert run.stdout.splitlines() == [f"{f}:{line}:{col}: warning: {key}: {message}"
                                       for f, line, col, key, message in _expected(server.url)]
    assert run.stderr.splitlines()[-1] == ("Đã kiểm tra 9 địa chỉ (12 liên kết trong 3 tệp): "
                                           "3 địa chỉ hỏng, 1 địa chỉ đã đổi.")
    assert _settled(server) == Counter({
        ("HEAD", "/ok"): 1,  # three files, one request
        ("HEAD", "/missing"): 1,  # with and without #dieu-5: one address
        ("HEAD", "/moved"): 1, ("HEAD", "/moved-here"): 1,
        ("HEAD", "/temporary"): 1, ("HEAD", "/temporary-here"): 1,  # a temporary redirect is not reported
        ("HEAD", "/old-law"): 1, ("HEAD", "/missing-too"): 1,
        ("HEAD", "/flaky"): 2,  # 500, then fine on the retry: not reported
        ("HEAD", "/head-refused"): 1, ("GET", "/head-refused"): 1,  # 405 to HEAD: asked again with GET
        ("HEAD", "/slow"): 3,  # a timeout, retried twice
        ("HEAD", "/v%C4%83n-b%E1%BA%A3n?s%E1%BB%91=6"): 1,
    })
    assert len(server.agents) == 1 and next(iter(server.agents)).startswith("tthc-catalogue-check-links/")


def test_json_and_github_formats(tmp_path: Path, server) -> None:
    _catalogue(tmp_path, server.url)
    run = _check(tmp_path, "--format", "json")
    assert run.returncode == 1, run.stderr
    report = json.loads(run.stdout)
    assert [(d["file"], d["line"], d["column"], d["key"], d["message"]) for d in report["diagnostics"]] == \
        _expected(server.url)
    assert {d["severity"] for d in report["diagnostics"]} == {"warning"}
    assert {k: report[k] for k in ("files_checked", "errors", "warnings", "addresses", "links", "broken", "moved")} \
        == {"files_checked": 3, "errors": 0, "warnings": 5, "addresses": 9, "links": 12, "broken": 3, "moved": 1}

    server.requests.clear()
    run = _check(tmp_path, "--format", "github")
    assert run.returncode == 1, run.stderr
    lines = run.stdout.splitlines()
    assert len(lines) == 5
    assert lines[0] == ("::warning file=catalogue/catalogue.yml,line=8,col=8,title=status_lookup.url::"
                        f"trang đã đổi địa chỉ sang {server.url}/moved-here; hãy thay liên kết bằng địa chỉ mới")
    assert lines[-1] == ("::warning file=catalogue/ho-tich/1.001193.yml,line=45,col=10,title=legal_basis[0].url::"
                         "liên kết hỏng: không có trang này (máy chủ trả lời mã 404)")
    assert server.requests[("HEAD", "/flaky")] == 2  # the server's state was reset: 500 again, then 200


def test_exit_codes_redirects_alone_pass(tmp_path: Path, server) -> None:
    catalogue = copy_base(tmp_path / "catalogue")
    _rewrite(catalogue / "catalogue.yml", {"https://dichvucong.example.vn/tra-cuu": f"{server.url}/moved",
                                           "https://dichvucong.example.vn": f"{server.url}/ok",
                                           "https://example.vn": f"{server.url}/head-refused"})
    _rewrite(catalogue / "ho-tich" / "1.001193.yml", {"https://dichvucong.example.vn/khai-sinh": f"{server.url}/temporary",
                                                      "https://example.vn/luat-ho-tich": f"{server.url}/moved#dieu-5"})
    run = _check(tmp_path)
    assert run.returncode == 0, run.stderr  # a moved page still opens: reported, not failed
    assert run.stdout.splitlines() == [
        f"catalogue/catalogue.yml:8:8: warning: status_lookup.url: trang đã đổi địa chỉ sang {server.url}/moved-here; "
        "hãy thay liên kết bằng địa chỉ mới",
        f"catalogue/ho-tich/1.001193.yml:45:10: warning: legal_basis[0].url: trang đã đổi địa chỉ sang "
        f"{server.url}/moved-here#dieu-5; hãy thay liên kết bằng địa chỉ mới"]  # the part after # kept
    assert server.requests[("HEAD", "/moved")] == 1

    for path in (catalogue / "catalogue.yml", catalogue / "ho-tich" / "1.001193.yml"):
        _rewrite(path, {f"{server.url}/moved": f"{server.url}/moved-here"})
    run = _check(tmp_path)
    assert (run.returncode, run.stdout) == (0, "")
    assert run.stderr.splitlines()[-1] == "Đã kiểm tra 4 địa chỉ (5 liên kết trong 2 tệp): không có liên kết hỏng."


def test_a_missing_catalogue_or_a_bad_timeout_fails_without_fetching(tmp_path: Path, server) -> None:
    run = _check(tmp_path, catalogue="khong-co")
    assert run.returncode == 1
    assert run.stdout == "khong-co:1:1: error: không tìm thấy thư mục bộ thủ tục\n"
    _catalogue(tmp_path, server.url)
    run = run_cli("check-links", "--catalogue", "catalogue", "--timeout", "0", cwd=tmp_path, env=NO_INTERNET)
    assert run.returncode == 2
    assert run.stderr.splitlines()[-1].endswith("--timeout: “0” không phải một số giây lớn hơn 0, ví dụ 10 hoặc 2,5")
    assert not server.requests


def test_a_base_catalogue_is_checked_for_what_the_province_takes(tmp_path: Path, server) -> None:
    """Links the province inherits are reported at the base's lines; what it replaces or does not
    adopt is never fetched."""
    shutil.copytree(FIXTURES / "layered", tmp_path / "layered")
    national, province = tmp_path / "layered" / "national", tmp_path / "layered" / "province"
    s = server.url
    _rewrite(national / "catalogue.yml", {
        "https://dichvucong.example.vn": f"{s}/slow",  # the base's portal: not the province's site
        "    name: Ủy ban nhân dân cấp xã\n": f"    name: Ủy ban nhân dân cấp xã\n    website: {s}/flaky\n",  # replaced
        "    name: Sở Tư pháp\n": f"    name: Sở Tư pháp\n    website: {s}/old-law\n"})  # kept: line 21
    _rewrite(national / "ho-tich" / "1.001193.yml", {"https://dichvucong.example.vn/khai-sinh": f"{s}/moved",  # 7
                                                     "https://example.vn/luat-ho-tich": f"{s}/missing"})  # 45
    unadopted = (national / "ho-tich" / "1.001193.yml").read_text(encoding="utf-8").replace(
        '"1.001193"', '"1.999999"').replace(f"{s}/moved", f"{s}/temporary")
    (national / "ho-tich" / "1.999999.yml").write_text(unadopted, encoding="utf-8")
    _rewrite(province / "catalogue.yml", {"https://dichvucong.example.vn": f"{s}/ok"})
    _rewrite(province / "ho-tich" / "1.000894.yml", {"https://dichvucong.example.vn/ket-hon": f"{s}/head-refused"})
    assert run_cli("validate", "--catalogue", "layered/province", cwd=tmp_path).returncode == 0

    run = _check(tmp_path, catalogue="layered/province")
    assert run.returncode == 1, run.stderr
    missing = "liên kết hỏng: không có trang này (máy chủ trả lời mã 404)"
    assert run.stdout.splitlines() == [
        f"layered/national/catalogue.yml:21:14: warning: agencies[1].website: {missing}; "
        f"địa chỉ này chuyển tới {s}/missing-too",
        f"layered/national/ho-tich/1.001193.yml:7:13: warning: online_url: trang đã đổi địa chỉ sang "
        f"{s}/moved-here; hãy thay liên kết bằng địa chỉ mới",
        f"layered/national/ho-tich/1.001193.yml:45:10: warning: legal_basis[0].url: {missing}",
    ]
    assert {path for _, path in server.requests} == {"/ok", "/head-refused", "/old-law", "/missing-too", "/moved",
                                                     "/moved-here", "/missing"}


def test_an_untrusted_certificate_is_a_broken_link(tmp_path: Path, server) -> None:
    """HTTPS with a self-signed certificate: a citizen's browser would stop at a warning page."""
    if not shutil.which("openssl"):
        pytest.skip("openssl (the command) is needed to make a test certificate")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "1", "-subj", "/CN=127.0.0.1"], check=True, capture_output=True, timeout=60)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    https = ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    https.daemon_threads, https.lock, https.requests, https.agents = True, threading.Lock(), Counter(), set()
    https.socket = context.wrap_socket(https.socket, server_side=True)
    threading.Thread(target=https.serve_forever, daemon=True).start()
    try:
        catalogue = copy_base(tmp_path / "catalogue")
        _rewrite(catalogue / "catalogue.yml", {"https://dichvucong.example.vn/tra-cuu": f"{server.url}/ok",
                                               "https://dichvucong.example.vn": f"https://127.0.0.1:{https.server_address[1]}/ok",
                                               "https://example.vn": f"{server.url}/ok"})
        _rewrite(catalogue / "ho-tich" / "1.001193.yml", {"https://dichvucong.example.vn/khai-sinh": f"{server.url}/ok",
                                                          "https://example.vn/luat-ho-tich": f"{server.url}/ok"})
        run = _check(tmp_path)
    finally:
        https.shutdown()
        https.server_close()
    assert run.returncode == 1, run.stderr
    assert run.stdout == ("catalogue/catalogue.yml:4:13: warning: portal_url: liên kết hỏng: chứng chỉ bảo mật (HTTPS) "
                          "của “127.0.0.1” do chính máy chủ tự cấp, không được công nhận\n")
    assert not https.requests  # refused at the handshake, never asked
