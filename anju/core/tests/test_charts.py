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


def test_long_labels_and_amounts_get_the_room_they_need():
    # given: a category name of nine characters (eight CJK) and a six-figure amount
    categories = bar_chart([("公共设施/房屋本体", 8), ("电梯", 4)], title="按类别")
    aging = bar_chart(
        [("0–30天", 107299.1), ("31–90天", 91915.3)], title="账龄", unit="元"
    )
    # then: the label is drawn right-aligned and starts inside the box …
    label_end = float(re.search(r'class="chart-label" x="([\d.]+)"', categories)[1])
    assert label_end >= 8 * 12 + 0.6 * 12
    # … and the largest figure ends inside it
    width = float(re.search(r'viewBox="0 0 (\d+)', aging)[1])
    value_x = float(re.search(r'class="chart-value" x="([\d.]+)"', aging)[1])
    assert value_x + len("107,299.1") * 0.6 * 12 + 12 <= width


def test_the_first_and_last_column_labels_stay_inside_the_box():
    days = [(f"11-{d:02d}", 1) for d in range(1, 31)]
    svg = column_chart(days, title="每日新增工单", width=640)
    xs = [float(x) for x in re.findall(r'class="chart-label" x="([\d.]+)"', svg)]
    half = len("11-01") * 0.6 * 12 / 2
    assert min(xs) >= half
    assert max(xs) <= 640 - half
