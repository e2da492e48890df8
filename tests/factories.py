import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from agencies.models import Agency, AgencyKind, FundingContribution, Representative
from partnership.models import Partnership, ReportingPeriod
from people.models import Membership, Role

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.django.Password(PASSWORD)


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership

    name = factory.Sequence(lambda n: f"Partnership {n}")
    short_name = factory.Sequence(lambda n: f"P{n}")
    slug = factory.Sequence(lambda n: f"partnership-{n}")
    area = "Somewhere"


class PeriodFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportingPeriod

    partnership = factory.SubFactory(PartnershipFactory)
    label = "2019/20"
    slug = "2019-20"
    start = datetime.date(2019, 4, 1)
    end = datetime.date(2020, 3, 31)
    submission_deadline = datetime.date(2020, 9, 30)


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency

    partnership = factory.SubFactory(PartnershipFactory)
    name = factory.Sequence(lambda n: f"Agency {n}")
    short_name = factory.Sequence(lambda n: f"A{n}")
    slug = factory.Sequence(lambda n: f"agency-{n}")
    kind = AgencyKind.RELEVANT_AGENCY


class RepresentativeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Representative

    agency = factory.SubFactory(AgencyFactory)
    role_title = factory.Sequence(lambda n: f"Seat {n}")


class FundingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FundingContribution

    agency = factory.SubFactory(AgencyFactory)
    period = factory.SubFactory(PeriodFactory)
    amount = Decimal("1000.00")


def grant(user, partnership, role, agency=None) -> Membership:
    return Membership.objects.create(user=user, partnership=partnership, role=role, agency=agency)


__all__ = ["Role", "grant"]
