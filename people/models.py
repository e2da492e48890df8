"""Who holds which role: a user's memberships of partnerships and of their agencies."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Coalesce, Lower

from lib.models import TimeStampedModel


class Role(models.TextChoices):
    BUSINESS_MANAGER = "business_manager", "Business manager"
    SCRUTINEER = "scrutineer", "Independent scrutineer"
    AGENCY_LEAD = "agency_lead", "Agency lead"
    CONTRIBUTOR = "contributor", "Contributor"


PARTNERSHIP_ROLES = (Role.BUSINESS_MANAGER, Role.SCRUTINEER)
AGENCY_ROLES = (Role.AGENCY_LEAD, Role.CONTRIBUTOR)


class Membership(TimeStampedModel):
    """A user's role in a partnership, or in one agency of it. A user may hold several."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    partnership = models.ForeignKey("partnership.Partnership", on_delete=models.CASCADE, related_name="memberships")
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.CASCADE, null=True, blank=True, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=Role.choices)

    class Meta:
        ordering = ["partnership", "role", "user"]
        verbose_name = "membership"
        constraints = [
            models.CheckConstraint(
                condition=(Q(role__in=PARTNERSHIP_ROLES) & Q(agency__isnull=True))
                | (Q(role__in=AGENCY_ROLES) & Q(agency__isnull=False)),
                name="people_membership_agency_matches_role",
            ),
            models.UniqueConstraint(
                fields=["user", "partnership", "role"],
                condition=Q(agency__isnull=True),
                name="people_membership_unique_partnership_role",
            ),
            models.UniqueConstraint(
                fields=["user", "agency", "role"],
                condition=Q(agency__isnull=False),
                name="people_membership_unique_agency_role",
            ),
        ]

    def __str__(self) -> str:
        where = self.agency.short_name if self.agency_id else self.partnership.short_name
        return f"{self.user} — {self.get_role_display()}, {where}"

    def clean(self) -> None:
        # A check constraint cannot look across tables, so the admin's full_clean guards this.
        if self.agency_id and self.partnership_id and self.agency.partnership_id != self.partnership_id:
            raise ValidationError({"agency": "Choose an agency of this partnership, or change the partnership."})


# Roles whose holders must sign in with a second factor once they have accepted.
PRIVILEGED_ROLES = (Role.BUSINESS_MANAGER, Role.SCRUTINEER, Role.AGENCY_LEAD)


class Invitation(TimeStampedModel):
    """An email invitation to take a role. Its link carries a signed id and a nonce; resending
    makes a new nonce, so only the newest link works, and accepting it once uses it up."""

    partnership = models.ForeignKey("partnership.Partnership", on_delete=models.CASCADE, related_name="invitations")
    agency = models.ForeignKey(
        "agencies.Agency", on_delete=models.CASCADE, null=True, blank=True, related_name="invitations"
    )
    role = models.CharField(max_length=20, choices=Role.choices)
    email = models.EmailField(max_length=254)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    nonce = models.CharField(max_length=32)
    sent_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "invitation"
        constraints = [
            models.CheckConstraint(
                condition=(Q(role__in=PARTNERSHIP_ROLES) & Q(agency__isnull=True))
                | (Q(role__in=AGENCY_ROLES) & Q(agency__isnull=False)),
                name="people_invitation_agency_matches_role",
            ),
            models.CheckConstraint(
                condition=Q(accepted_at__isnull=True) | Q(revoked_at__isnull=True),
                name="people_invitation_not_accepted_and_revoked",
            ),
            models.CheckConstraint(condition=Q(email=Lower("email")), name="people_invitation_email_lowercase"),
            models.UniqueConstraint(
                "partnership",
                "email",
                "role",
                Coalesce("agency", Value(0)),
                condition=Q(accepted_at__isnull=True, revoked_at__isnull=True),
                name="people_invitation_one_open_per_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email}: {self.get_role_display()}"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None
