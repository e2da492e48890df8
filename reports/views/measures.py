"""The section editor's part in year-on-year comparison: last year's keyed tables to choose from, last year's
figures beside each keyed table, and a new section's tables started from last year's (reports/measures_data.py)."""

from __future__ import annotations

from dataclasses import dataclass, field

from reports.measures_data import KeyedTable, carried_tables, previous_keyed_tables


@dataclass
class EditorMeasures:
    previous: list[KeyedTable]
    carried: list[dict] = field(default_factory=list)  # a section not started begins with these tables

    @property
    def form_kwargs(self) -> dict:
        label = self.previous[0].period_label if self.previous else ""
        return {"previous_tables": self.previous, "previous_label": label}


def editor_measures(section) -> EditorMeasures:
    """The previous period's keyed tables for this section's editor (two queries)."""
    previous = previous_keyed_tables(period=section.spec.period, spec_slug=section.spec.slug)
    return EditorMeasures(previous=previous, carried=carried_tables(previous, section.spec.slug))


def last_year_attach(tables, measures: EditorMeasures) -> None:
    """Give each table form `last_year`: last year's table with the key it has (as typed, chosen or saved)."""
    by_key: dict[str, KeyedTable] = {}
    for table in measures.previous:
        by_key.setdefault(table.key, table)
    for form in tables.forms:
        chosen = form["same_as"].value() if "same_as" in form.fields else ""
        key = str(chosen or form["key"].value() or "").strip()
        form.last_year = by_key.get(key)
