"""Server-drawn SVG charts: scaled bars, escaped labels, an empty state."""

from __future__ import annotations

import re

from anju.core.charts import bar_chart, column_chart


def _widths(svg: str) -> list[float]:
    return [
        float(w)
        for w in re.findall(r'<rect x="[\d.]+" y="[\d.]+" width="([\d.]+)"', svg)
    ]


def test_bars_are_scaled_to_the_largest_value():
    svg = bar_chart([("报修", 10), ("投诉", 5), ("咨询", 0)], title="按类型")
    widths = _widths(svg)
    assert widths[0] == 2 * widths[1]
    assert widths[2] == 0
    assert 'aria-label="按类型"' in svg
    assert "style=" not in svg  # the CSP forbids inline styles


def test_labels_are_escaped_and_zero_rows_can_be_skipped():
    svg = bar_chart([("<b>x</b>", 1), ("空", 0)], title="t", skip_zero=True)
    assert "<b>" not in svg
    assert "&lt;b&gt;" in svg
    assert 'data-label="空"' not in svg


def test_empty_series_says_so():
    assert "暂无数据" in bar_chart([], title="按类别")
    assert "暂无数据" in column_chart([], title="每日")
    assert "暂无数据" in column_chart([("11-01", 0), ("11-02", 0)], title="每日")


def test_columns_keep_every_value_in_a_tooltip():
    days = [(f"11-{d:02d}", d % 3) for d in range(1, 31)]
    svg = column_chart(days, title="每日新增工单")
    assert svg.count("<rect") == 30
    assert "<title>11-30：0</title>" in svg
