"""Forms for agencies, their seats and their funding. They check the shape of what was typed;
the services check the rules (uniqueness, statutory roles, partnerships) and say what to do."""

from __future__ import annotations

from django import forms

from agencies.models import AgencyKind, StatutoryRole
from agencies.money import amount_problems, pounds_parse
from agencies.services import NAME_MAX, NOTE_MAX, SHORT_NAME_MAX, SLUG_MAX
from lib.forms import PortalFormMixin


def _required(message: str) -> dict:
    return {"required": message}


class AgencyForm(PortalFormMixin, forms.Form):
    name = forms.CharField(
        label="Name",
        max_length=NAME_MAX,
        help_text="In full, as the report names it.",
        error_messages=_required("Enter the agency's name."),
    )
    short_name = forms.CharField(
        label="Short name",
        max_length=SHORT_NAME_MAX,
        help_text="What the report's tables and lists call it, for example 'Police' or 'Health'.",
        error_messages=_required("Enter a short name: the one the report's tables use, for example 'Police'."),
    )
    slug = forms.CharField(
        label="Address in the portal (optional)",
        required=False,
        max_length=SLUG_MAX,
        help_text="Lower-case letters, numbers and hyphens. Leave it blank to make one from the name.",
    )
    kind = forms.ChoiceField(
        label="Kind of agency",
        choices=[("", "Choose a kind"), *AgencyKind.choices],
        error_messages=_required("Choose what kind of agency it is."),
    )
    statutory_role = forms.ChoiceField(
        label="Statutory role",
        required=False,
        choices=[("", "None"), *StatutoryRole.choices],
        help_text="Only for the lead safeguarding partners, who sign off the report: the three named in law, "
        "and education where the partnership makes it a fourth. Each is held by one agency and needs the kind "
        "'Statutory partner'.",
    )
    signatory_title = forms.CharField(
        label="Title of the person who signs off",
        required=False,
        max_length=200,
        help_text="For a lead partner, for example 'Director of Children's Services' or 'Chief Constable'.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            if isinstance(field, forms.CharField):
                field.error_messages["max_length"] = f"Enter at most {field.max_length} characters."
            if name == "kind":
                field.error_messages["invalid_choice"] = "Choose what kind of agency it is."
            if name == "statutory_role":
                field.error_messages["invalid_choice"] = "Choose a statutory role from the list, or none."


class RepresentativeForm(PortalFormMixin, forms.Form):
    role_title = forms.CharField(
        label="Seat",
        max_length=NAME_MAX,
        help_text="The role the agency sits on the partnership in, for example 'Designated safeguarding lead'.",
        error_messages=_required("Enter the seat's title, for example 'Designated safeguarding lead'."),
    )
    name = forms.CharField(
        label="Who holds it (optional)", required=False, max_length=NAME_MAX, help_text="The person's name."
    )


class PoundsField(forms.CharField):
    """An amount in pounds as people type it: 12500, 12500.50 or £12,500.50."""

    def clean(self, value):
        text = super().clean(value)
        try:
            amount = pounds_parse(text)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None
        problems = amount_problems(amount)
        if problems:
            raise forms.ValidationError(problems)
        return amount


class FundingForm(PortalFormMixin, forms.Form):
    agency = forms.ModelChoiceField(
        label="Agency",
        queryset=None,
        empty_label="Choose an agency",
        error_messages={
            "required": "Choose the agency that makes the contribution.",
            "invalid_choice": "Choose one of the agencies listed: an active agency of this partnership "
            "with no contribution for this period yet.",
        },
    )
    amount = PoundsField(
        label="Amount in pounds",
        help_text="Pounds and pence, for example 12500 or 12500.50.",
        error_messages=_required("Enter the amount in pounds, for example 12500 or 12500.50."),
    )
    note = forms.CharField(
        label="Note (optional)",
        required=False,
        max_length=NOTE_MAX,
        help_text="As the report shows it beside the agency, for example 'Core budget'.",
        error_messages={"max_length": f"Enter a note of at most {NOTE_MAX} characters."},
    )

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        if agencies is None:
            del self.fields["agency"]  # changing a contribution: its agency is fixed
        else:
            self.fields["agency"].queryset = agencies


class FundingUploadForm(PortalFormMixin, forms.Form):
    file = forms.FileField(
        label="CSV file of this period's funding",
        help_text="A header row naming the columns agency, amount and note, then one row per agency. At most 1 MB.",
        error_messages={
            "required": "Choose the CSV file to upload.",
            "empty": "The file is empty. Choose the CSV file of this period's funding.",
            "invalid": "That was not a file. Choose the CSV file to upload.",
        },
    )
