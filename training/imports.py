"""Reading an uploaded booking-system export row by row, and describing what is wrong with it.

The file is never loaded whole. A CSV is decoded and split into rows as it is read; an
XLSX is first judged by its zip directory alone (how many members, how large they say
they are once expanded, how far they are compressed), so a zip bomb is refused before a
byte of it is inflated, then read with openpyxl in read-only mode, one row at a time.
Rows are counted as they are read and reading stops at MAX_ROWS. Every problem becomes
a message that says what to do next; nothing here writes to the database.
"""

from __future__ import annotations

import contextlib
import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from training.resources import COLUMNS, REQUIRED_COLUMNS

MAX_BYTES = 20 * 1024 * 1024  # the upload itself, as sent
MAX_ROWS = 200_000
# An XLSX is a zip archive. These bound what opening one may cost, whatever it claims to hold.
MAX_UNCOMPRESSED_BYTES = 200 * 1024 * 1024  # all members together, once expanded
MAX_COMPRESSION_RATIO = 100  # expanded / compressed size of any one member larger than 1 MB
MAX_ZIP_MEMBERS = 200  # a workbook of one sheet has about a dozen
FORMATS = {"csv": "csv", "xlsx": "xlsx"}
SPLIT = "Split it into smaller files and upload them one at a time."
NOT_A_WORKBOOK = (
    "The file could not be opened as an Excel workbook. Save it from Excel as .xlsx (or export it as CSV) "
    "and upload it again."
)


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


def upload_check(*, handle: IO[bytes], size: int, file_format: str) -> None:
    """What can be judged without parsing the file: its size, emptiness and, for XLSX, its zip directory.

    Cheap enough for the web request that receives the upload; the rows are read later, by a worker.
    """
    if size == 0 or (size <= 4096 and not _head(handle, 4096).strip()):
        raise ImportFileError("The file is empty. Export the attendee report again and upload the new file.")
    if size > MAX_BYTES:
        raise ImportFileError(
            f"The file is {size / 1024 / 1024:.1f} MB; the most this page takes is {MAX_BYTES // 1024 // 1024} MB. "
            + SPLIT
        )
    if file_format == "xlsx":
        workbook_check(handle)


def _head(handle: IO[bytes], count: int) -> bytes:
    handle.seek(0)
    head = handle.read(count)
    handle.seek(0)
    return head


def workbook_check(handle: IO[bytes]) -> None:
    """Refuse an XLSX by its zip directory: not a zip, too many members, too large or too compressed once expanded.

    Reads only the archive's central directory; nothing is decompressed.
    """
    handle.seek(0)
    try:
        with zipfile.ZipFile(handle) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        raise ImportFileError(NOT_A_WORKBOOK) from None
    finally:
        handle.seek(0)
    if len(members) > MAX_ZIP_MEMBERS:
        raise ImportFileError(
            f"The file holds {len(members):,} parts; an Excel workbook of bookings has a few dozen at most. "
            "Save the attendee report from Excel as a new .xlsx file (or export it as CSV) and upload that."
        )
    expanded = sum(member.file_size for member in members)
    if expanded > MAX_UNCOMPRESSED_BYTES:
        raise ImportFileError(
            f"The workbook expands to {expanded / 1024 / 1024:,.0f} MB when opened; the most this page takes is "
            f"{MAX_UNCOMPRESSED_BYTES // 1024 // 1024} MB. Export the attendee report as CSV instead, "
            "or split it into smaller files and upload them one at a time."
        )
    for member in members:
        if member.file_size > 1024 * 1024 and member.file_size > MAX_COMPRESSION_RATIO * max(member.compress_size, 1):
            raise ImportFileError(
                f"The workbook is compressed far more than any spreadsheet of bookings is ({member.file_size:,} bytes "
                f"packed into {member.compress_size:,}), so it was not opened. Save the attendee report from Excel "
                "as a new .xlsx file, or export it as CSV, and upload that."
            )


def missing_columns(headers) -> list[str]:
    present = {str(h or "").strip().lower() for h in headers}
    return [column for column in REQUIRED_COLUMNS if column.lower() not in present]


def _canonical(header: str) -> str:
    for column in COLUMNS:
        if column.lower() == header.lower():
            return column
    return header


def _blank(values) -> bool:
    try:
        return not "".join(values).strip()  # a CSV row: all text
    except TypeError:  # an XLSX row: numbers, dates, None
        return not any(str(v).strip() for v in values if v is not None)


@dataclass
class BookingRows:
    """The file's header and an iterator of (row number, {column: value}) for each non-blank row.

    Row 1 is the first non-blank row under the header. Iterating raises ImportFileError for a
    problem with the file itself (too many rows, a row longer than the header, bad encoding),
    so a file is refused at the first such row, without reading the rest.
    """

    headers: list[str]
    rows: Iterator[tuple[int, dict]]


def booking_rows(handle: IO[bytes], *, file_format: str, max_rows: int | None = None) -> BookingRows:
    """Open the file for reading row by row; raises ImportFileError for an unusable header."""
    limit = MAX_ROWS if max_rows is None else max_rows
    if file_format == "csv":
        records = _csv_records(handle)
    else:
        workbook_check(handle)
        records = _xlsx_records(handle)
    header_cells = next(records, None)
    if header_cells is None:
        raise ImportFileError("The file is empty. Export the attendee report again and upload the new file.")
    raw_headers = ["" if h is None else str(h).strip() for h in header_cells]
    if not any(raw_headers):
        raise ImportFileError(
            "The file has no header row. The first row must name the columns: " + ", ".join(COLUMNS) + "."
        )
    missing = missing_columns(raw_headers)
    if missing and len(raw_headers) == 1 and ";" in raw_headers[0]:
        raise ImportFileError(
            "The file's columns are separated by semicolons, not commas. In Excel use 'Save as' and choose "
            "'CSV UTF-8 (comma delimited)', then upload that file."
        )
    if missing:
        found = ", ".join(repr(h) for h in raw_headers if h)
        raise ImportFileError(
            f"The file has no column {', '.join(repr(c) for c in missing)} (columns found: {found}). "
            f"Export the attendee report with the columns {', '.join(COLUMNS)}, then upload it again."
        )
    headers = [_canonical(h) for h in raw_headers]
    return BookingRows(headers=headers, rows=_numbered(records, headers, limit))


def _numbered(records: Iterator[list], headers: list[str], limit: int) -> Iterator[tuple[int, dict]]:
    width = len(headers)
    read = 0  # non-empty records under the header, as tablib counted them for the extra-cells message
    number = 0
    for cells in records:
        read += 1
        if len(cells) > width:
            if _blank(cells[width:]):
                cells = cells[:width]
            else:
                raise ImportFileError(
                    f"Row {read} has {len(cells)} cells but the header row names only {width} columns. "
                    "Remove the extra cells, or add a name for each column to the header row, "
                    "then upload the file again."
                )
        if _blank(cells):
            continue
        number += 1
        if number > limit:
            raise ImportFileError(
                f"The file has more than {limit:,} bookings; the most one import takes is {limit:,}. " + SPLIT
            )
        yield number, dict(zip(headers, cells, strict=False))
    if number == 0:
        raise ImportFileError("The file has a header row but no bookings under it. Check you exported the right event.")


def _csv_lines(handle: IO[bytes]) -> Iterator[str]:
    handle.seek(0)
    text = io.TextIOWrapper(handle, encoding="utf-8-sig", newline="")
    try:
        for line in text:
            if "\x00" in line:
                raise ImportFileError("The file holds binary data, not CSV text. Upload the CSV or XLSX export itself.")
            yield line
    except UnicodeDecodeError:
        raise ImportFileError(
            "The file is not UTF-8 text, so names with accents would be garbled. In Excel use "
            "'Save as' and choose 'CSV UTF-8 (comma delimited)', then upload that file."
        ) from None
    finally:
        with contextlib.suppress(ValueError):  # ValueError: the caller has closed it already
            text.detach()  # leave the caller's file open; it closes it


def _csv_records(handle: IO[bytes]) -> Iterator[list]:
    """Non-empty CSV records, the header first (blank lines are skipped, as tablib did)."""
    reader = csv.reader(_csv_lines(handle))
    try:
        for record in reader:
            if record:
                yield record
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            raise ImportFileError(
                "A cell in the file is far longer than any booking needs (over 131,072 characters). "
                "Check the file is the attendee report, correct or remove that cell and upload it again."
            ) from None
        raise ImportFileError(
            f"The CSV file could not be read ({error}). Export it again and upload the new file."
        ) from None


def _xlsx_records(handle: IO[bytes]) -> Iterator[list]:
    """The active sheet's rows, the header first, streamed by openpyxl's read-only reader."""
    import openpyxl

    handle.seek(0)
    try:
        workbook = openpyxl.load_workbook(handle, read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError, EOFError):
        raise ImportFileError(NOT_A_WORKBOOK) from None
    try:
        sheet = workbook.active
        if sheet is None:
            raise ImportFileError(NOT_A_WORKBOOK)
        rows = sheet.iter_rows(values_only=True)
        while True:
            try:
                values = next(rows)
            except StopIteration:
                return
            except (zipfile.BadZipFile, KeyError, ValueError, OSError, EOFError):
                raise ImportFileError(NOT_A_WORKBOOK) from None
            yield list(values)
    finally:
        workbook.close()
