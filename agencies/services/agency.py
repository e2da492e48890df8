"""Adding, changing, deactivating and reactivating a partnership's agencies."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from agencies.models import Agency, AgencyKind, StatutoryRole
from agencies.services.base import NAME_MAX, SHORT_NAME_MAX, SLUG_MAX, require_manager, too_long
from lib.errors import InvalidInput, WorkflowError
from lib.slugs import slug_unique
from partnership.audit import audit_record, changes_between
from partnership.models import Partnership

RESERVED_SLUGS = frozenset({"add"})  # "add" is an address of its own (agencies:add)


def _agency_values(agency: Agency) -> dict:
    fields = ("name", "short_name", "slug", "kind", "statutory_role", "signatory_title")
    return {name: getattr(agency, name) for name in fields}


def _lock_partnership(partnership) -> Partnership:
    return Partnership.objects.select_for_update().get(pk=partnership.pk)


def _agency_problems(*, partnership, agency: Agency) -> list[str]:
    """Every rule the agency's values break, checked against the partnership's other agencies."""
    others = Agency.objects.filter(partnership=partnership).exclude(pk=agency.pk)
    problems = _agency_shape_problems(agency)
    if agency.name and others.filter(name__iexact=agency.name).exists():
        problems.append(
            f"There is already an agency called '{agency.name}' in {partnership.name}. Give this one a different name."
        )
    if agency.slug:
        holder = others.filter(slug=agency.slug).first()
        if holder is not None:
            problems.append(
                f"The address '{agency.slug}' is already used by {holder.name}. "
                "Choose another, or leave it blank to make one from the name."
            )
    if agency.statutory_role:
        holder = others.filter(statutory_role=agency.statutory_role).first()
        if holder is not None:
            role = StatutoryRole(agency.statutory_role).label.lower()
            problems.append(
                f"{holder.name} already holds the statutory role '{role}'. A partnership has one agency per "
                f"statutory role: remove the role from {holder.name} first, or choose no statutory role."
            )
        if not agency.active:
            problems.append(f"{agency.name} is deactivated, so it cannot hold a statutory role. Reactivate it first.")
    return problems


def _agency_shape_problems(agency: Agency) -> list[str]:
    problems = []
    if not agency.name:
        problems.append("Enter the agency's name.")
    problems += too_long("a name", agency.name, NAME_MAX)
    if not agency.short_name:
        problems.append("Enter a short name: the one the report's tables use, for example 'Police'.")
    problems += too_long("a short name", agency.short_name, SHORT_NAME_MAX)
    problems += too_long("a signatory's title", agency.signatory_title, NAME_MAX)
    if agency.signatory_title and not agency.statutory_role:
        problems.append("Only a lead partner signs off the report: give it a statutory role, or clear the title.")
    if agency.kind not in AgencyKind.values:
        problems.append("Choose what kind of agency it is.")
    if agency.statutory_role not in ("", *StatutoryRole.values):
        problems.append("Choose a statutory role from the list, or none.")
    elif agency.statutory_role and agency.kind != AgencyKind.STATUTORY_PARTNER:
        problems.append(
            "Only a statutory partner can hold a statutory role. Choose 'Statutory partner' as the kind, "
            "or choose no statutory role."
        )
    return problems


def _agency_slug(*, partnership, agency: Agency, slug: str) -> tuple[str, list[str]]:
    """The address to use (typed, or made from the name) and what is wrong with a typed one."""
    if not slug.strip():
        taken = set(Agency.objects.filter(partnership=partnership).exclude(pk=agency.pk).values_list("slug", flat=True))
        made = slug_unique(agency.name, taken | RESERVED_SLUGS, SLUG_MAX)
        return made, [] if made or not agency.name else ["Enter a name with some letters or numbers in it."]
    cleaned = slugify(slug)
    if not cleaned:
        return "", ["Enter an address of letters, numbers and hyphens, or leave it blank to make one from the name."]
    if len(cleaned) > SLUG_MAX:
        return "", [f"Enter an address of at most {SLUG_MAX} characters, or leave it blank to make one from the name."]
    if cleaned in RESERVED_SLUGS:
        return "", [f"'{cleaned}' cannot be an agency's address. Choose another, or leave it blank."]
    return cleaned, []


def _agency_apply(*, partnership, agency: Agency, values: dict) -> None:
    """Put the typed values on the agency, or raise InvalidInput listing every problem."""
    agency.name = (values.get("name") or "").strip()
    agency.short_name = (values.get("short_name") or "").strip()
    agency.kind = values.get("kind") or ""
    agency.statutory_role = values.get("statutory_role") or ""
    agency.signatory_title = (values.get("signatory_title") or "").strip()
    agency.slug, problems = _agency_slug(partnership=partnership, agency=agency, slug=values.get("slug") or "")
    problems += _agency_problems(partnership=partnership, agency=agency)
    if problems:
        raise InvalidInput(problems)


def agency_create(
    *,
    user,
    partnership,
    name: str,
    short_name: str,
    kind: str,
    statutory_role: str = "",
    slug: str = "",
    signatory_title: str = "",
) -> Agency:
    """Add an agency to the partnership; its address is made from its name unless one is typed."""
    require_manager(user, partnership)
    values = {"name": name, "short_name": short_name, "kind": kind, "statutory_role": statutory_role, "slug": slug,
              "signatory_title": signatory_title}  # fmt: skip
    with transaction.atomic():
        partnership = _lock_partnership(partnership)
        agency = Agency(partnership=partnership)
        _agency_apply(partnership=partnership, agency=agency, values=values)
        agency.save()
        after = _agency_values(agency)
        audit_record(
            code="agencies.agency.created",
            actor=user,
            partnership=partnership,
            target=agency,
            target_label=agency.name,
            data={"after": after, "changes": changes_between({}, after)},
        )
    return agency


def agency_change(
    *,
    user,
    agency: Agency,
    name: str,
    short_name: str,
    kind: str,
    statutory_role: str,
    slug: str,
    signatory_title: str = "",
) -> Agency:
    """Change an agency's names, address, kind, statutory role or signatory's title."""
    require_manager(user, agency.partnership)
    values = {"name": name, "short_name": short_name, "kind": kind, "statutory_role": statutory_role, "slug": slug,
              "signatory_title": signatory_title}  # fmt: skip
    with transaction.atomic():
        partnership = _lock_partnership(agency.partnership)
        locked = Agency.objects.select_for_update().get(pk=agency.pk, partnership=partnership)
        before = _agency_values(locked)
        _agency_apply(partnership=partnership, agency=locked, values=values)
        changes = changes_between(before, _agency_values(locked))
        if changes:
            locked.save(update_fields=[*changes, "updated_at"])
            audit_record(
                code="agencies.agency.changed",
                actor=user,
                partnership=partnership,
                target=locked,
                target_label=locked.name,
                data={"before": before, "after": _agency_values(locked), "changes": changes},
            )
    locked.partnership = partnership
    return locked


def agency_deactivate(*, user, agency: Agency) -> Agency:
    """Take an agency out of drop-downs and the membership table; its sections, funding and history stay."""
    require_manager(user, agency.partnership)
    with transaction.atomic():
        locked = Agency.objects.select_for_update().get(pk=agency.pk)
        if not locked.active:
            raise WorkflowError(f"{locked.name} is already deactivated.")
        if locked.statutory_role:
            role = StatutoryRole(locked.statutory_role).label.lower()
            raise WorkflowError(
                f"{locked.name} is the partnership's statutory partner for {role}, who signs off the report. "
                "Give it no statutory role first (change the agency), then deactivate it."
            )
        locked.deactivated_at = timezone.now()
        locked.save(update_fields=["deactivated_at", "updated_at"])
        audit_record(
            code="agencies.agency.deactivated",
            actor=user,
            partnership=agency.partnership,
            target=locked,
            target_label=locked.name,
            data={"changes": {"deactivated_at": [None, locked.deactivated_at.isoformat()]}},
        )
    locked.partnership = agency.partnership
    return locked


def agency_reactivate(*, user, agency: Agency) -> Agency:
    """Offer a deactivated agency again for new seats, contributions and sections."""
    require_manager(user, agency.partnership)
    with transaction.atomic():
        locked = Agency.objects.select_for_update().get(pk=agency.pk)
        if locked.active:
            raise WorkflowError(f"{locked.name} is already active.")
        was = locked.deactivated_at
        locked.deactivated_at = None
        locked.save(update_fields=["deactivated_at", "updated_at"])
        audit_record(
            code="agencies.agency.reactivated",
            actor=user,
            partnership=agency.partnership,
            target=locked,
            target_label=locked.name,
            data={"changes": {"deactivated_at": [was.isoformat(), None]}},
        )
    locked.partnership = agency.partnership
    return locked
