"""Rendering: golden pages for the test catalogue, and YAML text that stays text."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from conftest import BASE, FIXTURES, ROOT
from generator.loader import load_catalogue
from generator.pages import Urls, generate
from helpers import Elements, run_cli

GOLDEN = Path(__file__).resolve().parent / "golden"


def _pages():
    result = load_catalogue(BASE)
    assert result.ok, result.diagnostics
    return generate(result.catalogue, ROOT / "templates")


def test_pages_match_golden_files() -> None:
    """Set UPDATE_GOLDEN=1 to rewrite the golden files after an intended change."""
    content = _pages()
    rendered = {page.path: page.markdown for page in content.pages}
    if os.environ.get("UPDATE_GOLDEN"):
        for path, markdown in rendered.items():
            target = GOLDEN / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(markdown, encoding="utf-8")
    golden = {p.relative_to(GOLDEN).as_posix(): p.read_text(encoding="utf-8")
              for p in GOLDEN.rglob("*.md")}
    assert sorted(rendered) == sorted(golden)
    for path, markdown in rendered.items():
        assert markdown == golden[path], f"{path} differs from tests/golden/{path}"


def test_html_pages_have_no_markdown_left_and_list_their_headings() -> None:
    """A page made as HTML gets no Markdown pass: a Markdown heading would show as "## …"."""
    content = _pages()
    html = [p for p in content.pages if p.html]
    assert {"index.md", "thu-tuc/1.001193/index.md", "linh-vuc/index.md"} <= {p.path for p in html}
    assert {p.path for p in content.pages if not p.html} == {"hoi-dap/index.md", "soan-thao.md", "du-lieu/index.md"}
    for page in html:
        assert not re.search(r"^#{1,6} |\{#[a-z]", page.markdown, re.M), page.path
        found = re.findall(r'<h([2-6]) id="([^"]+)">(.*?)<a class="headerlink"', page.markdown)
        assert [(str(h.level), h.id, h.text) for h in page.headings] == found, page.path
    procedure = next(p for p in html if p.path == "thu-tuc/1.001193/index.md")
    assert [h.id for h in procedure.headings][:3] == ["doi-tuong", "dieu-kien", "ho-so"]


def test_generated_site_layout() -> None:
    content = _pages()
    paths = {p.path for p in content.pages}
    assert {"index.md", "hoi-dap/index.md", "bieu-mau/index.md", "thu-tuc/1.001193/index.md",
            "linh-vuc/index.md", "linh-vuc/ho-tich/index.md", "co-quan/ubnd-xa/index.md",
            "cap/xa/index.md", "muc-do/index.md", "muc-do/4/index.md", "soan-thao.md"} <= paths
    assert [(a.path, a.source.name) for a in content.assets] == [("thu-tuc/1.001193/to-khai.pdf", "to-khai.pdf")]


@pytest.mark.parametrize("directory_urls, source, target, expected", [
    (True, "thu-tuc/1.001193/index.md", "linh-vuc/ho-tich/index.md", "../../linh-vuc/ho-tich/"),
    (True, "thu-tuc/1.001193/index.md", "thu-tuc/1.001193/to-khai.pdf", "to-khai.pdf"),
    (True, "thu-tuc/1.001193/index.md", "index.md", "../../"),
    (True, "index.md", "hoi-dap/index.md", "hoi-dap/"),
    (True, "index.md", "index.md", "./"),
    (False, "thu-tuc/1.001193/index.md", "linh-vuc/index.md", "../../linh-vuc/index.html"),
    (False, "index.md", "thu-tuc/1.001193/to-khai.pdf", "thu-tuc/1.001193/to-khai.pdf"),
])
def test_relative_links(directory_urls, source, target, expected) -> None:
    assert Urls(directory_urls).relative(source, target) == expected


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    site = tmp_path_factory.mktemp("hostile") / "site"
    run = run_cli("build", "--catalogue", str(FIXTURES / "hostile"), "--site-dir", str(site))
    assert run.returncode == 0, run.stderr
    return site


@pytest.mark.parametrize("page", ["thu-tuc/9.999999/index.html", "index.html", "hoi-dap/index.html",
                                  "co-quan/ubnd/index.html", "linh-vuc/index.html", "cap/xa/index.html",
                                  "soan-thao/index.html", "thong-ke/index.html"])
def test_yaml_text_is_never_markup(hostile_site: Path, page: str) -> None:
    html = (hostile_site / page).read_text(encoding="utf-8")
    # JSON-LD blocks carry the text as data; one with no "<" in it cannot have been broken out of.
    doc = Elements(re.sub(r'<script type="application/ld\+json">[^<]*</script>', "", html))
    for tag, attrs in doc.tags:
        assert tag not in ("iframe", "style", "img"), f"<{tag}> injected"
        assert not [k for k in attrs if k.startswith("on")], f"event handler on <{tag}>: {attrs}"
        for key in ("href", "src"):
            assert not (attrs.get(key) or "").lower().startswith("javascript:"), attrs
    scripts = " ".join(doc.text_in.get("script", []))
    assert "alert" not in scripts
    assert "<script>alert('title')</script> {{ config.site_name }}" in doc.text
    assert "chiếm trang" not in " ".join(doc.text_in.get("h1", []))


def test_procedure_values_are_shown_verbatim(hostile_site: Path) -> None:
    doc = Elements((hostile_site / "thu-tuc/9.999999/index.html").read_text(encoding="utf-8"))
    text = doc.text
    for literal in ["<script>alert('name')</script> & {{ 7*7 }} [liên kết](javascript:alert(1))",
                    "{% for x in range(3) %}lặp{% endfor %}", "*ghi chú* _nghiêng_ :smile:",
                    "&lt;đã mã hóa&gt; &amp;", "${{ secrets.TOKEN }}", "[[liên kết wiki]] {#id}",
                    "UBND {% raw %}{{ 7*7 }}{% endraw %}", "**đậm** `mã` <!-- chú thích -->",
                    "</div></div><h1>chiếm trang</h1>"]:
        assert literal in text, literal
    assert "49" not in text and "lặplặp" not in text
    assert not doc.text_in.get("em") and not doc.text_in.get("code")
    title = doc.text_in["title"][0]
    assert title.startswith("<script>alert('name')</script> & {{ 7*7 }}")
