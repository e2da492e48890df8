"""The report page scans the draft for the publication guard in the same number of queries at 10 and 200
sections, flags or none, and the flags list too."""

import datetime

import pytest
from django.urls import reverse

from reports.models import GuardFlag, Section, SectionRevision, SectionSpec
from tests.factories import PeriodFactory
from tests.reports.test_queries import count

FLAGGED = {
    "narrative": "Born on 3 May 2012. A 7-year-old from Netherton.",
    "key_achievements": "",
    "areas_for_development": "",
    "quotes": [
        {"kind": "case_study", "title": "A", "text": "We saw 2 families.", "attribution": "", "consented": True}
    ],
    "tables": [{"title": "T", "columns": ["Team", "Cases"], "rows": [["North", "3"]], "source": "", "chart": ""}],
}


def build(world, period, n: int) -> None:
    specs = SectionSpec.objects.bulk_create(
        [
            SectionSpec(period=period, slug=f"s-{i}", position=i + 1, title=f"Section {i}", author="business_manager")
            for i in range(n)
        ]
    )
    sections = Section.objects.bulk_create([Section(spec=spec) for spec in specs])
    revisions = SectionRevision.objects.bulk_create(
        [
            SectionRevision(section=s, number=1, content=FLAGGED, author=world.users["business_manager"])
            for s in sections
        ]
    )
    for section, revision in zip(sections, revisions, strict=True):
        section.current_revision, section.state = revision, "draft"
    Section.objects.bulk_update(sections, ["current_revision", "state"])


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["reports:report", "reports:guard_flags"])
def test_scanning_costs_the_same_queries_at_10_and_200_sections(world, client_as, page):
    later = PeriodFactory(
        partnership=world.partnership, label="2020/21", slug="2020-21",
        start=datetime.date(2020, 4, 1), end=datetime.date(2021, 3, 31), submission_deadline=datetime.date(2021, 9, 30),
    )  # fmt: skip
    build(world, world.period, 10)
    build(world, later, 200)
    client = client_as("business_manager")
    client.get(reverse("home"))  # a session's first request records its start (people.middleware): not counted
    paths = {n: reverse(page, args=["tsp", p.slug]) for n, p in ((10, world.period), (200, later))}
    first = {n: count(client, path) for n, path in paths.items()}  # stores the flags
    assert GuardFlag.objects.filter(period=world.period).count() == 10 * 4
    assert GuardFlag.objects.filter(period=later).count() == 200 * 4
    steady = {n: count(client, path) for n, path in paths.items()}
    # The one-off insert of new flags goes in batches as large as the database allows (SQLite's variable limit
    # makes 800 flags about a dozen inserts); every later look reads them back in one query.
    assert first[200] - first[10] <= 12
    assert steady[10] == steady[200]
    assert steady[10] <= 40
