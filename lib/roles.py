"""A user's roles as plain ids, cached on the user object for the request.

Lower apps (partnership, agencies) answer "may this user ..." from these ids without
importing the people app that stores memberships: people registers the function that
reads them (`roles_provider_set`, in its AppConfig.ready), the way Django's auth
backends answer `has_perm` for apps that never import them. A portal without a
provider refuses to guess and fails loudly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class PortalRoles:
    partnerships: frozenset[int] = frozenset()
    managed: frozenset[int] = frozenset()
    scrutinised: frozenset[int] = frozenset()
    led_agencies: frozenset[int] = frozenset()
    contributor_agencies: frozenset[int] = frozenset()
    agency_partnership: dict[int, int] = field(default_factory=dict)

    def leads_in(self, partnership_id: int) -> frozenset[int]:
        """The agencies of this partnership that the user leads."""
        return frozenset(a for a in self.led_agencies if self.agency_partnership.get(a) == partnership_id)


NO_ROLES = PortalRoles()
_provider: Callable[[object], PortalRoles] | None = None


def roles_provider_set(provider: Callable[[object], PortalRoles]) -> None:
    """Register the function that reads a user's roles from the database."""
    global _provider
    _provider = provider


def roles_for(user) -> PortalRoles:
    """The user's roles, read once and cached on the user object; nobody signed in has none."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", True):
        return NO_ROLES
    cached = getattr(user, "_portal_roles", None)
    if cached is not None:
        return cached
    if _provider is None:
        raise RuntimeError("No roles provider is registered: is the people app in INSTALLED_APPS?")
    roles = _provider(user)
    user._portal_roles = roles
    return roles


def forget_roles(user) -> None:
    """Drop the cached roles, after memberships change."""
    if hasattr(user, "_portal_roles"):
        del user._portal_roles
