"""Charts of the data tables in a section: a table's rows as a `lib.charts.ChartSpec`.

The drawing is `lib.charts` (the one chart helper, shared with training); this module
only reads a data table (printed cells such as "4.1%" or "£1,200"), says in words what
its chart shows (the page prints that description beside the chart and the SVG carries
it as its <desc>), and bounds its size: a chart shows at most `lib.charts.MAX_CATEGORIES`
rows, and says so when the table has more (every row is in the table above it).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from lib.charts import MAX_CATEGORIES, ChartSpec, chart_svg, svg_inline, text_clean

NUMBER = re.compile(r"^\s*[£]?\s*(-?[\d,]*\.?\d+)\s*%?\s*$")
CHART_KINDS = ("bar", "line")


@dataclass(frozen=True)
class Chart:
    svg: str
    description: str


def parse_number(cell: str) -> float | None:
    """4.1% -> 4.1, £1,200 -> 1200.0; None for anything that is not a number."""
    match = NUMBER.match(str(cell))
    if not match:
        return None
    try:
        value = float(match.group(1).replace(",", ""))
    except ValueError:
        return None
    return value if math.isfinite(value) else None  # 400 nines is a float overflow, not a figure to draw


def table_chart_spec(table: dict) -> ChartSpec | None:
    """What a data table's chart shows, or None if it has no chart type or no numbers."""
    kind = table.get("chart") or ""
    columns = table.get("columns") or []
    rows = table.get("rows") or []
    if kind not in CHART_KINDS or len(columns) < 2 or not rows:
        return None
    shown = rows[:MAX_CATEGORIES]
    labels = tuple(str(row[0]) if row else "" for row in shown)
    series = []
    for index, name in enumerate(columns[1:], start=1):
        values = tuple(parse_number(row[index]) if index < len(row) else None for row in shown)
        if any(value is not None for value in values):
            series.append((str(name), values))
    if not series:
        return None
    percent = any("%" in str(cell) for row in shown for cell in row[1:])
    title = str(table.get("title") or "")
    description = describe(title or "Chart", kind, labels, series, percent, total_rows=len(rows))
    return ChartSpec(
        kind=kind,
        title=title,
        labels=labels,
        series=tuple(series),
        value_label="Value (%)" if percent else "Value",
        description=description,
    )


def chart_for_table(table: dict, *, id_prefix: str = "chart") -> Chart | None:
    """A data table's chart, drawn now (the report draws through its store: reports.rendering)."""
    spec = table_chart_spec(table)
    if spec is None:
        return None
    return Chart(svg=svg_inline(chart_svg(spec), id_prefix), description=spec.description)


def describe(title: str, kind: str, labels, series: list, percent: bool, *, total_rows: int | None = None) -> str:
    """A sentence or two saying what the chart shows, for readers who cannot see it."""
    unit = "%" if percent else ""
    names = ", ".join(text_clean(name, 200) for name, _ in series)
    title = text_clean(title, 500)
    parts = [f"{'Bar' if kind == 'bar' else 'Line'} chart of {title}, showing {names} for {len(labels)} categories."]
    if total_rows is not None and total_rows > len(labels):
        parts.append(f"It shows the first {len(labels)} of the table's {total_rows} rows.")
    for name, values in series[:3]:
        known = [(v, text_clean(label, 200)) for v, label in zip(values, labels, strict=False) if v is not None]
        if known:
            high, high_label = max(known)
            low, low_label = min(known)
            parts.append(
                f"{text_clean(name, 200)}: highest {high_label} ({high:g}{unit}), lowest {low_label} ({low:g}{unit})."
            )
    parts.append("The figures are in the table above the chart.")
    return " ".join(parts)
