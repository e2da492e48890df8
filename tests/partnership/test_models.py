import datetime

import pytest
from django.db import IntegrityError, transaction

from partnership.models import ReportingPeriod
from people.models import Membership, Role
from tests.factories import AgencyFactory, PartnershipFactory, PeriodFactory, UserFactory

pytestmark = pytest.mark.django_db


def refused(make) -> bool:
    try:
        with transaction.atomic():
            make()
    except IntegrityError:
        return True
    return False


def test_period_must_end_after_it_starts():
    partnership = PartnershipFactory()
    assert refused(
        lambda: ReportingPeriod.objects.create(
            partnership=partnership,
            label="2020/21",
            slug="2020-21",
            start=datetime.date(2021, 3, 31),
            end=datetime.date(2020, 4, 1),
            submission_deadline=datetime.date(2021, 9, 30),
        )
    )


def test_period_slug_is_unique_within_a_partnership_only():
    period = PeriodFactory()
    assert refused(lambda: PeriodFactory(partnership=period.partnership, label="other"))
    PeriodFactory()  # the same slug in another partnership is fine


def test_arrangements_must_begin_within_the_period():
    assert refused(lambda: PeriodFactory(arrangements_began=datetime.date(2020, 6, 1)))
    assert PeriodFactory(arrangements_began=datetime.date(2019, 9, 29)).pk


def test_partnership_roles_have_no_agency_and_agency_roles_need_one():
    user = UserFactory()
    agency = AgencyFactory()
    partnership = agency.partnership
    assert refused(lambda: Membership.objects.create(user=user, partnership=partnership, role=Role.AGENCY_LEAD))
    assert refused(
        lambda: Membership.objects.create(user=user, partnership=partnership, role=Role.BUSINESS_MANAGER, agency=agency)
    )


def test_a_user_may_hold_several_roles_but_not_the_same_one_twice():
    user = UserFactory()
    agency = AgencyFactory()
    partnership = agency.partnership
    Membership.objects.create(user=user, partnership=partnership, role=Role.AGENCY_LEAD, agency=agency)
    Membership.objects.create(user=user, partnership=partnership, role=Role.SCRUTINEER)
    assert refused(lambda: Membership.objects.create(user=user, partnership=partnership, role=Role.SCRUTINEER))
    assert refused(
        lambda: Membership.objects.create(user=user, partnership=partnership, role=Role.AGENCY_LEAD, agency=agency)
    )


def test_an_agency_role_must_be_in_an_agency_of_the_same_partnership():
    from django.core.exceptions import ValidationError

    agency = AgencyFactory()
    other = PartnershipFactory()
    membership = Membership(user=UserFactory(), partnership=other, role=Role.AGENCY_LEAD, agency=agency)
    with pytest.raises(ValidationError, match="Choose an agency of this partnership"):
        membership.full_clean()
