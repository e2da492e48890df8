from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from agencies.models import AgencyKind, StatutoryRole
from tests.factories import AgencyFactory, FundingFactory, PeriodFactory

pytestmark = pytest.mark.django_db


def refused(make) -> bool:
    try:
        with transaction.atomic():
            make()
    except IntegrityError:
        return True
    return False


def test_funding_cannot_be_negative():
    assert refused(lambda: FundingFactory(amount=Decimal("-0.01")))


def test_one_contribution_per_agency_per_period():
    contribution = FundingFactory()
    assert refused(lambda: FundingFactory(agency=contribution.agency, period=contribution.period))
    FundingFactory(
        agency=contribution.agency,
        period=PeriodFactory(partnership=contribution.period.partnership, slug="2020-21", label="2020/21"),
    )


def test_only_statutory_partners_hold_a_statutory_role():
    assert refused(lambda: AgencyFactory(kind=AgencyKind.VOLUNTARY_COMMUNITY, statutory_role=StatutoryRole.POLICE))


def test_one_agency_per_statutory_role_in_a_partnership():
    police = AgencyFactory(kind=AgencyKind.STATUTORY_PARTNER, statutory_role=StatutoryRole.POLICE)
    assert refused(
        lambda: AgencyFactory(
            partnership=police.partnership, kind=AgencyKind.STATUTORY_PARTNER, statutory_role=StatutoryRole.POLICE
        )
    )
