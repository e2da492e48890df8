"""Invitation email. Tasks take ids only; the link is rebuilt from the row when the task runs."""

from __future__ import annotations

from smtplib import SMTPException

from celery import shared_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import timezone

from people.invitations import invitation_url
from people.models import Invitation

RETRY = {"autoretry_for": (SMTPException, ConnectionError), "retry_backoff": True, "max_retries": 5}


@shared_task(name="people.send_invitation", time_limit=120, soft_time_limit=100, **RETRY)
def send_invitation(invitation_id: int, nonce: str) -> bool:
    """Email the invitation's link; nothing if it was resent (a newer email is on its way), used or withdrawn."""
    invitation = (
        Invitation.objects.select_related("partnership", "agency", "invited_by").filter(pk=invitation_id).first()
    )
    if invitation is None or invitation.nonce != nonce or not invitation.is_open:
        return False
    context = invitation_email_context(invitation)
    subject = render_to_string("people/email/invitation_subject.txt", context).strip()
    body = render_to_string("people/email/invitation_body.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [invitation.email])
    return True


ROLE_DUTIES = {
    "business_manager": (
        "set the partnership up and run its yearly report: periods, agencies, people, approving sections and publishing"
    ),
    "scrutineer": "read every draft section of the yearly report, comment, raise challenges and write the introduction",
    "agency_lead": "write {agency}'s sections of the yearly report, assign them to colleagues and submit them",
    "contributor": "draft the sections of the yearly report that {agency}'s lead assigns to you",
}


def invitation_email_context(invitation: Invitation) -> dict:
    inviter = invitation.invited_by
    agency_name = invitation.agency.name if invitation.agency_id else ""
    return {
        "portal_name": settings.PORTAL_NAME,
        "partnership": invitation.partnership.name,
        "inviter": (inviter.get_full_name() or inviter.get_username()) if inviter else f"The {settings.PORTAL_NAME}",
        "role": invitation.get_role_display().lower(),
        "agency": agency_name,
        "duties": ROLE_DUTIES[invitation.role].format(agency=agency_name),
        "url": invitation_url(invitation),
        "expires": timezone.localtime(invitation.expires_at),
    }
