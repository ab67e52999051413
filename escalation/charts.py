"""Server-rendered SVG bar charts: they work without JavaScript, a CDN or any network (pure functions)."""

from __future__ import annotations

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
    """A horizontal stacked bar chart as an accessible SVG string (escaped; safe to mark up)."""
    top = 28
    height = top + ROW_HEIGHT * max(len(bars), 1) + 8
    legend_width = LABEL_WIDTH + sum(16 + _text_width(item.text) + 18 for item in legend)
    width = max(LABEL_WIDTH + BAR_WIDTH + COUNT_WIDTH, legend_width)
    largest = max((sum(s.value for s in bar.segments) for bar in bars), default=0) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {width} {height}" '
        f'width="100%" role="img" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
    ]
    x = LABEL_WIDTH
    for item in legend:
        parts.append(f'<rect x="{x}" y="6" width="12" height="12" fill="{escape(item.colour)}"/>')
        parts.append(f'<text x="{x + 16}" y="16" font-size="12">{escape(item.text)}</text>')
        x += 16 + _text_width(item.text) + 18
    for index, bar in enumerate(bars):
        y = top + index * ROW_HEIGHT
        total = sum(segment.value for segment in bar.segments)
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 16}" font-size="13" text-anchor="end">{escape(bar.label)}</text>'
        )
        offset = float(LABEL_WIDTH)
        for segment in bar.segments:
            if segment.value <= 0:
                continue
            span = BAR_WIDTH * segment.value / largest
            parts.append(
                f'<rect x="{offset:.1f}" y="{y + 4}" width="{span:.1f}" height="{ROW_HEIGHT - 8}" '
                f'fill="{escape(segment.colour)}"><title>{escape(segment.title)}: {segment.value}</title></rect>'
            )
            offset += span
        parts.append(f'<text x="{offset + 6:.1f}" y="{y + 16}" font-size="12">{total}</text>')
    parts.append("</svg>")
    return "".join(parts)
