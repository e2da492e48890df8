"""The shape of a section's content, as stored in each revision's JSON snapshot.

{"narrative": str, "key_achievements": str, "areas_for_development": str, "impact": str,
 "evidence": [{"kind": one of reports.impact.EVIDENCE_KINDS, "description": str, "table": int | None}],
 "quotes": [{"kind": "quote"|"case_study", "title": str, "text": str, "attribution": str, "consented": True}],
 "tables": [{"title": str, "columns": [str], "rows": [[str]], "source": str, "chart": ""|"bar"|"line",
             "key": str}],
 "impact": str, "evidence": [{"kind": str, "description": str, "table": int|None}],
 "development_items": [{"title": str, "detail": str}]}

"narrative" is what we did; "impact" what difference it made, "evidence" how we know (reports.impact).
Revisions saved before impact existed have neither key: every reader tolerates their absence.

"development_items" is the structured list of areas for development that the next period carries
forward (reports.progress). It is stored only when the section has some, so revisions saved before
it existed, and sections without any, keep the same shape.

A table's "key" (its measure key, reports/measures.py) is stored only when set: revisions saved before
keys existed, and tables that are not compared year on year, have none.
"""

from __future__ import annotations

from reports.errors import InvalidInput
from reports.impact import EVIDENCE_KINDS, EVIDENCE_LABEL, MAX_EVIDENCE, MAX_EVIDENCE_CHARS, evidence_items
from reports.markdown import MAX_FIELD_CHARS, too_long_message
from reports.measures import key_problems, keys_repeated

TEXT_FIELDS = {
    "narrative": "The narrative",
    "key_achievements": "Key achievements",
    "areas_for_development": "Areas for development",
    "impact": "What difference it made",
}
QUOTE_KINDS = ("quote", "case_study")
CHART_TYPES = ("", "bar", "line")
MAX_QUOTES = 50
MAX_TABLES = 20
MAX_ROWS = 500
MAX_COLUMNS = 20
MAX_CELL_CHARS = 500
MAX_DEVELOPMENT_ITEMS = 30
MAX_ITEM_TITLE_CHARS = 200
MAX_ITEM_DETAIL_CHARS = 2_000


def empty_content() -> dict:
    return dict.fromkeys(TEXT_FIELDS, "") | {"evidence": [], "quotes": [], "tables": []}


def content_clean(data: dict) -> dict:
    """The content in its stored shape, or InvalidInput naming every problem."""
    errors: list[str] = []
    content = empty_content()
    for name, label in TEXT_FIELDS.items():
        text = str(data.get(name) or "").replace("\r\n", "\n").strip()
        if len(text) > MAX_FIELD_CHARS:
            errors.append(too_long_message(label, len(text)))
        content[name] = text
    content["quotes"] = _clean_quotes(data.get("quotes") or [], errors)
    content["tables"] = _clean_tables(data.get("tables") or [], errors)
    items = _clean_development_items(data.get("development_items") or [], errors)
    if items:
        content["development_items"] = items
    content["evidence"] = _clean_evidence(data.get("evidence") or [], len(content["tables"]), errors)
    if errors:
        raise InvalidInput(errors)
    return content


def _clean_quotes(quotes: list, errors: list[str]) -> list[dict]:
    if len(quotes) > MAX_QUOTES:
        errors.append(f"A section can hold at most {MAX_QUOTES} quotes and case studies. Remove some.")
        return []
    cleaned = []
    for index, quote in enumerate(quotes, start=1):
        text = str(quote.get("text") or "").strip()
        kind = quote.get("kind") or "quote"
        if not text:
            continue
        if len(text) > MAX_FIELD_CHARS:
            errors.append(too_long_message(f"Quote {index}", len(text)))
        if kind not in QUOTE_KINDS:
            errors.append(f"Quote {index} has an unknown kind. Choose quote or case study.")
        if len(str(quote.get("title") or "")) > 200 or len(str(quote.get("attribution") or "")) > 200:
            errors.append(f"Quote {index}: keep the title and attribution under 200 characters.")
        if quote.get("consented") is not True:
            errors.append(f"Quote {index}: confirm that it is anonymised and that the person consented, or remove it.")
        cleaned.append(
            {
                "kind": kind,
                "title": str(quote.get("title") or "").strip(),
                "text": text,
                "attribution": str(quote.get("attribution") or "").strip(),
                "consented": quote.get("consented") is True,
            }
        )
    return cleaned


def _clean_tables(tables: list, errors: list[str]) -> list[dict]:
    if len(tables) > MAX_TABLES:
        errors.append(f"A section can hold at most {MAX_TABLES} tables. Remove some.")
        return []
    cleaned = []
    for index, table in enumerate(tables, start=1):
        title = str(table.get("title") or "").strip()
        columns = [str(c).strip() for c in table.get("columns") or []]
        rows = [[str(cell).strip() for cell in row] for row in table.get("rows") or []]
        if not title and not columns and not rows:
            continue
        name = f"Table {index}" + (f" ({title})" if title else "")
        if not title:
            errors.append(f"{name}: give the table a title.")
        if not columns or len(columns) > MAX_COLUMNS:
            errors.append(f"{name}: give between 1 and {MAX_COLUMNS} column headings.")
        if len(rows) > MAX_ROWS:
            errors.append(f"{name}: a table can have at most {MAX_ROWS} rows. Split it into two tables.")
        for number, row in enumerate(rows[:MAX_ROWS], start=1):
            if columns and len(row) != len(columns):
                errors.append(f"{name}, row {number}: has {len(row)} cells but the table has {len(columns)} columns.")
            if any(len(cell) > MAX_CELL_CHARS for cell in row):
                errors.append(f"{name}, row {number}: a cell is longer than {MAX_CELL_CHARS} characters.")
        if len(str(table.get("source") or "")) > 500:
            errors.append(f"{name}: keep the source note under 500 characters.")
        chart = table.get("chart") or ""
        if chart not in CHART_TYPES:
            errors.append(f"{name}: choose no chart, a bar chart or a line chart.")
        entry = {
            "title": title,
            "columns": columns,
            "rows": rows,
            "source": str(table.get("source") or "").strip(),
            "chart": chart,
        }
        if key := str(table.get("key") or "").strip():
            entry["key"] = key
            errors.extend(key_problems(entry, name))
        cleaned.append(entry)
    errors.extend(keys_repeated(cleaned))
    return cleaned


def _clean_development_items(items: list, errors: list[str]) -> list[dict]:
    if len(items) > MAX_DEVELOPMENT_ITEMS:
        errors.append(f"A section can list at most {MAX_DEVELOPMENT_ITEMS} areas for development. Combine some.")
        return []
    cleaned = []
    for index, item in enumerate(items, start=1):
        title = " ".join(str(item.get("title") or "").split())
        detail = str(item.get("detail") or "").replace("\r\n", "\n").strip()
        if not title and not detail:
            continue
        if not title:
            errors.append(f"Area for development {index}: give it a short title.")
        if len(title) > MAX_ITEM_TITLE_CHARS:
            errors.append(f"Area for development {index}: keep the title under {MAX_ITEM_TITLE_CHARS} characters.")
        if len(detail) > MAX_ITEM_DETAIL_CHARS:
            errors.append(f"Area for development {index}: keep the detail under {MAX_ITEM_DETAIL_CHARS:,} characters.")
        cleaned.append({"title": title, "detail": detail})
    return cleaned


def development_items(content: dict | None) -> list[dict]:
    """The section's structured areas for development; none for revisions saved before the list existed."""
    return list((content or {}).get("development_items") or [])


def _clean_evidence(items: list, table_count: int, errors: list[str]) -> list[dict]:
    if len(items) > MAX_EVIDENCE:
        errors.append(f"'{EVIDENCE_LABEL}' can hold at most {MAX_EVIDENCE} items. Remove some.")
        return []
    cleaned = []
    for index, item in enumerate(items, start=1):
        kind = str(item.get("kind") or "").strip()
        description = str(item.get("description") or "").strip()
        table = item.get("table")
        if not kind and not description and table in (None, ""):
            continue
        name = f"{EVIDENCE_LABEL}, item {index}"
        if kind not in EVIDENCE_KINDS:
            errors.append(f"{name}: choose what kind of evidence it is.")
        if not description:
            errors.append(f"{name}: describe the evidence in a sentence, or remove the item.")
        elif len(description) > MAX_EVIDENCE_CHARS:
            errors.append(f"{name}: keep the description under {MAX_EVIDENCE_CHARS} characters.")
        number = None
        if kind == "data_table":
            number = table if isinstance(table, int) and not isinstance(table, bool) else None
            if number is None or not 1 <= number <= table_count:
                errors.append(
                    f"{name}: give the number of the data table of this section it refers to "
                    f"(this section has {table_count} table{'s' if table_count != 1 else ''})."
                )
        cleaned.append({"kind": kind, "description": description, "table": number})
    return cleaned


def content_has_substance(content: dict | None) -> bool:
    """Whether a revision says anything: some text, evidence, a quote or a table with rows."""
    if not content:
        return False
    return (
        any(str(content.get(name) or "").strip() for name in TEXT_FIELDS)
        or bool(evidence_items(content))
        or bool(content.get("quotes"))
        or any(table.get("rows") for table in content.get("tables") or [])
        or bool(development_items(content))
    )
