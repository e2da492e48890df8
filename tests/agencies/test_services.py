"""The agencies services: who may call them, what they refuse, and what they leave in the audit trail."""

from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType

from agencies import services
from agencies.models import Agency, AgencyKind, FundingContribution, Representative, StatutoryRole
from agencies.selectors import agency_choices, funding_history, membership_table
from lib.errors import InvalidInput, NotAllowed, WorkflowError
from partnership.models import AuditEntry
from people.models import Role
from tests.factories import (
    AgencyFactory,
    FundingFactory,
    PartnershipFactory,
    PeriodFactory,
    RepresentativeFactory,
    UserFactory,
    grant,
)

pytestmark = pytest.mark.django_db


def entries(code: str, target=None) -> list[AuditEntry]:
    found = AuditEntry.objects.filter(code=code).order_by("pk")
    if target is not None:
        found = found.filter(target_type=ContentType.objects.get_for_model(target), target_id=target.pk)
    return list(found)


def add_health(world, **overrides):
    values = {
        "user": world.users["business_manager"],
        "partnership": world.partnership,
        "name": "Clinical Commissioning Group",
        "short_name": "CCG",
        "kind": AgencyKind.STATUTORY_PARTNER,
        "statutory_role": StatutoryRole.HEALTH,
    }
    return services.agency_create(**(values | overrides))


# Agencies ---------------------------------------------------------------------------


def test_business_manager_adds_an_agency_with_an_address_made_from_its_name(world):
    agency = add_health(world)
    assert (agency.slug, agency.partnership_id, agency.statutory_role) == (
        "clinical-commissioning-group",
        world.partnership.pk,
        "health",
    )
    [entry] = entries("agencies.agency.created", agency)
    assert entry.actor == world.users["business_manager"]
    assert entry.partnership_id == world.partnership.pk
    assert entry.data["changes"]["name"] == [None, "Clinical Commissioning Group"]
    assert entry.data["after"]["slug"] == "clinical-commissioning-group"


def test_made_address_steps_around_taken_and_reserved_ones(world):
    AgencyFactory(partnership=world.partnership, name="Youth Service", slug="youth-service")
    first = add_health(world, name="Youth  service!", short_name="YS", kind=AgencyKind.OTHER, statutory_role="")
    add = add_health(world, name="Add", short_name="Add", kind=AgencyKind.OTHER, statutory_role="")
    assert first.slug == "youth-service-2"
    assert add.slug == "add-2"


def test_name_with_no_letters_cannot_make_an_address(world):
    with pytest.raises(InvalidInput) as caught:
        add_health(world, name="!!!", statutory_role="", kind=AgencyKind.OTHER)
    assert caught.value.errors == ["Enter a name with some letters or numbers in it."]


@pytest.mark.parametrize(
    ("slug", "message"),
    [
        ("!!", "Enter an address of letters, numbers and hyphens, or leave it blank to make one from the name."),
        ("a" * 61, "Enter an address of at most 60 characters, or leave it blank to make one from the name."),
        ("ADD", "'add' cannot be an agency's address. Choose another, or leave it blank."),
    ],
)
def test_bad_typed_address_is_refused(world, slug, message):
    with pytest.raises(InvalidInput) as caught:
        add_health(world, slug=slug)
    assert caught.value.errors == [message]


def test_typed_address_is_tidied_and_kept(world):
    agency = add_health(world, slug="  CCG North ")
    assert agency.slug == "ccg-north"


@pytest.mark.parametrize("role", ["lead_a", "contributor", "scrutineer", "outsider"])
def test_only_the_business_manager_adds_agencies(world, role):
    with pytest.raises(NotAllowed, match="Only the partnership's business manager"):
        add_health(world, user=world.users[role])
    assert not Agency.objects.filter(short_name="CCG").exists()
    assert entries("agencies.agency.created") == []


def test_bad_agency_gets_every_problem_and_nothing_is_written(world):
    with pytest.raises(InvalidInput) as caught:
        add_health(world, name="", short_name="x" * 61, kind="nonsense", statutory_role="")
    assert caught.value.errors == [
        "Enter the agency's name.",
        "Enter a short name of at most 60 characters; this one has 61.",
        "Choose what kind of agency it is.",
    ]
    assert Agency.objects.count() == 3
    assert entries("agencies.agency.created") == []


def test_statutory_role_needs_the_statutory_partner_kind(world):
    with pytest.raises(InvalidInput) as caught:
        add_health(world, kind=AgencyKind.RELEVANT_AGENCY)
    assert caught.value.errors == [
        "Only a statutory partner can hold a statutory role. Choose 'Statutory partner' as the kind, "
        "or choose no statutory role."
    ]


def test_one_agency_per_statutory_role_is_a_message_not_an_integrity_error(world):
    with pytest.raises(InvalidInput) as caught:
        add_health(world, statutory_role=StatutoryRole.POLICE)
    assert caught.value.errors == [
        "Police already holds the statutory role 'police'. A partnership has one agency per statutory role: "
        "remove the role from Police first, or choose no statutory role."
    ]
    assert Agency.objects.filter(statutory_role="police").count() == 1


def test_same_name_or_address_in_the_partnership_is_refused(world):
    with pytest.raises(InvalidInput) as caught:
        add_health(world, name="council", slug="police")
    assert caught.value.errors == [
        "There is already an agency called 'council' in Test Partnership. Give this one a different name.",
        "The address 'police' is already used by Police. Choose another, or leave it blank to make one from the name.",
    ]


def test_another_partnership_may_use_the_same_name_and_role(world):
    other = PartnershipFactory()
    manager = UserFactory(username="other-manager")
    grant(manager, other, Role.BUSINESS_MANAGER)
    agency = services.agency_create(
        user=manager, partnership=other, name="Police", short_name="Police", kind="statutory_partner",
        statutory_role="police",
    )  # fmt: skip
    assert agency.slug == "police"


def test_manager_of_another_partnership_cannot_add_agencies_here(world):
    manager = UserFactory(username="other-manager")
    grant(manager, PartnershipFactory(), Role.BUSINESS_MANAGER)
    with pytest.raises(NotAllowed):
        add_health(world, user=manager)


def test_changing_an_agency_records_before_and_after(world):
    agency = services.agency_change(
        user=world.users["business_manager"], agency=world.agency_c, name="Schools and Colleges",
        short_name="Schools", kind=AgencyKind.EDUCATION, statutory_role="", slug="schools",
    )  # fmt: skip
    assert Agency.objects.get(pk=agency.pk).name == "Schools and Colleges"
    [entry] = entries("agencies.agency.changed", agency)
    assert entry.data["changes"] == {"name": ["Schools", "Schools and Colleges"]}
    assert entry.data["before"]["name"] == "Schools"
    assert entry.data["after"]["name"] == "Schools and Colleges"


def test_unchanged_agency_writes_no_entry(world):
    services.agency_change(
        user=world.users["business_manager"], agency=world.agency_c, name="Schools", short_name="Schools",
        kind=AgencyKind.EDUCATION, statutory_role="", slug="schools",
    )  # fmt: skip
    assert entries("agencies.agency.changed") == []


def test_a_statutory_role_moves_only_after_it_is_removed(world):
    manager = world.users["business_manager"]
    with pytest.raises(InvalidInput, match="Council already holds the statutory role 'local authority'"):
        services.agency_change(
            user=manager, agency=world.agency_c, name="Schools", short_name="Schools",
            kind=AgencyKind.STATUTORY_PARTNER, statutory_role=StatutoryRole.LOCAL_AUTHORITY, slug="",
        )  # fmt: skip
    assert Agency.objects.get(pk=world.agency_c.pk).statutory_role == ""


def test_scrutineer_cannot_change_an_agency(world):
    with pytest.raises(NotAllowed):
        services.agency_change(
            user=world.users["scrutineer"], agency=world.agency_c, name="X", short_name="X",
            kind=AgencyKind.EDUCATION, statutory_role="", slug="",
        )  # fmt: skip
    assert Agency.objects.get(pk=world.agency_c.pk).name == "Schools"


def test_deactivated_agency_leaves_choices_and_the_membership_table_but_keeps_its_history(world):
    RepresentativeFactory(agency=world.agency_c, role_title="Head teacher")
    FundingFactory(agency=world.agency_c, period=world.period, amount=Decimal("50"))
    services.agency_deactivate(user=world.users["business_manager"], agency=world.agency_c)
    agency = Agency.objects.get(pk=world.agency_c.pk)
    assert agency.deactivated_at is not None
    assert list(agency_choices(partnership=world.partnership)) == [world.agency_a, world.agency_b]
    assert [a for a, _ in membership_table(partnership=world.partnership)] == []
    assert agency.representatives.count() == 1
    assert FundingContribution.objects.filter(agency=agency).count() == 1
    [entry] = entries("agencies.agency.deactivated", agency)
    assert entry.data["changes"]["deactivated_at"][0] is None


def test_statutory_partner_cannot_be_deactivated(world):
    with pytest.raises(WorkflowError) as caught:
        services.agency_deactivate(user=world.users["business_manager"], agency=world.agency_b)
    assert caught.value.message == (
        "Police is the partnership's statutory partner for police, who signs off the report. "
        "Give it no statutory role first (change the agency), then deactivate it."
    )
    assert Agency.objects.get(pk=world.agency_b.pk).deactivated_at is None


def test_deactivate_twice_and_reactivate(world):
    manager = world.users["business_manager"]
    services.agency_deactivate(user=manager, agency=world.agency_c)
    with pytest.raises(WorkflowError, match="Schools is already deactivated."):
        services.agency_deactivate(user=manager, agency=world.agency_c)
    services.agency_reactivate(user=manager, agency=world.agency_c)
    assert Agency.objects.get(pk=world.agency_c.pk).deactivated_at is None
    assert len(entries("agencies.agency.reactivated", world.agency_c)) == 1
    with pytest.raises(WorkflowError, match="Schools is already active."):
        services.agency_reactivate(user=manager, agency=world.agency_c)


def test_lead_cannot_deactivate_their_own_agency(world):
    with pytest.raises(NotAllowed):
        services.agency_deactivate(user=world.users["lead_c"], agency=world.agency_c)


# Representatives ------------------------------------------------------------------


def test_seats_are_added_in_order_and_audited(world):
    manager = world.users["business_manager"]
    first = services.representative_add(user=manager, agency=world.agency_a, role_title="Director", name="A Person")
    second = services.representative_add(user=manager, agency=world.agency_a, role_title=" Lead officer ")
    assert [(s.role_title, s.position) for s in world.agency_a.representatives.all()] == [
        ("Director", 1),
        ("Lead officer", 2),
    ]
    [entry] = entries("agencies.representative.created", first)
    assert entry.target_label == "Director (Council)"
    assert entry.data["changes"]["name"] == [None, "A Person"]
    assert second.name == ""


def test_bad_seat_gets_every_problem(world):
    manager = world.users["business_manager"]
    RepresentativeFactory(agency=world.agency_a, role_title="Director")
    with pytest.raises(InvalidInput) as caught:
        services.representative_add(user=manager, agency=world.agency_a, role_title="director", name="n" * 201)
    assert caught.value.errors == [
        "Enter a name of at most 200 characters; this one has 201.",
        "Council already has a seat called 'director'. Give this seat a different title, or change that one.",
    ]
    with pytest.raises(InvalidInput, match=r"^Enter the seat's title, for example 'Designated safeguarding lead'\.$"):
        services.representative_add(user=manager, agency=world.agency_a, role_title="  ")
    assert world.agency_a.representatives.count() == 1


def test_deactivated_agency_takes_no_new_seat(world):
    manager = world.users["business_manager"]
    services.agency_deactivate(user=manager, agency=world.agency_c)
    with pytest.raises(
        InvalidInput, match="Schools is deactivated, so it cannot take a new seat. Reactivate it first."
    ):
        services.representative_add(user=manager, agency=Agency.objects.get(pk=world.agency_c.pk), role_title="X")


def test_seat_change_records_the_old_title(world):
    seat = RepresentativeFactory(agency=world.agency_a, role_title="Director")
    services.representative_change(
        user=world.users["business_manager"], representative=seat, role_title="Director of children's services",
        name="",
    )  # fmt: skip
    [entry] = entries("agencies.representative.changed", seat)
    assert entry.data["changes"] == {"role_title": ["Director", "Director of children's services"]}


def test_seats_move_up_and_down(world):
    manager = world.users["business_manager"]
    a = RepresentativeFactory(agency=world.agency_a, role_title="A", position=1)
    b = RepresentativeFactory(agency=world.agency_a, role_title="B", position=2)
    c = RepresentativeFactory(agency=world.agency_a, role_title="C", position=3)
    services.representative_move(user=manager, representative=c, direction="up")
    assert [s.role_title for s in world.agency_a.representatives.all()] == ["A", "C", "B"]
    services.representative_move(user=manager, representative=a, direction="down")
    assert [s.role_title for s in world.agency_a.representatives.all()] == ["C", "A", "B"]
    with pytest.raises(WorkflowError, match="This seat is already at the bottom."):
        services.representative_move(user=manager, representative=b, direction="down")
    with pytest.raises(InvalidInput, match="Choose to move the seat up or down."):
        services.representative_move(user=manager, representative=b, direction="sideways")
    assert entries("agencies.representative.moved", c)[0].data == {"direction": "up", "changes": {"position": [3, 2]}}


def test_removed_seat_is_kept_in_the_audit_trail(world):
    seat = RepresentativeFactory(agency=world.agency_a, role_title="Director", name="A Person")
    services.representative_remove(user=world.users["business_manager"], representative=seat)
    assert not Representative.objects.filter(pk=seat.pk).exists()
    [entry] = entries("agencies.representative.deleted")
    assert entry.data["before"] == {"role_title": "Director", "name": "A Person", "position": 0}
    with pytest.raises(WorkflowError, match="This seat has already been removed."):
        services.representative_remove(user=world.users["business_manager"], representative=seat)


def test_scrutineer_cannot_touch_seats(world):
    seat = RepresentativeFactory(agency=world.agency_a)
    with pytest.raises(NotAllowed):
        services.representative_add(user=world.users["scrutineer"], agency=world.agency_a, role_title="X")
    with pytest.raises(NotAllowed):
        services.representative_remove(user=world.users["lead_a"], representative=seat)
    assert world.agency_a.representatives.count() == 1


# Funding --------------------------------------------------------------------------


def test_business_manager_enters_funding_and_its_history_is_the_audit_trail(world):
    manager = world.users["business_manager"]
    contribution = services.funding_create(
        user=manager, period=world.period, agency=world.agency_a, amount=Decimal("1200.50"), note="Core budget"
    )
    services.funding_change(user=manager, contribution=contribution, amount=Decimal("1300"), note="Core budget")
    assert FundingContribution.objects.get(pk=contribution.pk).amount == Decimal("1300.00")
    created, changed = entries("agencies.funding.created", contribution) + entries(
        "agencies.funding.changed", contribution
    )
    assert created.period_id == world.period.pk
    assert created.target_label == "Council, 2019/20"
    assert created.data["changes"] == {"amount": [None, "1200.50"], "note": [None, "Core budget"]}
    assert changed.data["changes"] == {"amount": ["1200.50", "1300"]}
    assert changed.data["before"] == {"amount": "1200.50", "note": "Core budget"}
    [newest, oldest] = funding_history(contributions=[contribution])[contribution.pk]
    assert (newest.what, newest.changes) == ("Changed", [("amount", "Amount", "1200.50", "1300")])
    assert oldest.what == "Entered"


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        (Decimal("-0.01"), "Enter an amount of £0 or more: a contribution cannot be negative."),
        (Decimal("10.005"), "Enter the amount in pounds and pence, with at most 2 digits after the point."),
        (Decimal("10000000000"), "Enter an amount under £10,000,000,000."),
        (None, "Enter the amount in pounds, for example 12500 or 12500.50."),
    ],
)
def test_bad_amount_is_refused_and_nothing_written(world, amount, message):
    with pytest.raises(InvalidInput) as caught:
        services.funding_create(
            user=world.users["business_manager"], period=world.period, agency=world.agency_a, amount=amount
        )
    assert caught.value.errors == [message]
    assert FundingContribution.objects.count() == 0
    assert entries("agencies.funding.created") == []


def test_second_contribution_from_the_same_agency_is_a_message(world):
    FundingFactory(agency=world.agency_a, period=world.period)
    with pytest.raises(InvalidInput) as caught:
        services.funding_create(
            user=world.users["business_manager"], period=world.period, agency=world.agency_a, amount=Decimal("1"),
            note="n" * 201,
        )  # fmt: skip
    assert caught.value.errors == [
        "Enter a note of at most 200 characters; this one has 201.",
        "Council already has a contribution for 2019/20. Change that one instead.",
    ]


def test_contribution_from_another_partnerships_agency_is_refused(world):
    stranger = AgencyFactory(partnership=PartnershipFactory(), name="Elsewhere Police")
    with pytest.raises(InvalidInput) as caught:
        services.funding_create(
            user=world.users["business_manager"], period=world.period, agency=stranger, amount=Decimal("1")
        )
    assert caught.value.errors == [
        "The agency chosen belongs to another partnership. Choose one of this partnership's agencies."
    ]
    assert FundingContribution.objects.count() == 0


def test_deactivated_agency_makes_no_new_contribution_but_its_old_one_can_be_corrected(world):
    manager = world.users["business_manager"]
    old_period = PeriodFactory(partnership=world.partnership, label="2018/19", slug="2018-19", start="2018-04-01",
                               end="2019-03-31", submission_deadline="2019-09-30")  # fmt: skip
    old = FundingFactory(agency=world.agency_c, period=old_period, amount=Decimal("10"))
    services.agency_deactivate(user=manager, agency=world.agency_c)
    agency = Agency.objects.get(pk=world.agency_c.pk)
    with pytest.raises(InvalidInput, match="Schools is deactivated, so it cannot make a new contribution."):
        services.funding_create(user=manager, period=world.period, agency=agency, amount=Decimal("1"))
    old.period = old_period
    services.funding_change(user=manager, contribution=old, amount=Decimal("12"), note="")
    assert FundingContribution.objects.get(pk=old.pk).amount == Decimal("12.00")


def test_scrutineer_reads_funding_but_cannot_change_it(world):
    contribution = FundingFactory(agency=world.agency_a, period=world.period, amount=Decimal("5"))
    for role in ("scrutineer", "lead_a", "outsider"):
        with pytest.raises(NotAllowed):
            services.funding_change(user=world.users[role], contribution=contribution, amount=Decimal("6"))
        with pytest.raises(NotAllowed):
            services.funding_create(
                user=world.users[role], period=world.period, agency=world.agency_b, amount=Decimal("6")
            )
    assert FundingContribution.objects.get(pk=contribution.pk).amount == Decimal("5.00")
    assert FundingContribution.objects.count() == 1


def test_bad_change_writes_nothing(world):
    contribution = FundingFactory(agency=world.agency_a, period=world.period, amount=Decimal("5"))
    with pytest.raises(InvalidInput):
        services.funding_change(user=world.users["business_manager"], contribution=contribution, amount=Decimal("-1"))
    assert FundingContribution.objects.get(pk=contribution.pk).amount == Decimal("5.00")
    assert entries("agencies.funding.changed") == []


def test_removed_contribution_is_kept_in_the_audit_trail(world):
    contribution = FundingFactory(agency=world.agency_a, period=world.period, amount=Decimal("5"), note="x")
    services.funding_remove(user=world.users["business_manager"], contribution=contribution)
    assert FundingContribution.objects.count() == 0
    [entry] = entries("agencies.funding.deleted")
    assert (entry.target_label, entry.data["before"]) == ("Council, 2019/20", {"amount": "5.00", "note": "x"})


def test_agency_partnership_check_is_the_one_refusal_other_apps_use(world):
    services.agency_partnership_check(agency=world.agency_a, partnership=world.partnership)
    with pytest.raises(InvalidInput, match="belongs to another partnership"):
        services.agency_partnership_check(agency=world.agency_a, partnership=PartnershipFactory())


def test_history_includes_an_operators_admin_change(world):
    from partnership.audit import audit_record

    contribution = FundingFactory(agency=world.agency_a, period=world.period, amount=Decimal("5"))
    audit_record(
        code="partnership.admin.changed",
        partnership=world.partnership,
        target=contribution,
        data={"changes": {"amount": ["5.00", "6.00"], "agency": [1, 1]}},
    )
    [change] = funding_history(contributions=[contribution])[contribution.pk]
    assert (change.what, change.who, change.changes) == (
        "Changed by an operator in the admin",
        "The portal",
        [("amount", "Amount", "5.00", "6.00")],
    )
