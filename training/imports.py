"""Reading an uploaded booking-system export into rows, and describing what is wrong with it.

Every problem becomes a message that says what to do next; nothing here writes to the
database.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass

import tablib
from django.core.exceptions import ValidationError

from training.resources import COLUMNS, REQUIRED_COLUMNS

MAX_BYTES = 20 * 1024 * 1024
MAX_ROWS = 200_000
FORMATS = {"csv": "csv", "xlsx": "xlsx"}


class ImportFileError(Exception):
    """The file cannot be read as bookings; the message says why and what to do."""


def file_format_for(name: str) -> str:
    """'csv' or 'xlsx', from the file's name."""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in FORMATS:
        raise ImportFileError(
            f"{name!r} is not a CSV or XLSX file. Export the attendee report as CSV or Excel (.xlsx) and upload that."
        )
    return extension


def dataset_read(*, raw: bytes, file_format: str) -> tablib.Dataset:
    """The file's rows under its header, or ImportFileError saying what is wrong with it."""
    if not raw.strip():
        raise ImportFileError("The file is empty. Export the attendee report again and upload the new file.")
    if len(raw) > MAX_BYTES:
        raise ImportFileError(
            f"The file is {len(raw) / 1024 / 1024:.1f} MB; the most this page takes is {MAX_BYTES // 1024 // 1024} MB. "
            "Split it into smaller files and upload them one at a time."
        )
    dataset = _read_csv(raw) if file_format == "csv" else _read_xlsx(raw)
    _drop_blank_rows(dataset)
    if not dataset.headers or not any(str(h or "").strip() for h in dataset.headers):
        raise ImportFileError(
            "The file has no header row. The first row must name the columns: " + ", ".join(COLUMNS) + "."
        )
    missing = missing_columns(dataset.headers)
    if missing and len(dataset.headers) == 1 and ";" in str(dataset.headers[0] or ""):
        raise ImportFileError(
            "The file's columns are separated by semicolons, not commas. In Excel use 'Save as' and choose "
            "'CSV UTF-8 (comma delimited)', then upload that file."
        )
    if missing:
        found = ", ".join(repr(str(h).strip()) for h in dataset.headers if str(h or "").strip())
        raise ImportFileError(
            f"The file has no column {', '.join(repr(c) for c in missing)} (columns found: {found}). "
            f"Export the attendee report with the columns {', '.join(COLUMNS)}, then upload it again."
        )
    if len(dataset) == 0:
        raise ImportFileError("The file has a header row but no bookings under it. Check you exported the right event.")
    if len(dataset) > MAX_ROWS:
        raise ImportFileError(
            f"The file has {len(dataset):,} bookings; the most one import takes is {MAX_ROWS:,}. "
            "Split it into smaller files and upload them one at a time."
        )
    return dataset


def missing_columns(headers) -> list[str]:
    present = {str(h or "").strip().lower() for h in headers}
    return [column for column in REQUIRED_COLUMNS if column.lower() not in present]


def _read_csv(raw: bytes) -> tablib.Dataset:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportFileError(
            "The file is not UTF-8 text, so names with accents would be garbled. In Excel use "
            "'Save as' and choose 'CSV UTF-8 (comma delimited)', then upload that file."
        ) from None
    if "\x00" in text:
        raise ImportFileError("The file holds binary data, not CSV text. Upload the CSV or XLSX export itself.")
    try:
        return tablib.Dataset().load(text, format="csv")
    except tablib.InvalidDimensions:
        raise ImportFileError(_longer_row_message(text)) from None
    except csv.Error as error:
        if "field limit" in str(error):
            raise ImportFileError(
                "A cell in the file is far longer than any booking needs (over 131,072 characters). "
                "Check the file is the attendee report, correct or remove that cell and upload it again."
            ) from None
        raise ImportFileError(
            f"The CSV file could not be read ({error}). Export it again and upload the new file."
        ) from None
    except ValueError as error:
        raise ImportFileError(
            f"The CSV file could not be read ({error}). Export it again and upload the new file."
        ) from None


def _longer_row_message(text: str) -> str:
    """Which row has more cells than the header names (tablib refuses such a file without saying)."""
    rows = (row for row in csv.reader(io.StringIO(text)) if row)  # tablib skips blank lines too
    try:
        width = len(next(rows, []))
        for number, row in enumerate(rows, start=1):
            if len(row) > width:
                return (
                    f"Row {number} has {len(row)} cells but the header row names only {width} columns. "
                    "Remove the extra cells, or add a name for each column to the header row, "
                    "then upload the file again."
                )
    except csv.Error:
        pass
    return "A row has more cells than the header row has columns. Correct the file and upload it again."


def _read_xlsx(raw: bytes) -> tablib.Dataset:
    try:
        return tablib.Dataset().load(io.BytesIO(raw), format="xlsx")
    except (zipfile.BadZipFile, KeyError, ValueError, OSError):
        raise ImportFileError(
            "The file could not be opened as an Excel workbook. Save it from Excel as .xlsx (or export it as CSV) "
            "and upload it again."
        ) from None


def _drop_blank_rows(dataset: tablib.Dataset) -> None:
    blank = [i for i, row in enumerate(dataset) if not any(str(v or "").strip() for v in row)]
    for index in reversed(blank):
        del dataset[index]


@dataclass(frozen=True)
class ImportOutcome:
    total_rows: int
    new_rows: int
    updated_rows: int
    unchanged_rows: int
    errors: list[str]
    changes: list[dict]


def outcome_from(result, *, changes: list[dict], limit: int = 200) -> ImportOutcome:
    """Counts and row-by-row messages from a django-import-export result."""
    errors = [f"The file could not be imported: {_message(e.error)}" for e in result.base_errors]
    problems: list[tuple[int, str]] = []
    for invalid in result.invalid_rows:
        for messages in invalid.error_dict.values():
            problems.extend((invalid.number, m) for m in messages)
    for number, row_errors in result.row_errors():
        problems.extend((number, _message(e.error)) for e in row_errors)
    for number, message in sorted(problems)[:limit]:
        errors.append(f"Row {number}: {message}")
    if len(problems) > limit:
        errors.append(f"…and {len(problems) - limit:,} more problems. Correct these first, then upload the file again.")
    totals = result.totals
    return ImportOutcome(
        total_rows=result.total_rows,
        new_rows=totals.get("new", 0),
        updated_rows=totals.get("update", 0),
        unchanged_rows=totals.get("skip", 0),
        errors=errors,
        changes=[] if errors else changes,
    )


def _message(error) -> str:
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return "an unexpected problem; tell the portal's administrator, quoting the row number."
