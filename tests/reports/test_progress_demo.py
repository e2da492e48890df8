"""The demo's tracked items loader, run against periods made by the test factories."""

import datetime

import pytest

from partnership.models import AuditEntry, Priority
from reports.demo_progress import ProgressDemoError, progress_demo_load
from reports.models import TrackedItem
from tests.factories import PeriodFactory, Role, UserFactory, grant
from tests.reports.report_fixtures import add_section, add_spec, content
from tests.reviews.factories import ActionFactory, RecommendationFactory

FILE = """
from: 2019-20
ratings:
  - title: Neglect
    rating: good
    evidence: The tool is used in eight of ten cases.
    links: [section:s1, "action:R-1/1/2", training:attended]
  - title: GP reports
    rating: little
    evidence: Few reports.
    explanation: No staff.
    what_will_change: A new post.
"""


@pytest.fixture
def demo(world, tmp_path):
    Priority.objects.create(partnership=world.partnership, position=1, title="Neglect")
    section = add_spec(world.period, 1, "Council", owner=world.agency_a)
    add_section(
        section, world.users["lead_a"], content("Text.", development_items=[{"title": "GP reports", "detail": ""}])
    )
    grant(UserFactory(username="lead-council"), world.partnership, Role.AGENCY_LEAD, world.agency_a)
    recommendation = RecommendationFactory(review__partnership=world.partnership, review__reference="R-1", number=1)
    ActionFactory(recommendation=recommendation, number=2, owner=world.agency_a)
    period = PeriodFactory(
        partnership=world.partnership, label="2020/21", slug="2020-21", start=datetime.date(2020, 4, 1),
        end=datetime.date(2021, 3, 31), submission_deadline=datetime.date(2021, 9, 30),
    )  # fmt: skip
    add_section(add_spec(period, 1, "Council this year", owner=world.agency_a), world.users["lead_a"], content("Now."))
    path = tmp_path / "progress.yaml"
    path.write_text(FILE, encoding="utf-8")
    return period, path


def test_the_loader_carries_and_rates_then_changes_nothing(world, demo):
    period, path = demo
    assert progress_demo_load(period=period, path=path) == 4  # two carried, two rated
    items = {item.title: item for item in TrackedItem.objects.filter(period=period)}
    assert (items["Neglect"].rating, items["GP reports"].rating) == ("good", "little")
    assert items["GP reports"].explanation == "No staff."
    assert items["GP reports"].rated_by.username == "lead-council"  # the owning agency's lead
    assert items["Neglect"].rated_by.username == "manager"  # the partnership's priority
    assert [link["kind"] for link in items["Neglect"].evidence_links] == ["section", "action", "training"]
    entries = AuditEntry.objects.count()
    assert progress_demo_load(period=period, path=path) == 0
    assert AuditEntry.objects.count() == entries


def test_a_rating_for_an_item_that_was_not_carried_is_a_clear_error(demo):
    period, path = demo
    path.write_text("from: 2019-20\nratings:\n  - {title: Nothing, rating: good}\n", encoding="utf-8")
    with pytest.raises(ProgressDemoError, match="no carried item called 'Nothing'"):
        progress_demo_load(period=period, path=path)
    assert not TrackedItem.objects.filter(period=period).exists()  # all or nothing


def test_a_missing_file_loads_nothing(demo, tmp_path):
    period, _path = demo
    assert progress_demo_load(period=period, path=tmp_path / "none.yaml") == 0


def test_the_real_demo_file_carries_2019_20_into_2020_21(db, monkeypatch):
    from io import StringIO
    from pathlib import Path

    from django.core.management import call_command

    from partnership.models import ReportingPeriod
    from reports.assembly import report_assemble
    from reports.rendering import report_html

    monkeypatch.setenv("DEMO_PASSWORD", "demo-password-for-tests")
    call_command("load_demo", stdout=StringIO())
    period = ReportingPeriod.objects.get(partnership__slug="dudley", slug="2020-21")
    path = Path(__file__).resolve().parents[2] / "demo" / "dudley-2020-21" / "progress.yaml"
    # load_demo carried and rated them already: loading the file again changes nothing.
    assert progress_demo_load(period=period, path=path) == 0
    items = list(TrackedItem.objects.filter(period=period))
    origins = {item.origin for item in items}
    assert origins == {"priority", "development"}
    rated = [item for item in items if item.rating != "not_rated"]
    assert len(rated) == 5 and len(items) == 10  # three priorities and seven areas for development
    little = [item for item in rated if item.rating == "little"]
    assert len(little) == 1 and little[0].explanation and little[0].what_will_change
    html = report_html(report_assemble(period=period, preview=True))
    assert "Items carried into 2020/21 by progress rating" in html
    assert "Why there was little or no progress:" in html
