"""Ten years of a partnership's data, built fast with bulk_create, for the page benchmarks.

`build()` makes the partnership "tenyears": ten reporting periods (2015/16 to 2024/25), 40
agencies, 1,000 sections (100 a period, each with a revision, most approved), 60 courses run
in 1,000 sessions with 20,000 bookings and their feedback, 100 practice reviews (5 open) with
300 recommendations and 900 actions, 100 risks, 30 learning briefings, 200 people and 30,000
audit entries. The latest period is the current one, as the home page sees it.

Rows are written with bulk_create and no services, so nothing is audited or mailed and the
audit entries carry placeholder hashes: the data is for reading pages, never for
`audit_verify`. Call it inside a configured Django process (see bench/pages.py).
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass
from decimal import Decimal

SLUG = "tenyears"
PERIODS = 10
AGENCIES = 40
SECTIONS_PER_PERIOD = 100
COURSES = 60
SESSIONS_PER_PERIOD = 100
BOOKINGS = 20_000
REVIEWS_PER_PERIOD = 10
OPEN_REVIEWS = 5  # reviews close as they finish: at any time a handful are open, as in the demo (5)
RISKS = 100
BRIEFINGS = 30
PEOPLE = 200
AUDIT_ENTRIES = 30_000
BATCH = 2_000


@dataclass
class TenYears:
    partnership: object
    current_period: object
    manager: object
    lead: object  # lead of the first agency, a statutory partner
    agency: object


def build(*, password: str, first_year: int = 2015, seed: int = 12) -> TenYears:
    """Create the "tenyears" partnership and everything in it; returns what the benchmark signs in as."""
    from django.db import transaction

    rng = random.Random(seed)
    with transaction.atomic():
        partnership, periods = _partnership(first_year)
        agencies = _agencies(partnership)
        manager, lead = _people(partnership, agencies, password)
        _sections(periods, agencies, manager)
        _training(partnership, periods, agencies, rng)
        _reviews(partnership, periods, agencies, rng)
        _audit(partnership, periods, manager)
    return TenYears(partnership, periods[-1], manager, lead, agencies[0])


def existing() -> TenYears:
    """The partnership build() made earlier, in the same database."""
    from django.contrib.auth import get_user_model

    from partnership.models import Partnership

    partnership = Partnership.objects.get(slug=SLUG)
    users = get_user_model().objects.in_bulk(["ty-manager", "ty-lead"], field_name="username")
    return TenYears(
        partnership,
        partnership.periods.order_by("-start").first(),
        users["ty-manager"],
        users["ty-lead"],
        partnership.agencies.order_by("slug").first(),
    )


def _partnership(first_year: int):
    from partnership.models import Partnership, ReportingPeriod

    partnership = Partnership.objects.create(
        name="Ten Years Safeguarding Children Partnership", short_name="TYSCP", slug=SLUG, area="Ten Years"
    )
    ReportingPeriod.objects.bulk_create(
        ReportingPeriod(
            partnership=partnership,
            label=f"{year}/{(year + 1) % 100:02d}",
            slug=f"{year}-{(year + 1) % 100:02d}",
            start=datetime.date(year, 4, 1),
            end=datetime.date(year + 1, 3, 31),
            submission_deadline=datetime.date(year + 1, 6, 30),
        )
        for year in range(first_year, first_year + PERIODS)
    )
    return partnership, list(ReportingPeriod.objects.filter(partnership=partnership).order_by("start"))


def _agencies(partnership):
    from agencies.models import Agency, AgencyKind, Representative, StatutoryRole

    roles = [StatutoryRole.LOCAL_AUTHORITY, StatutoryRole.HEALTH, StatutoryRole.POLICE]
    Agency.objects.bulk_create(
        Agency(
            partnership=partnership,
            name=f"Agency {n:02d}",
            short_name=f"A{n:02d}",
            slug=f"agency-{n:02d}",
            kind=AgencyKind.STATUTORY_PARTNER if n < 3 else AgencyKind.RELEVANT_AGENCY,
            statutory_role=roles[n] if n < 3 else "",
        )
        for n in range(AGENCIES)
    )
    agencies = list(Agency.objects.filter(partnership=partnership).order_by("slug"))
    Representative.objects.bulk_create(
        Representative(agency=agency, role_title=f"Safeguarding lead {k}") for agency in agencies for k in range(2)
    )
    return agencies


def _people(partnership, agencies, password: str):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from people.models import Membership, Role

    User = get_user_model()
    hashed = make_password(password)
    User.objects.bulk_create(
        [User(username="ty-manager", password=hashed), User(username="ty-lead", password=hashed)]
        + [User(username=f"ty-person-{n:03d}", password=hashed, first_name="Person", last_name=f"{n:03d}")
           for n in range(PEOPLE)]
    )  # fmt: skip
    users = {u.username: u for u in User.objects.filter(username__startswith="ty-")}
    manager, lead = users["ty-manager"], users["ty-lead"]
    memberships = [
        Membership(user=manager, partnership=partnership, role=Role.BUSINESS_MANAGER),
        Membership(user=lead, partnership=partnership, agency=agencies[0], role=Role.AGENCY_LEAD),
    ]
    memberships += [
        Membership(
            user=users[f"ty-person-{n:03d}"], partnership=partnership, agency=agencies[n % len(agencies)],
            role=Role.CONTRIBUTOR,
        )
        for n in range(PEOPLE)
    ]  # fmt: skip
    Membership.objects.bulk_create(memberships)
    return manager, lead


def _sections(periods, agencies, author):
    from reports.models import Section, SectionRevision, SectionSpec, SectionState

    # Each period opens with the business manager's introduction (the section the bench edits), then the agencies'.
    specs = [
        SectionSpec(
            period=period, slug=f"s{n}", position=n, title=f"Section {n} of {period.label}",
            level=1 if n % 10 == 1 else 2,
            kind="narrative" if n == 1 else "agency", author="business_manager" if n == 1 else "agency",
            owner_agency=None if n == 1 else agencies[n % len(agencies)],
        )
        for period in periods
        for n in range(1, SECTIONS_PER_PERIOD + 1)
    ]  # fmt: skip
    SectionSpec.objects.bulk_create(specs, batch_size=BATCH)
    specs = list(SectionSpec.objects.filter(period__in=periods).order_by("pk"))
    Section.objects.bulk_create([Section(spec=spec) for spec in specs], batch_size=BATCH)
    sections = list(Section.objects.filter(spec__period__in=periods).order_by("pk"))
    content = {"narrative": "Partners worked together to keep children safe.", "quotes": [], "tables": []}
    SectionRevision.objects.bulk_create(
        [SectionRevision(section=s, number=1, content=content, author=author) for s in sections], batch_size=BATCH
    )
    revisions = {r.section_id: r for r in SectionRevision.objects.filter(section__in=sections)}
    current = periods[-1]
    for index, section in enumerate(sections):
        revision = revisions[section.pk]
        section.current_revision = revision
        # Earlier years are finished; the current year is part-way through.
        done = section.spec.period_id != current.pk or index % 3 == 0
        section.state = SectionState.APPROVED if done else SectionState.DRAFT
        section.approved_revision = revision if done else None
    Section.objects.bulk_update(sections, ["current_revision", "state", "approved_revision"], batch_size=BATCH)


def _training(partnership, periods, agencies, rng):
    from django.utils import timezone

    from training.models import Booking, BookingStatus, Course, CourseSession, FeedbackResponse

    Course.objects.bulk_create(
        Course(
            partnership=partnership, slug=f"course-{n:02d}", title=f"Course {n:02d}",
            duration_hours=Decimal(3 + n % 4), joint_with_adults=n % 5 == 0,
        )
        for n in range(COURSES)
    )  # fmt: skip
    courses = list(Course.objects.filter(partnership=partnership).order_by("slug"))
    sessions = []
    for period in periods:
        for n in range(SESSIONS_PER_PERIOD):
            when = datetime.datetime.combine(period.start, datetime.time(9, 30)) + datetime.timedelta(days=3 * n)
            sessions.append(
                CourseSession(
                    course=courses[(n * 7) % COURSES], period=period, reference=f"ev-{period.slug}-{n:03d}",
                    starts_at=timezone.make_aware(when, datetime.UTC), venue="Council House", places_offered=25,
                )
            )  # fmt: skip
    CourseSession.objects.bulk_create(sessions, batch_size=BATCH)
    sessions = list(CourseSession.objects.filter(period__in=periods).order_by("pk"))
    statuses = [BookingStatus.ATTENDED] * 6 + [
        BookingStatus.DID_NOT_ATTEND,
        BookingStatus.CANCELLED,
        BookingStatus.BOOKED,
    ]
    per_session = BOOKINGS // len(sessions)
    bookings = []
    for session in sessions:
        for k in range(per_session):
            status = rng.choice(statuses)
            agency = agencies[rng.randrange(len(agencies))] if k % 4 else None
            bookings.append(
                Booking(
                    session=session, delegate_name=f"Delegate {k}", email=f"d{session.pk}-{k}@example.org",
                    agency=agency, organisation_text="" if agency else "Village Nursery", status=status,
                    completed=status == BookingStatus.ATTENDED and k % 3 != 0,
                )
            )  # fmt: skip
    Booking.objects.bulk_create(bookings, batch_size=BATCH)
    attended = Booking.objects.filter(session__period__in=periods, status=BookingStatus.ATTENDED).values_list(
        "pk", flat=True
    )
    FeedbackResponse.objects.bulk_create(
        [FeedbackResponse(booking_id=pk, met_aims=pk % 5 != 0, more_competent=pk % 4 != 0) for pk in attended[::2]],
        batch_size=BATCH,
    )


def _reviews(partnership, periods, agencies, rng):
    from reviews.models import (
        ActionStatus,
        LearningBriefing,
        PracticeReview,
        Recommendation,
        ReviewAction,
        ReviewKind,
        ReviewStatus,
        RiskItem,
    )

    reviews = []
    for index, period in enumerate(periods):
        current = index == len(periods) - 1
        for n in range(REVIEWS_PER_PERIOD):
            reviews.append(
                PracticeReview(
                    partnership=partnership, reference=f"CSPR-{period.start.year}-{n + 1:02d}",
                    title=f"Child {index}{n}",
                    kind=ReviewKind.LCSPR if n % 2 else ReviewKind.RAPID_REVIEW,
                    became_aware_on=period.start + datetime.timedelta(days=30 * n),
                    status=ReviewStatus.SCOPING if current and n < OPEN_REVIEWS else ReviewStatus.CLOSED,
                )
            )  # fmt: skip
    PracticeReview.objects.bulk_create(reviews)
    reviews = list(PracticeReview.objects.filter(partnership=partnership).order_by("pk"))
    Recommendation.objects.bulk_create(
        Recommendation(review=review, number=k, text="Share information sooner.")
        for review in reviews
        for k in (1, 2, 3)
    )
    actions = []
    for rec in Recommendation.objects.filter(review__partnership=partnership).select_related("review"):
        for k in (1, 2, 3):
            # Most of the old actions were left open past their due date: the dashboard's worst case.
            due = rec.review.became_aware_on + datetime.timedelta(days=180 + 30 * k)
            actions.append(
                ReviewAction(
                    recommendation=rec, number=k, description="Audit the use of the escalation policy.",
                    owner=agencies[rng.randrange(len(agencies))], due_on=due,
                    status=ActionStatus.IN_PROGRESS if k != 3 else ActionStatus.NOT_STARTED,
                )
            )  # fmt: skip
    ReviewAction.objects.bulk_create(actions, batch_size=BATCH)
    RiskItem.objects.bulk_create(
        RiskItem(
            partnership=partnership, review=reviews[n % len(reviews)], title=f"Risk {n:03d}",
            likelihood=1 + n % 5, impact=1 + (n * 3) % 5, owner=agencies[n % len(agencies)], is_open=n % 3 != 0,
        )
        for n in range(RISKS)
    )  # fmt: skip
    LearningBriefing.objects.bulk_create(
        LearningBriefing(
            partnership=partnership, title=f"Briefing {n:02d}",
            published_on=periods[n % len(periods)].start + datetime.timedelta(days=n),
        )
        for n in range(BRIEFINGS)
    )  # fmt: skip
    through = LearningBriefing.reviews.through
    briefings = LearningBriefing.objects.filter(partnership=partnership).order_by("pk")
    through.objects.bulk_create(
        through(learningbriefing_id=b.pk, practicereview_id=reviews[(i * 3 + k) % len(reviews)].pk)
        for i, b in enumerate(briefings)
        for k in range(3)
    )


def _audit(partnership, periods, actor):
    from django.contrib.contenttypes.models import ContentType
    from django.utils import timezone

    from partnership.models import AuditEntry
    from reports.models import Section

    section_type = ContentType.objects.get_for_model(Section)
    section_ids = list(Section.objects.filter(spec__period__in=periods).values_list("pk", flat=True))
    start = timezone.make_aware(datetime.datetime.combine(periods[0].start, datetime.time(9)), datetime.UTC)
    step = (periods[-1].end - periods[0].start) / AUDIT_ENTRIES
    codes = ["reports.section.saved", "reports.section.submitted", "reports.section.approved"]
    entries = (
        AuditEntry(
            partnership=partnership, period=periods[n * len(periods) // AUDIT_ENTRIES], code=codes[n % 3],
            actor=actor, actor_label="ty-manager", target_type=section_type,
            target_id=section_ids[n % len(section_ids)], target_label=f"Section {n % SECTIONS_PER_PERIOD}",
            created_at=start + step * n, prev_hash=f"{n:064x}", hash=f"{n + 1:064x}",
        )
        for n in range(AUDIT_ENTRIES)
    )  # fmt: skip
    AuditEntry.objects.bulk_create(entries, batch_size=BATCH)
