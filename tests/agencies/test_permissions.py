"""Each permission function agrees with the queryset beside it, for every stock role."""

import pytest

from agencies.permissions import partnerships_agencies_managed_by, user_can_manage_agencies
from tests.conftest import ROLE_NAMES
from tests.factories import PartnershipFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", [r for r in ROLE_NAMES if r != "anonymous"])
def test_manage_agencies_agrees_with_its_queryset(world, role):
    user = world.users[role]
    other = PartnershipFactory()
    for partnership in (world.partnership, other):
        assert user_can_manage_agencies(user, partnership) == (
            partnerships_agencies_managed_by(user).filter(pk=partnership.pk).exists()
        )
    assert user_can_manage_agencies(user, world.partnership) == (role == "business_manager")
    assert not user_can_manage_agencies(user, other)
