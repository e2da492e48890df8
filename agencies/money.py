"""Amounts of money as people type them (£12,500.50) and the rules every contribution keeps."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

MAX_AMOUNT = Decimal("9999999999.99")  # what the column holds: 12 digits, 2 after the point
EXAMPLE = "for example 12500 or 12500.50"


def pounds_parse(text: str) -> Decimal:
    """The amount in '£12,500.50', '12500.5' or '12500'; ValueError saying how to write it otherwise."""
    cleaned = str(text).strip().replace(",", "").replace(" ", "").removeprefix("£")
    if not cleaned:
        raise ValueError(f"Enter the amount in pounds, {EXAMPLE}.")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        raise ValueError(f"'{text}' is not an amount of money; write it in pounds, {EXAMPLE}.") from None
    if not amount.is_finite():
        raise ValueError(f"'{text}' is not an amount of money; write it in pounds, {EXAMPLE}.")
    return amount


def amount_problems(amount: Decimal | None) -> list[str]:
    """What is wrong with a contribution's amount, one sentence each (none: it may be saved)."""
    if amount is None:
        return [f"Enter the amount in pounds, {EXAMPLE}."]
    if amount < 0:
        return ["Enter an amount of £0 or more: a contribution cannot be negative."]
    if amount.as_tuple().exponent < -2 and amount != amount.quantize(Decimal("0.01")):
        return ["Enter the amount in pounds and pence, with at most 2 digits after the point."]
    if amount > MAX_AMOUNT:
        return ["Enter an amount under £10,000,000,000."]
    return []
