"""Invitations: who may invite whom, the signed link, sending, accepting, resending and revoking.

The link carries `<id>.<nonce>` signed with the project's secret key (django.core.signing),
so the database keeps no usable token: resending draws a new nonce (old links stop
working), accepting or revoking closes the invitation, and it expires after
settings.PORTAL_INVITATION_DAYS days.
"""

from __future__ import annotations

import datetime
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare

from lib.errors import InvalidInput, NotAllowed, WorkflowError
from lib.roles import forget_roles, roles_for
from partnership.audit import audit_record
from people.models import AGENCY_ROLES, Invitation, Membership, Role

SALT = "people.invitation"
MAX_NAME_CHARS = 150


def invitation_days() -> int:
    return int(getattr(settings, "PORTAL_INVITATION_DAYS", 7))


def invitation_token(invitation: Invitation) -> str:
    """The signed token of the invitation's current link."""
    return signing.Signer(salt=SALT).sign(f"{invitation.pk}.{invitation.nonce}")


def invitation_url(invitation: Invitation) -> str:
    """The absolute address of the invitation's current link."""
    return settings.PORTAL_BASE_URL.rstrip("/") + reverse("people:accept", args=[invitation_token(invitation)])


def user_can_invite(user, partnership, role: str, agency) -> bool:
    """The business manager invites anyone; an agency lead invites contributors of their own agency."""
    roles = roles_for(user)
    if partnership.pk in roles.managed:
        return True
    return role == Role.CONTRIBUTOR and agency is not None and agency.pk in roles.led_agencies


def _clean_email(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise InvalidInput(f"'{email[:80]}' is not an email address. Check it and try again.") from None
    return email


def _check_role(partnership, role: str, agency) -> list[str]:
    errors = []
    if role not in Role.values:
        errors.append("Choose a role: business manager, independent scrutineer, agency lead or contributor.")
    elif role in AGENCY_ROLES and agency is None:
        errors.append("Choose the agency this person will work for.")
    elif role not in AGENCY_ROLES and agency is not None:
        errors.append("A business manager or scrutineer works for the partnership, not an agency: clear the agency.")
    if agency is not None and agency.partnership_id != partnership.pk:
        errors.append("Choose one of this partnership's agencies.")
    return errors


def _holds(email: str, partnership, role: str, agency) -> bool:
    return Membership.objects.filter(
        user__email__iexact=email, partnership=partnership, role=role, agency=agency
    ).exists()


def invitation_create(*, user, partnership, email: str, role: str, agency=None) -> Invitation:
    """Invite a person by email to a role; the email goes out once the invitation is saved."""
    if user is not None and not user_can_invite(user, partnership, role, agency):
        raise NotAllowed(
            "Only the business manager can invite people to this role. Agency leads can invite contributors of "
            "their own agency."
        )
    email = _clean_email(email)
    errors = _check_role(partnership, role, agency)
    if errors:
        raise InvalidInput(errors)
    if _holds(email, partnership, role, agency):
        raise InvalidInput(f"{email} already holds this role. Nothing was sent.")
    now = timezone.now()
    invitation = Invitation(
        partnership=partnership, agency=agency, role=role, email=email, invited_by=user,
        nonce=secrets.token_hex(16), sent_at=now, expires_at=now + datetime.timedelta(days=invitation_days()),
    )  # fmt: skip
    try:
        with transaction.atomic():
            invitation.save()
            _audit(invitation, "people.invitation.created", user)
            _send_on_commit(invitation)
    except IntegrityError:
        raise InvalidInput(
            f"{email} already has an invitation to this role waiting. Resend it from the list of invitations."
        ) from None
    return invitation


def _audit(invitation: Invitation, code: str, actor, **data) -> None:
    where = f", {invitation.agency.name}" if invitation.agency_id else ""
    audit_record(
        code=code,
        actor=actor,
        partnership=invitation.partnership_id,
        target=invitation,
        target_label=f"{invitation.email} ({invitation.get_role_display()}{where})",
        data={"email": invitation.email, "role": invitation.get_role_display(), **data},
    )


def _send_on_commit(invitation: Invitation) -> None:
    from people.tasks import send_invitation

    transaction.on_commit(lambda: send_invitation.delay(invitation.pk, invitation.nonce))


def _locked_open(invitation: Invitation) -> Invitation:
    locked = (
        Invitation.objects.select_for_update(of=("self",)).select_related("partnership", "agency").get(pk=invitation.pk)
    )
    if locked.accepted_at is not None:
        raise WorkflowError("This invitation has already been accepted.")
    if locked.revoked_at is not None:
        raise WorkflowError("This invitation was withdrawn. Invite the person again if they still need access.")
    return locked


def _check_manages(user, invitation: Invitation) -> None:
    if not user_can_invite(user, invitation.partnership, invitation.role, invitation.agency):
        raise NotAllowed("Only the person who may invite to this role can resend or withdraw the invitation.")


def invitation_resend(*, user, invitation: Invitation) -> Invitation:
    """Send a fresh link (the old one stops working) with a new expiry date."""
    _check_manages(user, invitation)
    with transaction.atomic():
        locked = _locked_open(invitation)
        now = timezone.now()
        locked.nonce, locked.sent_at = secrets.token_hex(16), now
        locked.expires_at = now + datetime.timedelta(days=invitation_days())
        locked.save(update_fields=["nonce", "sent_at", "expires_at", "updated_at"])
        _audit(locked, "people.invitation.resent", user)
        _send_on_commit(locked)
    return locked


def invitation_revoke(*, user, invitation: Invitation) -> Invitation:
    """Withdraw an invitation; its link stops working."""
    _check_manages(user, invitation)
    with transaction.atomic():
        locked = _locked_open(invitation)
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at", "updated_at"])
        _audit(locked, "people.invitation.revoked", user)
    return locked


class InvitationInvalid(WorkflowError):
    """The link is not (or no longer) a valid invitation."""


def invitation_from_token(token: str) -> Invitation:
    """The open, unexpired invitation a link points to; InvitationInvalid says why not."""
    try:
        value = signing.Signer(salt=SALT).unsign(token)
        pk, nonce = value.split(".", 1)
        invitation = Invitation.objects.select_related("partnership", "agency", "invited_by").get(pk=int(pk))
    except (signing.BadSignature, ValueError, Invitation.DoesNotExist):
        raise InvitationInvalid(
            "This invitation link is not valid. Check you copied the whole link, or ask for a new invitation."
        ) from None
    if not constant_time_compare(nonce, invitation.nonce):
        raise InvitationInvalid("A newer invitation was sent to you. Use the link in the most recent email.")
    if invitation.accepted_at is not None:
        raise InvitationInvalid("This invitation has already been used. Sign in with your email address.")
    if invitation.revoked_at is not None:
        raise InvitationInvalid("This invitation was withdrawn. Ask the partnership's business manager about it.")
    if invitation.expires_at <= timezone.now():
        raise InvitationInvalid(
            f"This invitation expired on {timezone.localtime(invitation.expires_at):%-d %B %Y}. "
            "Ask the person who invited you to send it again."
        )
    return invitation


@dataclass(frozen=True)
class NewAccount:
    first_name: str
    last_name: str
    password: str


def existing_account(invitation: Invitation):
    """The active account that already uses the invitation's email, if any."""
    return get_user_model().objects.filter(email__iexact=invitation.email, is_active=True).first()


def invitation_accept(*, token: str, user=None, new_account: NewAccount | None = None):
    """Take up the invitation: as the signed-in owner of its email, or by making the account; returns the user."""
    invitation = invitation_from_token(token)
    account = existing_account(invitation)
    if account is not None and (user is None or user.pk != account.pk):
        raise NotAllowed(f"An account already uses {invitation.email}. Sign in with it, then open the link again.")
    if account is None and new_account is None:
        raise InvalidInput("Choose a password to make your account.")
    with transaction.atomic():
        locked = _locked_open(invitation)
        if account is None:
            account = _account_create(locked.email, new_account)
        membership, _ = Membership.objects.get_or_create(
            user=account, partnership=locked.partnership, agency=locked.agency, role=locked.role
        )
        locked.accepted_at, locked.accepted_by = timezone.now(), account
        locked.save(update_fields=["accepted_at", "accepted_by", "updated_at"])
        _audit(locked, "people.invitation.accepted", account)
        forget_roles(account)
    return account


def _account_create(email: str, new: NewAccount):
    User = get_user_model()
    first, last = new.first_name.strip()[:MAX_NAME_CHARS], new.last_name.strip()[:MAX_NAME_CHARS]
    errors = [] if first and last else ["Give your first name and last name, as colleagues know you."]
    candidate = User(username=_username_for(email), email=email, first_name=first, last_name=last)
    try:
        password_validation.validate_password(new.password, candidate)
    except ValidationError as error:
        errors += list(error.messages)
    if errors:
        raise InvalidInput(errors)
    candidate.set_password(new.password)
    candidate.save()
    return candidate


def _username_for(email: str) -> str:
    User = get_user_model()
    base = email.split("@", 1)[0][:140] or "user"
    name, number = base, 1
    while User.objects.filter(username__iexact=name).exists():
        number += 1
        name = f"{base}{number}"
    return name
