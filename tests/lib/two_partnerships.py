"""Two partnerships side by side, for proving that permission pairs agree.

The stock `world` is the first partnership; a second ("Northshire") has its own agencies,
period, sections, review actions and memberships. The people are chosen for the cases a
permission bug hides in: roles in both partnerships, roles in two agencies (lead_c leads
the schools and contributes to the council), contributors assigned to one section of their
agency and not another, a section with several contributors, an assignment left behind by someone who moved agency,
sections the business manager and the scrutineer write, an inactive account that still
has memberships, and nobody signed in.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser

from agencies.models import AgencyKind, StatutoryRole
from partnership.audit import audit_record
from reports.models import Author, Section, SectionSpec
from tests.factories import AgencyFactory, FundingFactory, PartnershipFactory, PeriodFactory, Role, UserFactory, grant
from tests.reviews.factories import ActionFactory, RecommendationFactory


@dataclass
class Cast:
    world: object
    other: object
    other_period: object
    next_period: object
    agencies: dict
    sections: dict
    users: dict

    def fresh_users(self) -> dict:
        """Every user re-read from the database, so no roles are cached from the set-up."""
        User = get_user_model()
        return {name: user if not user.pk else User.objects.get(pk=user.pk) for name, user in self.users.items()}


def _section(period, slug: str, position: int, *, owner=None, author=Author.AGENCY, contributors=()) -> Section:
    spec = SectionSpec.objects.create(
        period=period,
        slug=slug,
        position=position,
        title=slug.replace("-", " ").title(),
        owner_agency=owner,
        author=author,
    )
    section = Section.objects.create(spec=spec)
    section.contributors.add(*contributors)
    return section


def _other_partnership():
    other = PartnershipFactory(name="Northshire Partnership", short_name="NSP", slug="nsp")
    period = PeriodFactory(partnership=other)
    agencies = {
        "health": AgencyFactory(
            partnership=other,
            name="Health board",
            short_name="Health",
            slug="health",
            kind=AgencyKind.STATUTORY_PARTNER,
            statutory_role=StatutoryRole.HEALTH,
        ),
        "other_police": AgencyFactory(
            partnership=other,
            name="Police",
            short_name="Police",
            slug="police",
            kind=AgencyKind.STATUTORY_PARTNER,
            statutory_role=StatutoryRole.POLICE,
        ),
        "charity": AgencyFactory(partnership=other, name="Charity", short_name="Charity", slug="charity"),
    }
    return other, period, agencies


def _users(world) -> dict:
    users = dict(world.users)
    for name in (
        "dual",
        "other_scrutineer",
        "health_lead",
        "health_contributor",
        "charity_lead",
        "moved",
        "teacher",
        "tutor",
    ):
        users[name] = UserFactory(username=name.replace("_", "-"))
    users["former"] = UserFactory(username="former", is_active=False)
    users["anonymous"] = AnonymousUser()
    return users


def _grant_roles(world, other, agencies, users) -> None:
    u = users
    grant(u["lead_b"], other, Role.AGENCY_LEAD, agencies["other_police"])
    grant(u["dual"], other, Role.BUSINESS_MANAGER)
    grant(u["dual"], world.partnership, Role.CONTRIBUTOR, world.agency_a)
    grant(u["other_scrutineer"], other, Role.SCRUTINEER)
    grant(u["health_lead"], other, Role.AGENCY_LEAD, agencies["health"])
    grant(u["health_contributor"], other, Role.CONTRIBUTOR, agencies["health"])
    grant(u["charity_lead"], other, Role.AGENCY_LEAD, agencies["charity"])
    grant(u["moved"], world.partnership, Role.CONTRIBUTOR, world.agency_b)
    grant(u["lead_c"], world.partnership, Role.CONTRIBUTOR, world.agency_a)
    grant(u["teacher"], world.partnership, Role.CONTRIBUTOR, world.agency_c)
    grant(u["tutor"], world.partnership, Role.CONTRIBUTOR, world.agency_c)
    grant(u["former"], world.partnership, Role.BUSINESS_MANAGER)
    grant(u["former"], world.partnership, Role.CONTRIBUTOR, world.agency_a)
    grant(u["former"], other, Role.AGENCY_LEAD, agencies["health"])


def _sections(world, next_period, other_period, agencies, users) -> dict:
    u, a = users, agencies
    return {
        # The contributor is assigned this one; `moved` was, before moving to the police.
        "council": _section(
            world.period,
            "council-working",
            1,
            owner=world.agency_a,
            contributors=[u["contributor"], u["moved"], u["former"]],
        ),
        "council_data": _section(
            world.period, "council-data", 2, owner=world.agency_a, contributors=[u["dual"], u["lead_c"]]
        ),
        "police": _section(world.period, "police-working", 3, owner=world.agency_b),
        "schools": _section(
            world.period, "schools-working", 4, owner=world.agency_c, contributors=[u["teacher"], u["tutor"]]
        ),
        "introduction": _section(world.period, "introduction", 5, author=Author.BUSINESS_MANAGER),
        "scrutiny": _section(world.period, "scrutiny", 6, author=Author.SCRUTINEER),
        "next_council": _section(next_period, "council-working", 1, owner=world.agency_a),
        "next_introduction": _section(next_period, "introduction", 2, author=Author.BUSINESS_MANAGER),
        "health": _section(
            other_period, "health-working", 1, owner=a["health"], contributors=[u["health_contributor"]]
        ),
        "health_data": _section(other_period, "health-data", 2, owner=a["health"]),
        "other_police": _section(other_period, "police-working", 3, owner=a["other_police"]),
        "charity": _section(other_period, "charity-working", 4, owner=a["charity"]),
        "other_introduction": _section(other_period, "introduction", 5, author=Author.BUSINESS_MANAGER),
        "other_scrutiny": _section(other_period, "scrutiny", 6, author=Author.SCRUTINEER),
    }


def _records(world, other, periods: dict, users) -> None:
    """Review actions, funding and audit entries in both partnerships."""
    for partnership in (world.partnership, other):
        recommendation = RecommendationFactory(review__partnership=partnership)
        for agency in partnership.agencies.all():
            ActionFactory(recommendation=recommendation, owner=agency)
    for period, agencies in periods.items():
        for agency in agencies:
            FundingFactory(agency=agency, period=period, amount=Decimal("2500.00"))
    for partnership, period, actor in (
        (world.partnership, world.period, users["business_manager"]),
        (other, None, users["dual"]),
    ):
        audit_record(code="partnership.partnership.changed", actor=actor, partnership=partnership, period=period)


def cast_build(world) -> Cast:
    """The stock world plus a second partnership, with people holding roles in one or both."""
    other, other_period, agencies = _other_partnership()
    next_period = PeriodFactory(
        partnership=world.partnership,
        label="2020/21",
        slug="2020-21",
        start=datetime.date(2020, 4, 1),
        end=datetime.date(2021, 3, 31),
        submission_deadline=datetime.date(2021, 9, 30),
    )
    users = _users(world)
    _grant_roles(world, other, agencies, users)
    sections = _sections(world, next_period, other_period, agencies, users)
    world_agencies = [world.agency_a, world.agency_b, world.agency_c]
    periods = {world.period: world_agencies, next_period: world_agencies[:2], other_period: list(agencies.values())}
    _records(world, other, periods, users)
    agencies |= {"council": world.agency_a, "police": world.agency_b, "schools": world.agency_c}
    return Cast(world, other, other_period, next_period, agencies, sections, users)
