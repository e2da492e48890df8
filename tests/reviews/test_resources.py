import datetime

import pytest
import tablib

from reviews.models import PracticeReview, ReviewAction
from reviews.resources import PracticeReviewResource, ReviewActionResource
from tests.reviews.factories import ActionFactory, RecommendationFactory, ReviewFactory

pytestmark = pytest.mark.django_db

REVIEW_HEADERS = ["partnership", "reference", "title", "kind", "status", "became_aware_on", "notification_sent_on"]


def _import(resource, headers, rows):
    return resource.import_data(tablib.Dataset(*rows, headers=headers), dry_run=False, raise_errors=False)


def _errors(result) -> list[str]:
    messages = [str(e.error) for e in result.base_errors]
    for row in result.invalid_rows:
        messages += [m for ms in row.error_dict.values() for m in ms]
    for _, errors in result.row_errors():
        messages += [str(e.error) for e in errors]
    return messages


def test_reviews_import_creates_and_updates_by_reference(world):
    ReviewFactory(partnership=world.partnership, reference="SCR-1", title="Old")
    result = _import(
        PracticeReviewResource(),
        REVIEW_HEADERS,
        [
            ["tsp", "SCR-1", "Child J", "scr", "published", "2019-05-01", ""],
            ["tsp", "RR-2", "Child K", "rapid_review", "scoping", "2020-01-06", "2020-01-10"],
        ],
    )
    assert not result.has_errors() and not result.has_validation_errors()
    assert dict(PracticeReview.objects.values_list("reference", "title")) == {"SCR-1": "Child J", "RR-2": "Child K"}
    assert PracticeReview.objects.get(reference="RR-2").notification_sent_on == datetime.date(2020, 1, 10)


def test_reviews_import_is_all_or_nothing(world):
    result = _import(
        PracticeReviewResource(),
        REVIEW_HEADERS,
        [
            ["tsp", "RR-1", "Child A", "rapid_review", "scoping", "2020-01-06", "2020-01-10"],
            ["tsp", "RR-2", "Child B", "rapid_review", "scoping", "2020-01-10", "2020-01-06"],  # notified before aware
        ],
    )
    assert result.has_validation_errors()
    assert any("cannot be before partnership became aware of the incident" in m for m in _errors(result))
    assert not PracticeReview.objects.exists()


def test_reviews_import_refuses_formulas(world):
    result = _import(
        PracticeReviewResource(),
        REVIEW_HEADERS,
        [["tsp", "RR-1", '=HYPERLINK("http://x")', "rapid_review", "scoping", "2020-01-06", ""]],
    )
    assert result.has_errors() or result.has_validation_errors()
    assert any("which a spreadsheet would run as a formula" in m for m in _errors(result))
    assert not PracticeReview.objects.exists()


def test_reviews_export_neutralises_formulas(world):
    ReviewFactory(partnership=world.partnership, reference="RR-1", title="+SUM(A1:A2)")
    dataset = PracticeReviewResource().export()
    assert dataset.dict[0]["title"] == "'+SUM(A1:A2)"
    assert dataset.dict[0]["partnership"] == "tsp"


ACTION_HEADERS = ["partnership", "review", "recommendation", "number", "description", "owner", "due_on", "status"]


def test_actions_import_matches_recommendation_and_owner_within_the_partnership(world):
    rec = RecommendationFactory(review=ReviewFactory(partnership=world.partnership, reference="SCR-1"), number=2)
    result = _import(
        ReviewActionResource(),
        ACTION_HEADERS,
        [["tsp", "SCR-1", "2", "1", "Audit supervision", "police", "2020-06-30", "in_progress"]],
    )
    assert not result.has_errors() and not result.has_validation_errors(), _errors(result)
    action = ReviewAction.objects.get()
    assert (action.recommendation, action.owner, action.due_on) == (rec, world.agency_b, datetime.date(2020, 6, 30))


def test_actions_import_with_unknown_recommendation_writes_nothing(world):
    RecommendationFactory(review=ReviewFactory(partnership=world.partnership, reference="SCR-1"), number=1)
    result = _import(
        ReviewActionResource(),
        ACTION_HEADERS,
        [
            ["tsp", "SCR-1", "1", "1", "Fine", "police", "2020-06-30", "in_progress"],
            ["tsp", "SCR-1", "7", "1", "No such recommendation", "police", "2020-06-30", "in_progress"],
        ],
    )
    assert any("Review 'SCR-1' has no recommendation 7." in m for m in _errors(result))
    assert not ReviewAction.objects.exists()


def test_actions_import_refuses_completed_without_evidence(world):
    RecommendationFactory(review=ReviewFactory(partnership=world.partnership, reference="SCR-1"), number=1)
    result = _import(
        ReviewActionResource(),
        ACTION_HEADERS,
        [["tsp", "SCR-1", "1", "1", "Done?", "police", "2020-06-30", "completed"]],
    )
    assert any("A completed action needs the date and the evidence of completion." in m for m in _errors(result))
    assert not ReviewAction.objects.exists()


def test_actions_export_has_review_and_partnership_columns(world):
    rec = RecommendationFactory(review=ReviewFactory(partnership=world.partnership, reference="SCR-1"), number=3)
    ActionFactory(recommendation=rec, number=1, owner=world.agency_a, description="-1+1 not a number")
    row = ReviewActionResource().export().dict[0]
    assert (row["partnership"], row["review"], row["recommendation"], row["owner"]) == ("tsp", "SCR-1", 3, "council")
    assert row["description"] == "'-1+1 not a number"


@pytest.mark.parametrize("model", ["practicereview", "reviewaction"])
def test_admin_import_needs_the_import_permission(db, client, model):
    from django.contrib.auth.models import Permission

    from tests.factories import UserFactory, totp_enrol

    staff = UserFactory(username="staff", is_staff=True)
    totp_enrol(staff)  # staff must have a second factor (people/mfa.py)
    staff.user_permissions.add(Permission.objects.get(codename=f"view_{model}"))
    client.force_login(staff)
    address = f"/admin/reviews/{model}/import/"
    assert client.get(address).status_code == 403
    staff.user_permissions.add(Permission.objects.get(codename=f"import_{model}"))
    assert client.get(address).status_code == 200


def test_reviews_import_refuses_steps_out_of_order_across_a_blank_step(world):
    result = _import(
        PracticeReviewResource(),
        [*REVIEW_HEADERS, "rapid_review_sent_on"],
        [["tsp", "RR-3", "Child L", "rapid_review", "scoping", "2020-01-06", "", "2020-01-02"]],
    )
    assert result.has_validation_errors()
    assert _errors(result) == [
        "Rapid review sent to the national panel cannot be before partnership became aware of the incident. "
        "Check both dates."
    ]
    assert not PracticeReview.objects.filter(reference="RR-3").exists()
