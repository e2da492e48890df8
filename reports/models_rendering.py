"""Stored pieces of the report's HTML (imported by reports.models)."""

from __future__ import annotations

from django.db import models


class FragmentKind(models.TextChoices):
    SECTION = "section", "Section"
    CHART = "chart", "Chart"


class RenderedFragment(models.Model):
    """A piece of the report's HTML (a section as the report prints it, a chart's SVG), stored under the
    sha256 of everything it is made from (reports.fragments). A key names its content for ever, so a row
    is never updated or invalidated; the table is only a cache and may be emptied at any time."""

    key = models.CharField(primary_key=True, max_length=64)
    kind = models.CharField(max_length=20, choices=FragmentKind.choices)
    html = models.TextField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "rendered fragment"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=FragmentKind.values), name="reports_renderedfragment_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key[:12]}"
