"""Who may read, write, review, challenge, preview, sign off and publish. Each boolean sits
beside the queryset that answers the same question for many objects; tests/reports/
test_permissions.py checks each pair agrees.

Roles relative to one section are named in reports.workflow; its transition table says
which of them may take each action.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from agencies.permissions import statutory_agencies_led_by, user_is_statutory_lead
from lib.roles import roles_for
from partnership.models import ReportingPeriod
from reports import workflow
from reports.models import Author, Section


def section_roles(user, section) -> frozenset[str]:
    """The user's roles on one section: writer, contributor, business_manager, scrutineer."""
    roles = roles_for(user)
    spec = section.spec
    partnership_id = spec.period.partnership_id
    found: set[str] = set()
    if partnership_id in roles.managed:
        found.add(workflow.BUSINESS_MANAGER)
    if partnership_id in roles.scrutinised:
        found.add(workflow.SCRUTINEER)
    if spec.author == Author.AGENCY:
        if spec.owner_agency_id in roles.led_agencies:
            found.add(workflow.WRITER)
        if spec.owner_agency_id in roles.contributor_agencies and any(
            u.pk == user.pk for u in section.contributors.all()
        ):
            found.add(workflow.CONTRIBUTOR)
    elif spec.author in found:
        found.add(workflow.WRITER)
    return frozenset(found)


def _may(user, section, action: str) -> bool:
    return bool(section_roles(user, section) & workflow.roles_allowed(action))


def user_can_view_section(user, section) -> bool:
    """Overseers see every section; an agency's leads and contributors see that agency's sections."""
    roles = roles_for(user)
    spec = section.spec
    if spec.period.partnership_id in roles.managed | roles.scrutinised:
        return True
    return spec.owner_agency_id is not None and spec.owner_agency_id in roles.led_agencies | roles.contributor_agencies


def sections_visible_to(user) -> QuerySet[Section]:
    """Every section the user may read."""
    roles = roles_for(user)
    return Section.objects.filter(
        Q(spec__period__partnership_id__in=roles.managed | roles.scrutinised)
        | Q(spec__owner_agency_id__in=roles.led_agencies | roles.contributor_agencies)
    )


def _written_by(roles) -> Q:
    """The sections these roles write: their agencies' own, and those naming their partnership role as author."""
    return (
        Q(spec__author=Author.AGENCY, spec__owner_agency_id__in=roles.led_agencies)
        | Q(spec__author=Author.BUSINESS_MANAGER, spec__period__partnership_id__in=roles.managed)
        | Q(spec__author=Author.SCRUTINEER, spec__period__partnership_id__in=roles.scrutinised)
    )


def user_can_edit_section(user, section) -> bool:
    """The writer (agency lead, or the business manager or scrutineer named as author) and assigned contributors."""
    return _may(user, section, "save")


def sections_editable_by(user) -> QuerySet[Section]:
    """Every section the user may save."""
    roles = roles_for(user)
    if not roles.contributor_agencies:
        # Nothing can be assigned to them; and someone not signed in has no id to match assignments by.
        return Section.objects.filter(_written_by(roles))
    assigned = Q(spec__author=Author.AGENCY, spec__owner_agency_id__in=roles.contributor_agencies, contributors=user)
    return Section.objects.filter(_written_by(roles) | assigned).distinct()


def user_can_submit_section(user, section) -> bool:
    """Only the writer submits; a contributor cannot."""
    return _may(user, section, "submit")


def sections_submittable_by(user) -> QuerySet[Section]:
    """Every section the user writes (and so may submit when its state allows)."""
    return Section.objects.filter(_written_by(roles_for(user)))


def user_can_review_section(user, section) -> bool:
    """The business manager approves sections or returns them for changes."""
    return _may(user, section, "approve")


def sections_reviewable_by(user) -> QuerySet[Section]:
    """Every section the user may approve or return."""
    return Section.objects.filter(spec__period__partnership_id__in=roles_for(user).managed)


def user_can_challenge(user, section) -> bool:
    """The independent scrutineer raises and closes challenges."""
    return section.spec.period.partnership_id in roles_for(user).scrutinised


def sections_challengeable_by(user) -> QuerySet[Section]:
    """Every section the user may challenge."""
    return Section.objects.filter(spec__period__partnership_id__in=roles_for(user).scrutinised)


def user_can_answer_challenge(user, section) -> bool:
    """The section's writer answers challenges on it."""
    return workflow.WRITER in section_roles(user, section)


def sections_answerable_by(user) -> QuerySet[Section]:
    """Every section whose challenges the user answers (the sections they write)."""
    return sections_submittable_by(user)


def user_can_assign_section(user, section) -> bool:
    """The owning agency's lead assigns its sections to contributors."""
    return section.spec.owner_agency_id in roles_for(user).led_agencies


def sections_assignable_by(user) -> QuerySet[Section]:
    """Every section the user may assign to contributors."""
    return Section.objects.filter(spec__owner_agency_id__in=roles_for(user).led_agencies)


def user_can_manage_outline(user, period) -> bool:
    """The business manager shapes the outline of a period."""
    return period.partnership_id in roles_for(user).managed


def periods_outline_managed_by(user) -> QuerySet[ReportingPeriod]:
    """Every period whose outline the user may change."""
    return ReportingPeriod.objects.filter(partnership_id__in=roles_for(user).managed)


def user_can_sign_off_report(user, period) -> bool:
    """A lead of one of the statutory partners (local authority, health, police)."""
    return user_is_statutory_lead(user, period.partnership)


def periods_signable_by(user) -> QuerySet[ReportingPeriod]:
    """Every period whose report the user may sign off."""
    return ReportingPeriod.objects.filter(partnership_id__in=statutory_agencies_led_by(user).values("partnership_id"))


def user_can_preview_report(user, period) -> bool:
    """The overseers and the statutory partners' leads (who sign it off) read the assembled draft."""
    roles = roles_for(user)
    return period.partnership_id in roles.managed | roles.scrutinised or user_can_sign_off_report(user, period)


def periods_previewable_by(user) -> QuerySet[ReportingPeriod]:
    """Every period whose draft report the user may read."""
    roles = roles_for(user)
    return ReportingPeriod.objects.filter(
        Q(partnership_id__in=roles.managed | roles.scrutinised)
        | Q(partnership_id__in=statutory_agencies_led_by(user).values("partnership_id"))
    )


def user_can_publish_report(user, period) -> bool:
    """The business manager publishes the report and its corrections."""
    return period.partnership_id in roles_for(user).managed


def periods_publishable_by(user) -> QuerySet[ReportingPeriod]:
    """Every period whose report the user may publish."""
    return ReportingPeriod.objects.filter(partnership_id__in=roles_for(user).managed)


def user_can_comment_on_challenges(user, period) -> bool:
    """The independent scrutineer comments on the period's challenge register."""
    return period.partnership_id in roles_for(user).scrutinised


def periods_challenges_commentable_by(user) -> QuerySet[ReportingPeriod]:
    """Every period on whose challenge register the user may comment."""
    return ReportingPeriod.objects.filter(partnership_id__in=roles_for(user).scrutinised)
