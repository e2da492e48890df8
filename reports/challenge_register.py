"""The period's challenge register in figures, for the independent scrutineer's statement, and their comment on it.

A challenge's theme is the statutory checklist theme (or themes) of the section it challenges. The
scrutineer challenges what a section claims, and the outline already says which requirement of the
guidance each section evidences; reading the theme from there needs nothing more of the scrutineer when
raising a challenge, cannot disagree with the outline, and keeps every theme a code of the one checklist.
A section with two themes counts its challenges under both, so the theme rows may add up to more than
the total; a section with none counts them under "No statutory theme".

The figures are drawn live: the preview shows them now, and a published version holds them as they
were when it was published (its HTML is frozen then).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from lib.errors import InvalidInput, NotAllowed
from partnership.audit import audit_record, changes_between
from partnership.models import ReportingPeriod
from reports.checklist import statutory_checklist
from reports.models import Challenge, ChallengeRegisterComment, ChallengeState, SectionSpec
from reports.permissions import user_can_comment_on_challenges

NO_THEME = "No statutory theme"
MAX_COMMENT = 5000


@dataclass(frozen=True)
class ThemeCounts:
    theme: str
    raised: int
    answered: int
    closed: int

    @property
    def still_open(self) -> int:
        """Waiting for an answer, or answered and waiting for the scrutineer to close it."""
        return self.raised - self.closed


@dataclass(frozen=True)
class ChallengeRegister:
    period_label: str
    as_at: datetime.date
    total: ThemeCounts
    themes: tuple[ThemeCounts, ...]
    comment: str
    comment_by: str


def challenge_register(*, period) -> ChallengeRegister:
    """Challenges on the period's sections: raised, answered (closed ones included), closed and still open,
    in all and by theme, with the scrutineer's comment. Three queries whatever the number of challenges."""
    rows = (
        Challenge.objects.filter(section__spec__period=period)
        .order_by()
        .values("section__spec_id")
        .annotate(
            raised=Count("pk"),
            answered=Count("pk", filter=Q(answered_at__isnull=False)),
            closed=Count("pk", filter=Q(state=ChallengeState.CLOSED)),
        )
    )
    themes_of = dict(SectionSpec.objects.filter(period=period).values_list("pk", "themes"))
    titles = statutory_checklist()
    tally: dict[str, list[int]] = {}
    total = [0, 0, 0]
    for row in rows:
        counts = (row["raised"], row["answered"], row["closed"])
        total = [a + b for a, b in zip(total, counts, strict=True)]
        for code in themes_of.get(row["section__spec_id"]) or [None]:
            title = NO_THEME if code is None else titles.get(code, code)
            tally[title] = [a + b for a, b in zip(tally.get(title, [0, 0, 0]), counts, strict=True)]
    order = {title: position for position, title in enumerate(titles.values())}
    themes = tuple(
        ThemeCounts(title, *counts) for title, counts in sorted(tally.items(), key=lambda i: order.get(i[0], 10**6))
    )
    comment = ChallengeRegisterComment.objects.filter(period=period).select_related("written_by").first()
    return ChallengeRegister(
        period_label=period.label,
        as_at=timezone.localdate(),
        total=ThemeCounts("All challenges", *total),
        themes=themes,
        comment=comment.text if comment else "",
        comment_by=_name(comment.written_by) if comment else "",
    )


def _name(user) -> str:
    return user.get_full_name() or user.username


def challenge_register_comment_set(*, user, period, text: str) -> ChallengeRegisterComment:
    """The scrutineer writes or changes their comment on the period's challenges; the before and after are audited."""
    if not user_can_comment_on_challenges(user, period):
        raise NotAllowed("Only the independent scrutineer can comment on the challenge register.")
    text = (text or "").strip()
    if not text:
        raise InvalidInput("Enter your comment on the year's challenges.")
    if len(text) > MAX_COMMENT:
        raise InvalidInput(f"Keep the comment under {MAX_COMMENT:,} characters.")
    with transaction.atomic():
        # The period's row queues two first comments, so the second finds the first instead of clashing with it.
        ReportingPeriod.objects.select_for_update().get(pk=period.pk)
        comment = ChallengeRegisterComment.objects.select_for_update().filter(period=period).first()
        before = comment.text if comment else ""
        if comment is None:
            comment = ChallengeRegisterComment.objects.create(period=period, text=text, written_by=user)
        elif before != text:
            comment.text, comment.written_by = text, user
            comment.save(update_fields=["text", "written_by", "updated_at"])
        else:
            return comment
        audit_record(
            code="reports.challenges.commented",
            actor=user,
            partnership=period.partnership_id,
            period=period,
            target=comment,
            target_label=f"challenge register {period.label}",
            data={"changes": changes_between({"text": before}, {"text": text}), "period_label": period.label},
        )
    return comment
