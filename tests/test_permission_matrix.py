"""Every URL of the project, requested as every role, against the expected status.

The table below is the portal's access policy. The test walks the URL resolver, so a
new URL pattern that is not in the table fails the suite until someone decides who
may open it. Admin URLs are the one rule-based family: the admin is for staff only,
and no portal role is staff, so every admin URL redirects every portal role to the
admin's sign-in page.
"""

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.agencies.matrix import MatrixAgencies
from tests.conftest import ROLE_NAMES
from tests.training.matrix import MatrixTraining

ANON, LEAD_A, LEAD_B, CONTRIB, BM, SCRUT, OUT, LEAD_C = ROLE_NAMES
AS_LEAD_B = object()


def expect(anonymous, lead_a, lead_b, contributor, business_manager, scrutineer, outsider, lead_c=AS_LEAD_B):
    """Statuses by role. Agency C's lead (a non-statutory agency) gets what agency B's lead (a statutory
    partner) gets, except on the rows that say otherwise: the ones where signing off matters."""
    lead_c = lead_b if lead_c is AS_LEAD_B else lead_c
    statuses = (anonymous, lead_a, lead_b, contributor, business_manager, scrutineer, outsider, lead_c)
    return dict(zip(ROLE_NAMES, statuses, strict=True))


def everyone(status):
    return expect(*([status] * len(ROLE_NAMES)))


MEMBERS_ONLY = expect(302, 200, 200, 200, 200, 200, 404)
OVERSEERS_ONLY = expect(302, 403, 403, 403, 200, 200, 404)
SIGNED_IN = expect(302, 200, 200, 200, 200, 200, 200)
SIGNED_OUT_ONLY = expect(200, 302, 302, 302, 302, 302, 302)
NO_SECOND_FACTOR_YET = expect(302, 404, 404, 404, 404, 404, 404)  # no recovery codes made yet


class MatrixSection:
    """reports rows: agency A's section 'matrix-a' (assigned to the contributor, with one open challenge).

    The world fixture has no sections, so this kwarg value makes them when the URL is reversed.
    """

    def __init__(self, part: str):
        self.part = part

    def __str__(self):
        from django.contrib.auth import get_user_model

        from agencies.models import Agency
        from partnership.models import ReportingPeriod
        from reports.models import Challenge, Section, SectionSpec

        period = ReportingPeriod.objects.get(partnership__slug="tsp", slug="2019-20")
        spec, _ = SectionSpec.objects.get_or_create(
            period=period,
            slug="matrix-a",
            defaults={"position": 1, "title": "Matrix A", "owner_agency": Agency.objects.get(slug="council")},
        )
        section, _ = Section.objects.get_or_create(spec=spec)
        users = get_user_model().objects
        section.contributors.add(users.get(username="contributor-a"))
        challenge, _ = Challenge.objects.get_or_create(
            section=section, defaults={"question": "Why?", "raised_by": users.get(username="scrutineer")}
        )
        return spec.slug if self.part == "section" else str(challenge.pk)


class MatrixFlag:
    """The publication guard's rows: a flag on a date of birth in a section of the test period, made when reversed
    (through the scan, so the flags list, which scans again, keeps it)."""

    def __str__(self):
        from django.contrib.auth import get_user_model

        from partnership.models import ReportingPeriod
        from reports.guard_flags import guard_flags_refresh
        from reports.models import Section, SectionRevision, SectionSpec

        period = ReportingPeriod.objects.get(partnership__slug="tsp", slug="2019-20")
        spec, created = SectionSpec.objects.get_or_create(
            period=period, slug="matrix-guard",
            defaults={"position": 900, "title": "Matrix guard", "author": "business_manager"},
        )  # fmt: skip
        if created:
            section = Section.objects.create(spec=spec)
            section.current_revision = SectionRevision.objects.create(
                section=section, number=1, author=get_user_model().objects.get(username="manager"),
                content={"narrative": "Born on 3 May 2012.", "quotes": [], "tables": []},
            )  # fmt: skip
            section.state = "draft"
            section.save()
        return str(guard_flags_refresh(period=period)[0].pk)


REPORTS_PERIOD = {"partnership_slug": "{partnership}", "period_slug": "{period}"}
REPORTS_SECTION = REPORTS_PERIOD | {"section_slug": MatrixSection("section")}
REPORTS_CHALLENGE = REPORTS_SECTION | {"challenge_id": MatrixSection("challenge")}
MANAGER_ONLY = expect(302, 403, 403, 403, 200, 403, 404)
MANAGER_POST = expect(302, 403, 403, 403, 405, 403, 404)
AGENCY_A = {"partnership_slug": "{partnership}", "agency_slug": "{agency_a}"}
SECTION_READERS = expect(302, 200, 404, 200, 200, 200, 404)
REPORT_READERS = expect(302, 200, 200, 403, 200, 200, 404, lead_c=403)  # statutory leads sign off; agency C is not one


class MatrixTrackedItem:
    """reports rows: a tracked item owned by agency A (council) in the test period, made when the URL is reversed."""

    def __str__(self):
        from agencies.models import Agency
        from partnership.models import ReportingPeriod
        from reports.models import TrackedItem

        period = ReportingPeriod.objects.get(partnership__slug="tsp", slug="2019-20")
        item, _ = TrackedItem.objects.get_or_create(
            period=period,
            carry_key="matrix",
            defaults={"title": "Matrix item", "origin": "added", "owner_agency": Agency.objects.get(slug="council")},
        )
        return str(item.uuid)


REPORTS_ITEM = REPORTS_PERIOD | {"item_uuid": MatrixTrackedItem()}


class MatrixReview:
    """reviews rows: review 'MATRIX-1' with one action owned by agency A, made when the URL is reversed."""

    def __init__(self, part: str):
        self.part = part

    def __str__(self):
        import datetime

        from agencies.models import Agency
        from partnership.models import Partnership
        from reviews.models import PracticeReview, Recommendation, ReviewAction

        review, _ = PracticeReview.objects.get_or_create(
            partnership=Partnership.objects.get(slug="tsp"),
            reference="MATRIX-1",
            defaults={"title": "Child M", "kind": "lcspr", "became_aware_on": datetime.date(2019, 12, 23)},
        )
        recommendation, _ = Recommendation.objects.get_or_create(review=review, number=1, defaults={"text": "R"})
        action, _ = ReviewAction.objects.get_or_create(
            recommendation=recommendation,
            number=1,
            defaults={
                "description": "A",
                "owner": Agency.objects.get(slug="council"),
                "due_on": datetime.date(2020, 3, 31),
            },
        )
        return review.reference if self.part == "review" else str(action.pk)


class MatrixBriefing:
    """reviews rows: a learning briefing of the test partnership with a file, made when the URL is reversed."""

    def __str__(self):
        import datetime

        from django.core.files.base import ContentFile

        from partnership.models import Partnership
        from reviews.models import LearningBriefing

        briefing, created = LearningBriefing.objects.get_or_create(
            partnership=Partnership.objects.get(slug="tsp"),
            title="Matrix briefing",
            defaults={"published_on": datetime.date(2020, 1, 31)},
        )
        if created:
            briefing.file.save("matrix-briefing.pdf", ContentFile(b"%PDF-1.4 briefing"))
        return str(briefing.pk)


class MatrixPublished:
    """public rows: version 1 of the test period's report, frozen as a small HTML file, made when reversed."""

    def __str__(self):
        import hashlib

        from django.contrib.auth import get_user_model
        from django.core.files.base import ContentFile
        from django.utils import timezone

        from partnership.models import ReportingPeriod
        from reports.models import PublishedReport

        period = ReportingPeriod.objects.get(partnership__slug="tsp", slug="2019-20")
        if not PublishedReport.objects.filter(period=period, number=1).exists():
            data = b"<!DOCTYPE html><html lang='en-GB'><title>Report</title><h1>Report</h1></html>"
            version = PublishedReport(
                period=period, number=1, published_by=get_user_model().objects.get(username="manager"),
                published_at=timezone.now(), change_note="First published version.", manifest=[],
                html_sha256=hashlib.sha256(data).hexdigest(), html_data=data,
            )  # fmt: skip
            version.html.save("v1.html", ContentFile(data), save=False)
            version.save()
        return "1"


class MatrixVoice:
    """voice ledger rows: an entry of agency A in the test period, made when the URL is reversed."""

    def __str__(self):
        import datetime

        from agencies.models import Agency
        from partnership.models import ReportingPeriod
        from reports.models import VoiceEntry

        entry, _ = VoiceEntry.objects.get_or_create(
            period=ReportingPeriod.objects.get(partnership__slug="tsp", slug="2019-20"),
            source="Matrix forum",
            defaults={
                "agency": Agency.objects.get(slug="council"), "service": "Early help", "said": "We want to be heard.",
                "said_on": datetime.date(2019, 10, 1), "method": "survey", "consent": "aggregate",
            },
        )  # fmt: skip
        return str(entry.pk)


class MatrixChildrens:
    """public rows: version 1 of the test period's report with a frozen children's version."""

    def __str__(self):
        import hashlib

        from reports.models import PublishedChildrensVersion, PublishedReport

        number = str(MatrixPublished())
        version = PublishedReport.objects.get(period__partnership__slug="tsp", period__slug="2019-20", number=1)
        if not PublishedChildrensVersion.objects.filter(version=version).exists():
            data = b"<!DOCTYPE html><html lang='en-GB'><title>Our year</title><h1>Our year</h1></html>"
            PublishedChildrensVersion.objects.create(
                version=version, html_data=data, html_sha256=hashlib.sha256(data).hexdigest()
            )
        return number


class MatrixPeople:
    """people rows: an open invitation to agency A, the contributor's and lead A's roles, made when reversed."""

    def __init__(self, part: str):
        self.part = part

    def __str__(self):
        from agencies.models import Agency
        from partnership.models import Partnership
        from people.invitations import invitation_create, invitation_token
        from people.models import Invitation, Membership, Role

        partnership = Partnership.objects.get(slug="tsp")
        if self.part == "contributor_role":
            return str(Membership.objects.get(partnership=partnership, role=Role.CONTRIBUTOR).pk)
        if self.part == "lead_role":
            return str(Membership.objects.get(partnership=partnership, user__username="lead-a").pk)
        if self.part == "contributor_user":
            return str(Membership.objects.get(partnership=partnership, role=Role.CONTRIBUTOR).user_id)
        invitation = Invitation.objects.filter(partnership=partnership).first() or invitation_create(
            user=None, partnership=partnership, email="matrix@example.org", role=Role.CONTRIBUTOR,
            agency=Agency.objects.get(slug="council"),
        )  # fmt: skip
        return invitation_token(invitation) if self.part == "token" else str(invitation.pk)


PARTNERSHIP = {"partnership_slug": "{partnership}"}
AGENCY_A = PARTNERSHIP | {"agency_slug": "{agency_a}"}
BY_MANAGER_OR_LEAD_A_POST_ONLY = expect(302, 405, 403, 403, 405, 403, 404)


class MatrixSetup:
    """partnership setup rows: the priority 'Matrix priority' or the subgroup 'matrix-group', made when reversed."""

    def __init__(self, part: str):
        self.part = part

    def __str__(self):
        from partnership.models import Partnership, Priority, Subgroup

        partnership = Partnership.objects.get(slug="tsp")
        if self.part == "priority":
            priority, _ = Priority.objects.get_or_create(
                partnership=partnership, title="Matrix priority", defaults={"position": 1}
            )
            return str(priority.pk)
        subgroup, _ = Subgroup.objects.get_or_create(
            partnership=partnership, slug="matrix-group", defaults={"name": "Matrix group"}
        )
        return subgroup.slug


SETUP = {"partnership_slug": "{partnership}"}
SETUP_PRIORITY = SETUP | {"priority_id": MatrixSetup("priority")}
SETUP_SUBGROUP = SETUP | {"subgroup_slug": MatrixSetup("subgroup")}

# name -> (url kwargs, expected status by role)
TABLE = {
    "people:list": (PARTNERSHIP, MANAGER_ONLY),
    "people:invite": (PARTNERSHIP, MANAGER_ONLY),
    "people:invitation_resend": (
        PARTNERSHIP | {"invitation_id": MatrixPeople("invitation")},
        BY_MANAGER_OR_LEAD_A_POST_ONLY,
    ),
    "people:invitation_revoke": (
        PARTNERSHIP | {"invitation_id": MatrixPeople("invitation")},
        BY_MANAGER_OR_LEAD_A_POST_ONLY,
    ),
    "people:membership_remove": (
        PARTNERSHIP | {"membership_id": MatrixPeople("contributor_role")},
        BY_MANAGER_OR_LEAD_A_POST_ONLY,
    ),
    "people:lead_hand_over": (
        PARTNERSHIP | {"membership_id": MatrixPeople("lead_role")},
        expect(302, 200, 403, 403, 200, 403, 404),
    ),
    "people:account_deactivate": (
        PARTNERSHIP | {"user_id": MatrixPeople("contributor_user")},
        expect(302, 403, 403, 403, 405, 403, 404),
    ),
    "people:mfa_prompt": (PARTNERSHIP, MEMBERS_ONLY),
    "people:agency_invite": (AGENCY_A, expect(302, 200, 403, 403, 200, 403, 404)),
    "people:accept": ({"token": MatrixPeople("token")}, everyone(200)),
    # reports (issue 3): POST-only actions answer GET with 405 once access (404) and permission (403) pass.
    "reports:dashboard": (REPORTS_PERIOD, MEMBERS_ONLY),
    "reports:changes": (REPORTS_PERIOD, OVERSEERS_ONLY),
    "reports:impact_missing": (REPORTS_PERIOD, OVERSEERS_ONLY),
    "reports:audit": (REPORTS_PERIOD, expect(302, 403, 403, 403, 302, 403, 404)),  # to the partnership's log
    "partnership:audit": ({"partnership_slug": "{partnership}"}, MANAGER_ONLY),
    "partnership:audit_export": ({"partnership_slug": "{partnership}"}, MANAGER_ONLY),
    "people:agency": (
        {"partnership_slug": "{partnership}", "agency_slug": "{agency_a}"},
        expect(302, 200, 403, 403, 200, 200, 404),
    ),
    "reports:outline": (REPORTS_PERIOD, MANAGER_ONLY),
    "reports:spec_add": (REPORTS_PERIOD, MANAGER_ONLY),
    "reports:outline_copy": (REPORTS_PERIOD, expect(302, 403, 403, 403, 405, 403, 404)),
    "reports:spec_edit": (REPORTS_PERIOD | {"spec_slug": MatrixSection("section")}, MANAGER_ONLY),
    "reports:spec_move": (
        REPORTS_PERIOD | {"spec_slug": MatrixSection("section")},
        expect(302, 403, 403, 403, 405, 403, 404),
    ),
    "reports:section": (REPORTS_SECTION, SECTION_READERS),
    "reports:section_history": (REPORTS_SECTION, SECTION_READERS),
    "reports:section_diff": (REPORTS_SECTION, SECTION_READERS),
    "reports:section_edit": (REPORTS_SECTION, expect(302, 200, 404, 200, 403, 403, 404)),
    "reports:section_assign": (REPORTS_SECTION, expect(302, 200, 404, 403, 403, 403, 404)),
    "reports:section_submit": (REPORTS_SECTION, expect(302, 405, 404, 403, 403, 403, 404)),
    "reports:section_approve": (REPORTS_SECTION, expect(302, 403, 404, 403, 405, 403, 404)),
    "reports:section_return": (REPORTS_SECTION, expect(302, 403, 404, 403, 405, 403, 404)),
    "reports:comment_add": (REPORTS_SECTION, expect(302, 405, 404, 405, 405, 405, 404)),
    "reports:challenge_raise": (REPORTS_SECTION, expect(302, 403, 404, 403, 403, 405, 404)),
    "reports:challenge_answer": (REPORTS_CHALLENGE, expect(302, 405, 404, 403, 403, 403, 404)),
    "reports:challenge_close": (REPORTS_CHALLENGE, expect(302, 403, 404, 403, 403, 405, 404)),
    # reports: the assembled report. Agency A (council) and B (police) are statutory partners, who sign off.
    "reports:report": (REPORTS_PERIOD, REPORT_READERS),
    "reports:report_preview": (REPORTS_PERIOD, REPORT_READERS),
    "reports:checklist_exemption": (REPORTS_PERIOD | {"code": "training"}, expect(302, 403, 403, 403, 405, 403, 404)),
    "reports:report_sign_off": (REPORTS_PERIOD, expect(302, 405, 405, 403, 403, 403, 404, lead_c=403)),
    "reports:report_publish": (REPORTS_PERIOD, expect(302, 403, 403, 403, 405, 403, 404)),
    "reports:challenge_register": (REPORTS_PERIOD, expect(302, 403, 403, 403, 403, 200, 404)),
    "reports:pdf_progress": (REPORTS_PERIOD | {"number": MatrixPublished()}, REPORT_READERS),
    "reports:childrens_preview": (
        REPORTS_PERIOD,
        expect(302, 404, 404, 403, 404, 404, 404, lead_c=403),
    ),  # no such section
    # the voice ledger: members read (agency A's entry is not agency B's or C's to see), the manager and leads write
    "reports:voice": (REPORTS_PERIOD, MEMBERS_ONLY),
    "reports:voice_add": (REPORTS_PERIOD, expect(302, 200, 200, 403, 200, 403, 404, lead_c=200)),
    "reports:voice_change": (
        REPORTS_PERIOD | {"entry_id": MatrixVoice()},
        expect(302, 200, 404, 403, 200, 403, 404, lead_c=404),
    ),
    "reports:voice_remove": (
        REPORTS_PERIOD | {"entry_id": MatrixVoice()},
        expect(302, 405, 404, 403, 405, 403, 404, lead_c=404),
    ),
    "reports:pdf_retry": (REPORTS_PERIOD | {"number": MatrixPublished()}, expect(302, 403, 403, 403, 405, 403, 404)),
    # reports (issue 14): tracked items. Leads read every item but change only their agency's (A owns this one).
    "reports:progress": (REPORTS_PERIOD, MEMBERS_ONLY),
    "reports:progress_add": (REPORTS_PERIOD, MANAGER_ONLY),
    "reports:tracked_item": (REPORTS_ITEM, MEMBERS_ONLY),
    "reports:tracked_item_edit": (REPORTS_ITEM, expect(302, 200, 403, 403, 200, 403, 404)),
    # the publication guard: its flags are read by whoever reads the draft; the business manager clears them
    "reports:guard_flags": (REPORTS_PERIOD, REPORT_READERS),
    "reports:guard_flag_clear": (REPORTS_PERIOD | {"flag_id": MatrixFlag()}, MANAGER_ONLY),
    # public pages: published reports and the accessibility statement, for everyone
    "public:index": ({}, everyone(200)),
    "public:accessibility": ({}, everyone(200)),
    # health check for the load balancer and the operator: no sign-in, says only ok or down
    "healthz": ({}, everyone(200)),
    "public:partnership_reports": ({"partnership_slug": "{partnership}"}, everyone(200)),
    "public:report_latest": (REPORTS_PERIOD | {"_": MatrixPublished()}, everyone(200)),
    "public:report_version": (REPORTS_PERIOD | {"number": MatrixPublished()}, everyone(200)),
    "public:report_pdf": (REPORTS_PERIOD | {"number": MatrixPublished()}, everyone(404)),  # PDF not made yet
    "public:report_childrens": (REPORTS_PERIOD | {"number": MatrixChildrens()}, everyone(200)),
    "home": ({}, everyone(200)),
    "partnership:detail": ({"partnership_slug": "{partnership}"}, MEMBERS_ONLY),
    # partnership setup (issue 10): the business manager's pages; confirmations (close, retire) are GET pages.
    "partnership:settings": (SETUP, MANAGER_ONLY),
    "partnership:period_add": (SETUP, MANAGER_ONLY),
    "partnership:period_edit": (REPORTS_PERIOD, MANAGER_ONLY),
    "partnership:period_close": (REPORTS_PERIOD, MANAGER_ONLY),
    "partnership:priorities": (SETUP, MANAGER_ONLY),
    "partnership:priority_add": (SETUP, MANAGER_ONLY),
    "partnership:priority_edit": (SETUP_PRIORITY, MANAGER_ONLY),
    "partnership:priority_move": (SETUP_PRIORITY, expect(302, 403, 403, 403, 405, 403, 404)),
    "partnership:priority_retire": (SETUP_PRIORITY, MANAGER_ONLY),
    "partnership:subgroups": (SETUP, MANAGER_ONLY),
    "partnership:subgroup_add": (SETUP, MANAGER_ONLY),
    "partnership:subgroup_edit": (SETUP_SUBGROUP, MANAGER_ONLY),
    "partnership:subgroup_meetings": (SETUP_SUBGROUP, MANAGER_ONLY),
    "agencies:list": ({"partnership_slug": "{partnership}"}, MEMBERS_ONLY),
    "agencies:detail": ({"partnership_slug": "{partnership}", "agency_slug": "{agency_a}"}, MEMBERS_ONLY),
    "agencies:funding": ({"partnership_slug": "{partnership}", "period_slug": "{period}"}, OVERSEERS_ONLY),
    # agencies (issue 10): the business manager keeps agencies, seats and funding; MatrixAgencies makes
    # agency A's seat, its contribution and a checked upload. POST-only actions answer GET with 405.
    "agencies:add": ({"partnership_slug": "{partnership}"}, MANAGER_ONLY),
    "agencies:edit": (AGENCY_A, MANAGER_ONLY),
    "agencies:deactivate": (AGENCY_A, MANAGER_POST),
    "agencies:reactivate": (AGENCY_A, MANAGER_POST),
    "agencies:representative_add": (AGENCY_A, MANAGER_ONLY),
    "agencies:representative_edit": (AGENCY_A | {"representative_id": MatrixAgencies("seat")}, MANAGER_ONLY),
    "agencies:representative_move": (AGENCY_A | {"representative_id": MatrixAgencies("seat")}, MANAGER_POST),
    "agencies:representative_remove": (AGENCY_A | {"representative_id": MatrixAgencies("seat")}, MANAGER_POST),
    "agencies:funding_add": (REPORTS_PERIOD, MANAGER_ONLY),
    "agencies:funding_edit": (REPORTS_PERIOD | {"agency_slug": MatrixAgencies("funding")}, MANAGER_ONLY),
    "agencies:funding_remove": (REPORTS_PERIOD | {"agency_slug": MatrixAgencies("funding")}, MANAGER_POST),
    "agencies:funding_import": (REPORTS_PERIOD, MANAGER_ONLY),
    "agencies:funding_import_job": (REPORTS_PERIOD | {"import_id": MatrixAgencies("import")}, MANAGER_ONLY),
    # training: MatrixTraining makes a course, a session with a booking, and an import when the URL is reversed.
    "training:courses": ({"partnership_slug": "{partnership}", "period_slug": "{period}"}, OVERSEERS_ONLY),
    "training:session": (
        {"partnership_slug": "{partnership}", "period_slug": "{period}", "reference": MatrixTraining("session")},
        OVERSEERS_ONLY,
    ),
    "training:attendance": (
        {"partnership_slug": "{partnership}", "period_slug": "{period}", "reference": MatrixTraining("session")},
        expect(302, 403, 403, 403, 200, 403, 404),
    ),
    "training:feedback": (
        {"partnership_slug": "{partnership}", "period_slug": "{period}", "course_slug": MatrixTraining("course")},
        OVERSEERS_ONLY,
    ),
    "training:course_add": (
        {"partnership_slug": "{partnership}", "period_slug": "{period}"},
        expect(302, 403, 403, 403, 200, 403, 404),
    ),
    "training:course_edit": (
        {"partnership_slug": "{partnership}", "period_slug": "{period}", "course_slug": MatrixTraining("course")},
        expect(302, 403, 403, 403, 200, 403, 404),
    ),
    "training:session_add": (
        {"partnership_slug": "{partnership}", "period_slug": "{period}"},
        expect(302, 403, 403, 403, 200, 403, 404),
    ),
    "training:session_edit": (
        {"partnership_slug": "{partnership}", "period_slug": "{period}", "reference": MatrixTraining("session")},
        expect(302, 403, 403, 403, 200, 403, 404),
    ),
    "training:agency": (
        {"partnership_slug": "{partnership}", "period_slug": "{period}", "agency_slug": "{agency_a}"},
        expect(302, 200, 403, 403, 200, 200, 404),
    ),
    "training:import": (
        {"partnership_slug": "{partnership}", "period_slug": "{period}"},
        expect(302, 403, 403, 403, 200, 403, 404),
    ),
    "training:import_job": (
        {"partnership_slug": "{partnership}", "period_slug": "{period}", "job_id": MatrixTraining("import_job")},
        expect(302, 403, 403, 403, 200, 403, 404),
    ),
    "training:export": (
        {"partnership_slug": "{partnership}", "period_slug": "{period}"},
        expect(302, 403, 403, 403, 200, 403, 404),
    ),
    # reviews (issue 6): MatrixReview makes a review with an action owned by agency A (council).
    "reviews:dashboard": ({"partnership_slug": "{partnership}"}, OVERSEERS_ONLY),
    "reviews:detail": ({"partnership_slug": "{partnership}", "reference": MatrixReview("review")}, OVERSEERS_ONLY),
    "reviews:actions": ({"partnership_slug": "{partnership}"}, expect(302, 200, 200, 403, 200, 200, 404)),
    "reviews:action_update": (  # agency B's lead: 404, the action is not theirs; read-only roles: 403
        {"partnership_slug": "{partnership}", "action_id": MatrixReview("action")},
        expect(302, 200, 404, 403, 200, 403, 404),
    ),
    "reviews:risks": ({"partnership_slug": "{partnership}"}, OVERSEERS_ONLY),
    "reviews:create": ({"partnership_slug": "{partnership}"}, expect(302, 403, 403, 403, 200, 403, 404)),
    "reviews:edit": (
        {"partnership_slug": "{partnership}", "reference": MatrixReview("review")},
        expect(302, 403, 403, 403, 200, 403, 404),
    ),
    # Recommendations, their decisions and new actions: the business manager keeps the record.
    "reviews:recommendation_add": (
        {"partnership_slug": "{partnership}", "reference": MatrixReview("review")},
        expect(302, 403, 403, 403, 200, 403, 404),
    ),
    "reviews:recommendation_decision": (
        {"partnership_slug": "{partnership}", "reference": MatrixReview("review"), "number": 1},
        expect(302, 403, 403, 403, 200, 403, 404),
    ),
    "reviews:action_add": (
        {"partnership_slug": "{partnership}", "reference": MatrixReview("review"), "number": 1},
        expect(302, 403, 403, 403, 200, 403, 404),
    ),
    "reviews:briefings": ({"partnership_slug": "{partnership}"}, MEMBERS_ONLY),
    "reviews:briefing_file": (
        {"partnership_slug": "{partnership}", "briefing_id": MatrixBriefing()},
        MEMBERS_ONLY,
    ),
    # django-allauth: accounts
    "account_login": ({}, SIGNED_OUT_ONLY),
    "account_logout": ({}, expect(302, 200, 200, 200, 200, 200, 200)),
    "account_signup": ({}, expect(200, 302, 302, 302, 302, 302, 302)),  # shows "sign-up is closed"
    "account_reauthenticate": ({}, SIGNED_IN),
    "account_change_password": ({}, SIGNED_IN),
    "account_set_password": ({}, expect(302, 302, 302, 302, 302, 302, 302)),  # users already have one
    "account_inactive": ({}, everyone(200)),
    "account_email": ({}, SIGNED_IN),
    "account_email_verification_sent": ({}, everyone(200)),
    "account_confirm_email": ({"key": "nonsense"}, everyone(200)),  # "link expired or invalid"
    "account_reset_password": ({}, everyone(200)),
    "account_reset_password_done": ({}, everyone(200)),
    "account_reset_password_from_key": ({"uidb36": "1", "key": "nonsense"}, everyone(200)),
    "account_reset_password_from_key_done": ({}, everyone(200)),
    "account_confirm_login_code": ({}, everyone(302)),  # only after a code was requested
    # django-allauth: two-factor authentication
    "mfa_index": ({}, SIGNED_IN),
    # signed-in users without a second factor go back; the manager and scrutineer have one
    "mfa_reauthenticate": ({}, expect(302, 302, 302, 302, 200, 200, 302)),
    "mfa_authenticate": ({}, everyone(302)),  # only mid-login
    "mfa_activate_totp": ({}, everyone(302)),  # asks a signed-in user to re-enter their password first
    "mfa_deactivate_totp": ({}, expect(302, 404, 404, 404, 302, 302, 404)),  # with TOTP: re-enter a code first
    "mfa_view_recovery_codes": ({}, NO_SECOND_FACTOR_YET),
    "mfa_generate_recovery_codes": ({}, everyone(302)),  # re-enter password first, or sign in
    "mfa_download_recovery_codes": ({}, NO_SECOND_FACTOR_YET),
}

SAMPLE_ADMIN_KWARGS = {"object_id": "1", "id": "1", "app_label": "agencies", "content_type_id": "1", "url": "nothing/"}
ADMIN_EXPECTED = expect(302, 302, 302, 302, 302, 302, 302)
ADMIN_EXCEPTIONS = {
    # Through allauth's sign-in page (people: secure_admin_login); signed in without staff: 403.
    "admin:login": expect(302, 403, 403, 403, 403, 403, 403),
    "admin:logout": everyone(302),
}


def project_url_names():
    """(name, route) for every URL pattern of the project, with namespaces."""

    def walk(patterns, namespace, prefix):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                inner_ns = (
                    f"{namespace}:{entry.namespace}"
                    if namespace and entry.namespace
                    else (entry.namespace or namespace)
                )
                yield from walk(entry.url_patterns, inner_ns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                route = prefix + str(entry.pattern)
                name = f"{namespace}:{entry.name}" if namespace and entry.name else (entry.name or route)
                yield name, route

    return list(walk(get_resolver().url_patterns, None, ""))


def expected_for(name):
    if name in TABLE:
        return TABLE[name]
    if name in ADMIN_EXCEPTIONS:
        return {}, ADMIN_EXCEPTIONS[name]
    if name.startswith(("admin:", "admin/")):
        return None, ADMIN_EXPECTED
    return None


def fill(kwargs, world):
    values = {
        "{partnership}": world.partnership.slug,
        "{period}": world.period.slug,
        "{agency_a}": world.agency_a.slug,
    }
    filled = {}
    for key, value in kwargs.items():
        if key == "_":
            str(value)  # a helper that makes objects the URL needs, with no URL argument of its own
            continue
        filled[key] = values.get(value, value) if isinstance(value, str) else value
    return filled


def admin_kwargs(route):
    names = re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route)
    return {a or b: SAMPLE_ADMIN_KWARGS[a or b] for a, b in names}


def admin_path(route):
    """The path of an unnamed admin pattern (a redirect or the catch-all), with sample values."""
    path = re.sub(r"<(?:\w+:)?(\w+)>", lambda m: SAMPLE_ADMIN_KWARGS[m.group(1)], route)
    path = re.sub(r"\(\?P<(\w+)>[^)]*\)\$?", lambda m: SAMPLE_ADMIN_KWARGS[m.group(1)], path)
    return "/" + path.lstrip("^")


def test_every_url_is_in_the_table():
    missing = sorted({name for name, _ in project_url_names() if expected_for(name) is None})
    assert missing == [], f"URL patterns with no row in the permission table: {missing}"


def test_table_has_no_stale_rows():
    names = {name for name, _ in project_url_names()}
    assert sorted(set(TABLE) - names) == []


@pytest.mark.django_db
def test_permission_matrix(world, client_as):
    failures = []
    clients = {role: client_as(role) for role in ROLE_NAMES}
    seen = set()
    for name, route in project_url_names():
        if name in seen or not re.search(r"\w", name):
            continue
        seen.add(name)
        kwargs, statuses = expected_for(name)
        if kwargs is None and name.startswith("admin/"):
            url = admin_path(route)
        else:
            url = reverse(name, kwargs=fill(kwargs if kwargs is not None else admin_kwargs(route), world))
        for role in ROLE_NAMES:
            status = clients[role].get(url).status_code
            if status != statuses[role]:
                failures.append(f"{name} {url} as {role}: expected {statuses[role]}, got {status}")
    if failures:
        pytest.fail("\n".join(failures))
