"""Working-day and calendar-month arithmetic for the statutory clocks.

Working days are Monday to Friday less England's bank holidays, taken from the
`holidays` package (never a hand-written list), so a new or moved bank holiday
(a coronation, a state funeral) is picked up by upgrading the package.
"""

from __future__ import annotations

import calendar
import datetime
from functools import lru_cache

import holidays

SATURDAY = 5


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def is_working_day(day: datetime.date) -> bool:
    """True for a weekday that is not a bank holiday in England."""
    return day.weekday() < SATURDAY and day not in _bank_holidays(day.year)


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The date `days` working days after `start`; `start` itself is never counted."""
    if days < 0:
        raise ValueError("Count forwards only: days must be zero or more.")
    day = start
    remaining = days
    while remaining:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after `start` up to and including `end`; negative when `end` is earlier."""
    if end < start:
        return -working_days_between(end, start)
    count = 0
    day = start
    while day < end:
        day += datetime.timedelta(days=1)
        if is_working_day(day):
            count += 1
    return count


def add_months(start: datetime.date, months: int) -> datetime.date:
    """The same day `months` calendar months later, or the month's last day if it is shorter."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return datetime.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))
