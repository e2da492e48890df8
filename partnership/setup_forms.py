"""Forms for setting the partnership up. They read and type what was typed; the services judge it.

Text fields are optional here on purpose: the service names what is missing, so the portal
says it in one way whichever way the change arrives.
"""

from __future__ import annotations

from django import forms

from lib.forms import PortalFormMixin
from partnership.models import Oversight, ReportingPeriod
from partnership.services import MAX_LOGO_BYTES, MAX_MEETINGS, LogoFile

DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _date(label: str, what: str, example: str, *, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        required=False,
        label=label,
        help_text=help_text or f"For example {example}",
        widget=DATE_WIDGET,
        error_messages={"invalid": f"Enter {what} as a real date, for example {example}."},
    )


class PartnershipSettingsForm(PortalFormMixin, forms.Form):
    name = forms.CharField(
        required=False, label="Full name", help_text="The partnership's name as the report's cover prints it."
    )
    short_name = forms.CharField(
        required=False,
        label="Short name",
        help_text="The initials or short name it goes by, shown in the menu and the report's header.",
    )
    area = forms.CharField(required=False, label="Area", help_text="The local authority area the partnership covers.")
    about = forms.CharField(
        required=False,
        label="About the partnership (optional)",
        help_text="A few paragraphs on who the partners are and how the arrangements work. "
        "Leave a blank line between paragraphs; start a line with * for a list.",
        widget=forms.Textarea(attrs={"rows": 8}),
    )
    logo = forms.FileField(
        required=False,
        label="Logo (optional)",
        help_text="An SVG or PNG file of at most 512 KB, shown on the report's cover. Anything in an SVG that "
        "could run code or load other files is taken out before it is saved.",
        widget=forms.ClearableFileInput(attrs={"accept": ".svg,.png,image/svg+xml,image/png"}),
    )
    logo_remove = forms.BooleanField(required=False, label="Remove the logo")
    require_mfa_for_all = forms.BooleanField(
        required=False,
        label="Require two-factor sign-in for every role",
        help_text="Business managers, scrutineers and administrators always sign in with a code from an "
        "authenticator app. Tick this to ask the same of agency leads and contributors: each is asked to set "
        "it up the next time they open a page.",
    )
    small_numbers_threshold = forms.IntegerField(
        required=False,
        label="Small numbers threshold",
        help_text="Before the report is published, every count below this number is flagged for you to check, "
        "because a small count can identify a child. Practice reviews in a category with fewer than this are "
        "shown without their details. Most partnerships use 5.",
        widget=forms.NumberInput(attrs={"class": "govuk-input govuk-input--width-3"}),
    )

    def __init__(self, *args, has_logo: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not has_logo:
            del self.fields["logo_remove"]

    def clean_logo(self):
        upload = self.cleaned_data.get("logo")
        # Refused before it is read: a large file should not be loaded into memory to be turned away.
        if upload and upload.size > MAX_LOGO_BYTES:
            raise forms.ValidationError(
                f"The logo is {upload.size / 1024:,.0f} KB; it can be at most 512 KB. "
                "Save a smaller version (an SVG, or a PNG of fewer pixels) and upload that."
            )
        return upload

    def service_arguments(self) -> dict:
        data = self.cleaned_data
        upload = data.get("logo")
        return {
            "name": data["name"],
            "short_name": data["short_name"],
            "area": data["area"],
            "about": data["about"],
            "logo": LogoFile(name=upload.name, content=upload.read()) if upload else None,
            "logo_remove": bool(data.get("logo_remove")),
            "require_mfa_for_all": bool(data.get("require_mfa_for_all")),
            "small_numbers_threshold": data.get("small_numbers_threshold"),
        }


class PeriodForm(PortalFormMixin, forms.Form):
    label = forms.CharField(
        required=False, label="Label", help_text="As the report prints it, for example 2019/20 or 2020 to 2021."
    )
    slug = forms.CharField(
        required=False,
        label="Address (optional)",
        help_text="Used in the period's web addresses, for example 2019-20. Leave it blank to have one made from the "
        "label. It cannot change once the period is open, so links people share keep working.",
    )
    start = _date("Start date", "the start date", "1/4/2019")
    end = _date("End date", "the end date", "31/3/2020")
    submission_deadline = _date(
        "Submission deadline",
        "the submission deadline",
        "30/9/2020",
        help_text="When agencies' sections are due. For example 30/9/2020",
    )
    arrangements_began = _date(
        "Date the arrangements took effect (optional)",
        "the date the arrangements took effect",
        "29/9/2019",
        help_text="Only if the multi-agency safeguarding arrangements began during this period. For example 29/9/2019",
    )
    notes = forms.CharField(
        required=False,
        label="Notes (optional)",
        help_text="Anything a reader should know about the period, shown on the partnership's page.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, opening: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not opening:
            del self.fields["slug"]

    def service_arguments(self) -> dict:
        return dict(self.cleaned_data)


def period_initial(period: ReportingPeriod) -> dict:
    names = ("label", "start", "end", "submission_deadline", "arrangements_began", "notes")
    return {name: getattr(period, name) for name in names}


class PriorityForm(PortalFormMixin, forms.Form):
    title = forms.CharField(required=False, label="Title", help_text="The priority in a few words.")
    description = forms.CharField(
        required=False,
        label="Description (optional)",
        help_text="What the partnership wants to achieve under this priority.",
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def service_arguments(self) -> dict:
        return dict(self.cleaned_data)


class SubgroupForm(PortalFormMixin, forms.Form):
    name = forms.CharField(required=False, label="Name", help_text="As the report names it.")
    slug = forms.CharField(
        required=False,
        label="Address (optional)",
        help_text="Used in the subgroup's web addresses. Leave it blank to have one made from the name.",
    )
    purpose = forms.CharField(
        required=False,
        label="Purpose (optional)",
        help_text="What the subgroup is for, in a sentence or two.",
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    chair = forms.CharField(
        required=False, label="Chair (optional)", help_text="Who chairs it, by role rather than by name."
    )
    oversees = forms.ChoiceField(
        required=False,
        label="Does the report name this subgroup as overseeing practice reviews or training?",
        choices=Oversight.choices,
        initial=Oversight.NOTHING,
        widget=forms.RadioSelect,
        help_text="The report's practice reviews and training figures say which subgroup oversees them. "
        "Only one subgroup can oversee each.",
    )

    def service_arguments(self) -> dict:
        return dict(self.cleaned_data)


class MeetingsForm(PortalFormMixin, forms.Form):
    period = forms.ModelChoiceField(
        queryset=ReportingPeriod.objects.none(),
        label="Reporting period",
        empty_label=None,
        error_messages={
            "required": "Choose the reporting period the meetings were in.",
            "invalid_choice": "Choose one of this partnership's open reporting periods.",
        },
    )
    meetings_held = forms.IntegerField(
        label="Meetings held",
        min_value=0,
        max_value=MAX_MEETINGS,
        help_text="How many times the subgroup met in the period, for example 6.",
        error_messages={
            "required": "Enter how many times the subgroup met, for example 6 (or 0 if it did not meet).",
            "invalid": "Enter the number of meetings as a whole number, for example 6.",
            "min_value": "Enter a number of meetings of 0 or more.",
            "max_value": f"Enter a number of meetings of {MAX_MEETINGS} or fewer.",
        },
    )

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].queryset = ReportingPeriod.objects.filter(
            partnership=partnership, closed_at__isnull=True
        ).order_by("-start")
