from import_export import fields, widgets

from agencies.models import Agency, FundingContribution, Representative
from lib.spreadsheets import LookupWidget, SafeModelResource, ScopedForeignKeyWidget
from partnership.models import Partnership, ReportingPeriod


class PartnershipColumn(fields.Field):
    def __init__(self, attribute: str):
        super().__init__(
            attribute=attribute,
            column_name="partnership",
            widget=LookupWidget(Partnership, field="slug"),
        )


class AgencyResource(SafeModelResource):
    partnership = PartnershipColumn("partnership")

    class Meta:
        model = Agency
        fields = ("partnership", "slug", "name", "short_name", "kind", "statutory_role")
        import_id_fields = ("partnership", "slug")
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True


class RepresentativeResource(SafeModelResource):
    partnership = PartnershipColumn("agency__partnership")
    agency = fields.Field(attribute="agency", column_name="agency", widget=ScopedForeignKeyWidget(Agency, "slug"))

    class Meta:
        model = Representative
        fields = ("partnership", "agency", "role_title", "name", "position")
        import_id_fields = ("agency", "role_title")
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        if field.column_name == "partnership":
            return  # only used to scope the agency look-up
        super().import_field(field, instance, row, is_m2m=is_m2m, **kwargs)


class FundingContributionResource(SafeModelResource):
    partnership = PartnershipColumn("period__partnership")
    period = fields.Field(
        attribute="period", column_name="period", widget=ScopedForeignKeyWidget(ReportingPeriod, "slug")
    )
    agency = fields.Field(attribute="agency", column_name="agency", widget=ScopedForeignKeyWidget(Agency, "slug"))
    amount = fields.Field(attribute="amount", column_name="amount", widget=widgets.DecimalWidget())

    class Meta:
        model = FundingContribution
        fields = ("partnership", "period", "agency", "amount", "note")
        import_id_fields = ("agency", "period")
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        if field.column_name == "partnership":
            return
        super().import_field(field, instance, row, is_m2m=is_m2m, **kwargs)
