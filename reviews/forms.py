import datetime

from django import forms
from django.utils import timezone

from lib.forms import PortalFormMixin
from reviews.models import STEP_FIELDS, ActionStatus, DecidedBy, Decision, PracticeReview
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
    improvement = forms.CharField(
        label="What improved",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What is better for children and families now, in a sentence or two. It is shown in the report.",
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


class RecommendationForm(PortalFormMixin, forms.Form):
    text = forms.CharField(
        label="Recommendation",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="As the review worded it. Keep it anonymised.",
    )


class DecisionForm(PortalFormMixin, forms.Form):
    """The decision on a recommendation; the service checks the subgroup belongs to the partnership."""

    decision = forms.ChoiceField(label="Decision", choices=Decision.choices, widget=forms.RadioSelect)
    decision_text = forms.CharField(
        label="What was decided",
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text="What the partnership agreed to do, or why it did not accept the recommendation.",
    )
    decided_by = forms.ChoiceField(label="Who decided", choices=DecidedBy.choices, widget=forms.RadioSelect)
    decided_by_subgroup = forms.ModelChoiceField(
        label="Subgroup", queryset=None, required=False, help_text="Only if a subgroup decided."
    )
    decided_on = forms.DateField(
        label="Date of the decision",
        help_text="For example 2020-06-03.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decided_by_subgroup"].queryset = partnership.subgroups.order_by("position", "name")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("decided_by") == DecidedBy.SUBGROUP and not cleaned.get("decided_by_subgroup"):
            self.add_error("decided_by_subgroup", "Select the subgroup that decided, or choose the board.")
        return cleaned


class ActionAddForm(PortalFormMixin, forms.Form):
    description = forms.CharField(label="Action", max_length=5000, widget=forms.Textarea(attrs={"rows": 3}))
    owner = forms.ModelChoiceField(label="Owning agency", queryset=None)
    due_on = forms.DateField(
        label="Due date",
        help_text="For example 2021-03-31.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = partnership.agencies.order_by("name")
