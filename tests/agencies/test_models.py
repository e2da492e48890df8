from decimal import Decimal

import pytest
from django.db import IntegrityError, connection, transaction

from agencies.models import Agency, AgencyKind, FundingContribution, StatutoryRole
from people.models import Membership
from tests.factories import AgencyFactory, FundingFactory, PartnershipFactory, PeriodFactory

pytestmark = pytest.mark.django_db


def refused(make) -> bool:
    try:
        with transaction.atomic():
            make()
    except IntegrityError:
        return True
    return False


def test_funding_cannot_be_negative(world):
    assert refused(lambda: FundingFactory(agency=world.agency_a, period=world.period, amount=Decimal("-0.01")))
    FundingFactory(agency=world.agency_a, period=world.period, amount=Decimal("0"))


def test_one_contribution_per_agency_per_period(world):
    contribution = FundingFactory(agency=world.agency_a, period=world.period)
    assert refused(lambda: FundingFactory(agency=contribution.agency, period=contribution.period))
    FundingFactory(
        agency=contribution.agency,
        period=PeriodFactory(partnership=world.partnership, slug="2020-21", label="2020/21"),
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


# Database guards: an agency's things stay in its partnership (PostgreSQL triggers) ---------------

# The triggers exist on PostgreSQL only (services refuse on every database): the SQLite run deselects these.
postgres_only = pytest.mark.postgresql_only


def raw(sql: str, params) -> None:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)


INSERT_FUNDING = (
    "INSERT INTO agencies_fundingcontribution (created_at, updated_at, agency_id, period_id, amount, note) "
    "VALUES (now(), now(), %s, %s, 1, '')"
)
INSERT_MEMBERSHIP = (
    "INSERT INTO people_membership (created_at, updated_at, user_id, partnership_id, agency_id, role) "
    "VALUES (now(), now(), %s, %s, %s, 'contributor')"
)


@postgres_only
def test_database_refuses_funding_from_another_partnerships_agency(world):
    stranger = AgencyFactory(partnership=PartnershipFactory())
    with pytest.raises(IntegrityError, match="must belong to the partnership of its period"):
        raw(INSERT_FUNDING, [stranger.pk, world.period.pk])
    raw(INSERT_FUNDING, [world.agency_a.pk, world.period.pk])  # its own partnership's agency is fine
    assert FundingContribution.objects.filter(period=world.period).count() == 1


@postgres_only
def test_database_refuses_moving_a_contribution_to_another_partnerships_agency(world):
    contribution = FundingFactory(agency=world.agency_a, period=world.period)
    stranger = AgencyFactory(partnership=PartnershipFactory())
    with pytest.raises(IntegrityError):
        raw("UPDATE agencies_fundingcontribution SET agency_id = %s WHERE id = %s", [stranger.pk, contribution.pk])
    assert FundingContribution.objects.get(pk=contribution.pk).agency_id == world.agency_a.pk


@postgres_only
def test_database_keeps_an_agency_in_its_partnership(world):
    other = PartnershipFactory()
    with pytest.raises(IntegrityError, match="cannot move to another partnership"):
        raw("UPDATE agencies_agency SET partnership_id = %s WHERE id = %s", [other.pk, world.agency_c.pk])
    raw("UPDATE agencies_agency SET name = 'Schools and Colleges' WHERE id = %s", [world.agency_c.pk])
    assert Agency.objects.get(pk=world.agency_c.pk).partnership_id == world.partnership.pk


@postgres_only
def test_database_refuses_a_membership_of_another_partnerships_agency(world):
    stranger = AgencyFactory(partnership=PartnershipFactory())
    user = world.users["outsider"]
    with pytest.raises(IntegrityError, match="agency must belong to the membership's partnership"):
        raw(INSERT_MEMBERSHIP, [user.pk, world.partnership.pk, stranger.pk])
    with pytest.raises(IntegrityError):
        raw("UPDATE people_membership SET agency_id = %s WHERE user_id = %s", [stranger.pk, world.users["lead_a"].pk])
    raw(INSERT_MEMBERSHIP, [user.pk, world.partnership.pk, world.agency_a.pk])
    assert Membership.objects.filter(user=user).count() == 1


def test_admin_form_refuses_funding_from_another_partnerships_agency(world):
    from django.core.exceptions import ValidationError

    stranger = AgencyFactory(partnership=PartnershipFactory())
    with pytest.raises(ValidationError, match="Choose an agency of the period's own partnership."):
        FundingContribution(agency=stranger, period=world.period, amount=1).full_clean()
