"""Server-rendered SVG bar charts for the trends dashboard: no JavaScript, no inline styles
(colours come from classes in static/css/trends.css, so the CSP holds), every piece of
text escaped. The table beneath each chart carries the same numbers for screen readers
and for copying; the chart is a picture of it (`role="img"` with a title and summary)."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from markupsafe import Markup, escape

WIDTH, HEIGHT = 720, 260
LEFT, RIGHT, TOP, BOTTOM = 56, 12, 16, 44
# A week label ("2026-08-31") is wider than a bar slot at 12 weeks: label every other one.
MAX_X_LABELS = 7
SERIES_CLASSES = 8
_ID = re.compile(r"[^a-z0-9_-]")

Series = tuple[str, Sequence[float | None]]


def nice_ceiling(value: float) -> float:
    """A round number at or above `value` for the top of the axis (1, 2, 2.5, 5 x 10^n)."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 2.5, 5, 10):
        if step * power >= value:
            return float(step * power)
    return float(10 * power)  # pragma: no cover - the loop always returns


def _number(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".") if value % 1 else str(int(value))


def _fmt(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def bar_chart(
    *,
    chart_id: str,
    title: str,
    summary: str,
    labels: Sequence[str],
    series: Sequence[Series],
    stacked: bool = False,
    unit: str = "",
) -> Markup:
    """Bars per label: side by side per series, or stacked. Blank values draw nothing."""
    safe_id = _ID.sub("-", chart_id.lower())[:60] or "chart"
    title_id, desc_id = f"{safe_id}-title", f"{safe_id}-desc"
    values = [[float(v) if v is not None else 0.0 for v in data] for _name, data in series]
    if stacked:
        peak = max((sum(column) for column in zip(*values, strict=True)), default=0.0)
    else:
        peak = max((v for data in values for v in data), default=0.0)
    top = nice_ceiling(peak)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(labels), 1)
    group_w = slot * 0.8
    bar_w = group_w if stacked else group_w / max(len(series), 1)

    def y(value: float) -> float:
        return TOP + plot_h - plot_h * value / top

    parts = [
        f'<svg class="trend-chart" role="img" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'aria-labelledby="{title_id} {desc_id}" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="{title_id}">{escape(title)}</title>',
        f'<desc id="{desc_id}">{escape(summary)}</desc>',
    ]
    for tick in (0.0, top / 2, top):
        parts.append(
            f'<line class="trend-grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" '
            f'y1="{_fmt(y(tick))}" y2="{_fmt(y(tick))}"/>'
            f'<text class="trend-axis" x="{LEFT - 6}" y="{_fmt(y(tick) + 4)}" '
            f'text-anchor="end">{escape(_number(tick))}</text>'
        )
    if unit:
        parts.append(f'<text class="trend-axis" x="4" y="{TOP - 4}">{escape(unit)}</text>')
    every = max(1, math.ceil(len(labels) / MAX_X_LABELS))
    for index, label in enumerate(labels):
        x0 = LEFT + slot * index + (slot - group_w) / 2
        base = 0.0
        for number, (name, data) in enumerate(series):
            raw = data[index] if index < len(data) else None
            if raw is None or raw <= 0:
                continue
            value = float(raw)
            x = x0 if stacked else x0 + bar_w * number
            low, high = (base, base + value) if stacked else (0.0, value)
            base = high if stacked else base
            parts.append(
                f'<rect class="trend-bar trend-series-{number % SERIES_CLASSES}" '
                f'x="{_fmt(x)}" y="{_fmt(y(high))}" width="{_fmt(max(bar_w - 1, 1))}" '
                f'height="{_fmt(y(low) - y(high))}">'
                f"<title>{escape(label)} · {escape(name)}: {escape(_number(value))}</title></rect>"
            )
        if index % every == 0:
            parts.append(
                f'<text class="trend-axis" x="{_fmt(x0 + group_w / 2)}" '
                f'y="{HEIGHT - BOTTOM + 16}" text-anchor="middle">{escape(label)}</text>'
            )
    legend_x = LEFT
    for number, (name, _data) in enumerate(series):
        parts.append(
            f'<rect class="trend-series-{number % SERIES_CLASSES}" x="{legend_x}" '
            f'y="{HEIGHT - 16}" width="10" height="10"/>'
            f'<text class="trend-legend" x="{legend_x + 14}" y="{HEIGHT - 7}">'
            f"{escape(name)}</text>"
        )
        legend_x += 24 + 7 * min(len(name), 30)
    parts.append("</svg>")
    # Every interpolated text above went through escape(); the rest is our own markup.
    return Markup("".join(parts))  # noqa: S704  # nosec B704
