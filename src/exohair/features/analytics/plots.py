"""The report's charts as SVG: Kaplan–Meier curves with their confidence bands, and trajectories over time.

Drawn here rather than with matplotlib: a chart is a few paths, so a string of SVG costs well under a
millisecond where a matplotlib figure costs about 100 ms and 50 kB, and this SVG obeys the page's
Content-Security-Policy (presentation attributes, no inline style) and reads well in a screen reader (a title and
a description naming what is drawn). Numbers are computed elsewhere; this module only places them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

WIDTH, HEIGHT = 640, 340
LEFT, RIGHT, TOP, BOTTOM = 56, 16, 16, 84  # the legend goes under the x axis, clear of the lines
# Distinguishable for the common colour-vision deficiencies (Okabe & Ito's palette), darkened for contrast on white.
COLOURS = ("#0b5cad", "#b35900", "#146c2e", "#a4161a", "#5b3fa8", "#0f6e6e", "#6b6b00")


@dataclass(frozen=True, slots=True)
class Series:
    """One line: a step curve (Kaplan–Meier) or a polyline (trajectory), with an optional band around it."""

    label: str
    xs: Sequence[float]
    ys: Sequence[float]
    low: Sequence[float] | None = None
    high: Sequence[float] | None = None
    colour: str | None = None  # the same protocol keeps its colour from chart to chart


@dataclass(frozen=True, slots=True)
class Axes:
    x_label: str
    y_label: str
    x_max: float
    x_min: float = 0.0
    y_min: float = 0.0
    y_max: float = 1.0
    y_percent: bool = True  # tick labels as percentages
    y_reversed: bool = False  # e.g. Dean score: 0 (no loss) at the top
    marker: tuple[float, str] | None = None  # a vertical line at x, labelled (e.g. the last infusion)


def _nice_step(span: float, ticks: int = 6) -> float:
    raw = span / ticks
    magnitude = 10 ** math.floor(math.log10(raw)) if raw > 0 else 1
    return next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)


class _Frame:
    def __init__(self, axes: Axes) -> None:
        self.axes = axes
        self.x_min = axes.x_min
        self.x_max = axes.x_max if axes.x_max > axes.x_min else axes.x_min + 1.0

    def x(self, value: float) -> float:
        share = (min(max(value, self.x_min), self.x_max) - self.x_min) / (self.x_max - self.x_min)
        return LEFT + (WIDTH - LEFT - RIGHT) * share

    def y(self, value: float) -> float:
        a = self.axes
        share = (value - a.y_min) / (a.y_max - a.y_min)
        share = 1 - share if a.y_reversed else share
        return TOP + (HEIGHT - TOP - BOTTOM) * (1 - min(max(share, 0.0), 1.0))

    def grid(self) -> list[str]:
        a, parts = self.axes, []
        step = _nice_step(self.x_max - self.x_min)
        tick = math.ceil(self.x_min / step) * step
        while tick <= self.x_max + 1e-9:
            x = self.x(tick)
            parts.append(
                f'<line x1="{x:.1f}" y1="{HEIGHT - BOTTOM}" x2="{x:.1f}" y2="{HEIGHT - BOTTOM + 4}" stroke="#4b5563"/>'
            )
            parts.append(f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 17}" text-anchor="middle">{tick:g}</text>')
            tick += step
        y_step = _nice_step(a.y_max - a.y_min, 4)
        tick = a.y_min
        while tick <= a.y_max + 1e-9:
            y = self.y(tick)
            label = f"{tick:.0%}" if a.y_percent else f"{tick:g}"
            parts.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" stroke="#e5e7eb"/>')
            parts.append(f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{label}</text>')
            tick += y_step
        if a.marker is not None:
            x = self.x(a.marker[0])
            parts.append(
                f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{HEIGHT - BOTTOM}" '
                'stroke="#5b3fa8" stroke-dasharray="4 3"/>'
            )
            parts.append(f'<text x="{x + 4:.1f}" y="{HEIGHT - BOTTOM - 6}" fill="#5b3fa8">{escape(a.marker[1])}</text>')
        parts.append(
            f'<text x="{(LEFT + WIDTH - RIGHT) / 2:.0f}" y="{HEIGHT - BOTTOM + 30}" '
            f'text-anchor="middle">{escape(a.x_label)}</text>'
        )
        parts.append(
            f'<text transform="translate(14 {(TOP + HEIGHT - BOTTOM) / 2:.0f}) rotate(-90)" '
            f'text-anchor="middle">{escape(a.y_label)}</text>'
        )
        parts.append(f'<path d="M{LEFT} {TOP}V{HEIGHT - BOTTOM}H{WIDTH - RIGHT}" fill="none" stroke="#4b5563"/>')
        return parts


def _steps(frame: _Frame, xs: Sequence[float], ys: Sequence[float]) -> str:
    """A right-continuous step path: the curve holds its value until the next time, then drops."""
    if not len(xs):
        return ""
    points = [f"M{frame.x(xs[0]):.1f} {frame.y(ys[0]):.1f}"]
    for x, y in zip(xs[1:], ys[1:], strict=True):
        points.append(f"H{frame.x(x):.1f}V{frame.y(y):.1f}")
    points.append(f"H{frame.x(frame.x_max):.1f}")
    return "".join(points)


def _band(frame: _Frame, xs: Sequence[float], low: Sequence[float], high: Sequence[float]) -> str:
    upper = _steps(frame, xs, high)
    lower_points = [(frame.x(frame.x_max), frame.y(low[-1]))]
    for i in range(len(xs) - 1, -1, -1):
        next_x = frame.x(xs[i + 1]) if i + 1 < len(xs) else frame.x(frame.x_max)
        lower_points += [(next_x, frame.y(low[i])), (frame.x(xs[i]), frame.y(low[i]))]
    return upper + "".join(f"L{x:.1f} {y:.1f}" for x, y in lower_points) + "Z"


def _polyline(frame: _Frame, xs: Sequence[float], ys: Sequence[float]) -> str:
    pairs = [(x, y) for x, y in zip(xs, ys, strict=True) if not math.isnan(y)]
    return "".join(f"{'M' if i == 0 else 'L'}{frame.x(x):.1f} {frame.y(y):.1f}" for i, (x, y) in enumerate(pairs))


def _legend(series: Sequence[Series]) -> list[str]:
    parts = []
    for i, s in enumerate(series):
        x, y = LEFT + (i % 2) * 280, HEIGHT - 20 + (i // 2) * 16
        colour = s.colour or COLOURS[i % len(COLOURS)]
        parts.append(f'<rect x="{x}" y="{y - 8}" width="14" height="4" fill="{colour}"/>')
        parts.append(f'<text x="{x + 20}" y="{y - 2}">{escape(s.label)}</text>')
    return parts


def chart(title: str, description: str, axes: Axes, series: Sequence[Series], *, steps: bool) -> str:
    """An SVG chart of `series` (step curves when `steps`, else lines), its bands drawn faint under the lines."""
    frame = _Frame(axes)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" class="chart" '
        f'font-size="12" font-family="system-ui, sans-serif" fill="#1d2430">',
        f"<title>{escape(title)}</title><desc>{escape(description)}</desc>",
        *frame.grid(),
    ]
    for i, s in enumerate(series):
        colour = s.colour or COLOURS[i % len(COLOURS)]
        if s.low is not None and s.high is not None and len(s.xs):
            band = _band(frame, s.xs, s.low, s.high) if steps else ""
            if band:
                parts.append(f'<path d="{band}" fill="{colour}" fill-opacity="0.12" stroke="none"/>')
        path = _steps(frame, s.xs, s.ys) if steps else _polyline(frame, s.xs, s.ys)
        if path:
            parts.append(f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
    parts += _legend(series)
    parts.append("</svg>")
    return "".join(parts)
