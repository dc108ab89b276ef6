"""The Content Security Policy and the other security headers, engine-neutral like ``pages``.

A public-sector site is a target for defacement and for scripts slipped into its pages; the
policy makes a browser run only the site's own script files and the few inline scripts the
build put there, whose SHA-256 hashes it names (no 'unsafe-inline', no 'unsafe-eval'). Static
hosts such as GitHub Pages and GitLab Pages let no one set headers, so every page carries its
policy in a ``<meta http-equiv>`` (``meta``), with the hashes of its own inline scripts: the
theme's differ by page depth (they name the way back to the root). Hosts that read a
``_headers`` file (Netlify, Cloudflare Pages) also get ``headers_file``: the same policy with
every page's hashes, plus what a meta tag cannot carry (``frame-ancestors``, nosniff,
``Permissions-Policy``). A browser enforces both policies, so a page keeps its own, tighter one.

An engine adapter passes each page through ``with_policy`` (its inline scripts hashed, ``meta``
put before its first script) and writes ``headers_file`` at the site's root.
"""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable

HEADERS = "_headers"  # at the site's root: Netlify's and Cloudflare Pages' file of response headers

# Why each directive (the README's security section says the same for provinces):
#   default-src 'self'   anything not named below (fetch, fonts, frames) only from the site itself
#   script-src           the site's script files and the hashed inline scripts; no eval
#   style-src 'self'     the site's stylesheets only. No 'unsafe-inline': Material's HTML and ours
#                        carry no style attribute or <style> element (tests/test_csp.py reads every
#                        page), and its scripts, like generator/preview.js, set styles through the
#                        CSSOM (element.style), which CSP does not govern.
#   img-src 'self' data: Material's stylesheet draws its icons from data: SVG images
#   object-src 'none'    no plug-ins
#   base-uri 'self'      an injected <base> cannot send relative links and scripts elsewhere
#   form-action 'self'   forms (the search boxes) submit only to the site; the dossier look-up's
#                        form never submits: docs/assets/tra-cuu.js follows an sms: link instead
#   worker-src 'self'    the offline service worker, sw.js at the root (generator/offline.py)
#   manifest-src 'self'  the web app manifest
SELF = ("'self'",)
# The build opened from disk (file://): Chromium lets 'self' match every file: URL there, but the
# origin of a file: page is left to each engine (opaque for some, whose 'self' then matches
# nothing), so that build also names the file: scheme. It adds no host.
FILE = ("'self'", "file:")
HEADER_ONLY = "frame-ancestors 'none'"  # ignored (with a console error) when given in a meta tag
REFERRER = "strict-origin-when-cross-origin"  # other hosts learn the site, never a page or a search
# Powerful features the site never uses, refused to it and to anything it could be made to embed.
PERMISSIONS = ("accelerometer", "autoplay", "bluetooth", "browsing-topics", "camera", "display-capture",
               "geolocation", "gyroscope", "hid", "magnetometer", "microphone", "midi", "payment", "serial", "usb")

_SCRIPT = re.compile(r"<script\b((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>(.*?)</script\s*>", re.S | re.I)
_ATTRIBUTE = re.compile(r"""([^\s=/]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s"'>]+))?""")
# Types a browser runs, or checks against script-src although it does not run them as code
# (import maps, speculation rules); any other type is a data block (JSON, JSON-LD).
_CHECKED_TYPES = {"", "module", "importmap", "speculationrules", "text/javascript", "application/javascript",
                  "application/ecmascript", "application/x-ecmascript", "application/x-javascript",
                  "text/ecmascript", "text/jscript", "text/livescript", "text/x-ecmascript", "text/x-javascript"}


def _attributes(text: str) -> dict[str, str]:
    return {name.lower(): (value or "").strip("\"'") for name, value in _ATTRIBUTE.findall(text)}


def inline_scripts(html: str) -> list[str]:
    """The text of each inline script the policy must allow, in order.

    A regular expression, not an HTML parser: it runs on every page of a build (2,642 procedure
    pages for a national catalogue) and costs 0.2 ms a page where ``html.parser`` costs 18 ms.
    It is exact for what an engine writes: a script's text cannot contain ``</script``.
    """
    out = []
    for attributes, text in _SCRIPT.findall(html):
        a = _attributes(attributes)
        kind = a.get("type", "").split(";")[0].strip().lower()
        if "src" not in a and (kind in _CHECKED_TYPES or re.fullmatch(r"text/javascript1\.[0-5]", kind)):
            out.append(text)
    return out


def script_hash(text: str) -> str:
    """The hash source for an inline script, as the browser computes it: over the UTF-8 of the
    script's text after HTML's newline normalisation (CR LF and CR become LF)."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii") + "'"


def policy(hashes: Iterable[str], sources: tuple[str, ...] = SELF) -> str:
    """The policy for pages whose inline scripts have ``hashes``; ``sources``: ``SELF`` for a site
    on a web server (the preview included), ``FILE`` for the build opened from disk."""
    own = " ".join(sources)
    directives = [
        f"default-src {own}",
        " ".join([f"script-src {own}", *sorted(set(hashes))]),
        f"style-src {own}",
        f"img-src {own} data:",
        "object-src 'none'",
        f"base-uri {own}",
        f"form-action {own}",
        f"worker-src {own}",
        f"manifest-src {own}",
    ]
    return "; ".join(directives)


def meta(page_policy: str) -> str:
    """What goes into a page's <head>, before any script: the policy and the referrer policy (a
    meta tag carries both, for hosts that set no header)."""
    return (f'<meta http-equiv="Content-Security-Policy" content="{page_policy}">'
            f'<meta name="referrer" content="{REFERRER}">')


_CHARSET = '<meta charset="utf-8">'  # the first element of Material's <head> (base.html), before any script


def with_policy(html: str, sources: tuple[str, ...] = SELF) -> tuple[str, list[str]]:
    """The page with its policy before any script it governs, and its inline scripts' hashes.
    ValueError when the page has no ``<meta charset>`` before its first script (a theme change)."""
    hashes = [script_hash(text) for text in inline_scripts(html)]
    at = html.find(_CHARSET)
    if at < 0 or 0 <= html.find("<script") < at:
        raise ValueError("không tìm thấy chỗ đặt chính sách bảo mật (Content-Security-Policy) trước mọi "
                         "script trong <head>; giao diện (theme) đã đổi?")
    at += len(_CHARSET)
    return html[:at] + meta(policy(hashes, sources)) + html[at:], hashes


def headers_file(hashes: Iterable[str]) -> str:
    """``_headers`` for every path of the site: ``hashes`` are all the pages' inline scripts'."""
    permissions = ", ".join(f"{feature}=()" for feature in PERMISSIONS)
    return ("# Response headers for hosts that read this file (Netlify, Cloudflare Pages), written by\n"
            "# generator/security.py. Every page also carries its policy in a meta tag, for the hosts\n"
            "# that do not (GitHub Pages, GitLab Pages); both are enforced.\n"
            "/*\n"
            f"  Content-Security-Policy: {policy(hashes)}; {HEADER_ONLY}\n"
            "  X-Frame-Options: DENY\n"
            "  X-Content-Type-Options: nosniff\n"
            f"  Referrer-Policy: {REFERRER}\n"
            f"  Permissions-Policy: {permissions}\n")
