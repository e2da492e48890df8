"""Spreadsheet safety shared by every import and export.

A cell that begins with = + - @ tab or carriage return may be run as a formula by
Excel, LibreOffice or Google Sheets (CSV/formula injection, OWASP). Exports prefix such
text with a single quote so it shows as text; django-import-export's own option strips
only a leading '='. Imports refuse such text with a message naming the row and column.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from import_export import resources, widgets

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value):
    """Prefix formula-like text with a quote so spreadsheets show it as text."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def looks_like_formula(value) -> bool:
    """True for text a spreadsheet would evaluate (a negative number is not a formula)."""
    if not isinstance(value, str) or not value.startswith(FORMULA_PREFIXES):
        return False
    try:
        float(value)
    except ValueError:
        return True
    return False


class SafeModelResource(resources.ModelResource):
    """A ModelResource whose exports cannot carry formulas and whose imports refuse them."""

    def export_field(self, field, instance, **kwargs):
        return neutralise_formula(super().export_field(field, instance, **kwargs))

    def before_import_row(self, row, **kwargs):
        for column, value in row.items():
            if looks_like_formula(value):
                raise ValidationError(
                    f"Column '{column}' holds {value[:40]!r}, which a spreadsheet would run as a formula. "
                    "Remove the leading character and import the file again."
                )
        super().before_import_row(row, **kwargs)


class LookupWidget(widgets.ForeignKeyWidget):
    """A ForeignKeyWidget whose failed look-up says what was not found and what to do."""

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row=row, **kwargs)
        except self.model.DoesNotExist:
            raise ValueError(
                f"No {self.model._meta.verbose_name} with {self.field} '{value}'. Check the spelling, or add it first."
            ) from None


class ScopedForeignKeyWidget(widgets.ForeignKeyWidget):
    """Looks a related object up by a field, within the partnership named in the row's 'partnership' column."""

    def __init__(self, model, field: str, partnership_path: str = "partnership__slug", **kwargs):
        self.partnership_path = partnership_path
        super().__init__(model, field=field, **kwargs)

    def get_queryset(self, value, row, *args, **kwargs):
        return self.model.objects.filter(**{self.partnership_path: (row or {}).get("partnership")})

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row=row, **kwargs)
        except self.model.DoesNotExist:
            partnership = (row or {}).get("partnership")
            raise ValueError(
                f"No {self.model._meta.verbose_name} '{value}' in partnership '{partnership}'. "
                "Check the spelling, or add it first."
            ) from None
