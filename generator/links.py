"""``check-links``: every web address the site links to, fetched once, reported at its line.

The build never touches the network (the same commit gives the same site, offline or
not), yet the addresses in the catalogue rot between builds: a portal moves, a legal
text is taken down. This command is the network's one way in, run on a schedule.

Which addresses: every key the format (``generator/model.py``) types as a URL, found by
walking the models, so a new URL key is checked without touching this module. In the
province's files all of them; from a base catalogue (``base:``) what the province's site
takes from it: the keys an inheriting file does not write, and the agencies the province
does not replace. Those are reported at the base's own paths, where the value is written.

How: the standard library (urllib, a thread pool) is enough for HEAD requests; a
dependency would add nothing an editor sees. Each address (without its ``#fragment``,
which is never sent) is fetched once however many files use it.
"""

from __future__ import annotations

import http.client
import importlib.metadata
import socket
import ssl
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import get_args, get_origin
from urllib.parse import quote, urldefrag, urljoin, urlsplit, urlunsplit

from pydantic import AfterValidator, BaseModel

from generator import layers, model
from generator.diagnostics import Diagnostic, Severity
from generator.layers import LayeredDocument
from generator.loader import CATALOGUE_FILE, LoadResult, display_path, procedure_files, read_cached
from generator.reference import unwrap
from generator.yamlsource import YamlDocument, dotted

# ASCII, as HTTP headers must be; names the tool so a portal's administrators know who is asking.
USER_AGENT = (f"tthc-catalogue-check-links/{importlib.metadata.version('tthc-catalogue')} "
              "(weekly link check of a public administrative procedures site)")
WORKERS = 8  # a handful of sites at once; most addresses share the one provincial portal
TIMEOUT = 10.0  # seconds, for connecting and for each read
RETRIES = 2  # again after a timeout, a 5xx or a dropped connection: passing trouble, not a dead link
BACKOFF = 0.5  # seconds before the first retry, doubled before each next one
MAX_REDIRECTS = 10
EACH = None  # a list's items, in a key path

_PERMANENT = (301, 308)
_REDIRECTS = (301, 302, 303, 307, 308)


# --- which keys hold addresses --------------------------------------------------------


def url_paths(cls: type[BaseModel], prefix: tuple = ()) -> list[tuple]:
    """Key paths of ``cls`` whose value is a ``model.Url``: ("legal_basis", EACH, "url")."""
    found = []
    for name, info in cls.model_fields.items():
        path = prefix + (name,)
        base, constraints = unwrap(info.annotation, info.metadata)
        if get_origin(base) is list:
            base, constraints = unwrap(get_args(base)[0], [])
            path += (EACH,)
        if isinstance(base, type) and issubclass(base, BaseModel):
            found += url_paths(base, path)
        elif any(isinstance(c, AfterValidator) and c.func is model._check_url for c in constraints):
            found.append(path)
    return found


CATALOGUE_URLS = url_paths(model.CatalogueInfo)
PROCEDURE_URLS = url_paths(model.Procedure)


@dataclass(frozen=True)
class Link:
    url: str  # as written, fragment included
    file: str  # as diagnostics name it
    path: tuple  # ("legal_basis", 0, "url")
    line: int
    column: int


def _values(data, pattern: tuple, path: tuple = ()) -> Iterator[tuple[tuple, object]]:
    if not pattern:
        yield path, data
        return
    step, rest = pattern[0], pattern[1:]
    if step is EACH:
        for i, item in enumerate(data if isinstance(data, list) else []):
            yield from _values(item, rest, path + (i,))
    elif isinstance(data, dict) and step in data:
        yield from _values(data[step], rest, path + (step,))


def _links(doc: YamlDocument, display: str, patterns: list[tuple]) -> list[Link]:
    """The addresses in one file at ``patterns``; a value that is no web address is left to ``validate``."""
    found = []
    for pattern in patterns:
        for path, value in _values(doc.data, pattern):
            if isinstance(value, str) and _is_url(value):
                found.append(Link(value, display, path, *doc.values.get(path, doc.position(path))))
    return found


def _is_url(value: str) -> bool:
    try:
        model._check_url(value)
    except ValueError:
        return False
    return True


def _procedure_links(doc: YamlDocument, display: str) -> list[Link]:
    """A procedure's addresses; for one that inherits, its own keys here and the rest in the base's file."""
    if not isinstance(doc, LayeredDocument):
        return _links(doc, display, PROCEDURE_URLS)
    own = _links(doc.local, display, PROCEDURE_URLS)
    lent = [link for link in _procedure_links(doc.base.doc, doc.base.display) if link.path[0] not in doc.local.data]
    return own + lent


def collect(result: LoadResult, root: Path) -> list[Link]:
    """Every address the site of ``result``'s catalogue links to, each where it is written."""
    found: list[Link] = []
    replaced: set[str] = set()  # agency ids a nearer layer already wrote
    for depth, directory in enumerate(result.layers):
        path = directory / CATALOGUE_FILE
        doc = read_cached(path, display_path(path, root))[0] if path.is_file() else None
        if doc is None or not isinstance(doc.data, dict):
            continue
        links = _links(doc, display_path(path, root), CATALOGUE_URLS)
        agencies = doc.data.get("agencies") if isinstance(doc.data.get("agencies"), list) else []
        ids = [a.get("id") if isinstance(a, dict) else None for a in agencies]
        if depth:  # a base: only its agencies reach the province's site, those the province keeps
            links = [link for link in links if link.path[0] == "agencies" and ids[link.path[1]] not in replaced]
        found += links
        replaced.update(i for i in ids if isinstance(i, str))
    directory = result.layers[0]
    for path in procedure_files(directory):
        display = display_path(path, root)
        doc = read_cached(path, display)[0]
        if doc is None or not isinstance(doc.data, dict):
            continue
        if layers.inherits(doc.data) and result.base is not None:
            code = doc.data.get("code")
            lent = result.base.inheritable.get(code.strip()) if isinstance(code, str) else None
            if isinstance(lent, layers.BaseProcedure):
                doc = layers.merge(doc, lent)
        found += _procedure_links(doc, display)
    return found


# --- fetching ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    broken: str | None = None  # why, in the editor's words
    moved_to: str | None = None  # the new address after permanent redirects


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    """Redirects come back as answers: a permanent one is news for the editor, so each hop is seen."""

    def redirect_request(self, *args, **kwargs):
        return None


_OPENER = urllib.request.build_opener(_NoRedirects)


def _as_sent(url: str) -> str:
    """The address as a browser sends it: a path or query in Vietnamese (“/văn-bản”) percent-encoded
    as UTF-8, what is already encoded left alone; http.client would refuse the raw letters."""
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, quote(parts.path, safe="/%:@!$&'()*+,;=~"),
                       quote(parts.query, safe="/?%:@!$&'()*+,;=~"), ""))


def _answer(url: str, timeout: float) -> tuple[int, str | None]:
    """(status, Location) of one address: HEAD, then GET when the server refuses HEAD."""
    for method in ("HEAD", "GET"):
        request = urllib.request.Request(_as_sent(url), method=method,
                                         headers={"User-Agent": USER_AGENT, "Accept": "*/*"})
        try:
            with _OPENER.open(request, timeout=timeout) as response:  # the body is never read
                return response.status, None
        except urllib.error.HTTPError as error:
            error.close()
            if method == "HEAD" and error.code in (405, 501):
                continue
            return error.code, error.headers.get("Location")
    raise AssertionError("unreachable")


def _cause(error: Exception) -> Exception:
    reason = getattr(error, "reason", None)
    return reason if isinstance(error, urllib.error.URLError) and isinstance(reason, Exception) else error


def _passing(error: Exception) -> bool:
    """Trouble that may be gone in a second: worth asking again (a missing domain or a bad certificate is not)."""
    cause = _cause(error)
    return isinstance(cause, (TimeoutError, socket.timeout, ConnectionError, http.client.RemoteDisconnected))


def _seconds(value: float) -> str:
    return f"{value:g}".replace(".", ",")


# OpenSSL's verify messages, by a word they contain.
_CERTIFICATE = (("expired", "đã hết hạn"), ("mismatch", "không dành cho tên miền này"),
                ("self", "do chính máy chủ tự cấp, không được công nhận"),
                ("issuer", "không do tổ chức được công nhận cấp"))


def _why(error: Exception, url: str, timeout: float) -> str:
    """A network failure in plain Vietnamese."""
    cause, host = _cause(error), urlsplit(url).hostname or url
    if isinstance(cause, (TimeoutError, socket.timeout)):
        return f"máy chủ không trả lời trong {_seconds(timeout)} giây"
    if isinstance(cause, socket.gaierror):
        return f"không tìm thấy tên miền “{host}”"
    if isinstance(cause, ssl.SSLCertVerificationError):
        detail = (cause.verify_message or "").lower()
        said = next((words for clue, words in _CERTIFICATE if clue in detail), "không hợp lệ")
        return f"chứng chỉ bảo mật (HTTPS) của “{host}” {said}"
    if isinstance(cause, ssl.SSLError):
        return f"không lập được kết nối bảo mật (HTTPS) với “{host}”"
    if isinstance(cause, (ConnectionError, http.client.HTTPException)):
        return f"không kết nối được tới máy chủ “{host}”"
    return f"không mở được ({type(cause).__name__})"


def _status_why(status: int) -> str:
    if status in (404, 410):
        return f"không có trang này (máy chủ trả lời mã {status})"
    if status in (401, 403):
        return f"máy chủ không cho xem trang (mã {status})"
    if status >= 500:
        return f"máy chủ của trang bị lỗi (mã {status})"
    return f"máy chủ từ chối yêu cầu (mã {status})"


def check(url: str, timeout: float = TIMEOUT) -> Outcome:
    """One address, redirects followed hop by hop. Temporary redirects (302, 303, 307) are how
    portals send visitors to a login or a language version: the address as written is still
    the one to keep, so only where they lead is checked. Permanent ones (301, 308) give the new address."""
    current, moved, permanent = url, None, True
    for _ in range(MAX_REDIRECTS + 1):
        for attempt in range(RETRIES + 1):
            if attempt:
                time.sleep(BACKOFF * 2 ** (attempt - 1))
            try:
                status, location = _answer(current, timeout)
            except (OSError, http.client.HTTPException, ValueError) as error:
                if attempt < RETRIES and _passing(error):
                    continue
                return Outcome(broken=_broken(_why(error, current, timeout), url, current, attempt))
            if status < 500 or attempt == RETRIES:
                break
        if status in _REDIRECTS and location:
            current = urljoin(current, location)
            permanent = permanent and status in _PERMANENT
            moved = current if permanent else moved
            continue
        if status >= 400:
            return Outcome(broken=_broken(_status_why(status), url, current, attempt))
        return Outcome(moved_to=moved)
    loop = f"chuyển hướng quá {MAX_REDIRECTS} lần (có thể là vòng lặp)"
    return Outcome(broken=_broken(loop, url, current, 0))


def _broken(why: str, url: str, final: str, retried: int) -> str:
    tries = f", đã thử {retried + 1} lần" if retried else ""
    via = f"; địa chỉ này chuyển tới {final}" if final != url else ""
    return f"liên kết hỏng: {why}{tries}{via}"


@dataclass
class Report:
    diagnostics: list[Diagnostic]
    addresses: int  # distinct addresses fetched
    links: int  # places in the files
    files: int  # files with at least one address
    broken: int  # distinct addresses
    moved: int


def check_links(links: list[Link], timeout: float = TIMEOUT) -> Report:
    """Each distinct address once, ``WORKERS`` at a time; then every place that uses a bad one."""
    addresses = sorted({urldefrag(link.url).url for link in links})
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        outcomes = dict(zip(addresses, pool.map(lambda url: check(url, timeout), addresses)))
    diagnostics = []
    for link in links:
        outcome = outcomes[urldefrag(link.url).url]
        if outcome.broken:
            message = outcome.broken
        elif outcome.moved_to:
            fragment = urldefrag(link.url).fragment
            new = outcome.moved_to if urldefrag(outcome.moved_to).fragment or not fragment \
                else f"{outcome.moved_to}#{fragment}"
            message = f"trang đã đổi địa chỉ sang {new}; hãy thay liên kết bằng địa chỉ mới"
        else:
            continue
        diagnostics.append(Diagnostic(link.file, link.line, link.column, dotted(link.path), message,
                                      Severity.WARNING))
    return Report(sorted(diagnostics), len(addresses), len(links), len({link.file for link in links}),
                  sum(bool(o.broken) for o in outcomes.values()), sum(bool(o.moved_to) for o in outcomes.values()))


def summary(report: Report) -> str:
    """The closing line, in Vietnamese."""
    text = f"Đã kiểm tra {report.addresses} địa chỉ ({report.links} liên kết trong {report.files} tệp): "
    if not report.broken and not report.moved:
        return text + "không có liên kết hỏng."
    return text + f"{report.broken} địa chỉ hỏng, {report.moved} địa chỉ đã đổi."
