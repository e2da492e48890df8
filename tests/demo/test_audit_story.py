"""On the demo, the audit log tells a day's work in words, beside the demo's own history."""

import html
import re
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from agencies.models import FundingContribution
from agencies.services import funding_change
from demo.loader import demo_load
from partnership.audit import audit_verify
from reviews.models import PracticeReview
from reviews.services import review_change
from tests.factories import sign_in_with_code, totp_enrol
from training.models import CourseSession
from training.services import session_change

PASSWORD = "demo-story-password-1234"


def text_of(response) -> str:
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


@pytest.fixture
def demo(db):
    return demo_load(password=PASSWORD)


def test_sign_ins_export_and_changes_appear_in_the_log_in_words(demo):
    from django.contrib.auth import get_user_model

    manager = get_user_model().objects.get(username="manager")
    totp_enrol(manager)  # a business manager must sign in with a second factor (people/mfa.py)
    client = Client()
    failed = client.post(reverse("account_login"), {"login": "manager", "password": "not-the-password"})
    assert failed.status_code == 200
    sign_in_with_code(client, "manager", PASSWORD)
    assert client.get(reverse("home")).wsgi_request.user == manager
    period = demo.period
    export = client.get(reverse("training:export", args=["dudley", period.slug]) + "?format=csv")
    assert export.status_code == 200

    session = CourseSession.objects.filter(period=period).order_by("pk").first()
    session_change(user=manager, session=session, values={"venue": "Council House, Room 2", "online": False})
    review = PracticeReview.objects.filter(partnership=demo.partnership).order_by("pk").first()
    review_change(user=manager, review=review, values={"title": review.title + " (updated)"})
    contribution = FundingContribution.objects.filter(period=period).order_by("pk").first()
    funding_change(user=manager, contribution=contribution, amount=contribution.amount + Decimal("100"),
                   note=contribution.note)  # fmt: skip

    page = text_of(client.get(reverse("partnership:audit", args=["dudley"])))
    name = manager.get_full_name()
    expected = [
        "Someone not signed in failed to sign in as manager",
        f"{name} signed in",
        f"{name} exported the bookings of",
        f"{name} changed the session {session}",
        f"{name} changed the practice review",
        f"{name} changed the funding contribution {contribution.agency.name}, {period.label}",
    ]
    for words in expected:
        assert words in page, words
    history = text_of(client.get(reverse("partnership:audit", args=["dudley"]) + "?app=reports"))
    assert f"{name} approved the" in history  # the demo's own history, beside today's
    checked, broken = audit_verify()
    assert broken is None and checked > 100
