"""The chart of a table preview (issue 9: “a chart where a numeric column exists”). Pure: no Django import.

The page's rows (at most one page) are drawn as a bar chart of one numeric column (`int` or `numeric`), labelled by
the first text or date column (else the row number). The option is an ECharts option object; the page puts it in a
json_script island that the vendored loader (portal/static/gongkai/charts.js) draws — the table stays the accessible
source of the figures.
"""

from __future__ import annotations

from typing import Any

NUMERIC = frozenset({"int", "numeric"})
LABELS = frozenset({"text", "date"})


def numeric_columns(fields: list[dict[str, str]]) -> list[str]:
    return [f["id"] for f in fields if f.get("type") in NUMERIC]


def chart_option(
    fields: list[dict[str, str]], records: list[dict[str, Any]], column: str = ""
) -> dict[str, Any] | None:
    """A bar chart of `column` (default: the first numeric column) over `records`; None without a numeric column
    or without a single number on the page."""
    numeric = numeric_columns(fields)
    if not numeric:
        return None
    value_column = column if column in numeric else numeric[0]
    label_column = next((f["id"] for f in fields if f.get("type") in LABELS), None)
    labels: list[str] = []
    values: list[int | float] = []
    for record in records:
        value = record.get(value_column)
        if isinstance(value, bool) or not isinstance(value, int | float):
            continue
        label = record.get(label_column) if label_column else None
        labels.append(str(label) if label not in (None, "") else f"第{record.get('_id', len(labels) + 1)}行")
        values.append(value)
    if not values:
        return None
    return {
        "title": {"text": value_column, "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 60, "right": 20, "bottom": 80, "top": 40},
        "xAxis": {"type": "category", "data": labels, "axisLabel": {"rotate": 45, "interval": 0}},
        "yAxis": {"type": "value", "name": value_column},
        "series": [{"type": "bar", "name": value_column, "data": values}],
    }
