"""The voice ledger's forms: they validate input only; reports.voice's services save it."""

from __future__ import annotations

from django import forms

from lib.forms import PortalFormMixin
from reports.models_voice import ChangeStatus, VoiceConsent, VoiceMethod

DATE_HINT = "For example 2020-10-14."


class VoiceEntryForm(PortalFormMixin, forms.Form):
    said = forms.CharField(
        label="What was said",
        max_length=5_000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text="In their words where you can, anonymised: no names, ages with places, or dates of birth.",
    )
    source = forms.CharField(
        label="Who said it", max_length=200, help_text="A group or a service, for example 'Young people's forum'."
    )
    said_on = forms.DateField(
        label="Date it was said", help_text=DATE_HINT, widget=forms.DateInput(attrs={"type": "date"})
    )
    method = forms.ChoiceField(label="How it was gathered", choices=[("", "Choose one"), *VoiceMethod.choices])
    agency = forms.ModelChoiceField(queryset=None, required=False, label="Agency", empty_label="The partnership")
    priority = forms.ModelChoiceField(
        queryset=None, required=False, label="Priority it concerns", empty_label="None: name the service below"
    )
    service = forms.CharField(label="Service it concerns", max_length=200, required=False)
    consent = forms.ChoiceField(label="Consent", choices=[("", "Choose one"), *VoiceConsent.choices])
    consent_record = forms.CharField(
        label="How consent was given and recorded",
        max_length=300,
        required=False,
        help_text="For example 'consent form kept on the advocacy file'. Not needed for group feedback.",
    )
    public = forms.BooleanField(
        label="Show in the published report",
        required=False,
        help_text="Only with consent, or for group feedback that identifies nobody.",
    )
    we_did = forms.CharField(
        label="What changed as a result (we did)",
        max_length=5_000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    change_status = forms.ChoiceField(
        label="Status of the change", choices=[("", "Not decided yet"), *ChangeStatus.choices], required=False
    )
    change_on = forms.DateField(
        label="Date of the change",
        required=False,
        help_text=f"Needed once it is done. {DATE_HINT}",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, agencies, priorities, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies
        self.fields["priority"].queryset = priorities


class VoiceFilterForm(forms.Form):
    """The ledger's filters (GET); anything unknown is ignored rather than refused."""

    priority = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label="Priority")
    agency = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label="Agency")

    def __init__(self, *args, priorities, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["priority"].choices = [("", "All priorities"), *((p.pk, p.title) for p in priorities)]
        self.fields["agency"].choices = [("", "All agencies"), *((a.pk, a.name) for a in agencies)]
