"""The database refuses rows that break the training invariants."""

from decimal import Decimal

import pytest
from django.db import IntegrityError

from tests.training.factories import BookingFactory, CourseFactory, FeedbackFactory, SessionFactory
from training.models import BookingStatus

pytestmark = pytest.mark.django_db


def test_course_duration_must_be_positive():
    with pytest.raises(IntegrityError, match="training_course_duration_positive"):
        CourseFactory(duration_hours=Decimal("0"))


def test_session_needs_a_venue_or_to_be_online_but_not_both():
    with pytest.raises(IntegrityError, match="training_coursesession_venue_or_online"):
        SessionFactory(venue="", online=False)


def test_session_cannot_have_a_venue_and_be_online():
    with pytest.raises(IntegrityError, match="training_coursesession_venue_or_online"):
        SessionFactory(venue="Council House", online=True)


def test_booking_needs_exactly_one_of_agency_or_organisation(world):
    session = SessionFactory(course__partnership=world.partnership, period=world.period)
    with pytest.raises(IntegrityError, match="training_booking_agency_or_organisation"):
        BookingFactory(session=session, agency=world.agency_a, organisation_text="Also this")


def test_booking_without_any_organisation_is_refused():
    with pytest.raises(IntegrityError, match="training_booking_agency_or_organisation"):
        BookingFactory(organisation_text="")


def test_only_attended_bookings_can_be_completed():
    with pytest.raises(IntegrityError, match="training_booking_completed_only_if_attended"):
        BookingFactory(status=BookingStatus.DID_NOT_ATTEND, completed=True)


def test_one_booking_per_email_per_session_ignoring_case():
    booking = BookingFactory(email="Ann@Example.org")
    with pytest.raises(IntegrityError, match="training_booking_one_per_email_per_session"):
        BookingFactory(session=booking.session, email="ann@example.ORG")


def test_consent_to_quote_needs_a_comment():
    with pytest.raises(IntegrityError, match="training_feedbackresponse_consent_needs_comment"):
        FeedbackFactory(comment="", consent_to_quote=True)
