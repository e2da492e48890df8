import datetime

import factory

from reviews.models import (
    ActionStatus,
    LearningBriefing,
    PracticeReview,
    Recommendation,
    ReviewAction,
    ReviewKind,
    RiskItem,
)
from tests.factories import AgencyFactory, PartnershipFactory


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PracticeReview

    partnership = factory.SubFactory(PartnershipFactory)
    reference = factory.Sequence(lambda n: f"REV-{n:03d}")
    title = factory.Sequence(lambda n: f"Child {n}")
    kind = ReviewKind.LCSPR
    summary = "An anonymised summary."
    became_aware_on = datetime.date(2019, 12, 23)


class RecommendationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recommendation

    review = factory.SubFactory(ReviewFactory)
    number = factory.Sequence(lambda n: n + 1)
    text = "Agencies should share information sooner."


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReviewAction

    recommendation = factory.SubFactory(RecommendationFactory)
    number = factory.Sequence(lambda n: n + 1)
    description = "Audit the use of the escalation policy."
    owner = factory.SubFactory(AgencyFactory)
    due_on = datetime.date(2020, 3, 31)
    status = ActionStatus.NOT_STARTED


class RiskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RiskItem

    partnership = factory.SubFactory(PartnershipFactory)
    title = factory.Sequence(lambda n: f"Risk {n}")
    likelihood = 3
    impact = 4
    owner = factory.SubFactory(AgencyFactory)


class BriefingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LearningBriefing

    partnership = factory.SubFactory(PartnershipFactory)
    title = factory.Sequence(lambda n: f"Briefing {n}")
    published_on = datetime.date(2019, 11, 1)
