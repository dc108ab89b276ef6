"""Bar charts drawn at build time as inline SVG text, for the statistics page.

A chart library or any script would cost a phone on 2G a download and a run for a
picture that never changes between builds, so each chart is plain SVG in the page,
scaled by its viewBox. Names come from YAML: every one goes through XML escaping and
lands only in text or attribute values, never in markup. The bars' colours are the
level badges' colours of docs/assets/tthc.css, each over 4.5:1 against white, and
segments of one bar are parted by white strokes so neighbours need no contrast with
each other. Fills are SVG attributes, not CSS backgrounds, so printing keeps them.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from xml.sax.saxutils import escape, quoteattr

from markupsafe import Markup

from generator.text import vn_number, vn_percent

WIDTH = 360  # viewBox units: at 360 px a unit is about a pixel, so text stays readable on phones
FONT = 15
LINE = 19
BAR = 14
VALUE_ROOM = 110  # right of the longest bar, for "1.413 · 73,0%"
LABEL_CHARS = 44  # about what fits in WIDTH at FONT in a sans-serif face; longer names wrap
LABEL_LINES = 2  # beyond that a name is cut with "…" (the table below the chart has it whole)
TOP = 10  # bars in a chart of fields or agencies; the table lists them all

LEVEL_COLORS = {1: "#5b6770", 2: "#1f5f8b", 3: "#8a5a00", 4: "#1b6e3a"}


@dataclass(frozen=True)
class Series:
    name: str
    color: str


@dataclass(frozen=True)
class Bar:
    label: str
    segments: tuple[int, ...]  # one count per series, drawn left to right
    value: str  # written after the bar
    detail: str = ""  # the tooltip's words for the value, when the short value needs them


ONLINE_SERIES = (Series("Mức 1–2", LEVEL_COLORS[1]), Series("Mức 3", LEVEL_COLORS[3]),
                 Series("Mức 4", LEVEL_COLORS[4]))


def _num(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".")


def _label_lines(label: str) -> list[str]:
    lines = textwrap.wrap(label, LABEL_CHARS) or [""]
    if len(lines) > LABEL_LINES:
        lines = lines[:LABEL_LINES]
        lines[-1] = lines[-1][: LABEL_CHARS - 1].rstrip() + "…"
    return lines


def bar_chart(chart_id: str, title: str, description: str, series: tuple[Series, ...], bars: list[Bar],
              legend: bool = True) -> Markup:
    """Horizontal bars, each name on its own line(s) above its bar: long Vietnamese
    agency names stay whole on a 360 px screen, where a name column beside the bars
    would leave the bars no room."""
    out = []
    y = 0.0
    if legend:
        x = 0.0
        for s in series:
            out.append(f'<rect x="{_num(x)}" y="2" width="12" height="12" fill={quoteattr(s.color)}/>'
                       f'<text x="{_num(x + 16)}" y="13">{escape(s.name)}</text>')
            x += 16 + len(s.name) * FONT * 0.6 + 18
        y = 28.0
    longest = max((sum(b.segments) for b in bars), default=0)
    scale = (WIDTH - VALUE_ROOM) / longest if longest else 0.0
    for bar in bars:
        lines = _label_lines(bar.label)
        tspans = "".join(f'<tspan x="0" dy="{0 if i == 0 else LINE}">{escape(line)}</tspan>'
                         for i, line in enumerate(lines))
        top = y + len(lines) * LINE + 2
        rects, x = [], 0.0
        for count, s in zip(bar.segments, series):
            if count:
                w = count * scale
                rects.append(f'<rect x="{_num(x)}" y="{_num(top)}" width="{_num(w)}" height="{BAR}" '
                             f'fill={quoteattr(s.color)} stroke="#fff"/>')
                x += w
        out.append(f'<g><title>{escape(bar.label)}: {escape(bar.detail or bar.value)}</title>'
                   f'<text y="{_num(y + FONT)}">{tspans}</text>{"".join(rects)}'
                   f'<text x="{_num(x + 6)}" y="{_num(top + BAR - 2)}">{escape(bar.value)}</text></g>')
        y = top + BAR + 12
    head = (f'<svg xmlns="http://www.w3.org/2000/svg" class="tthc-chart__svg" viewBox="0 0 {WIDTH} {_num(y)}" '
            f'width="100%" role="img" aria-labelledby={quoteattr(f"{chart_id}-title {chart_id}-desc")} '
            f'font-size="{FONT}" fill="currentColor">\n'
            f'<title id={quoteattr(chart_id + "-title")}>{escape(title)}</title>\n'
            f'<desc id={quoteattr(chart_id + "-desc")}>{escape(description)}</desc>\n')
    return Markup(head + "\n".join(out) + "\n</svg>")


def level_chart(figures: dict) -> Markup:
    series = tuple(Series(f"Mức {row['level']}", LEVEL_COLORS[row["level"]]) for row in figures["by_level"])
    bars = [Bar(f"Mức {row['level']}: {row['name']}",
                tuple(row["count"] if n == row["level"] else 0 for n in LEVEL_COLORS),
                vn_number(row["count"]), f"{vn_number(row['count'])} thủ tục")
            for row in figures["by_level"]]
    return bar_chart("chart-muc-do", "Số thủ tục theo mức độ dịch vụ công trực tuyến",
                     "; ".join(f"{b.label}: {b.detail}" for b in bars) + ".", series, bars, legend=False)


def group_chart(chart_id: str, title: str, noun: str, rows: list[dict]) -> Markup:
    """The largest groups, each bar split by level 1–2, 3 and 4, with its level 3–4 share."""
    shown = rows[:TOP]
    bars = []
    for row in shown:
        count, online = vn_number(row["count"]), vn_percent(row["level_3_4_share"])
        one_two, three, four = row["levels"][0] + row["levels"][1], row["levels"][2], row["levels"][3]
        bars.append(Bar(row["name"], (one_two, three, four), f"{count} · {online}",
                        f"{count} thủ tục, {online} ở mức độ 3–4"))
    scope = f"{len(rows)} {noun}"
    if len(rows) > len(shown):
        scope = f"{len(shown)} {noun} có nhiều thủ tục nhất trong {len(rows)} {noun}"
    description = (f"Biểu đồ thanh ngang: {scope}; mỗi thanh chia theo mức độ 1–2, 3 và 4, ghi số thủ tục "
                   f"và tỉ lệ thủ tục mức độ 3–4. Số liệu đầy đủ ở bảng ngay sau biểu đồ.")
    return bar_chart(chart_id, title, description, ONLINE_SERIES, bars)


def for_page(figures: dict) -> dict[str, Markup]:
    return {
        "levels": level_chart(figures),
        "fields": group_chart("chart-linh-vuc", "Số thủ tục theo lĩnh vực", "lĩnh vực", figures["by_field"]),
        "agencies": group_chart("chart-co-quan", "Số thủ tục theo cơ quan thực hiện", "cơ quan",
                                figures["by_agency"]),
        "tiers": group_chart("chart-cap", "Số thủ tục theo cấp thực hiện", "cấp", figures["by_tier"]),
    }
