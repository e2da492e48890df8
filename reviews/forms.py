import datetime

from django import forms
from django.utils import timezone

from lib.forms import PortalFormMixin
from reviews.models import STEP_FIELDS, ActionStatus, PracticeReview
from reviews.services import review_reference_problem


class ActionUpdateForm(PortalFormMixin, forms.Form):
    status = forms.ChoiceField(choices=ActionStatus.choices, widget=forms.RadioSelect)
    completed_on = forms.DateField(
        label="Date completed",
        required=False,
        help_text="Only for a completed action. For example 2020-03-27.",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    completion_evidence = forms.CharField(
        label="Evidence of completion",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What shows the action was done: an audit, a revised policy, training figures.",
    )
    impact_evidence = forms.CharField(
        label="Evidence of impact",
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What shows it made a difference for children and families.",
    )
    note = forms.CharField(
        label="Note for the history",
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, today: datetime.date | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()

    def clean_completed_on(self):
        completed_on = self.cleaned_data["completed_on"]
        if completed_on is not None and completed_on > self.today:
            raise forms.ValidationError(
                f"The date completed cannot be in the future. Enter {self.today:%d/%m/%Y} or an earlier date, "
                "or choose 'In progress' until the action is done."
            )
        return completed_on

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("status") == ActionStatus.COMPLETED:
            if not cleaned.get("completed_on"):
                self.add_error("completed_on", "Enter the date the action was completed, or choose another status.")
            if not (cleaned.get("completion_evidence") or "").strip():
                self.add_error("completion_evidence", "Describe the evidence of completion, or choose another status.")
        return cleaned


class PracticeReviewForm(PortalFormMixin, forms.ModelForm):
    """The business manager's record of a review. Date order and family rules come from the model's constraints;
    the reference rule is the service's own. Give it a copy of the review: validation changes its instance."""

    class Meta:
        model = PracticeReview
        fields = (
            "reference",
            "title",
            "kind",
            "status",
            "summary",
            *[name for name, _ in STEP_FIELDS],
            "lead_reviewer",
            "family_invited",
            "family_engaged",
            "learning_themes",
            "priorities",
        )
        widgets = {
            **{name: forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d") for name, _ in STEP_FIELDS},
            "priorities": forms.CheckboxSelectMultiple,
            "summary": forms.Textarea(attrs={"rows": 5}),
            "learning_themes": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["priorities"].queryset = self.instance.partnership.priorities.order_by("position")
        self.fields["priorities"].required = False

    def clean_reference(self):
        reference = self.cleaned_data["reference"]
        problem = review_reference_problem(
            partnership_id=self.instance.partnership_id, reference=reference, review_pk=self.instance.pk
        )
        if problem:
            raise forms.ValidationError(problem)
        return reference
