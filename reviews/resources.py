"""Spreadsheet imports and exports of reviews and their actions, with the shared formula safety.

Imports run in one transaction (IMPORT_EXPORT_USE_TRANSACTIONS): one bad row and nothing
is written. Rows are matched within the partnership named in the 'partnership' column.
"""

from import_export import fields, widgets

from agencies.models import Agency
from lib.spreadsheets import SafeModelResource, ScopedForeignKeyWidget
from partnership.models import Partnership
from reviews.models import PracticeReview, Recommendation, ReviewAction

DATE = widgets.DateWidget(format="%Y-%m-%d")
REVIEW_DATES = (
    "became_aware_on",
    "notification_sent_on",
    "rapid_review_sent_on",
    "panel_response_on",
    "decision_on",
    "commissioned_on",
    "completed_on",
    "published_on",
    "removal_due_on",
)


class RecommendationWidget(widgets.ForeignKeyWidget):
    """A recommendation by its number, within the review and partnership named in the row."""

    def __init__(self):
        super().__init__(Recommendation, field="number")

    def get_queryset(self, value, row, *args, **kwargs):
        row = row or {}
        return Recommendation.objects.filter(
            review__partnership__slug=row.get("partnership"), review__reference=row.get("review")
        )

    def clean(self, value, row=None, **kwargs):
        try:
            return super().clean(value, row=row, **kwargs)
        except (Recommendation.DoesNotExist, ValueError):
            review = (row or {}).get("review")
            raise ValueError(
                f"Review '{review}' has no recommendation {value}. Check the review reference and number, "
                "or add the recommendation to the review first."
            ) from None


class AllOrNothingResource(SafeModelResource):
    """Any invalid row rolls back the whole import, however it is called (the admin already asks for this)."""

    def import_data(self, dataset, **kwargs):
        kwargs["rollback_on_validation_errors"] = True
        return super().import_data(dataset, **kwargs)


class PracticeReviewResource(AllOrNothingResource):
    partnership = fields.Field(
        attribute="partnership", column_name="partnership", widget=widgets.ForeignKeyWidget(Partnership, "slug")
    )

    class Meta:
        model = PracticeReview
        fields = (
            "partnership",
            "reference",
            "title",
            "kind",
            "status",
            "summary",
            *REVIEW_DATES,
            "lead_reviewer",
            "family_invited",
            "family_engaged",
            "learning_themes",
        )
        import_id_fields = ("partnership", "reference")
        widgets = dict.fromkeys(REVIEW_DATES, {"format": "%Y-%m-%d"})
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True


class ReviewActionResource(AllOrNothingResource):
    partnership = fields.Field(
        attribute="recommendation__review__partnership__slug", column_name="partnership", readonly=True
    )
    review = fields.Field(attribute="recommendation__review__reference", column_name="review", readonly=True)
    recommendation = fields.Field(
        attribute="recommendation", column_name="recommendation", widget=RecommendationWidget()
    )
    owner = fields.Field(attribute="owner", column_name="owner", widget=ScopedForeignKeyWidget(Agency, "slug"))

    class Meta:
        model = ReviewAction
        fields = (
            "partnership",
            "review",
            "recommendation",
            "number",
            "description",
            "owner",
            "due_on",
            "status",
            "completed_on",
            "completion_evidence",
            "impact_evidence",
        )
        import_id_fields = ("recommendation", "number")
        widgets = {"due_on": {"format": "%Y-%m-%d"}, "completed_on": {"format": "%Y-%m-%d"}}
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
