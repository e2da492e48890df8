"""Idempotent writes for loaders: create a row, or change only the fields that differ."""

from __future__ import annotations

from django.db import models


def upsert(model: type[models.Model], lookup: dict, values: dict) -> tuple[models.Model, bool]:
    """Return (obj, changed). Saves only when the row is new or a value differs."""
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values), True
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj.save(update_fields=[*changed, "updated_at"] if hasattr(obj, "updated_at") else changed)
    return obj, bool(changed)
