import datetime
from decimal import Decimal

import factory

from tests.factories import PartnershipFactory, PeriodFactory
from training.models import Booking, BookingStatus, Course, CourseSession, FeedbackResponse


class CourseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Course

    partnership = factory.SubFactory(PartnershipFactory)
    slug = factory.Sequence(lambda n: f"course-{n}")
    title = factory.Sequence(lambda n: f"Course {n}")
    duration_hours = Decimal("3")


class SessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CourseSession

    course = factory.SubFactory(CourseFactory)
    period = factory.SubFactory(PeriodFactory, partnership=factory.SelfAttribute("..course.partnership"))
    reference = factory.Sequence(lambda n: f"ev-{n}")
    starts_at = factory.LazyFunction(lambda: datetime.datetime(2019, 10, 1, 9, 30, tzinfo=datetime.UTC))
    venue = "Council House, Dudley"
    online = False
    places_offered = 20


class BookingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Booking

    session = factory.SubFactory(SessionFactory)
    delegate_name = factory.Sequence(lambda n: f"Delegate {n}")
    email = factory.Sequence(lambda n: f"delegate{n}@example.org")
    organisation_text = "Village Nursery"
    status = BookingStatus.BOOKED


class FeedbackFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FeedbackResponse

    booking = factory.SubFactory(BookingFactory, status=BookingStatus.ATTENDED)
    met_aims = True
    more_competent = True
