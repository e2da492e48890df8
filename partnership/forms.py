import re

from django import forms
from django.apps import apps

from lib.forms import PortalFormMixin
from partnership.audit import audit_codes
from partnership.selectors import AuditFilters, audit_actors

PLACEHOLDER = re.compile(r"\{[a-z_]+\}")


def _choice(what: str) -> dict[str, str]:
    return {"invalid_choice": f"Choose {what} from the list."}


def _date(example: str) -> dict[str, str]:
    return {"invalid": f"Enter a real date, for example {example}."}


def _app_name(label: str) -> str:
    try:
        return apps.get_app_config(label).verbose_name
    except LookupError:
        return label


class AuditFilterForm(PortalFormMixin, forms.Form):
    """The audit log's filters; every field is optional, and a bad value is named, never ignored."""

    person = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, label="Person", error_messages=_choice("a person")
    )
    app = forms.ChoiceField(required=False, label="Part of the portal", error_messages=_choice("a part of the portal"))
    code = forms.ChoiceField(required=False, label="What was done", error_messages=_choice("what was done"))
    period = forms.TypedChoiceField(
        required=False, coerce=int, empty_value=None, label="Reporting period", error_messages=_choice("a period")
    )
    date_from = forms.DateField(
        required=False,
        label="From",
        help_text="For example 1/4/2019",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages=_date("1/4/2019"),
    )
    date_to = forms.DateField(
        required=False,
        label="To",
        help_text="For example 31/3/2020",
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages=_date("31/3/2020"),
    )

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        codes = audit_codes()
        labels = sorted({code.split(".", 1)[0] for code in codes})
        self.fields["person"].choices = [("", "Everyone")] + [
            (str(i), n) for i, n in audit_actors(partnership=partnership)
        ]
        self.fields["app"].choices = [("", "All")] + [(label, _app_name(label)) for label in labels]
        self.fields["code"].choices = [("", "Anything")] + [
            (code, f"{code.split('.', 1)[0]}: {PLACEHOLDER.sub('…', text)}") for code, text in sorted(codes.items())
        ]
        periods = partnership.periods.order_by("-start")
        self.fields["period"].choices = [("", "Any")] + [(str(p.pk), p.label) for p in periods]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The 'to' date must be the same as or after the 'from' date.")
        return cleaned

    def filters(self) -> AuditFilters:
        data = self.cleaned_data
        return AuditFilters(
            actor_id=data.get("person"),
            app=data.get("app") or "",
            code=data.get("code") or "",
            period_id=data.get("period"),
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
