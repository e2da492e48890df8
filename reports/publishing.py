"""Sign-off and publishing of the annual report.

Publishing freezes a version: the HTML (rendered once, here), the PDF (rendered from
those same bytes by a Celery task), the manifest of which revision of each section went
in, and the sha256 of each file. A published version never changes: the model refuses
to alter its frozen fields, and no service offers to. A correction is a new version
with a change note.

Publish once: a version records the draft it froze (`draft_fingerprint`), and the same
draft is never published twice (a second click, four parallel requests, a form left open).
The publish form carries the fingerprint of the draft it showed; if the draft has changed
since, or that draft is already a version, report_publish refuses and says which.

A version's bytes (HTML, its brotli and gzip compressions, the PDF) are kept in its row, so
a database backup alone restores every published page; the files are a copy.

A sign-off records the draft it signed as a fingerprint of every section's current and
approved revision. Any later save or approval changes the fingerprint, so the sign-off
no longer counts: editing a section after a sign-off withdraws it, with no extra state
to keep in step.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from agencies.models import REQUIRED_SIGNATORIES, Agency, StatutoryRole
from lib.roles import roles_for
from partnership.models import ReportingPeriod
from reports.assembly import (
    ChecklistItem,
    checklist_evaluate,
    heading_numbers,
    outline_for_assembly,
    report_assemble,
    unapproved_specs,
)
from reports.checklist import checklist_exemptions
from reports.childrens import childrens_freeze, childrens_public_path, childrens_publishable
from reports.errors import DomainError, InvalidInput, NotAllowed
from reports.frozen import compressed_copies, latest_number_set
from reports.guard_flags import guard_flags_refresh, guard_reasons
from reports.models import Challenge, ChallengeState, PdfState, PublishedReport, Section, SignOff
from reports.permissions import user_can_publish_report
from reports.rendering import report_html, report_pdf
from reports.services import audit_write

MAX_NOTE_CHARS = 2_000

logger = logging.getLogger(__name__)


class PublishRefused(DomainError):
    """Publishing is not possible yet; `reasons` lists every one."""

    def __init__(self, reasons: list[str]):
        self.reasons = reasons
        super().__init__("The report cannot be published yet: " + " ".join(reasons))


def draft_fingerprint(period) -> str:
    """A fingerprint of the draft: every section's state, current and approved revision (one query)."""
    rows = list(
        Section.objects.filter(spec__period=period)
        .order_by("pk")
        .values_list("pk", "state", "current_revision_id", "approved_revision_id")
    )
    return hashlib.sha256(json.dumps(rows).encode()).hexdigest()


@dataclass
class SignOffStatus:
    role: str
    label: str
    agency: Agency | None
    current: SignOff | None
    withdrawn: list[SignOff] = field(default_factory=list)

    @property
    def short_label(self) -> str:
        return self.label.split(" (")[0].lower()


def signoff_statuses(period, fingerprint: str | None = None) -> list[SignOffStatus]:
    """For each statutory partner: its sign-off of the current draft, if any, and any withdrawn ones."""
    fingerprint = fingerprint or draft_fingerprint(period)
    agencies = {
        a.statutory_role: a
        for a in Agency.objects.filter(partnership_id=period.partnership_id).exclude(statutory_role="")
    }
    signoffs = SignOff.objects.filter(period=period).select_related("signed_by").order_by("-signed_at")
    # The three partners the law names always sign; education only where the partnership made it a fourth.
    wanted = [
        (role, label) for role, label in StatutoryRole.choices if role in REQUIRED_SIGNATORIES or role in agencies
    ]
    statuses = {role: SignOffStatus(role, label, agencies.get(role), None) for role, label in wanted}
    for signoff in signoffs:
        status = statuses.get(signoff.statutory_role)
        if status is None:
            continue  # the role has since been taken off its agency: that sign-off no longer counts
        if signoff.fingerprint == fingerprint and status.current is None:
            status.current = signoff
        elif signoff.fingerprint != fingerprint:
            status.withdrawn.append(signoff)
    return list(statuses.values())


@dataclass
class Readiness:
    checklist: list[ChecklistItem]
    reasons: list[str]
    signoffs: list[SignOffStatus]
    open_challenges: int
    fingerprint: str
    guard_flags: list = field(default_factory=list)  # the publication guard's flags, open ones first

    @property
    def ready(self) -> bool:
        return not self.reasons


def _unapproved_reason(number: str, title: str) -> str:
    # The children's version has no number: it is a page beside the report (reports.childrens).
    return (
        f"Section {number} '{title}' is not approved."
        if number
        else f"The children's version '{title}' is not approved."
    )


def report_readiness(*, period) -> Readiness:
    """Everything that stands between the draft and publishing, in words a business manager can act on.

    Reads the outline and states (one query) and the draft's text for the publication guard
    (reports.guard_flags, a fixed number of queries); it renders nothing, so the report page stays quick.
    """
    specs = list(outline_for_assembly(period))
    numbers = dict(zip((spec.pk for spec in specs), heading_numbers(specs), strict=True))
    reasons = [_unapproved_reason(numbers[spec.pk], spec.title) for spec in unapproved_specs(specs)]
    open_challenges = (
        Challenge.objects.filter(section__spec__period=period).exclude(state=ChallengeState.CLOSED).count()
    )
    if open_challenges:
        reasons.append(
            f"{open_challenges} challenge{'s' if open_challenges != 1 else ''} from the scrutineer "
            f"{'is' if open_challenges == 1 else 'are'} still open."
        )
    checklist = checklist_evaluate(specs, checklist_exemptions(period=period))
    for item in (item for item in checklist if not item.met):
        if item.by_impact:
            reasons.append(
                f"No approved section states the difference it made with evidence ('{item.title}'). Add what "
                "difference it made and how we know to a section, or record why none is needed."
            )
        else:
            reasons.append(f"No approved section evidences '{item.title}'.")
    guard_flags = guard_flags_refresh(period=period)
    reasons += guard_reasons(period=period, flags=guard_flags)
    fingerprint = draft_fingerprint(period)
    statuses = signoff_statuses(period, fingerprint)
    for status in statuses:
        if status.agency is None:
            reasons.append(
                f"No agency is marked as the {status.short_label} partner. Mark one on the agencies page, so its "
                "lead can sign off."
            )
        elif status.current is None:
            reasons.append(f"The {status.short_label} partner has not signed off this draft.")
    return Readiness(checklist, reasons, statuses, open_challenges, fingerprint, guard_flags)


def draft_matches_version(period, version) -> bool:
    """Whether the approved draft is exactly what this published version holds (nothing to correct)."""
    published = {(row["spec"], row["revision_id"]) for row in version.manifest}
    current = set(Section.objects.filter(spec__period=period).values_list("spec__slug", "approved_revision_id"))
    return published == current


def statutory_agency_for(user, period) -> Agency | None:
    """The statutory partner agency this user leads in the period's partnership, if any."""
    led = roles_for(user).led_agencies
    return (
        Agency.objects.filter(partnership_id=period.partnership_id, pk__in=led)
        .exclude(statutory_role="")
        .order_by("statutory_role")
        .first()
    )


def report_sign_off(*, user, period, signatory_name: str, agency: Agency | None = None) -> SignOff:
    """A statutory partner's lead signs off the current final draft, with their name and the date."""
    agency = agency or statutory_agency_for(user, period)
    if agency is None or agency.pk not in roles_for(user).led_agencies or not agency.statutory_role:
        raise NotAllowed("Only the lead of a lead safeguarding partner (local authority, health, police) can sign off.")
    name = " ".join(signatory_name.split())
    if not name or len(name) > 200:
        raise InvalidInput("Enter the name of the person signing off, in under 200 characters.")
    with transaction.atomic():
        ReportingPeriod.objects.select_for_update().get(pk=period.pk)
        unapproved = Section.objects.filter(spec__period=period).exclude(state="approved").count()
        if unapproved:
            raise InvalidInput(
                f"This is not the final draft yet: {unapproved} section{'s are' if unapproved != 1 else ' is'} "
                "not approved. Sign off when the business manager has approved every section."
            )
        fingerprint = draft_fingerprint(period)
        signoff, created = SignOff.objects.get_or_create(
            period=period,
            statutory_role=agency.statutory_role,
            fingerprint=fingerprint,
            defaults={"agency": agency, "signed_by": user, "signatory_name": name, "signed_at": timezone.now()},
        )
        if created:
            audit_write(
                period=period,
                target=signoff,
                action="reports.report.signed_off",
                actor=user,
                data={"agency": agency.name, "name": name},
            )
    return signoff


def _already_published(period, fingerprint: str) -> PublishedReport | None:
    """The version that froze this draft, or, failing that, the latest version if it holds exactly this draft."""
    same = PublishedReport.objects.filter(period=period, draft_fingerprint=fingerprint).order_by("-number").first()
    if same is not None:
        return same
    latest = PublishedReport.objects.filter(period=period).order_by("-number").first()
    if latest is not None and draft_matches_version(period, latest):
        return latest
    return None


def _already_published_reason(version: PublishedReport) -> str:
    return (
        f"This draft is already published as version {version.number}. To publish a correction, change and "
        "approve the sections it corrects first."
    )


def report_publish(*, user, period, change_note: str = "", fingerprint: str | None = None) -> PublishedReport:
    """Freeze a new version of the report; refuse with every reason while it is not ready.

    `fingerprint` is the draft the publisher was shown (the publish form's hidden field): if the draft
    has changed since, nothing is published. A draft already published, or identical to the latest
    version, is refused too, so a repeated or parallel publish makes one version, never two.
    """
    if not user_can_publish_report(user, period):
        raise NotAllowed("Only the business manager can publish the report.")
    note = change_note.strip()
    if len(note) > MAX_NOTE_CHARS:
        raise InvalidInput(f"Keep the change note under {MAX_NOTE_CHARS:,} characters.")
    with transaction.atomic():
        # One publisher at a time per period, so version numbers cannot collide and a draft is frozen once.
        ReportingPeriod.objects.select_for_update().get(pk=period.pk)
        current = draft_fingerprint(period)
        already = _already_published(period, current)
        if already is not None:
            raise PublishRefused([_already_published_reason(already)])
        if fingerprint is not None and fingerprint != current:
            shown = PublishedReport.objects.filter(period=period, draft_fingerprint=fingerprint).first()
            if shown is not None:
                raise PublishRefused(
                    [
                        f"The draft you were shown is already published as version {shown.number}, and the draft "
                        "has changed since. Check the report as it is now, then publish again."
                    ]
                )
            raise PublishRefused(
                [
                    "The draft has changed since you opened this page, so nothing was published. Check the "
                    "report as it is now, then publish again."
                ]
            )
        readiness = report_readiness(period=period)
        latest = PublishedReport.objects.filter(period=period).order_by("-number").first()
        number = (latest.number if latest else 0) + 1
        reasons = list(readiness.reasons)
        if number > 1 and not note:
            reasons.append("Say what changed since the last version in the change note.")
        if reasons:
            raise PublishRefused(reasons)
        final = report_assemble(period=period, preview=False)
        version = PublishedReport(
            period=period, number=number, published_by=user, published_at=timezone.now(),
            change_note=note or "First published version.", manifest=final.manifest(), draft_fingerprint=current,
        )  # fmt: skip
        final.childrens_url = childrens_public_path(version) if childrens_publishable(final) else ""
        html = report_html(final, version=version, pdf_url=version.pdf_path(), versions_url=version.versions_path())
        data = html.encode("utf-8")
        version.html_sha256 = hashlib.sha256(data).hexdigest()
        if latest is not None and latest.html_sha256 == version.html_sha256:
            raise PublishRefused([_already_published_reason(latest)])
        version.html_data = data
        version.html_br, version.html_gzip = compressed_copies(data)
        version.html.save(f"v{number}.html", ContentFile(data), save=False)  # a copy; the row's bytes are served
        version.save()
        childrens_freeze(final, version)
        audit_write(
            period=period,
            target=version,
            action="reports.report.published",
            actor=user,
            data={"version": number, "change_note": version.change_note, "sha256": version.html_sha256},
        )
        transaction.on_commit(lambda: latest_number_set(version))
        transaction.on_commit(lambda: _queue_pdf(version.pk))
    return version


def published_pdf_store(version: PublishedReport, data: bytes) -> None:
    """Keep a made PDF on its version: the bytes in the row (what the public page serves), their sha256,
    and a file copy. The caller saves the version."""
    version.pdf_data = data
    version.pdf_sha256 = hashlib.sha256(data).hexdigest()
    version.pdf.save(f"v{version.number}.pdf", ContentFile(data), save=False)


def _queue_pdf(version_id: int) -> None:
    from reports.tasks import published_report_pdf

    published_report_pdf.delay(version_id)


class PdfBusy(DomainError):
    """The PDF is being made by a live run (its lease is fresh); nothing to do until the lease ends."""


def _pdf_claimable(now) -> Q:
    """Rows a run may claim: waiting to start, or running past the lease of the run that claimed them."""
    lease = datetime.timedelta(seconds=settings.PORTAL_PDF_LEASE_SECONDS)
    return Q(pdf_state=PdfState.PENDING) | Q(pdf_state=PdfState.RUNNING, pdf_started_at__lt=now - lease)


def published_report_pdf_make(*, version_id: int) -> PublishedReport:
    """Render a published version's PDF from its frozen HTML, once; later calls change nothing.

    Exactly one PDF per version, however often the task is delivered (a redelivery by Redis,
    a retry, the sweeper): a run first claims the row with one conditional UPDATE, which only
    one run can win while the lease is fresh; the lease runs from `pdf_started_at` for
    PORTAL_PDF_LEASE_SECONDS, longer than the task's hard time limit, so a run still holding
    it may be alive and a second one does not start (PdfBusy). A run whose lease ended was
    killed (the time limit, kill -9, a lost machine): the next delivery claims the row again.
    Should two runs ever both render, the file is written only under a row lock by the first
    to find the row not READY; the other returns what it wrote. A FAILED PDF waits for the
    business manager's "Make the PDF again" (published_report_pdf_retry).
    """
    version = PublishedReport.objects.select_related("period__partnership").get(pk=version_id)
    if version.pdf_state in (PdfState.READY, PdfState.FAILED):
        return version
    # The frozen bytes live in the row (a database backup restores them without the media folder).
    html = bytes(version.html_data)
    if hashlib.sha256(html).hexdigest() != version.html_sha256:
        raise DomainError(f"Version {version.number}'s HTML no longer matches its sha256; refusing to make its PDF.")
    now = timezone.now()
    claimed = PublishedReport.objects.filter(_pdf_claimable(now), pk=version_id).update(
        pdf_state=PdfState.RUNNING, pdf_progress=5, pdf_step="Starting", pdf_error="",
        pdf_started_at=now, pdf_attempt=F("pdf_attempt") + 1,
    )  # fmt: skip
    if not claimed:
        current = PublishedReport.objects.select_related("period__partnership").get(pk=version_id)
        if current.pdf_state == PdfState.RUNNING:
            raise PdfBusy(
                f"Version {current.number}'s PDF is being made by another run (attempt {current.pdf_attempt})."
            )
        return current  # finished or failed since the read above
    # Progress is written only while this run still holds the row (the same claim time).
    rows = PublishedReport.objects.filter(pk=version_id, pdf_state=PdfState.RUNNING, pdf_started_at=now)

    def progress(step: int, label: str) -> None:
        rows.update(pdf_progress=min(95, 5 + step * 13), pdf_step=label)

    pdf = report_pdf(html.decode("utf-8"), progress=progress)
    with transaction.atomic():
        locked = PublishedReport.objects.select_for_update().select_related("period__partnership").get(pk=version_id)
        if locked.pdf_state == PdfState.READY:  # another worker finished first
            return locked
        name = locked.pdf.field.generate_filename(locked, f"v{locked.number}.pdf")
        if locked.pdf.storage.exists(name):  # left by a run killed between writing and committing
            locked.pdf.storage.delete(name)
        published_pdf_store(locked, pdf.data)
        locked.pdf_pages = pdf.pages
        locked.pdf_state, locked.pdf_progress, locked.pdf_step = PdfState.READY, 100, "Done"
        locked.save()
    return locked


def published_report_pdf_failed(*, version_id: int, error: str) -> None:
    """Record that the PDF could not be made, so the page says so instead of waiting."""
    PublishedReport.objects.filter(pk=version_id).exclude(pdf_state=PdfState.READY).update(
        pdf_state=PdfState.FAILED, pdf_step="Failed", pdf_error=error[:2000]
    )


def _clock(moment) -> str:
    return f"{timezone.localtime(moment):%H:%M}"


def published_report_pdf_retry(*, user, version: PublishedReport) -> None:
    """The business manager asks for the PDF to be made again: one that failed, or one that was lost
    (running past its lease, or never picked up by a worker); the frozen HTML is unchanged."""
    if not user_can_publish_report(user, version.period):
        raise NotAllowed("Only the business manager can ask for the PDF to be made again.")
    with transaction.atomic():
        locked = PublishedReport.objects.select_for_update().get(pk=version.pk)
        if locked.pdf_state == PdfState.READY:
            raise InvalidInput(f"The PDF of version {locked.number} is already made; there is nothing to make again.")
        if locked.pdf_state != PdfState.FAILED and not locked.pdf_stalled:
            stale_at = locked.pdf_stale_at()
            if locked.pdf_state == PdfState.RUNNING:
                raise InvalidInput(
                    f"The PDF is being made; started at {_clock(locked.pdf_started_at or locked.pdf_queued_at)}; "
                    f"you can retry after {_clock(stale_at)}."
                )
            raise InvalidInput(
                f"The PDF is waiting for a worker; queued at {_clock(locked.pdf_queued_at)}; "
                f"you can retry after {_clock(stale_at)}."
            )
        was = locked.pdf_state
        PublishedReport.objects.filter(pk=locked.pk).update(
            pdf_state=PdfState.PENDING, pdf_progress=0, pdf_step="", pdf_error="",
            pdf_queued_at=timezone.now(), pdf_started_at=None, pdf_attempt=0,
        )  # fmt: skip
        audit_write(
            period=version.period,
            target=version,
            action="reports.report.pdf_retried",
            actor=user,
            data={"version": version.number, "was": was},
        )
        transaction.on_commit(lambda: _queue_pdf(version.pk))


def published_report_pdf_sweep() -> int:
    """Queue again every PDF job that was lost; run by Celery beat. Returns how many it queued or failed.

    Lost means running past its lease (the run was killed: the task's hard time limit, kill -9 of
    the worker, a lost machine) or pending longer than PORTAL_PDF_PENDING_MINUTES (the message was
    lost, say with a Redis that kept nothing). A job claimed PORTAL_PDF_MAX_ATTEMPTS times without
    finishing is marked failed instead, so a PDF that always kills its worker is not retried for
    ever. Each is recorded in the audit trail as a system action (no actor) and logged with ids only.
    """
    now = timezone.now()
    pending_before = now - datetime.timedelta(minutes=settings.PORTAL_PDF_PENDING_MINUTES)
    lease_before = now - datetime.timedelta(seconds=settings.PORTAL_PDF_LEASE_SECONDS)
    lost = Q(pdf_state=PdfState.PENDING, pdf_queued_at__lt=pending_before) | Q(
        Q(pdf_started_at__lt=lease_before) | Q(pdf_started_at__isnull=True, pdf_queued_at__lt=lease_before),
        pdf_state=PdfState.RUNNING,
    )
    swept = 0
    for version_id in PublishedReport.objects.filter(lost).order_by("pk").values_list("pk", flat=True)[:100]:
        with transaction.atomic():
            locked = PublishedReport.objects.select_for_update().filter(lost, pk=version_id).first()
            if locked is None:  # picked up or finished since the query above
                continue
            was, attempts = locked.pdf_state, locked.pdf_attempt
            if attempts >= settings.PORTAL_PDF_MAX_ATTEMPTS:
                error = (
                    f"The PDF was started {attempts} times and never finished. Ask the site's administrator to "
                    "check the worker's memory and time limit, then use 'Make the PDF again'."
                )
                PublishedReport.objects.filter(pk=version_id).update(
                    pdf_state=PdfState.FAILED, pdf_step="Failed", pdf_error=error
                )
                code, outcome = "reports.report.pdf_gave_up", "marked failed"
            else:
                PublishedReport.objects.filter(pk=version_id).update(
                    pdf_state=PdfState.PENDING, pdf_progress=0, pdf_step="Queued again", pdf_queued_at=now
                )
                code, outcome = "reports.report.pdf_requeued", "queued again"
                transaction.on_commit(lambda pk=version_id: _queue_pdf(pk))
            audit_write(
                period=locked.period, target=locked, action=code, actor=None,
                data={"version": locked.number, "was": was, "attempts": attempts},
            )  # fmt: skip
        logger.warning(
            "PDF job of published version id %s was %s after %s attempts: %s", version_id, was, attempts, outcome
        )
        swept += 1
    return swept
