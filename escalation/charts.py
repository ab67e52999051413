"""Server-rendered SVG bar charts: they work without JavaScript, a CDN or any network (pure functions)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

ROW_HEIGHT = 26
LABEL_WIDTH = 230
BAR_WIDTH = 420
COUNT_WIDTH = 60


@dataclass(frozen=True)
class Segment:
    value: int
    colour: str
    title: str  # the tooltip: what this part of the bar counts


@dataclass(frozen=True)
class Bar:
    label: str
    segments: Sequence[Segment]


@dataclass(frozen=True)
class LegendItem:
    colour: str
    text: str


def _text_width(text: str, size: int = 12) -> int:
    """Roughly how wide ``text`` renders: CJK characters are square, Latin ones about half as wide."""
    return sum(size if ord(char) >= 0x2E80 else size * 0.6 for char in text).__ceil__()


def stacked_bars(bars: Sequence[Bar], legend: Sequence[LegendItem], *, title: str) -> str:
    """A horizontal stacked bar chart as accessible SVG (escaped; safe to mark up), in two layouts: labels
    beside the bars for wide screens, labels above them for phones (CSS shows one). Scaled down to a phone,
    the wide one would shrink its text to a few pixels."""
    return _wide(bars, legend, title) + _narrow(bars, legend, title)


def _svg_open(layout: str, width: int, height: int, title: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart chart-{layout}" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]


def _legend(legend: Sequence[LegendItem], x: int, y: int, width: int) -> tuple[list[str], int]:
    """Legend items from ``x``, wrapping within ``width``; the parts and the height they take."""
    parts: list[str] = []
    left, rows = x, 1
    for item in legend:
        item_width = 16 + _text_width(item.text) + 18
        if x + item_width > width and x > left:
            x, rows = left, rows + 1
        row_y = y + (rows - 1) * 18
        parts.append(f'<rect x="{x}" y="{row_y}" width="12" height="12" fill="{escape(item.colour)}"/>')
        parts.append(f'<text x="{x + 16}" y="{row_y + 10}" font-size="12">{escape(item.text)}</text>')
        x += item_width
    return parts, rows * 18


def _segments(bar: Bar, x: float, y: int, bar_width: float, largest: int) -> tuple[list[str], float]:
    parts: list[str] = []
    for segment in bar.segments:
        if segment.value <= 0:
            continue
        span = bar_width * segment.value / largest
        parts.append(
            f'<rect x="{x:.1f}" y="{y}" width="{span:.1f}" height="{ROW_HEIGHT - 8}" '
            f'fill="{escape(segment.colour)}"><title>{escape(segment.title)}: {segment.value}</title></rect>'
        )
        x += span
    return parts, x


def _wide(bars: Sequence[Bar], legend: Sequence[LegendItem], title: str) -> str:
    # The label column is as wide as the longest label: English bureau names are long, and cut-off names
    # ("nd Urban-Rural Development Bureau") say nothing.
    label_width = max([LABEL_WIDTH, *(_text_width(bar.label, 13) + 16 for bar in bars)])
    width = label_width + BAR_WIDTH + COUNT_WIDTH
    legend_parts, legend_height = _legend(legend, label_width, 6, width)
    top = 10 + legend_height
    height = top + ROW_HEIGHT * max(len(bars), 1) + 8
    largest = max((sum(s.value for s in bar.segments) for bar in bars), default=0) or 1
    parts = [*_svg_open("wide", width, height, title), *legend_parts]
    for index, bar in enumerate(bars):
        y = top + index * ROW_HEIGHT
        total = sum(segment.value for segment in bar.segments)
        parts.append(
            f'<text x="{label_width - 8}" y="{y + 16}" font-size="13" text-anchor="end">{escape(bar.label)}</text>'
        )
        segments, end = _segments(bar, float(label_width), y + 4, BAR_WIDTH, largest)
        parts += segments
        parts.append(f'<text x="{end + 6:.1f}" y="{y + 16}" font-size="12">{total}</text>')
    parts.append("</svg>")
    return "".join(parts)


NARROW_WIDTH = 340  # about a phone's width in CSS pixels, so the text keeps its size


def _wrapped(text: str, width: int, size: int = 13) -> list[str]:
    """``text`` in lines no wider than ``width``: breaking between words, or between CJK characters."""
    lines: list[str] = []
    line = ""
    for token in re.findall(r"[\u2e80-\uffff]|[^\s\u2e80-\uffff]+\s*|\s+", text):
        if line and _text_width((line + token).rstrip(), size) > width:
            lines.append(line.rstrip())
            line = token.lstrip()
        else:
            line += token
    if line.strip():
        lines.append(line.rstrip())
    return lines or [""]


def _narrow(bars: Sequence[Bar], legend: Sequence[LegendItem], title: str) -> str:
    bar_width = NARROW_WIDTH - 40
    legend_parts, legend_height = _legend(legend, 0, 4, NARROW_WIDTH)
    labels = [_wrapped(bar.label, NARROW_WIDTH) for bar in bars]
    y = 8 + legend_height
    largest = max((sum(s.value for s in bar.segments) for bar in bars), default=0) or 1
    parts: list[str] = []
    for bar, lines in zip(bars, labels, strict=True):
        total = sum(segment.value for segment in bar.segments)
        for number, line in enumerate(lines):
            parts.append(f'<text x="0" y="{y + 13 + number * 16}" font-size="13">{escape(line)}</text>')
        bar_y = y + 16 * len(lines) + 2
        segments, end = _segments(bar, 0.0, bar_y, bar_width, largest)
        parts += segments
        parts.append(f'<text x="{end + 6:.1f}" y="{bar_y + 12}" font-size="12">{total}</text>')
        y = bar_y + ROW_HEIGHT - 4
    height = y + 4
    return "".join([*_svg_open("narrow", NARROW_WIDTH, height, title), *legend_parts, *parts, "</svg>"])
