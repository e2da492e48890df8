"""Year on year in Chromium with axe: the editor showing last year's figures under a keyed table, and the
report preview with its year-on-year table and trend chart."""

import datetime

import pytest
from django.urls import reverse

from reports.models import SectionRevision
from tests.browser.conftest import axe_violations, sign_in
from tests.factories import PASSWORD, PeriodFactory
from tests.reports.conftest import content, make_section

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REFERRALS = {
    "title": "Referral by source",
    "columns": ["Source", "Council", "England"],
    "rows": [["Police", "23.7%", "28.7%"], ["Schools", "20.4%", "18.2%"]],
    "chart": "bar",
    "key": "referrals-by-source",
}


def approved(period, world, figures):
    section = make_section(period, slug="performance-data", position=1, author="business_manager", kind="data")
    table = {
        **REFERRALS,
        "rows": [[row[0], figure, row[2]] for row, figure in zip(REFERRALS["rows"], figures, strict=True)],
    }
    revision = SectionRevision.objects.create(
        section=section, number=1, content=content("Figures.", tables=[table]), author=world.users["business_manager"]
    )
    section.current_revision = section.approved_revision = revision
    section.state = "approved"
    section.save()


def test_the_editor_and_the_preview_with_earlier_years_have_no_axe_violations(page, live_server, world):
    earlier = PeriodFactory(
        partnership=world.partnership, label="2018/19", slug="2018-19", start=datetime.date(2018, 4, 1),
        end=datetime.date(2019, 3, 31), submission_deadline=datetime.date(2019, 9, 30),
    )  # fmt: skip
    approved(earlier, world, ["23.7%", "20.4%"])
    approved(world.period, world, ["26.8%", "16.4%"])
    sign_in(page, live_server.url, "manager", PASSWORD)
    kwargs = {"partnership_slug": world.partnership.slug, "period_slug": world.period.slug}
    page.goto(live_server.url + reverse("reports:section_edit", kwargs=kwargs | {"section_slug": "performance-data"}))
    assert "Last year's figures (2018/19)" in page.content()
    assert axe_violations(page) == []
    page.set_viewport_size({"width": 320, "height": 800})
    assert page.evaluate("document.documentElement.scrollWidth") <= 320  # reflows: the table scrolls in its box
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto(live_server.url + reverse("reports:report_preview", kwargs=kwargs))
    assert "Year on year: Referral by source" in page.content()
    assert axe_violations(page) == []
