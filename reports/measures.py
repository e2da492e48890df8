"""Year-on-year comparison of data tables: the same measure in several reporting periods.

A data table may carry a measure key (`"key"` in the table's content, reports/content.py): a short
name such as "referrals-by-source" that stays the same every year. Tables of one partnership with
the same key in different periods are the same measure. The report then shows, after this year's
table, its figures beside those of up to EARLIER_SHOWN earlier periods, with a trend chart; the
table of figures is the chart's accessible equivalent. Which earlier tables are read is
reports/measures_data.py; this module only matches tables, so it is plain values in and out.

How tables are matched:
- rows by their first cell, ignoring capitals and runs of spaces ("LA  Services" is "la services").
  A keyed table's first cells must all differ (`key_problems`), so a row has at most one partner a year;
- the figures compared are this year's numeric columns (every filled cell a number, as the report
  aligns them), each matched to the earlier table's column with the same heading (compared the same way);
- an earlier cell is shown as printed when it is a number. A dash (DASH) stands for a row, column or
  figure that a year's table does not have: rows of this year missing in an earlier year, and rows of an
  earlier year that this year's table no longer has (listed after this year's rows, newest year first);
- the trend chart draws the first compared column over the years: one line per row, for at most
  TREND_SERIES rows (those with the largest figures this year), since more lines cannot be told apart.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lib.charts import ChartSpec, text_clean
from reports.charts import Chart, parse_number

KEY = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_KEY_CHARS = 60
EARLIER_SHOWN = 4
TREND_SERIES = 6
DASH = "–"
KEY_EXAMPLE = "referrals-by-source"


def label_normal(text) -> str:
    """A row's first cell or a column heading as compared between years."""
    return " ".join(str(text).split()).casefold()


def key_format_problem(key: str) -> str:
    """What is wrong with a measure key's spelling, or '' (an empty key means the table is not compared)."""
    if not key:
        return ""
    if len(key) > MAX_KEY_CHARS:
        return f"keep the measure key under {MAX_KEY_CHARS + 1} characters, for example '{KEY_EXAMPLE}'."
    if not KEY.match(key):
        return (
            f"the measure key '{key}' can hold only lower-case letters, digits and single hyphens between them, "
            f"for example '{KEY_EXAMPLE}'."
        )
    return ""


def key_problems(table: dict, name: str) -> list[str]:
    """Why a table's measure key cannot be used, one sentence each (nothing for a table without a key)."""
    key = table.get("key") or ""
    if not key:
        return []
    problems = []
    if problem := key_format_problem(key):
        problems.append(f"{name}: {problem}")
    if len(table.get("columns") or []) < 2:
        problems.append(
            f"{name}: a table with a measure key needs a first column naming each row and at least one column "
            "of figures. Add a column, or clear the measure key."
        )
    seen: set[str] = set()
    for row in table.get("rows") or []:
        label = label_normal(row[0]) if row else ""
        if label in seen:
            problems.append(
                f"{name}: with a measure key, each row's first cell must differ so the row can be matched with "
                f"other years; '{text_clean(row[0], 80)}' appears more than once. Rename or merge the rows."
            )
            break
        seen.add(label)
    return problems


def keys_repeated(tables: list[dict]) -> list[str]:
    """A sentence for each measure key held by two tables of one section."""
    first: dict[str, int] = {}
    problems = []
    for index, table in enumerate(tables, start=1):
        key = table.get("key") or ""
        if not key:
            continue
        if key in first:
            problems.append(
                f"Tables {first[key]} and {index} both have the measure key '{key}'. A measure appears once a "
                "year: give each table its own key."
            )
        else:
            first[key] = index
    return problems


def numeric_columns(table: dict) -> list[int]:
    """The columns after the first whose filled cells are all numbers (at least one filled)."""
    rows = table.get("rows") or []
    found = []
    for index in range(1, len(table.get("columns") or [])):
        cells = [row[index] for row in rows if index < len(row) and str(row[index]).strip()]
        if cells and all(parse_number(cell) is not None for cell in cells):
            found.append(index)
    return found


@dataclass(frozen=True)
class EarlierTable:
    """A table with the same key in an earlier period: the period's printed label and the table's content."""

    period_label: str
    table: dict


@dataclass
class ComparisonRow:
    label: str
    cells: list[str]
    only_earlier: bool = False


@dataclass
class Comparison:
    """A keyed table's figures beside earlier years': one value column per compared column and period."""

    key: str
    title: str
    caption: str
    label_heading: str
    periods: list[str]  # oldest first; this year last
    columns: list[str]  # this year's compared headings
    headings: list[str]  # one per value cell: each column's periods in turn
    rows: list[ComparisonRow]
    chart_spec: ChartSpec | None = None
    chart: Chart | None = field(default=None)  # drawn by reports.rendering from chart_spec

    @property
    def has_gaps(self) -> bool:
        return any(cell == DASH for row in self.rows for cell in row.cells)


class _Lookup:
    """One year's table, its rows by first cell and its columns by heading (the first of each if repeated)."""

    def __init__(self, table: dict):
        self.rows: dict[str, list] = {}
        for row in table.get("rows") or []:
            if row:
                self.rows.setdefault(label_normal(row[0]), row)
        self.columns: dict[str, int] = {}
        for index, heading in enumerate(table.get("columns") or []):
            if index:
                self.columns.setdefault(label_normal(heading), index)

    def figure(self, label: str, heading: str) -> str:
        row, index = self.rows.get(label), self.columns.get(heading)
        if row is None or index is None or index >= len(row):
            return DASH
        return figure_shown(row[index])


def figure_shown(cell) -> str:
    """A cell as printed when it is a number, otherwise a dash."""
    text = str(cell).strip()
    return text if parse_number(text) is not None else DASH


def comparison_build(*, key: str, table: dict, period_label: str, earlier: list[EarlierTable]) -> Comparison | None:
    """This year's keyed table beside its earlier years (`earlier` newest first; the first EARLIER_SHOWN are
    shown), or None when there is no earlier year or nothing numeric to compare."""
    compared = numeric_columns(table)
    if not earlier or not compared:
        return None
    shown = list(reversed(earlier[:EARLIER_SHOWN]))  # oldest first, as the years read left to right
    periods = [item.period_label for item in shown] + [period_label]
    columns = [str(table["columns"][index]) for index in compared]
    headings = list(periods) if len(columns) == 1 else [f"{column}, {p}" for column in columns for p in periods]
    lookups = [_Lookup(item.table) for item in shown]
    rows, seen = [], set()
    for row in table.get("rows") or []:
        label = label_normal(row[0]) if row else ""
        seen.add(label)
        cells = []
        for index, column in zip(compared, columns, strict=True):
            cells += [lookup.figure(label, label_normal(column)) for lookup in lookups]
            cells.append(figure_shown(row[index]) if index < len(row) else DASH)
        rows.append(ComparisonRow(str(row[0]) if row else "", cells))
    for item in reversed(shown):  # rows this year lacks, newest year first
        for row in item.table.get("rows") or []:
            label = label_normal(row[0]) if row else ""
            if not row or label in seen:
                continue
            seen.add(label)
            cells = []
            for column in columns:
                cells += [other.figure(label, label_normal(column)) for other in lookups]
                cells.append(DASH)
            rows.append(ComparisonRow(str(row[0]), cells, only_earlier=True))
    title = str(table.get("title") or "")
    caption = f"{title} ({', '.join(columns)}), {periods[0]} to {periods[-1]}"
    comparison = Comparison(
        key=key,
        title=title,
        caption=caption,
        label_heading=str(table["columns"][0]),
        periods=periods,
        columns=columns,
        headings=headings,
        rows=rows,
    )
    comparison.chart_spec = trend_spec(comparison)
    return comparison


def trend_spec(comparison: Comparison) -> ChartSpec | None:
    """The trend chart of the first compared column: a line per row over the years, or None if no row has
    a figure this year and in an earlier year."""
    width = len(comparison.periods)
    candidates = []
    for position, row in enumerate(comparison.rows):
        if row.only_earlier:
            continue
        values = tuple(parse_number(cell) for cell in row.cells[:width])
        if values[-1] is not None and any(v is not None for v in values[:-1]):
            candidates.append((-values[-1], position, row, values))
    if not candidates:
        return None
    chosen = sorted(candidates)[:TREND_SERIES]
    chosen.sort(key=lambda item: item[1])  # in the table's order, so the legend reads like the table
    series = tuple((row.label, values) for _, _, row, values in chosen)
    percent = any("%" in cell for _, _, row, _ in chosen for cell in row.cells[:width])
    column = comparison.columns[0]
    return ChartSpec(
        kind="line",
        title=f"{comparison.title}: {column} by year",
        labels=tuple(comparison.periods),
        series=series,
        value_label="Value (%)" if percent else "Value",
        description=trend_description(comparison, series, percent, rows_with_figures=len(candidates)),
    )


def trend_description(comparison: Comparison, series, percent: bool, *, rows_with_figures: int) -> str:
    """What the trend chart shows, in words: its alternative text and the caption printed beside it."""
    unit = "%" if percent else ""
    first, last = comparison.periods[0], comparison.periods[-1]
    title = text_clean(comparison.title, 300)
    column = text_clean(comparison.columns[0], 100)
    if len(series) < rows_with_figures:
        which = f"the {len(series)} rows with the largest figures in {last} (of {rows_with_figures})"
    else:
        which = "each row with figures" if len(series) > 1 else "the one row with figures"
    parts = [f"Line chart of {title} ({column}) from {first} to {last}, one line for {which}."]
    for name, values in series:
        said = [
            f"{value:g}{unit} in {period}" if value is not None else f"no figure in {period}"
            for value, period in zip(values, comparison.periods, strict=True)
        ]
        parts.append(f"{text_clean(name, 100)}: {', '.join(said)}.")
    parts.append("The figures are in the table above the chart.")
    return " ".join(parts)
