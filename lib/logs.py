"""Logging without personal data (ASVS V7.1): an exception's message can quote what it was
working on (a database error quotes the duplicate key, an email address; a parser quotes
the cell), so logs name the exception's type and where it was raised, never its text."""

from __future__ import annotations

import traceback
from pathlib import Path

MAX_FRAMES = 8


def exception_outline(error: BaseException) -> str:
    """`module.Type at file.py:line function < ...`, innermost frame first, without the message."""
    frames = traceback.extract_tb(error.__traceback__)[-MAX_FRAMES:]
    where = " < ".join(f"{Path(frame.filename).name}:{frame.lineno} {frame.name}" for frame in reversed(frames))
    kind = f"{type(error).__module__}.{type(error).__qualname__}"
    return f"{kind} at {where}" if where else kind
