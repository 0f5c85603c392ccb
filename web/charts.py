"""Charts drawn on the server as SVG (no script, nothing fetched): bars per day, stacked or
side by side, with a legend and the values in each bar's title for a hover or a screen reader."""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from markupsafe import Markup

WIDTH, HEIGHT, LEFT, BOTTOM, TOP = 640, 200, 36, 24, 12
COLOURS = ("#2f6fb3", "#e0903a", "#3a9a5b", "#b33f3f")


@dataclass(frozen=True)
class Series:
    name: str
    values: Sequence[float]


def day_labels(days: Sequence[int]) -> list[str]:
    return [time.strftime("%d %b", time.gmtime(day * 86400)).lstrip("0") for day in days]


def bars(labels: Sequence[str], series: Sequence[Series], stacked: bool = False,
         title: str = "", unit: str = "", ceiling: float | None = None) -> Markup:
    """A bar chart: one group (or stack) per label, one colour per series; `ceiling` fixes
    the top of the scale (100 for a share)."""
    n = max(len(labels), 1)
    totals = [sum(s.values[i] for s in series) if stacked else
              max((s.values[i] for s in series), default=0) for i in range(len(labels))]
    top = ceiling or max(max(totals, default=0), 1)
    plot_w, plot_h = WIDTH - LEFT - 8, HEIGHT - BOTTOM - TOP
    slot = plot_w / n
    width = slot * 0.7 / (1 if stacked else max(len(series), 1))
    parts = [f'<svg class="chart" viewBox="0 0 {WIDTH} {HEIGHT + 18}" role="img" '
             f'aria-label="{escape(title)}" xmlns="http://www.w3.org/2000/svg">']
    for fraction in (0.0, 0.5, 1.0):
        y = TOP + plot_h * (1 - fraction)
        parts.append(f'<line x1="{LEFT}" x2="{WIDTH - 8}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>'
                     f'<text x="{LEFT - 4}" y="{y + 4:.1f}" class="axis" text-anchor="end">'
                     f'{_number(top * fraction)}</text>')
    for i, label in enumerate(labels):
        x0 = LEFT + slot * i + slot * 0.15
        base = 0.0
        for k, s in enumerate(series):
            value = float(s.values[i])
            h = plot_h * value / top
            x = x0 if stacked else x0 + width * k
            y = TOP + plot_h - h - (plot_h * base / top if stacked else 0)
            parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{h:.1f}" '
                         f'fill="{COLOURS[k % len(COLOURS)]}"><title>{escape(label)}: '
                         f'{escape(s.name)} {_number(value)}{escape(unit)}</title></rect>')
            if stacked:
                base += value
        if n <= 8 or i % 2 == (n - 1) % 2:   # every other day, the last one always
            parts.append(f'<text x="{x0 + slot * 0.35:.1f}" y="{HEIGHT - 8}" class="axis" '
                         f'text-anchor="middle">{escape(label)}</text>')
    x = LEFT
    for k, s in enumerate(series):
        parts.append(f'<rect x="{x}" y="{HEIGHT + 4}" width="10" height="10" '
                     f'fill="{COLOURS[k % len(COLOURS)]}"/><text x="{x + 14}" y="{HEIGHT + 13}" '
                     f'class="legend">{escape(s.name)}</text>')
        x += 26 + 8 * len(s.name)
    parts.append("</svg>")
    return Markup("".join(parts))


def _number(value: float) -> str:
    return f"{value:.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"
