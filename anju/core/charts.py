"""Charts as inline SVG, drawn on the server.

No JavaScript chart library: the SVG is part of the page, so it obeys the strict CSP
(no inline style or script needed — geometry is in attributes, colours in anju.css),
prints, works without a network and is checked by the same tests as the rest of the
page. Two shapes cover the reports: horizontal bars (categories with Chinese labels)
and columns (a series over days or months).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

Number = int | float | Decimal

BAR_HEIGHT = 22
BAR_GAP = 6
LABEL_WIDTH = 96  # at least; wider when a label needs it (up to LABEL_MAX)
LABEL_MAX = 180
VALUE_WIDTH = 56  # at least; wider for long figures (¥ amounts)
FONT = 12  # px, as anju.css sets it: a CJK character is this wide, a digit about 0.6×


def text_width(text: str) -> float:
    """Approximate width of a label at FONT px: CJK full width, the rest ~0.6 em."""
    return sum(FONT if ord(ch) > 0x2E80 else FONT * 0.6 for ch in text)


def _fmt(value: Number) -> str:
    if isinstance(value, float | Decimal) and value != int(value):
        return f"{value:,.1f}"
    return f"{int(value):,}"


def bar_chart(
    items: Sequence[tuple[str, Number]],
    *,
    title: str,
    width: int = 420,
    unit: str = "",
    skip_zero: bool = False,
) -> SafeString:
    """Horizontal bars, one per (label, value), scaled to the largest value."""
    rows = [(str(label), value or 0) for label, value in items]
    if skip_zero:
        rows = [r for r in rows if r[1]]
    if not rows:
        return mark_safe(
            f'<p class="chart-empty">{escape(title)}：{escape("暂无数据")}</p>'
        )
    top = max(float(v) for _, v in rows) or 1.0
    label_width = min(
        LABEL_MAX, max(LABEL_WIDTH, 10 + max(text_width(x) for x, _ in rows))
    )
    value_width = max(
        VALUE_WIDTH, 8 + max(text_width(_fmt(v) + str(unit)) for _, v in rows)
    )
    span = width - label_width - value_width
    height = len(rows) * (BAR_HEIGHT + BAR_GAP) + BAR_GAP
    parts = [
        f'<svg class="chart chart-bars" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>'
    ]
    for i, (label, value) in enumerate(rows):
        y = BAR_GAP + i * (BAR_HEIGHT + BAR_GAP)
        w = max(1.0, span * float(value) / top) if value else 0.0
        text_y = y + BAR_HEIGHT * 0.7
        parts.append(
            f'<g class="bar" data-label="{escape(label)}" data-value="{value}">'
            f'<text class="chart-label" x="{label_width - 6:.0f}" y="{text_y:.1f}" '
            f'text-anchor="end">{escape(label)}</text>'
            f'<rect x="{label_width:.0f}" y="{y}" width="{w:.1f}" '
            f'height="{BAR_HEIGHT}" rx="3">'
            f"<title>{escape(label)}：{_fmt(value)}{escape(unit)}</title></rect>"
            f'<text class="chart-value" x="{label_width + w + 4:.1f}" '
            f'y="{text_y:.1f}">{_fmt(value)}{escape(unit)}</text></g>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))


def column_chart(
    items: Sequence[tuple[str, Number]],
    *,
    title: str,
    width: int = 640,
    height: int = 180,
    unit: str = "",
) -> SafeString:
    """Vertical columns over a series (days of a month, months of a year); every
    label is kept in the tooltip, and about ten are printed under the axis."""
    rows = [(str(label), value or 0) for label, value in items]
    if not any(v for _, v in rows):  # an empty month is said, not drawn as a blank box
        return mark_safe(
            f'<p class="chart-empty">{escape(title)}：{escape("暂无数据")}</p>'
        )
    top = max(float(v) for _, v in rows)
    axis = height - 20
    step = width / len(rows)
    bar = max(1.0, step * 0.7)
    every = max(1, round(len(rows) / 10))
    parts = [
        f'<svg class="chart chart-columns" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>'
        f'<line class="chart-axis" x1="0" y1="{axis}" x2="{width}" y2="{axis}"/>'
    ]
    for i, (label, value) in enumerate(rows):
        h = (axis - 14) * float(value) / top
        x = i * step + (step - bar) / 2
        parts.append(
            f'<g class="bar" data-label="{escape(label)}" data-value="{value}">'
            f'<rect x="{x:.1f}" y="{axis - h:.1f}" width="{bar:.1f}" height="{h:.1f}">'
            f"<title>{escape(label)}：{_fmt(value)}{escape(unit)}</title></rect>"
        )
        if i % every == 0:
            # kept inside the box: the first and last labels would be cut in half
            half = text_width(label) / 2
            middle = min(max(x + bar / 2, half), width - half)
            parts.append(
                f'<text class="chart-label" x="{middle:.1f}" y="{height - 4}" '
                f'text-anchor="middle">{escape(label)}</text>'
            )
        parts.append("</g>")
    parts.append("</svg>")
    return mark_safe("".join(parts))


def labelled(counts: dict[str, Any], choices: Any) -> list[tuple[str, Any]]:
    """(Chinese label, count) in the order of a TextChoices, from {code: count}."""
    return [(str(label), counts.get(code, 0)) for code, label in choices.choices]
