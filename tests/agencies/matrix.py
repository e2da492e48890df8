"""Agency records for the permission matrix and the accessibility harness, made when a URL is reversed.

The `world` fixture has agencies but no seats, funding or uploads; these values make a seat
'Matrix seat' of agency A (council), its contribution to the test period and a checked
funding upload, the first time str() is called on them in a test.
"""


class MatrixAgencies:
    def __init__(self, part: str):
        self.part = part

    def __str__(self):
        from decimal import Decimal

        from django.contrib.auth import get_user_model

        from agencies.models import Agency, FundingContribution, FundingImport, FundingImportStatus, Representative
        from partnership.models import ReportingPeriod

        period = ReportingPeriod.objects.get(partnership__slug="tsp", slug="2019-20")
        council = Agency.objects.get(partnership=period.partnership, slug="council")
        if self.part == "seat":
            seat, _ = Representative.objects.get_or_create(agency=council, role_title="Matrix seat")
            return str(seat.pk)
        if self.part == "funding":
            FundingContribution.objects.get_or_create(
                agency=council, period=period, defaults={"amount": Decimal("100")}
            )
            return council.slug
        job, _ = FundingImport.objects.get_or_create(
            period=period,
            original_name="funding.csv",
            defaults={
                "uploaded_by": get_user_model().objects.get(username="manager"),
                "content": "agency,amount\nCouncil,100\n",
                "status": FundingImportStatus.READY,
                "total_rows": 1,
                "new_rows": 1,
                "changes": [{"row": 1, "agency": "Council", "change": "New: £100"}],
            },
        )
        return str(job.pk)
