"""Forms for areas for development in the section editor and for tracked items. They check shape;
reports.progress checks the rules."""

from __future__ import annotations

from django import forms

from agencies.models import Agency
from lib.forms import PortalFormMixin
from reports.content import MAX_DEVELOPMENT_ITEMS, MAX_ITEM_DETAIL_CHARS, MAX_ITEM_TITLE_CHARS, development_items
from reports.models_progress import ProgressRating


class DevelopmentItemForm(PortalFormMixin, forms.Form):
    title = forms.CharField(
        required=False, max_length=MAX_ITEM_TITLE_CHARS,
        help_text="A short name the next report can rate, for example 'GP reports for every conference'.",
    )  # fmt: skip
    detail = forms.CharField(
        required=False, max_length=MAX_ITEM_DETAIL_CHARS, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="What you will do, and how you will know it worked.",
    )  # fmt: skip

    def clean(self):
        data = super().clean()
        if data.get("detail") and not data.get("title") and not data.get("DELETE"):
            self.add_error("title", "Give the area for development a short title, or remove it.")
        return data


DevelopmentItemFormSet = forms.formset_factory(
    DevelopmentItemForm, extra=1, can_delete=True, max_num=MAX_DEVELOPMENT_ITEMS, validate_max=True
)


def development_formset_bound(data) -> forms.BaseFormSet:
    """The posted formset; a post without its management form (a page from before the list existed) holds none."""
    prefix = "development"
    if f"{prefix}-TOTAL_FORMS" not in data:
        data = {f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"}
    return DevelopmentItemFormSet(data, prefix=prefix)


def development_initial(content: dict) -> list[dict]:
    """The formset's initial data from a revision's content (none for revisions saved before the list)."""
    return [{"title": item["title"], "detail": item.get("detail", "")} for item in development_items(content)]


def development_from_formset(formset) -> list[dict]:
    """The items the services store, from a valid formset."""
    return [
        {"title": f.cleaned_data.get("title", ""), "detail": f.cleaned_data.get("detail", "")}
        for f in formset.forms
        if f.cleaned_data.get("title") and not f.cleaned_data.get("DELETE")
    ]


class OwnerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return obj.name


class TrackedItemForm(PortalFormMixin, forms.Form):
    title = forms.CharField(max_length=200)
    detail = forms.CharField(required=False, max_length=10_000, widget=forms.Textarea(attrs={"rows": 4}))
    owner_agency = OwnerChoiceField(
        queryset=None, required=False, empty_label="The partnership", label="Owner",
        help_text="The agency whose lead rates it. Priorities belong to the partnership.",
    )  # fmt: skip

    def __init__(self, *args, partnership, can_assign: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if can_assign:
            self.fields["owner_agency"].queryset = Agency.objects.filter(partnership=partnership).order_by("name")
        else:
            del self.fields["owner_agency"]


class RatingForm(PortalFormMixin, forms.Form):
    rating = forms.ChoiceField(choices=ProgressRating.choices, widget=forms.RadioSelect, label="Progress this year")
    evidence = forms.CharField(
        required=False, max_length=10_000, widget=forms.Textarea(attrs={"rows": 5}),
        help_text="What shows the progress: what changed for children and families, and how you know.",
    )  # fmt: skip
    links = forms.MultipleChoiceField(
        required=False, widget=forms.CheckboxSelectMultiple, label="Evidence the report links to",
        help_text="Sections and tables of this report, practice review actions and training figures.",
    )  # fmt: skip
    explanation = forms.CharField(
        required=False, max_length=10_000, widget=forms.Textarea(attrs={"rows": 4}),
        label="Why was there little or no progress?", help_text="Needed when the rating is little or no progress.",
    )  # fmt: skip
    what_will_change = forms.CharField(
        required=False, max_length=10_000, widget=forms.Textarea(attrs={"rows": 4}),
        label="What will change?", help_text="Needed when the rating is little or no progress.",
    )  # fmt: skip

    def __init__(self, *args, link_choices: list, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["links"].choices = link_choices
