"""The SVG bar charts: accessible, escaped, no inline styles, sane with odd data."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from helpdesk.founders.charts import bar_chart, nice_ceiling

SVG = "{http://www.w3.org/2000/svg}"


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output, parsed to check it is well formed


def chart(**overrides):
    values = {
        "chart_id": "chart-test",
        "title": "Complaints per week",
        "summary": "How many complaints",
        "labels": ["2026-03-02", "2026-03-09"],
        "series": [("Complaints", [3, 1])],
    }
    values.update(overrides)
    return str(bar_chart(**values))


def test_a_chart_is_an_accessible_image_without_inline_styles():
    svg = chart()
    root = parse(svg)  # well-formed XML
    assert root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "Complaints per week"
    assert root.get("aria-labelledby") == "chart-test-title chart-test-desc"
    assert "style" not in svg
    bars = root.findall(f"{SVG}rect[@class]")
    assert len([bar for bar in bars if "trend-bar" in bar.get("class")]) == 2


def test_every_text_is_escaped():
    evil = '<script>alert("x")</script>'
    svg = chart(
        title=evil,
        summary=evil,
        labels=[evil, "b"],
        series=[(evil, [1, 2])],
        unit=evil,
        chart_id='"><script>',
    )
    assert "<script" not in svg
    assert "&lt;script&gt;" in svg
    parse(svg)
    assert re.search(r'id="[a-z0-9_-]+-title"', svg)


def test_stacked_bars_sum_and_blank_or_zero_values_draw_nothing():
    svg = chart(series=[("Good", [2, None]), ("Bad", [2, 0])], stacked=True)
    root = parse(svg)
    bars = [r for r in root.iter(f"{SVG}rect") if "trend-bar" in (r.get("class") or "")]
    assert len(bars) == 2
    # Stacked, the two bars of 2 reach 4: the axis tops out at the round 5 above it.
    heights = sorted(float(bar.get("height")) for bar in bars)
    assert heights[0] == heights[1]
    assert ">5<" in svg and ">2.5<" in svg


def test_all_zero_and_empty_charts_still_render():
    parse(chart(series=[("Complaints", [0, 0])]))
    parse(chart(labels=[], series=[("Complaints", [])]))


def test_axis_tops_are_round_numbers():
    assert [nice_ceiling(v) for v in (0, 0.3, 1, 3, 7, 12, 180, 2400)] == [
        1.0,
        0.5,
        1.0,
        5.0,
        10.0,
        20.0,
        200.0,
        2500.0,
    ]
