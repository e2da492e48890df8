"""Changes to who holds which role: removing a role, handing a lead role over, deactivating an
account, and the operator's one step, creating a partnership with its first business manager."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.text import slugify

from lib.errors import InvalidInput, NotAllowed, WorkflowError
from lib.roles import forget_roles, roles_for
from partnership.audit import audit_record
from partnership.models import Partnership
from people.invitations import invitation_create
from people.models import Membership, Role


def user_can_change_membership(user, membership: Membership) -> bool:
    """The business manager changes any role in the partnership; an agency lead, their agency's contributors."""
    roles = roles_for(user)
    if membership.partnership_id in roles.managed:
        return True
    return membership.role == Role.CONTRIBUTOR and membership.agency_id in roles.led_agencies


def _name(user) -> str:
    return user.get_full_name() or user.get_username()


def _audit(code: str, actor, membership: Membership, **data) -> None:
    where = f" for {membership.agency.name}" if membership.agency_id else ""
    audit_record(
        code=code,
        actor=actor,
        partnership=membership.partnership_id,
        target=membership.user,
        target_label=_name(membership.user),
        data={"role": f"{membership.get_role_display()}{where}", **data},
    )


def _lock_managers(partnership_id: int) -> list[Membership]:
    # Two managers removing each other at once: the second waits, then sees one manager left.
    return list(
        Membership.objects.select_for_update().filter(partnership_id=partnership_id, role=Role.BUSINESS_MANAGER)
    )


def membership_remove(*, user, membership: Membership) -> None:
    """Take a role away; the person's history stays. The last business manager cannot be removed."""
    if not user_can_change_membership(user, membership):
        raise NotAllowed(
            "Only the business manager can change this person's roles. Agency leads change only their own "
            "agency's contributors."
        )
    with transaction.atomic():
        managers = _lock_managers(membership.partnership_id)
        locked = (
            Membership.objects.select_for_update(of=("self",))
            .select_related("user", "agency")
            .filter(pk=membership.pk)
            .first()
        )
        if locked is None:
            raise WorkflowError("This role has already been removed.")
        if locked.role == Role.BUSINESS_MANAGER and len(managers) == 1:
            raise WorkflowError(
                "This is the partnership's only business manager. Invite another business manager first, then "
                "remove this role."
            )
        locked.delete()
        _audit("people.membership.deleted", user, locked)
        forget_roles(locked.user)


def lead_hand_over(*, user, membership: Membership, to_user) -> Membership:
    """Give an agency's lead role to another person of the agency; the previous lead becomes a contributor."""
    if membership.role != Role.AGENCY_LEAD:
        raise InvalidInput("Only an agency lead role can be handed over.")
    roles = roles_for(user)
    if not (membership.partnership_id in roles.managed or membership.user_id == user.pk):
        raise NotAllowed("Only the business manager, or the lead themselves, can hand over an agency's lead role.")
    if to_user.pk == membership.user_id:
        raise InvalidInput("Choose someone other than the current lead.")
    with transaction.atomic():
        locked = (
            Membership.objects.select_for_update(of=("self",)).select_related("user", "agency").get(pk=membership.pk)
        )
        if not Membership.objects.filter(user=to_user, agency_id=locked.agency_id).exists():
            raise InvalidInput(
                f"{_name(to_user)} has no role in {locked.agency.name}. Invite them as its lead instead."
            )
        new, _ = Membership.objects.get_or_create(
            user=to_user, partnership_id=locked.partnership_id, agency_id=locked.agency_id, role=Role.AGENCY_LEAD
        )
        Membership.objects.get_or_create(
            user=locked.user, partnership_id=locked.partnership_id, agency_id=locked.agency_id, role=Role.CONTRIBUTOR
        )
        locked.delete()
        _audit("people.lead.handed_over", user, locked, to=_name(to_user))
        forget_roles(locked.user)
        forget_roles(to_user)
    return new


def account_deactivate(*, user, partnership, person) -> None:
    """Stop an account signing in; its roles and history stay on the record."""
    if partnership.pk not in roles_for(user).managed:
        raise NotAllowed("Only the business manager can deactivate accounts.")
    if person.pk == user.pk:
        raise InvalidInput("You cannot deactivate your own account. Ask another business manager.")
    elsewhere = Membership.objects.filter(user=person).exclude(partnership=partnership).exists()
    if elsewhere:
        raise WorkflowError(
            f"{_name(person)} also has roles in another partnership, so the account stays active. Remove their "
            "roles here instead."
        )
    with transaction.atomic():
        managers = _lock_managers(partnership.pk)
        if [m.user_id for m in managers] == [person.pk]:
            raise WorkflowError("This is the partnership's only business manager. Invite another one first.")
        locked = type(person).objects.select_for_update().get(pk=person.pk)
        if not locked.is_active:
            raise WorkflowError(f"{_name(locked)}'s account is already deactivated.")
        locked.is_active = False
        locked.save(update_fields=["is_active"])
        audit_record(
            code="people.account.deactivated", actor=user, partnership=partnership, target=locked,
            target_label=_name(locked),
        )  # fmt: skip


def partnership_create(*, name: str, short_name: str, slug: str, area: str, manager_email: str):
    """The operator's one step: a new partnership and the invitation of its first business manager."""
    name, short_name, area = name.strip(), short_name.strip(), area.strip()
    slug = (slug or slugify(short_name or name)).strip()
    errors = []
    if not name:
        errors.append("Give the partnership's name (--name).")
    if not short_name:
        errors.append("Give the partnership's short name (--short-name), for example its initials.")
    if slug != slugify(slug) or not slug:
        errors.append(f"The address '{slug}' may use only lower-case letters, digits and hyphens (--slug).")
    if Partnership.objects.filter(slug=slug).exists():
        errors.append(f"A partnership already uses the address '{slug}'. Choose another --slug.")
    if Partnership.objects.filter(name=name).exists():
        errors.append(f"A partnership called '{name}' already exists.")
    if errors:
        raise InvalidInput(errors)
    try:
        with transaction.atomic():
            partnership = Partnership.objects.create(name=name, short_name=short_name, slug=slug, area=area)
            audit_record(code="partnership.partnership.created", partnership=partnership, target=partnership)
            invitation = invitation_create(
                user=None, partnership=partnership, email=manager_email, role=Role.BUSINESS_MANAGER
            )
    except IntegrityError:
        raise InvalidInput("Another partnership with this name or address was created at the same moment.") from None
    return partnership, invitation
