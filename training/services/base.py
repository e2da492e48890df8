"""What every training service shares: the error, the permission check, and values as the audit trail keeps them."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import capfirst

from lib.errors import DomainError, InvalidInput, NotAllowed
from training.permissions import user_can_manage_training

MANAGER_ONLY = "Only the business manager can change the training programme."


class TrainingError(DomainError):
    """A change the training rules refuse; the message says what to do instead."""


def require_manager(user, partnership, refusal: str = MANAGER_ONLY) -> None:
    """Refuse anyone but the partnership's business manager, saying who may do it."""
    if not user_can_manage_training(user, partnership):
        raise NotAllowed(refusal)


def _audit_value(field: models.Field, value: Any) -> Any:
    # The value read back from the database must compare equal to the value a form gave,
    # or an unchanged field would show as changed ('6' against '6.00', 10:30+01:00 against 09:30Z).
    if value is None:
        return None
    if isinstance(field, models.DecimalField):
        return f"{Decimal(value):.{field.decimal_places}f}"
    if isinstance(field, models.DateTimeField):
        return value.astimezone(datetime.UTC)
    return value


def snapshot(obj: models.Model, names: Iterable[str]) -> dict:
    """The named fields of the row, relations by id."""
    values = {}
    for name in names:
        field = obj._meta.get_field(name)
        values[name] = _audit_value(field, getattr(obj, field.attname))
    return values


def fields_given(values: Mapping[str, Any], allowed: tuple[str, ...], extra: tuple[str, ...] = ()) -> dict:
    """The values for the allowed fields; a key for any other field is a programming error."""
    unknown = set(values) - set(allowed) - set(extra)
    if unknown:
        raise TypeError(f"Not a field this service changes: {', '.join(sorted(unknown))}.")
    return {name: values[name] for name in allowed if name in values}


def field_problems(obj: models.Model, *, exclude: list[str]) -> list[str]:
    """What each field's own validation finds (blank, too long, not a number), named by the field's label."""
    try:
        obj.clean_fields(exclude=exclude)
    except ValidationError as error:
        return [
            f"{capfirst(obj._meta.get_field(name).verbose_name)}: {text}"
            for name, texts in error.message_dict.items()
            for text in texts
        ]
    return []


def refuse_if(problems: Iterable[str]) -> None:
    problems = [problem for problem in problems if problem]
    if problems:
        raise InvalidInput(problems)
