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


# Two-factor sign-in: the business manager, scrutineer and staff must have an authenticator
# (people/mfa.py), so the stock users of those roles are enrolled, as they would be in use.


def totp_enrol(user, secret: str | None = None) -> str:
    """Give the user a TOTP authenticator (as allauth's set-up page does); returns its secret."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    secret = secret or generate_totp_secret()
    TOTP.activate(user, secret)
    return secret


def totp_code(secret: str, *, at: float | None = None) -> str:
    """The code an authenticator app shows now (or at a given time) for this secret."""
    import time

    from allauth.mfa import app_settings
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    counter = int(time.time() if at is None else at) // app_settings.TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, counter))


def totp_secret_of(user) -> str:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.utils import decrypt

    return decrypt(Authenticator.objects.get(user=user, type=Authenticator.Type.TOTP).data["secret"])


def sign_in_with_code(client, login: str, password: str, user=None):
    """Sign in through allauth's pages: the form, then (if the account has an authenticator) the code."""
    from django.urls import reverse

    response = client.post(reverse("account_login"), {"login": login, "password": password})
    if response.status_code == 302 and response["Location"].startswith(reverse("mfa_authenticate")):
        user = user or get_user_model().objects.get(username=login)
        response = client.post(reverse("mfa_authenticate"), {"code": totp_code(totp_secret_of(user))})
    return response


def staff_user(username: str = "operator", *, superuser: bool = True, enrolled: bool = True):
    """An operator account for the Django admin, with a TOTP authenticator unless enrolled=False."""
    user = UserFactory(username=username, is_staff=True, is_superuser=superuser)
    if enrolled:
        totp_enrol(user)
    return user


def sign_in_freshly(client, user) -> None:
    """Sign the client in as a real sign-in would leave the session: signed in and just authenticated,
    so actions that ask for a recent sign-in (lib/reauth.py) go through."""
    import time

    from allauth.account.internal.flows.login import (
        _AUTHENTICATION_METHODS_USER_SESSION_KEY,
        AUTHENTICATION_METHODS_SESSION_KEY,
    )

    client.force_login(user)
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [{"method": "password", "at": time.time()}]
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = str(user.pk)
    session.save()


__all__ = [
    "Role",
    "grant",
    "sign_in_freshly",
    "sign_in_with_code",
    "staff_user",
    "totp_code",
    "totp_enrol",
    "totp_secret_of",
]
