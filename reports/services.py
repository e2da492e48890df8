"""Every change to outlines, sections, comments and challenges.

Each service takes the acting user, checks permission and state, then in one
transaction locks the row, changes it, saves and writes the audit entry. Mail goes
through Celery tasks queued on commit, so a rolled-back change never sends one.
"""

from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from lib.slugs import slug_unique
from partnership.audit import audit_record
from partnership.models import ReportingPeriod
from reports import workflow
from reports.checklist import statutory_checklist
from reports.childrens import childrens_spec_defaults, childrens_spec_problems
from reports.content import content_clean, empty_content
from reports.diff import content_as_text, word_diff
from reports.errors import InvalidInput, NotAllowed, StaleRevision, WorkflowError
from reports.impact import ImpactMissing, impact_missing
from reports.measures_data import period_keys_taken
from reports.models import (
    Challenge,
    ChallengeState,
    ChecklistExemption,
    Comment,
    ExemptionKind,
    PeriodVisit,
    Section,
    SectionRevision,
    SectionSpec,
    SectionState,
)
from reports.permissions import (
    section_roles,
    user_can_answer_challenge,
    user_can_assign_section,
    user_can_challenge,
    user_can_manage_outline,
    user_can_publish_report,
    user_can_view_section,
)
from reports.progress import progress_items_carry

MAX_COMMENT_CHARS = 10_000


def audit_write(
    *,
    section: Section | None = None,
    period=None,
    target=None,
    action: str,
    actor,
    from_state: str = "",
    to_state: str = "",
    reason: str = "",
    data: dict | None = None,
):
    """One entry in the audit trail, about a section (or another target) of the period; call inside the transaction."""
    period = period or section.spec.period
    target = target if target is not None else section
    label = section.spec.title if section is not None else (getattr(target, "title", "") or "")
    payload = {"from": from_state, "to": to_state, "reason": reason}
    return audit_record(
        code=action,
        actor=actor,
        period=period,
        target=target,
        target_label=label,
        data={key: value for key, value in payload.items() if value} | (data or {}),
    )


def _locked(section: Section) -> Section:
    locked = Section.objects.select_for_update().get(pk=section.pk)
    locked.spec = section.spec
    return locked


def _check_roles(user, section: Section, action: str, refusal: str) -> None:
    if not section_roles(user, section) & workflow.roles_allowed(action):
        raise NotAllowed(refusal)


_muted: ContextVar[bool] = ContextVar("reports_notifications_muted", default=False)


@contextmanager
def notifications_muted():
    """No mail for changes made inside this block (the demo loader replays a year's work)."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def _notify(task_name: str, *args) -> None:
    if _muted.get():
        return
    from reports import tasks

    task = getattr(tasks, task_name)
    transaction.on_commit(lambda: task.delay(*args))


def _transition(*, user, section: Section, action: str, reason: str = "", data: dict | None = None) -> Section:
    """Move the section along the workflow table and audit it, inside the caller's transaction."""
    locked = _locked(section)
    to_state = workflow.next_state(action, locked.state)
    from_state = locked.state
    locked.state = to_state
    locked.state_changed_at = timezone.now()
    fields = ["state", "state_changed_at", "updated_at"]
    if action == "approve":
        locked.approved_revision_id = locked.current_revision_id
        fields.append("approved_revision")
    locked.save(update_fields=fields)
    audit_write(
        section=locked,
        action=workflow.TRANSITIONS[action].audit_code,
        actor=user,
        from_state=from_state,
        to_state=to_state,
        reason=reason,
        data=data,
    )
    return locked


# Sections ---------------------------------------------------------------------------


def section_save(*, user, section: Section, content: dict, based_on: int | None) -> SectionRevision:
    """Save the form as a new revision, unless someone saved a newer one since the form was opened."""
    _check_roles(user, section, "save", "You cannot edit this section. Ask its agency lead to assign it to you.")
    cleaned = content_clean(content)
    with transaction.atomic():
        locked = _locked(section)
        if taken := period_keys_taken(section=locked, tables=cleaned["tables"]):
            raise InvalidInput(taken)
        current = SectionRevision.objects.filter(pk=locked.current_revision_id).first()
        latest = current.number if current else None
        if based_on != latest:
            old = content_as_text(current.content) if current else ""
            raise StaleRevision(based_on=based_on, latest=latest or 0, diff=word_diff(old, content_as_text(cleaned)))
        to_state = workflow.next_state("save", locked.state)
        # A revision saved before a key existed (impact, evidence) equals the same content saved with it empty.
        if current is not None and empty_content() | current.content == cleaned:
            return current  # nothing changed: no new revision, and an approved section stays approved
        revision = SectionRevision.objects.create(
            section=locked, number=(latest or 0) + 1, content=cleaned, author=user, based_on=based_on
        )
        from_state = locked.state
        locked.current_revision = revision
        fields = ["current_revision", "updated_at"]
        if to_state != from_state:
            locked.state, locked.state_changed_at = to_state, timezone.now()
            fields += ["state", "state_changed_at"]
        locked.save(update_fields=fields)
        audit_write(
            section=locked,
            action=workflow.TRANSITIONS["save"].audit_code,
            actor=user,
            from_state=from_state,
            to_state=to_state,
            reason=f"Revision {revision.number}",
        )
    return revision


def section_submit(*, user, section: Section) -> Section:
    """The writer sends the section to the business manager for approval."""
    _check_roles(user, section, "submit", "Only the agency lead can submit this section. Ask them to submit it.")
    with transaction.atomic():
        locked = _locked(section)
        if locked.spec.impact_required:
            content = SectionRevision.objects.filter(pk=locked.current_revision_id).values_list("content", flat=True)
            missing = impact_missing(content.first())
            if missing:
                raise ImpactMissing(missing)
        locked = _transition(user=user, section=section, action="submit")
        _notify("notify_section_event", locked.pk, "submitted", user.pk)
    return locked


MAX_REASON_CHARS = 2_000


def section_approve(
    *, user, section: Section, revision_number: int | None = None, self_approval_reason: str = ""
) -> Section:
    """The business manager approves the latest revision; it becomes the one the report uses.

    A manager approving what they wrote themselves gives a reason, which the audit trail keeps
    (another business manager's approval needs none): a partnership may have only one manager.
    """
    _check_roles(user, section, "approve", "Only the business manager can approve sections.")
    reason = (self_approval_reason or "").strip()
    if len(reason) > MAX_REASON_CHARS:
        raise InvalidInput(f"Keep the reason under {MAX_REASON_CHARS:,} characters.")
    with transaction.atomic():
        locked = _locked(section)
        current = SectionRevision.objects.filter(pk=locked.current_revision_id).first()
        if revision_number is not None and (current is None or current.number != revision_number):
            raise WorkflowError(
                f"The section has changed since you read revision {revision_number}. Read it again, then approve."
            )
        own = current is not None and current.author_id == user.pk
        if own and not reason:
            raise WorkflowError(
                "You wrote this revision, so another business manager should approve it. If there is none, give "
                "your reason for approving it yourself; it is kept in the audit log."
            )
        locked = _transition(
            user=user, section=section, action="approve", reason=reason if own else "",
            data={"self_approved": True} if own else None,
        )  # fmt: skip
        _notify("notify_section_event", locked.pk, "approved", user.pk)
    return locked


def section_request_changes(*, user, section: Section, reason: str) -> Section:
    """The business manager returns a submitted section, saying what must change."""
    _check_roles(user, section, "request_changes", "Only the business manager can return sections.")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("Say what needs to change, so the writer knows what to do.")
    if len(reason) > MAX_COMMENT_CHARS:
        raise InvalidInput(f"Keep the reason under {MAX_COMMENT_CHARS:,} characters.")
    with transaction.atomic():
        locked = _transition(user=user, section=section, action="request_changes", reason=reason)
        _notify("notify_section_event", locked.pk, "changes_requested", user.pk)
    return locked


def section_assign(*, user, section: Section, contributors: list) -> None:
    """The agency lead chooses which of the agency's contributors may draft the section."""
    if not user_can_assign_section(user, section):
        raise NotAllowed("Only the agency's lead can assign this section.")
    from people.models import Membership, Role

    allowed = set(
        Membership.objects.filter(agency_id=section.spec.owner_agency_id, role=Role.CONTRIBUTOR).values_list(
            "user_id", flat=True
        )
    )
    if any(u.pk not in allowed for u in contributors):
        raise InvalidInput("You can assign only contributors of your agency. Ask the business manager to add them.")
    with transaction.atomic():
        locked = _locked(section)
        locked.contributors.set(contributors)
        names = ", ".join(sorted(u.get_username() for u in contributors)) or "nobody"
        audit_write(section=locked, action="reports.section.assigned", actor=user, reason=f"Assigned to {names}")


def period_visit_record(*, user, period) -> None:
    """Remember when the user last read what changed in the period (a bookmark of theirs, not a change
    to the report, so it is not audited)."""
    PeriodVisit.objects.update_or_create(user=user, period=period, defaults={"visited_at": timezone.now()})


# Comments and challenges --------------------------------------------------------------


def _text(value: str, what: str) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(f"Write your {what} before sending it.")
    if len(value) > MAX_COMMENT_CHARS:
        raise InvalidInput(f"Your {what} is {len(value):,} characters long; keep it under {MAX_COMMENT_CHARS:,}.")
    return value


def comment_add(*, user, revision: SectionRevision, body: str) -> Comment:
    """Anyone who may read the section comments on one of its revisions."""
    section = revision.section
    if not user_can_view_section(user, section):
        raise NotAllowed("You cannot comment on this section.")
    body = _text(body, "comment")
    with transaction.atomic():
        comment = Comment.objects.create(revision=revision, author=user, body=body)
        audit_write(
            section=section, action="reports.comment.added", actor=user, reason=f"On revision {revision.number}"
        )
    return comment


def challenge_raise(*, user, section: Section, question: str) -> Challenge:
    """The scrutineer asks a question that stays open until answered and closed."""
    if not user_can_challenge(user, section):
        raise NotAllowed("Only the independent scrutineer can raise challenges.")
    question = _text(question, "challenge")
    with transaction.atomic():
        locked = _locked(section)
        challenge = Challenge.objects.create(
            section=locked, revision_id=locked.current_revision_id, raised_by=user, question=question
        )
        audit_write(section=locked, action="reports.challenge.raised", actor=user, to_state="open", reason=question)
        _notify("notify_challenge_event", challenge.pk, "raised", user.pk)
    return challenge


def _challenge_locked(challenge: Challenge) -> Challenge:
    locked = Challenge.objects.select_for_update().get(pk=challenge.pk)
    locked.section = challenge.section
    return locked


def challenge_answer(*, user, challenge: Challenge, answer: str) -> Challenge:
    """The section's writer answers an open challenge."""
    if not user_can_answer_challenge(user, challenge.section):
        raise NotAllowed("Only the section's agency lead can answer this challenge.")
    answer = _text(answer, "answer")
    with transaction.atomic():
        locked = _challenge_locked(challenge)
        if locked.state != ChallengeState.OPEN:
            raise WorkflowError("This challenge has already been answered. Ask the scrutineer if more is needed.")
        locked.state, locked.answer = ChallengeState.ANSWERED, answer
        locked.answered_by, locked.answered_at = user, timezone.now()
        locked.save(update_fields=["state", "answer", "answered_by", "answered_at", "updated_at"])
        audit_write(
            section=locked.section,
            action="reports.challenge.answered",
            actor=user,
            from_state="open",
            to_state="answered",
            reason=answer,
        )
        _notify("notify_challenge_event", locked.pk, "answered", user.pk)
    return locked


def challenge_close(*, user, challenge: Challenge) -> Challenge:
    """The scrutineer closes an answered challenge."""
    if not user_can_challenge(user, challenge.section):
        raise NotAllowed("Only the independent scrutineer can close challenges.")
    with transaction.atomic():
        locked = _challenge_locked(challenge)
        if locked.state != ChallengeState.ANSWERED:
            raise WorkflowError(
                "Only an answered challenge can be closed. Wait for the agency's answer."
                if locked.state == ChallengeState.OPEN
                else "This challenge is already closed."
            )
        locked.state, locked.closed_by, locked.closed_at = ChallengeState.CLOSED, user, timezone.now()
        locked.save(update_fields=["state", "closed_by", "closed_at", "updated_at"])
        audit_write(
            section=locked.section,
            action="reports.challenge.closed",
            actor=user,
            from_state="answered",
            to_state="closed",
        )
    return locked


# The statutory checklist ---------------------------------------------------------------


EXEMPTION_KIND_MISSING = "Choose whether the theme does not apply this year or is covered elsewhere."
EXEMPTION_REASON_MISSING = "Say why, so the scrutineer and the signatories can judge it."


def checklist_exemption_set(*, user, period, code: str, kind: str, reason: str) -> ChecklistExemption:
    """Record that a statutory theme needs no section this year (it does not apply, or is covered elsewhere)."""
    if not user_can_publish_report(user, period):
        raise NotAllowed("Only the business manager can say a statutory theme needs no section.")
    title = statutory_checklist().get(code)
    errors = [] if title else [f"There is no statutory theme '{code[:40]}'. Choose one from the checklist."]
    if kind not in ExemptionKind.values:
        errors.append(EXEMPTION_KIND_MISSING)
    reason = (reason or "").strip()
    if not reason:
        errors.append(EXEMPTION_REASON_MISSING)
    elif len(reason) > MAX_COMMENT_CHARS:
        errors.append(f"Keep the reason under {MAX_COMMENT_CHARS:,} characters.")
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        _lock_outline(period)
        before = ChecklistExemption.objects.filter(period=period, code=code).first()
        exemption, _ = ChecklistExemption.objects.update_or_create(
            period=period, code=code, defaults={"kind": kind, "reason": reason, "decided_by": user}
        )
        audit_write(
            period=period, target=exemption, action="reports.checklist.exempted", actor=user,
            data={"theme": title, "kind": exemption.get_kind_display(), "reason": reason,
                  "before": {"kind": before.kind, "reason": before.reason} if before else {}},
        )  # fmt: skip
    return exemption


def checklist_exemption_clear(*, user, period, code: str) -> None:
    """Withdraw an exemption: the theme needs an approved section again."""
    if not user_can_publish_report(user, period):
        raise NotAllowed("Only the business manager can change the statutory checklist.")
    with transaction.atomic():
        _lock_outline(period)
        exemption = ChecklistExemption.objects.filter(period=period, code=code).first()
        if exemption is None:
            raise WorkflowError("This theme has no exemption to withdraw.")
        audit_write(
            period=period, action="reports.checklist.exemption_cleared", actor=user,
            data={"theme": statutory_checklist().get(code, code), "reason": exemption.reason},
        )  # fmt: skip
        exemption.delete()


# The outline ---------------------------------------------------------------------------

SLUG_MAX = SectionSpec._meta.get_field("slug").max_length
SPEC_FIELDS = (
    "slug", "title", "level", "kind", "owner_agency", "author",
    "computed_block", "themes", "suggested_words", "guidance", "impact_required",
)  # fmt: skip


def _check_outline(user, period) -> None:
    if not user_can_manage_outline(user, period):
        raise NotAllowed("Only the business manager can change the outline.")


def _spec_validate(period, fields: dict, spec: SectionSpec | None = None) -> None:
    from reports.checklist import unknown_themes

    errors = []
    unknown = unknown_themes(list(fields.get("themes") or []))
    if unknown:
        errors.append(f"Unknown statutory themes: {', '.join(unknown)}. Choose from the checklist.")
    owner = fields.get("owner_agency")
    if fields.get("author") == "agency" and owner is None:
        errors.append("Choose the agency that writes this section, or say the partnership writes it.")
    if fields.get("author") != "agency" and owner is not None:
        errors.append("A section the partnership writes has no owning agency. Clear the agency, or choose 'agency'.")
    if owner is not None and owner.partnership_id != period.partnership_id:
        errors.append("Choose an agency of this partnership.")
    for priority in fields.get("priorities") or []:
        if priority.partnership_id != period.partnership_id:
            errors.append("Choose priorities of this partnership.")
            break
    errors += childrens_spec_problems(period, fields, spec)
    clash = SectionSpec.objects.filter(period=period, slug=fields.get("slug"))
    if spec is not None:
        clash = clash.exclude(pk=spec.pk)
    if clash.exists():
        errors.append(
            f"Another section of this outline already uses the address '{fields.get('slug')}'. Choose another."
        )
    if errors:
        raise InvalidInput(errors)


def _lock_outline(period) -> None:
    """One change to a period's outline at a time: a double-clicked "add" or "copy" waits, then
    finds the first one's work (positions and slugs stay unique without a database error)."""
    ReportingPeriod.objects.select_for_update().get(pk=period.pk)


def spec_create(*, user, period, fields: dict) -> SectionSpec:
    """Add a section spec at the end of the outline, with its section if it has content."""
    _check_outline(user, period)
    fields = childrens_spec_defaults(fields)
    with transaction.atomic():
        _lock_outline(period)
        if not fields.get("slug"):
            taken = set(SectionSpec.objects.filter(period=period).values_list("slug", flat=True))
            fields = fields | {"slug": slug_unique(fields.get("title") or "", taken, SLUG_MAX) or "section"}
        _spec_validate(period, fields)
        position = (SectionSpec.objects.filter(period=period).aggregate(m=Max("position"))["m"] or 0) + 1
        spec = SectionSpec.objects.create(
            period=period, position=position, **{name: fields.get(name) for name in SPEC_FIELDS if name in fields}
        )
        spec.priorities.set(fields.get("priorities") or [])
        if spec.has_section:
            Section.objects.create(spec=spec)
        audit_write(
            period=period, target=spec, action="reports.outline.spec_added", actor=user,
            data={"impact_required": spec.impact_required},
        )  # fmt: skip
    return spec


def spec_update(*, user, spec: SectionSpec, fields: dict) -> SectionSpec:
    """Change a spec; a section that has writing cannot become a chapter heading."""
    _check_outline(user, spec.period)
    fields = childrens_spec_defaults(fields)
    if not fields.get("slug"):
        fields = fields | {"slug": spec.slug}  # an emptied address keeps the one it had
    _spec_validate(spec.period, fields, spec)
    with transaction.atomic():
        locked = SectionSpec.objects.select_for_update().get(pk=spec.pk)
        section = Section.objects.filter(spec=locked).first()
        becomes_heading = fields.get("kind", locked.kind) == "heading"
        if becomes_heading and section is not None:
            if section.current_revision_id is not None:
                raise InvalidInput("This section already has writing, so it cannot become a chapter heading.")
            if section.challenges.exists():
                raise InvalidInput(
                    "This section has challenges from the scrutineer, so it cannot become a chapter heading. "
                    "Add a new heading above it instead."
                )
            section.delete()
        before = _spec_snapshot(locked)
        for name in SPEC_FIELDS:
            if name in fields:
                setattr(locked, name, fields[name])
        locked.save()
        after = _spec_snapshot(locked)
        if "priorities" in fields:
            locked.priorities.set(fields["priorities"] or [])
        if not becomes_heading and section is None:
            Section.objects.create(spec=locked)
        changes = {name: [before[name], after[name]] for name in after if before[name] != after[name]}
        audit_write(
            period=locked.period, target=locked, action="reports.outline.spec_changed", actor=user,
            data={"changes": changes} if changes else None,
        )  # fmt: skip
    return locked


def _spec_snapshot(spec: SectionSpec) -> dict:
    """The spec's fields as the audit trail keeps them (the owning agency by id)."""
    return {name: spec.owner_agency_id if name == "owner_agency" else getattr(spec, name) for name in SPEC_FIELDS}


def spec_move(*, user, spec: SectionSpec, direction: str) -> SectionSpec:
    """Swap a spec with its neighbour above ('up') or below ('down')."""
    _check_outline(user, spec.period)
    if direction not in ("up", "down"):
        raise InvalidInput("Choose to move the section up or down.")
    with transaction.atomic():
        specs = SectionSpec.objects.select_for_update().filter(period_id=spec.period_id)
        locked = specs.get(pk=spec.pk)
        neighbours = (
            specs.filter(position__lt=locked.position).order_by("-position")
            if direction == "up"
            else specs.filter(position__gt=locked.position).order_by("position")
        )
        other = neighbours.first()
        if other is None:
            raise InvalidInput(f"This section is already at the {'top' if direction == 'up' else 'bottom'}.")
        mine, theirs = locked.position, other.position
        # Positions are unique per period, so one row steps aside while the other moves.
        parked = (SectionSpec.objects.filter(period_id=spec.period_id).aggregate(m=Max("position"))["m"] or 0) + 1
        SectionSpec.objects.filter(pk=locked.pk).update(position=parked)
        SectionSpec.objects.filter(pk=other.pk).update(position=mine)
        SectionSpec.objects.filter(pk=locked.pk).update(position=theirs)
        audit_write(
            period=spec.period,
            target=locked,
            action="reports.outline.spec_moved",
            actor=user,
            data={"direction": direction},
        )
    locked.position = theirs
    return locked


def outline_copy(*, user, source_period, target_period) -> int:
    """Copy every spec of one period's outline into an empty outline of another; returns how many."""
    _check_outline(user, target_period)
    if source_period.partnership_id != target_period.partnership_id or source_period.pk == target_period.pk:
        raise InvalidInput("Choose an earlier period of the same partnership to copy from.")
    with transaction.atomic():
        _lock_outline(target_period)
        if SectionSpec.objects.filter(period=target_period).exists():
            raise InvalidInput("This period already has an outline. Copying works only into an empty outline.")
        sources = list(SectionSpec.objects.filter(period=source_period).prefetch_related("priorities"))
        if not sources:
            raise InvalidInput(f"{source_period.label} has no outline to copy.")
        copies = SectionSpec.objects.bulk_create(
            [
                SectionSpec(period=target_period, position=s.position, **{n: getattr(s, n) for n in SPEC_FIELDS})
                for s in sources
            ]
        )
        through = SectionSpec.priorities.through
        through.objects.bulk_create(
            [
                through(sectionspec_id=c.pk, priority_id=p.pk)
                for s, c in zip(sources, copies, strict=True)
                for p in s.priorities.all()
            ]
        )
        Section.objects.bulk_create([Section(spec=c) for c in copies if c.has_section])
        audit_write(
            period=target_period,
            action="reports.outline.copied",
            actor=user,
            reason=f"{len(copies)} sections copied from {source_period.label}",
            data={"impact_required": [c.slug for c in copies if c.impact_required]},
        )
        # A new period starts from the last one: its open priorities and areas for development come too.
        progress_items_carry(user=user, source_period=source_period, target_period=target_period)
    return len(copies)


__all__ = [
    "InvalidInput",
    "NotAllowed",
    "SectionState",
    "StaleRevision",
    "WorkflowError",
    "empty_content",
]
