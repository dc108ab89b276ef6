"""The statistics page: figures recounted from the YAML files, charts read back as XML."""

from __future__ import annotations

import gzip
import json
import re
import xml.etree.ElementTree as ET
from collections import Counter
from pathlib import Path

import pytest
import yaml

from conftest import BASE, FIXTURES, ROOT
from generator import charts
from generator.loader import load_catalogue
from generator.statistics import figures
from helpers import Elements, serve

SVG = "{http://www.w3.org/2000/svg}"
ALLOWED = {"svg", "title", "desc", "g", "text", "tspan", "rect"}


def _figures(directory: Path) -> dict:
    result = load_catalogue(directory)
    assert result.ok, [str(d) for d in result.diagnostics]
    return figures(result.catalogue)


def _recount(directory: Path) -> dict:
    """The same numbers straight from the files with PyYAML, sharing no code with the generator."""
    registry = yaml.safe_load((directory / "catalogue.yml").read_text(encoding="utf-8"))
    procedures = [yaml.safe_load(p.read_text(encoding="utf-8")) for p in directory.rglob("*.yml")
                  if p.name not in ("catalogue.yml", "events.yml")]  # events.yml lists events, not a procedure
    levels = Counter(p["level"] for p in procedures)
    groups = {}
    for kind, key in (("fields", "field"), ("agencies", "agency"), ("tiers", "tiers")):
        names = {r["id"]: r["name"] for r in registry[kind]}
        members: dict[str, list[int]] = {}
        for p in procedures:
            for group in (p[key] if isinstance(p[key], list) else [p[key]]):
                members.setdefault(group, []).append(p["level"])
        groups[kind] = {g: (names[g], len(ls), [ls.count(n) for n in (1, 2, 3, 4)]) for g, ls in members.items()}
    return {"total": len(procedures), "levels": [levels[n] for n in (1, 2, 3, 4)], "groups": groups}


@pytest.mark.parametrize("directory", [BASE, ROOT / "procedures"], ids=["base", "sample"])
def test_figures_match_an_independent_count(directory: Path) -> None:
    got, want = _figures(directory), _recount(directory)
    assert got["total"] == want["total"]
    assert [row["count"] for row in got["by_level"]] == want["levels"]
    assert [row["level"] for row in got["by_level"]] == [1, 2, 3, 4]
    assert got["level_3_4"] == want["levels"][2] + want["levels"][3]
    assert got["level_3_4_share"] == round(got["level_3_4"] / want["total"], 4)
    for kind in ("field", "agency", "tier"):
        rows = got[f"by_{kind}"]
        expected = want["groups"]["fields" if kind == "field" else "agencies" if kind == "agency" else "tiers"]
        assert {r["id"]: (r["name"], r["count"], r["levels"]) for r in rows} == expected, kind
        for r in rows:
            assert r["level_3_4"] == r["levels"][2] + r["levels"][3]
            assert r["level_3_4_share"] == round(r["level_3_4"] / r["count"], 4)
        assert [r["count"] for r in rows] == sorted((r["count"] for r in rows), reverse=True), "largest first"
    assert sum(r["count"] for r in got["by_field"]) == sum(r["count"] for r in got["by_agency"]) == got["total"]
    assert json.loads(json.dumps(got)) == got == _figures(directory)  # plain JSON, same on every run


def _parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == SVG + "svg"
    return root


def _local(element: ET.Element) -> str:
    return element.tag.removeprefix(SVG)


def _bars(root: ET.Element) -> list[tuple[str, float]]:
    """(label as drawn, total bar length) for each bar group."""
    out = []
    for g in root.iter(SVG + "g"):
        label = " ".join("".join(t.itertext()) for t in g.find(SVG + "text").iter(SVG + "tspan"))
        out.append((label, sum(float(r.get("width")) for r in g.iter(SVG + "rect"))))
    return out


def test_charts_are_accessible_svg_with_bars_proportional_to_counts() -> None:
    stats = _figures(ROOT / "procedures")
    drawn = charts.for_page(stats)
    assert set(drawn) == {"levels", "fields", "agencies", "tiers"}
    for name, svg in drawn.items():
        root = _parse(str(svg))
        assert root.get("role") == "img" and root.get("width") == "100%"
        assert root.get("viewBox").startswith(f"0 0 {charts.WIDTH} ")
        ids = {e.get("id") for e in root.iter() if e.get("id")}
        title, desc = root.get("aria-labelledby").split()
        assert {title, desc} <= ids, name
        assert root.find(SVG + "title").get("id") == title and root.find(SVG + "desc").text

    levels = _bars(_parse(str(drawn["levels"])))
    assert [label for label, _ in levels] == [f"Mức {r['level']}: {r['name']}" for r in stats["by_level"]]
    largest = max(r["count"] for r in stats["by_level"])
    for (_, length), row in zip(levels, stats["by_level"]):
        assert length == pytest.approx(row["count"] / largest * (charts.WIDTH - charts.VALUE_ROOM), abs=0.01)

    for kind in ("fields", "agencies", "tiers"):
        rows = stats["by_" + {"fields": "field", "agencies": "agency", "tiers": "tier"}[kind]]
        bars = _bars(_parse(str(drawn[kind])))
        assert len(bars) == min(len(rows), charts.TOP)
        assert [label for label, _ in bars] == [r["name"] for r in rows[: charts.TOP]]
        unit = (charts.WIDTH - charts.VALUE_ROOM) / rows[0]["count"]  # the largest group fills the bar area
        assert [length for _, length in bars] == [pytest.approx(r["count"] * unit, abs=0.02) for r in rows[: charts.TOP]]


def test_stacked_segments_follow_the_levels() -> None:
    root = _parse(str(charts.group_chart("t", "T", "lĩnh vực", [
        {"id": "a", "name": "A", "count": 6, "levels": [1, 1, 1, 3], "level_3_4": 4, "level_3_4_share": 0.6667},
        {"id": "b", "name": "B", "count": 3, "levels": [0, 0, 3, 0], "level_3_4": 3, "level_3_4_share": 1.0}])))
    scale = (charts.WIDTH - charts.VALUE_ROOM) / 6
    a, b = [[(float(r.get("width")), r.get("fill")) for r in g.iter(SVG + "rect")] for g in root.iter(SVG + "g")]
    colors = [s.color for s in charts.ONLINE_SERIES]
    assert a == [(pytest.approx(2 * scale, abs=0.01), colors[0]), (pytest.approx(scale, abs=0.01), colors[1]),
                 (pytest.approx(3 * scale, abs=0.01), colors[2])]
    assert b == [(pytest.approx(3 * scale, abs=0.01), colors[1])]
    values = [t.text for t in root.iter(SVG + "text") if t.text and "·" in t.text]
    assert values == ["6 · 66,7%", "3 · 100,0%"]


def test_a_long_name_wraps_and_the_tooltip_keeps_it_whole() -> None:
    name = "Ủy ban nhân dân " + "rất dài " * 30 + "cuối"
    root = _parse(str(charts.bar_chart("t", "T", "D", charts.ONLINE_SERIES, [charts.Bar(name, (1, 0, 0), "1")])))
    lines = [t.text for t in root.iter(SVG + "tspan")]
    assert len(lines) == charts.LABEL_LINES and lines[-1].endswith("…")
    assert all(len(line) <= charts.LABEL_CHARS for line in lines)
    assert root.find(f"{SVG}g/{SVG}title").text.startswith(name)


def test_hostile_names_are_svg_text_never_elements() -> None:
    stats = _figures(FIXTURES / "hostile")
    names = [r["name"] for kind in ("by_field", "by_agency", "by_tier") for r in stats[kind]]
    assert any("<script>" in n for n in names) and any("<img" in n for n in names)
    for svg in charts.for_page(stats).values():
        root = _parse(str(svg))
        assert {_local(e) for e in root.iter()} <= ALLOWED
        assert not [k for e in root.iter() for k in e.attrib if k.lower().startswith("on")]
    text = " ".join("".join(_parse(str(s)).itertext()) for s in charts.for_page(stats).values())
    for n in names:
        assert n in text, n


def test_the_page_is_built_and_in_the_navigation(sample_site: Path) -> None:
    home = (sample_site / "index.html").read_text(encoding="utf-8")
    nav = re.search(r'<a href="thong-ke/" class="md-nav__link">\s*<span class="md-ellipsis">\s*([^<]*?)\s*</span>', home)
    assert nav and nav.group(1) == "Thống kê"

    html = (sample_site / "thong-ke" / "index.html").read_text(encoding="utf-8")
    doc = Elements(html)
    want = _recount(ROOT / "procedures")
    online = want["levels"][2] + want["levels"][3]
    assert f"{online / want['total'] * 100:.1f}%".replace(".", ",") in doc.text_in["p"]
    assert f"{online} trên tổng số {want['total']} thủ tục" in doc.text
    assert sum(tag == "svg" and a.get("class") == "tthc-chart__svg" for tag, a in doc.tags) == 4
    field_links = [h for h in doc.links() if h.startswith("../linh-vuc/") and h != "../linh-vuc/"]
    assert sorted(field_links) == sorted(f"../linh-vuc/{f}/" for f in want["groups"]["fields"])
    article = html.split("<article", 1)[1].split("</article>", 1)[0]
    assert "<script" not in article, "the charts need no script"


@pytest.mark.national
def test_the_national_page_lists_every_agency_and_stays_light(national: Path, national_site: Path) -> None:
    stats = _figures(national)
    html = (national_site / "thong-ke" / "index.html").read_bytes()
    links = [h for h in Elements(html.decode("utf-8")).links() if h.startswith("../co-quan/") and h != "../co-quan/"]
    assert sorted(links) == sorted(f"../co-quan/{r['id']}/" for r in stats["by_agency"])
    size, packed = len(html), len(gzip.compress(html))
    print(f"thong-ke/index.html on national-2642: {size / 1000:.0f} KB, {packed / 1000:.0f} KB gzip")
    assert packed < 40_000, "a 2G phone should get the page in a few seconds"


_OVERFLOW = """() => [...document.querySelectorAll("svg.tthc-chart__svg")].flatMap(svg => {
  const width = svg.viewBox.baseVal.width;
  return [...svg.querySelectorAll("text")].map(t => ({text: t.textContent, right: t.getBBox().x + t.getBBox().width}))
    .filter(t => t.right > width).map(t => `${t.text}: ${t.right.toFixed(0)} > ${width}`);
})"""


def _charts_fit_a_phone(browser, site: Path) -> None:
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True)
    try:
        with serve(site) as base:
            page = context.new_page()
            page.goto(base + "thong-ke/")
            assert page.evaluate("document.documentElement.scrollWidth") <= 360
            assert page.evaluate(_OVERFLOW) == [], "a label runs out of its chart"
            widths = page.evaluate("[...document.querySelectorAll('svg.tthc-chart__svg')]"
                                   ".map(s => s.getBoundingClientRect().width)")
            assert len(widths) == 4 and min(widths) > 300, widths
    finally:
        context.close()


@pytest.mark.browser
def test_chart_labels_stay_inside_their_charts_on_a_phone(browser, sample_site: Path) -> None:
    _charts_fit_a_phone(browser, sample_site)


@pytest.mark.browser
@pytest.mark.national
def test_the_longest_national_names_wrap_inside_a_phone_wide_chart(browser, national: Path) -> None:
    """Wrapping counts characters, not pixels: Chromium measures what the count allows."""
    info = load_catalogue(national).catalogue.info
    names = sorted({r.name for r in info.agencies} | {r.name for r in info.fields}, key=len)[-40:]
    bars = [charts.Bar(n, (1, 2, 3), "1.413 · 73,0%") for n in names]
    svg = charts.bar_chart("t", "T", "D", charts.ONLINE_SERIES, bars)
    page = browser.new_page()
    try:
        # Material's system font stack (mkdocs.yml has font: false), at a 360 px phone's content width
        page.set_content("<div style='width: 328px; font-family: -apple-system, BlinkMacSystemFont, Helvetica, "
                         f"Arial, sans-serif'>{svg}</div>")
        assert page.evaluate(_OVERFLOW) == []
    finally:
        page.close()
