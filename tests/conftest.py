"""Shared fixtures: one partnership with two agencies and a user in every role.

The stock users follow the house style: agency A's lead is the owner of A's things,
agency B's lead is the outsider to them, the contributor works in agency A, and
`outsider` belongs to no partnership at all. Agencies A and B are statutory partners
(council and police); agency C (schools) is not, so its lead `lead_c` is the agency lead
who may not sign off or preview the report.
"""

from dataclasses import dataclass

import pytest
from django.test import Client

from agencies.models import AgencyKind, StatutoryRole
from tests.factories import (
    AgencyFactory,
    PartnershipFactory,
    PeriodFactory,
    Role,
    UserFactory,
    grant,
    sign_in_freshly,
    totp_enrol,
)


@dataclass
class World:
    partnership: object
    period: object
    agency_a: object
    agency_b: object
    agency_c: object
    users: dict


ROLE_NAMES = ("anonymous", "lead_a", "lead_b", "contributor", "business_manager", "scrutineer", "outsider", "lead_c")


@pytest.fixture
def world(db) -> World:
    partnership = PartnershipFactory(name="Test Partnership", short_name="TSP", slug="tsp")
    period = PeriodFactory(partnership=partnership)
    agency_a = AgencyFactory(
        partnership=partnership,
        name="Council",
        short_name="Council",
        slug="council",
        kind=AgencyKind.STATUTORY_PARTNER,
        statutory_role=StatutoryRole.LOCAL_AUTHORITY,
    )
    agency_b = AgencyFactory(
        partnership=partnership,
        name="Police",
        short_name="Police",
        slug="police",
        kind=AgencyKind.STATUTORY_PARTNER,
        statutory_role=StatutoryRole.POLICE,
    )
    agency_c = AgencyFactory(
        partnership=partnership, name="Schools", short_name="Schools", slug="schools", kind=AgencyKind.EDUCATION
    )
    users = {
        "lead_a": UserFactory(username="lead-a"),
        "lead_c": UserFactory(username="lead-c"),
        "lead_b": UserFactory(username="lead-b"),
        "contributor": UserFactory(username="contributor-a"),
        "business_manager": UserFactory(username="manager"),
        "scrutineer": UserFactory(username="scrutineer"),
        "outsider": UserFactory(username="outsider"),
    }
    grant(users["lead_a"], partnership, Role.AGENCY_LEAD, agency_a)
    grant(users["lead_b"], partnership, Role.AGENCY_LEAD, agency_b)
    grant(users["lead_c"], partnership, Role.AGENCY_LEAD, agency_c)
    grant(users["contributor"], partnership, Role.CONTRIBUTOR, agency_a)
    grant(users["business_manager"], partnership, Role.BUSINESS_MANAGER)
    grant(users["scrutineer"], partnership, Role.SCRUTINEER)
    # Their roles require two-factor sign-in (people/mfa.py): they have set it up. Tests of the
    # requirement itself make users without an authenticator.
    for role in ("business_manager", "scrutineer"):
        totp_enrol(users[role])
    return World(
        partnership=partnership, period=period, agency_a=agency_a, agency_b=agency_b, agency_c=agency_c, users=users
    )


@pytest.fixture
def client_as(world):
    """client_as('lead_a') gives a Client signed in as that stock user ('anonymous' signs nobody in), as a
    sign-in moments ago would leave it (so publishing, role changes and exports need no re-authentication)."""

    def make(role: str) -> Client:
        client = Client()
        if role != "anonymous":
            sign_in_freshly(client, world.users[role])
        return client

    return make


@pytest.fixture(autouse=True)
def media_in_tmp(settings, tmp_path):
    """Uploaded and published files go to a fresh folder per test, never the project's media/;
    caches start empty, since each test's database reuses the same addresses."""
    from django.core.cache import cache

    from reports.fragments import fragments_held_clear
    from reports.frozen import frozen_cache_clear

    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    frozen_cache_clear()
    fragments_held_clear()


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    """Tests hash many passwords; a fast hasher keeps them quick (production keeps PBKDF2)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def celery_eager(request):
    """Tasks run in-process, even when REDIS_URL points Celery at Redis, so each test sees its
    task's effect at once. Tests marked real_celery keep the configured broker and start a
    real worker (tests/config/test_celery.py, tests/reports/test_pdf_worker.py)."""
    from config.celery import app

    if request.node.get_closest_marker("real_celery"):
        yield app
        return
    saved = app.conf.task_always_eager, app.conf.task_eager_propagates
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, True
    yield app
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved


def pytest_collection_modifyitems(config, items):
    """On SQLite, leave out the tests of PostgreSQL's own guards (triggers): deselected, not skipped, since
    nothing is missing; CI runs the suite on PostgreSQL too, where they run."""
    from django.conf import settings

    # And on PostgreSQL, the SQLite variants of such tests (backup and restore) are left out the same way.
    other = (
        "postgresql_only" if settings.DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" else "sqlite_only"
    )
    kept = [item for item in items if item.get_closest_marker(other) is None]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[item for item in items if item not in kept])
        items[:] = kept
