"""Charts for data tables, drawn on the server as SVG so the HTML and the PDF show the same picture.

matplotlib with constrained layout; text stays text in the SVG (svg.fonttype 'none') so
screen readers and search can read it; the SVG carries a <title> and the page puts the
data table and a text description beside it. Output is byte-stable for the same data
(fixed hash salt, no date), so a frozen report's sha256 depends only on its content.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

import matplotlib

matplotlib.use("Agg")

from matplotlib import pyplot as plt  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

NUMBER = re.compile(r"^\s*[£]?\s*(-?[\d,]*\.?\d+)\s*%?\s*$")
# Colours from the GOV.UK palette, distinguishable for common colour-vision deficiencies.
PALETTE = ["#1d70b8", "#f47738", "#003078", "#85994b", "#912b88", "#505a5f"]
RC = {
    "svg.fonttype": "none",
    "svg.hashsalt": "portal",
    "font.family": "DejaVu Sans",
    "font.size": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
}


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
        return float(match.group(1).replace(",", ""))
    except ValueError:
        return None


def chart_for_table(table: dict, *, id_prefix: str = "chart") -> Chart | None:
    """A bar or line chart of a data table's numeric columns, or None if it has no chart or no numbers."""
    kind = table.get("chart") or ""
    columns = table.get("columns") or []
    rows = table.get("rows") or []
    if kind not in ("bar", "line") or len(columns) < 2 or not rows:
        return None
    labels = [str(row[0]) for row in rows]
    series = []
    for index, name in enumerate(columns[1:], start=1):
        values = [parse_number(row[index]) if index < len(row) else None for row in rows]
        if any(value is not None for value in values):
            series.append((name, values))
    if not series:
        return None
    percent = any("%" in str(cell) for row in rows for cell in row[1:])
    svg = svg_inline(_draw(kind, table.get("title") or "", labels, series, percent), id_prefix)
    return Chart(svg=svg, description=describe(table.get("title") or "Chart", kind, labels, series, percent))


def _draw(kind: str, title: str, labels: list[str], series: list, percent: bool) -> str:
    with plt.rc_context(RC):
        height = max(3.0, 0.45 * len(labels) + 1.5) if kind == "bar" else 3.5
        figure = Figure(figsize=(7.5, height), layout="constrained")
        axes = figure.subplots()
        if kind == "bar":
            _bars(axes, labels, series)
        else:
            for colour, (name, values) in zip(PALETTE, series, strict=False):
                axes.plot(
                    labels, [v if v is not None else float("nan") for v in values], marker="o", color=colour, label=name
                )
            axes.tick_params(axis="x", labelrotation=30)
        unit = " (%)" if percent else ""
        (axes.set_xlabel if kind == "bar" else axes.set_ylabel)(f"Value{unit}")
        if len(series) > 1:
            axes.legend(frameon=False, loc="best")
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata={"Date": None, "Title": title})
    return buffer.getvalue()


def _bars(axes, labels: list[str], series: list) -> None:
    count = len(series)
    width = 0.8 / count
    positions = range(len(labels))
    for offset, (colour, (name, values)) in enumerate(zip(PALETTE, series, strict=False)):
        axes.barh(
            [p + (offset - (count - 1) / 2) * width for p in positions],
            [v or 0 for v in values],
            height=width,
            color=colour,
            label=name,
        )
    axes.set_yticks(list(positions), labels)
    axes.invert_yaxis()


SVG_ID = re.compile(r'(\bid="|url\(#|href="#)([^")]+)')


def svg_inline(svg: str, prefix: str = "") -> str:
    """SVG ready to sit inside an HTML page: no XML declaration or DOCTYPE, and with `prefix`
    its ids (and the references to them) made unique, since a report holds several charts."""
    start = svg.find("<svg")
    svg = svg[start:] if start >= 0 else svg
    if prefix:
        svg = SVG_ID.sub(lambda m: f"{m.group(1)}{prefix}-{m.group(2)}", svg)
    return svg


def describe(title: str, kind: str, labels: list[str], series: list, percent: bool) -> str:
    """A sentence or two saying what the chart shows, for readers who cannot see it."""
    unit = "%" if percent else ""
    names = ", ".join(name for name, _ in series)
    parts = [f"{'Bar' if kind == 'bar' else 'Line'} chart of {title}, showing {names} for {len(labels)} categories."]
    for name, values in series[:3]:
        known = [(v, label) for v, label in zip(values, labels, strict=False) if v is not None]
        if known:
            high, high_label = max(known)
            low, low_label = min(known)
            parts.append(f"{name}: highest {high_label} ({high:g}{unit}), lowest {low_label} ({low:g}{unit}).")
    parts.append("The figures are in the table beside the chart.")
    return " ".join(parts)
