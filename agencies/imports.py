"""Reading an uploaded CSV of a period's funding, and running it through the resource.

Every problem becomes a sentence that says what to do next. Nothing here writes outside
django-import-export's own transaction, which a dry run always rolls back.

The check runs in the request, so it is bounded tightly: at most MAX_BYTES (1 MB) of text, read
with the csv module record by record and refused at the first row past MAX_ROWS, so no more
than MAX_ROWS rows ever reach the resource (a period's funding has one row per agency).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import tablib
from django.core.exceptions import ValidationError

from agencies.resources import FUNDING_COLUMNS, FUNDING_REQUIRED, PeriodFundingResource
from lib.errors import InvalidInput

MAX_BYTES = 1024 * 1024
MAX_ROWS = 2000
MAX_PROBLEMS = 100
SAVE_AS_CSV = "In your spreadsheet use 'Save as' and choose 'CSV UTF-8 (comma delimited)', then upload that file."


def funding_dataset_read(*, name: str, raw: bytes) -> tablib.Dataset:
    """The file's rows under its header, or InvalidInput saying what is wrong with the file."""
    if not name.lower().endswith(".csv"):
        raise InvalidInput(f"'{name}' is not a CSV file. {SAVE_AS_CSV}")
    if not raw.strip():
        raise InvalidInput("The file is empty. Choose the CSV file of this period's funding.")
    if len(raw) > MAX_BYTES:
        raise InvalidInput(
            f"The file is {len(raw) // 1024:,} KB; the most this page takes is {MAX_BYTES // 1024:,} KB. "
            "A period's funding has one row per agency: check you chose the right file."
        )
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidInput(
            f"The file is not UTF-8 text, so names with accents would be garbled. {SAVE_AS_CSV}"
        ) from None
    if "\x00" in text:
        raise InvalidInput(f"The file holds binary data, not CSV text. {SAVE_AS_CSV}")
    dataset = _parsed(text)
    if len(dataset) == 0:
        raise InvalidInput(
            f"The file has no contributions under its header row. Add one row per agency with the columns "
            f"{', '.join(FUNDING_COLUMNS)}."
        )
    return dataset


def _check_headers(headers: list) -> None:
    names = [str(h or "").strip().lower() for h in headers]
    missing = [column for column in FUNDING_REQUIRED if column not in names]
    if not missing:
        return
    if len(names) == 1 and ";" in names[0]:
        raise InvalidInput(f"The file's columns are separated by semicolons, not commas. {SAVE_AS_CSV}")
    found = ", ".join(repr(n) for n in names if n) or "none"
    raise InvalidInput(
        f"The file has no column {' or '.join(repr(c) for c in missing)} (columns found: {found}). "
        f"The first row must name the columns {', '.join(FUNDING_COLUMNS)}; note may be left out."
    )


def _parsed(text: str) -> tablib.Dataset:
    """The header and the non-blank rows, read record by record and refused at the first row past MAX_ROWS."""
    unreadable = InvalidInput(
        "The file could not be read as CSV: a row may have more cells than the header row names. "
        "Correct the file and upload it again."
    )
    records = csv.reader(io.StringIO(text))
    dataset = tablib.Dataset()
    try:
        headers = next(records, [])
        _check_headers(headers)
        dataset.headers = headers
        width = len(headers)
        for record in records:
            if not record:
                continue
            if len(record) > width:
                raise unreadable
            if not any(cell.strip() for cell in record):
                continue
            if len(dataset) == MAX_ROWS:
                raise InvalidInput(
                    f"The file has more than {MAX_ROWS:,} rows; a period's funding needs one row per agency. "
                    "Check you chose the right file."
                )
            dataset.append(record + [""] * (width - len(record)))
    except (csv.Error, ValueError):
        raise unreadable from None
    return dataset


@dataclass(frozen=True)
class FundingOutcome:
    total_rows: int
    new_rows: int
    updated_rows: int
    unchanged_rows: int
    errors: list[str]
    changes: list[dict]


def funding_import_run(
    *, period, dataset: tablib.Dataset, dry_run: bool
) -> tuple[PeriodFundingResource, FundingOutcome]:
    """Check (dry_run) or import the rows; any problem rolls every row back."""
    resource = PeriodFundingResource(period=period)
    result = resource.import_data(dataset, dry_run=dry_run, use_transactions=True, rollback_on_validation_errors=True)
    errors = _problems(result)
    totals = result.totals
    outcome = FundingOutcome(
        total_rows=result.total_rows,
        new_rows=totals.get("new", 0),
        updated_rows=totals.get("update", 0),
        unchanged_rows=totals.get("skip", 0),
        errors=errors,
        changes=[] if errors else resource.preview,
    )
    return resource, outcome


def _problems(result) -> list[str]:
    errors = [f"The file could not be imported: {_message(e.error)}" for e in result.base_errors]
    problems: list[tuple[int, str]] = []
    for invalid in result.invalid_rows:
        for messages in invalid.error_dict.values():
            problems.extend((invalid.number, message) for message in messages)
    for number, row_errors in result.row_errors():
        problems.extend((number, _message(e.error)) for e in row_errors)
    errors += [f"Row {number}: {message}" for number, message in sorted(problems)[:MAX_PROBLEMS]]
    if len(problems) > MAX_PROBLEMS:
        errors.append(f"…and {len(problems) - MAX_PROBLEMS:,} more problems. Correct these first.")
    return errors


def _message(error) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return "an unexpected problem; tell the portal's administrator, quoting the row number."
