"""Email about sections and challenges, and the deadline reminders run by Celery beat.

Tasks take ids only and carry no personal data in their arguments; they read the rows
again when they run, so a retried task sends what is true then.
"""

from __future__ import annotations

import datetime
import logging
from smtplib import SMTPException

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from reports.models import Challenge, ReminderKind, ReminderSent, Section, SectionState
from reports.selectors import business_manager_users, scrutineer_users, section_writer_users

logger = logging.getLogger(__name__)

RETRY = {"autoretry_for": (SMTPException, ConnectionError), "retry_backoff": True, "max_retries": 5}
LIMITS = {"time_limit": 120, "soft_time_limit": 100}

SECTION_EVENTS = {
    "submitted": ("Section submitted: {title}", "{title} has been submitted for approval. Review it in the portal."),
    "approved": ("Section approved: {title}", "The business manager approved {title}. It will appear in the report."),
    "changes_requested": (
        "Changes requested: {title}",
        "The business manager returned {title} for changes. Open the section in the portal to see why.",
    ),
}
CHALLENGE_EVENTS = {
    "raised": ("Challenge raised on {title}", "The independent scrutineer raised a challenge on {title}. Answer it."),
    "answered": ("Challenge answered on {title}", "Your challenge on {title} has been answered. Read it and close it."),
}


def _send(users, subject: str, body: str, actor_id: int | None = None) -> int:
    # Nobody is told about their own action: a manager who submits a section is not mailed about it.
    recipients = sorted({u.email for u in users if u.email and u.pk != actor_id})
    if not recipients:
        return 0
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, recipients)
    return len(recipients)


@shared_task(name="reports.notify_section_event", **RETRY, **LIMITS)
def notify_section_event(section_id: int, event: str, actor_id: int | None = None) -> int:
    """Mail the business managers (submitted) or the section's writers (approved, changes requested)."""
    section = Section.objects.select_related("spec__period").filter(pk=section_id).first()
    if section is None or event not in SECTION_EVENTS:
        return 0
    users = business_manager_users(section=section) if event == "submitted" else section_writer_users(section=section)
    subject, body = (text.format(title=section.spec.title) for text in SECTION_EVENTS[event])
    return _send(users, subject, body, actor_id)


@shared_task(name="reports.notify_challenge_event", **RETRY, **LIMITS)
def notify_challenge_event(challenge_id: int, event: str, actor_id: int | None = None) -> int:
    """Mail the writers when a challenge is raised, and the scrutineers when it is answered."""
    challenge = Challenge.objects.select_related("section__spec__period").filter(pk=challenge_id).first()
    if challenge is None or event not in CHALLENGE_EVENTS:
        return 0
    section = challenge.section
    users = section_writer_users(section=section) if event == "raised" else scrutineer_users(section=section)
    subject, body = (text.format(title=section.spec.title) for text in CHALLENGE_EVENTS[event])
    return _send(users, subject, body, actor_id)


def reminder_kind(days_left: int) -> str | None:
    """Which reminder is due with this many days to the deadline (negative: past it)."""
    if days_left < 0:
        return ReminderKind.OVERDUE
    if days_left <= 1:
        return ReminderKind.DAYS_1
    if days_left <= 7:
        return ReminderKind.DAYS_7
    if days_left <= 14:
        return ReminderKind.DAYS_14
    return None


# Sections of periods whose deadline passed more than this long ago are not chased.
OVERDUE_WINDOW_DAYS = 31


@shared_task(name="reports.send_deadline_reminders", **LIMITS)
def send_deadline_reminders(today: str | None = None) -> int:
    """Remind writers of sections not yet submitted, 14, 7 and 1 days before the deadline and once after."""
    day = datetime.date.fromisoformat(today) if today else timezone.localdate()
    pending = (
        Section.objects.filter(
            state__in=[SectionState.NOT_STARTED, SectionState.DRAFT, SectionState.CHANGES_REQUESTED],
            spec__period__submission_deadline__lte=day + datetime.timedelta(days=14),
            spec__period__submission_deadline__gte=day - datetime.timedelta(days=OVERDUE_WINDOW_DAYS),
        )
        .select_related("spec__period")
        .order_by("pk")
    )
    sent = 0
    for section in pending:
        kind = reminder_kind((section.spec.period.submission_deadline - day).days)
        if kind is None:
            continue
        # The row is written first: a second run, or a second worker, finds it and sends nothing.
        try:
            with transaction.atomic():
                ReminderSent.objects.create(section=section, kind=kind)
        except IntegrityError:
            continue
        deadline = section.spec.period.submission_deadline
        when = "was due" if kind == ReminderKind.OVERDUE else "is due"
        _send(
            section_writer_users(section=section),
            f"Reminder: {section.spec.title} {when} on {deadline:%-d %B %Y}",
            f"{section.spec.title} {when} on {deadline:%-d %B %Y} and has not been submitted yet. "
            "Open it in the portal, finish it and submit it.",
        )
        sent += 1
    logger.info("Sent %s deadline reminders", sent)
    return sent


# The PDF job (docs/ARCHITECTURE.md, "The PDF job"). acks_late: the message is acknowledged when the
# run ends, so a worker killed mid-run (kill -9, a lost machine) leaves it unacknowledged and Redis
# hands it out again after the visibility timeout; reject_on_worker_lost: a run whose process died
# (the OOM killer) goes back to the queue rather than counting as done. Either way the next
# delivery finds the row still claimed until the dead run's lease ends (PdfBusy: nothing done),
# and the sweeper below queues it again once the lease has ended, so a lost PDF is made by
# the lease's end plus one sweep at the latest, and made once (published_report_pdf_make).
@shared_task(
    bind=True,
    name="reports.published_report_pdf",
    autoretry_for=(OSError,),
    retry_backoff=True,
    max_retries=3,
    time_limit=settings.PORTAL_PDF_TIME_LIMIT,
    soft_time_limit=settings.PORTAL_PDF_TIME_LIMIT - 60,
    acks_late=True,
    reject_on_worker_lost=True,
)
def published_report_pdf(self, version_id: int) -> str:
    """Make a published version's PDF; idempotent, so a retry or a second delivery changes nothing."""
    from reports.publishing import PdfBusy, published_report_pdf_failed, published_report_pdf_make

    try:
        version = published_report_pdf_make(version_id=version_id)
    except PdfBusy:
        logger.info(
            "PDF of published version id %s is being made by another run; this delivery does nothing", version_id
        )
        return ""
    except SoftTimeLimitExceeded:
        published_report_pdf_failed(version_id=version_id, error="Making the PDF took too long.")
        raise
    except OSError:
        if self.request.retries >= self.max_retries:
            published_report_pdf_failed(version_id=version_id, error="The PDF could not be written.")
        raise
    except Exception as error:  # not retried: record it, so the page stops showing progress
        published_report_pdf_failed(version_id=version_id, error=f"The PDF could not be made: {error}")
        raise
    return version.pdf_sha256


@shared_task(name="reports.published_report_pdf_sweep", **LIMITS)
def published_report_pdf_sweep() -> int:
    """Run by beat every few minutes: queue again each PDF lost by a dead run or a lost message."""
    from reports.publishing import published_report_pdf_sweep as sweep

    return sweep()
