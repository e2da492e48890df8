from decimal import Decimal

from django.core.exceptions import ValidationError
from import_export import fields, widgets

from agencies.models import Agency, FundingContribution, Representative
from agencies.money import amount_problems, pounds_parse
from lib.spreadsheets import LookupWidget, SafeModelResource, ScopedForeignKeyWidget
from partnership.models import Partnership, ReportingPeriod
from partnership.templatetags.portal import pounds

NOTE_MAX_LENGTH = FundingContribution._meta.get_field("note").max_length


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


FUNDING_COLUMNS = ("agency", "amount", "note")
FUNDING_REQUIRED = ("agency", "amount")


def _text(value) -> str:
    return "" if value is None else str(value).strip()


class PeriodFundingResource(SafeModelResource):
    """One period's funding as the business manager uploads it: a header row, then one row per agency.

    | column | required | what it holds                                                        |
    | ------ | -------- | -------------------------------------------------------------------- |
    | agency | yes      | the agency's name, short name or address, in this partnership only   |
    | amount | yes      | pounds and pence, not negative: 12500, 12500.50 or £12,500.50        |
    | note   | no       | as the report shows it beside the agency, e.g. 'Core budget'         |

    Column names are matched without regard to case. A contribution is found again by its
    agency, so uploading the same file twice changes nothing. Every row is checked and every
    problem reported with its row number (row 1 is the first under the header); the service
    imports nothing unless every row is right. `preview` lists what would change; `saved`
    what was written, with the values before, for the audit trail.
    """

    agency = fields.Field(column_name="agency", readonly=True)
    amount = fields.Field(column_name="amount", readonly=True)
    note = fields.Field(column_name="note", readonly=True)

    class Meta:
        model = FundingContribution
        fields = FUNDING_COLUMNS
        import_id_fields = ()
        skip_diff = True
        skip_unchanged = True
        report_skipped = True

    def __init__(self, *, period):
        super().__init__()
        self.period = period
        self.preview: list[dict] = []
        self.saved: list[tuple[FundingContribution, dict | None]] = []

    def get_queryset(self):
        return FundingContribution.objects.filter(period=self.period).select_related("agency").order_by("agency__name")

    def dehydrate_agency(self, contribution):
        return contribution.agency.name

    def dehydrate_amount(self, contribution):
        return f"{contribution.amount:.2f}"

    def dehydrate_note(self, contribution):
        return contribution.note

    def before_import(self, dataset, **kwargs):
        headers = [_text(h).lower() for h in (dataset.headers or [])]
        missing = [column for column in FUNDING_REQUIRED if column not in headers]
        if missing:
            found = ", ".join(repr(h) for h in headers if h) or "none"
            raise ValidationError(
                f"The file has no column {' or '.join(repr(c) for c in missing)} (columns found: {found}). "
                f"The first row must name the columns {', '.join(FUNDING_COLUMNS)}."
            )
        dataset.headers = headers
        self._load_lookups()
        self.seen: dict[int, int] = {}

    def _load_lookups(self) -> None:
        """The partnership's agencies by name, short name and address, and the period's contributions, read once."""
        agencies = list(Agency.objects.filter(partnership_id=self.period.partnership_id))
        self.agencies: dict[str, Agency] = {}
        for attribute in ("name", "short_name", "slug"):  # a full name wins over another agency's short name
            for agency in agencies:
                self.agencies.setdefault(getattr(agency, attribute).lower(), agency)
        existing = FundingContribution.objects.filter(period=self.period)
        self.existing = {c.agency_id: c for c in existing}

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)  # refuses formulas
        agency = self._agency(row, kwargs.get("row_number"))
        try:
            amount = pounds_parse(_text(row.get("amount")))
        except ValueError as error:
            raise ValidationError(str(error)) from None
        note = _text(row.get("note"))
        problems = amount_problems(amount)
        if len(note) > NOTE_MAX_LENGTH:
            problems.append(f"The note has {len(note)} characters; shorten it to at most {NOTE_MAX_LENGTH}.")
        if agency.pk not in self.existing and not agency.active:
            problems.append(
                f"{agency.name} is deactivated, so it cannot make a new contribution. "
                "Reactivate it first, or remove the row."
            )
        if problems:
            raise ValidationError(problems)
        row["_parsed"] = {"agency": agency, "amount": amount.quantize(Decimal("0.01")), "note": note}

    def _agency(self, row, number) -> Agency:
        name = _text(row.get("agency"))
        if not name:
            raise ValidationError("The agency is blank; write the agency's name as the agency list shows it.")
        agency = self.agencies.get(name.lower())
        if agency is None:
            raise ValidationError(
                f"There is no agency called '{name}' in {self.period.partnership.name}. Write its name or short "
                "name as the agency list shows it, or add the agency first."
            )
        if agency.pk in self.seen:
            raise ValidationError(
                f"This repeats {agency.name}, already in row {self.seen[agency.pk]}. Keep one row per agency."
            )
        self.seen[agency.pk] = number
        return agency

    def get_or_init_instance(self, instance_loader, row):
        agency = row["_parsed"]["agency"]
        existing = self.existing.get(agency.pk)
        if existing is not None:
            existing.agency = agency
            return existing, False
        return FundingContribution(agency=agency, period=self.period), True

    def import_instance(self, instance, row, **kwargs):
        parsed = row["_parsed"]
        before = None if instance.pk is None else {"amount": instance.amount, "note": instance.note}
        instance.amount, instance.note = parsed["amount"], parsed["note"]
        change = _change_described(before, parsed)
        row["_before"], row["_unchanged"] = before, not change
        if change:
            self.preview.append({"row": kwargs.get("row_number"), "agency": parsed["agency"].name, "change": change})

    def skip_row(self, instance, original, row, import_validation_errors=None):
        return not import_validation_errors and row.get("_unchanged", False)

    def after_save_instance(self, instance, row, **kwargs):
        self.saved.append((instance, row["_before"]))


def _change_described(before: dict | None, after: dict) -> str:
    """'New: £1,200.50', 'Amount £1,000 to £1,200.50; note changed' or '' when nothing changes."""
    if before is None:
        note = f" ({after['note']})" if after["note"] else ""
        return f"New: {pounds(after['amount'])}{note}"
    parts = []
    if before["amount"] != after["amount"]:
        parts.append(f"Amount {pounds(before['amount'])} to {pounds(after['amount'])}")
    if before["note"] != after["note"]:
        parts.append(
            f"note '{before['note']}' to '{after['note']}'"
            if parts
            else f"Note '{before['note']}' to '{after['note']}'"
        )
    return "; ".join(parts)
