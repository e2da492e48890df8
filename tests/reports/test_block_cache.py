"""The preview keeps computed blocks' HTML while nothing they show can have changed (reports.block_cache):
a change made through a service (audited) shows at once, the next day is a new key, the published report
always works its blocks out afresh, and with the cache down the preview still shows every block."""

import datetime
from decimal import Decimal
from unittest import mock

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from agencies.models import FundingContribution
from agencies.services.funding import funding_change
from reports import block_cache
from reports.assembly import report_assemble
from reports.blocks import Block, block_fill
from reports.rendering import report_html
from tests.factories import FundingFactory
from tests.reports.report_fixtures import add_section, add_spec, content

pytestmark = pytest.mark.django_db


@pytest.fixture
def funded(world):
    manager = world.users["business_manager"]
    spec = add_spec(world.period, 1, "Funding", block="funding", themes=["funding"])
    add_section(spec, manager, content("Partners fund the arrangements."))
    FundingFactory(agency=world.agency_a, period=world.period, amount=Decimal("100"))
    FundingFactory(agency=world.agency_b, period=world.period, amount=Decimal("50.50"))
    return world


def preview(world) -> str:
    return report_html(report_assemble(period=world.period, preview=True))


def fills(world) -> tuple[str, int]:
    """The preview's HTML and how many blocks were worked out for it."""
    with mock.patch("reports.assembly.block_fill", wraps=block_fill) as filled:
        html = preview(world)
    return html, filled.call_count


def test_a_second_preview_with_nothing_changed_works_out_no_block(funded):
    html, filled = fills(funded)
    assert filled == 1 and "£150.50" in html
    again, filled_again = fills(funded)
    assert filled_again == 0
    assert again == html


def test_a_change_made_through_a_service_shows_in_the_next_preview(funded):
    assert "£150.50" in preview(funded)
    contribution = FundingContribution.objects.get(agency=funded.agency_b, period=funded.period)
    funding_change(user=funded.users["business_manager"], contribution=contribution, amount=Decimal("75"))
    html, filled = fills(funded)
    assert filled == 1
    assert "£175" in html and "£150.50" not in html


def test_a_change_in_another_partnership_or_the_portal_moves_the_key_too(funded):
    heads = block_cache.audit_heads(funded.period.partnership_id)
    assert len(heads) == 2
    key = block_cache.block_key(funded.period, "funding", 3, heads, datetime.date(2026, 12, 2))
    assert key != block_cache.block_key(funded.period, "funding", 3, (heads[0], "f" * 64), datetime.date(2026, 12, 2))
    assert key != block_cache.block_key(funded.period, "funding", 3, ("e" * 64, heads[1]), datetime.date(2026, 12, 2))
    assert key != block_cache.block_key(funded.period, "funding", 4, heads, datetime.date(2026, 12, 2))
    assert key != block_cache.block_key(funded.period, "training", 3, heads, datetime.date(2026, 12, 2))


def test_the_next_day_works_the_blocks_out_again(funded):
    preview(funded)
    tomorrow = datetime.date.today() + datetime.timedelta(days=1)
    with mock.patch("reports.block_cache.timezone.localdate", return_value=tomorrow):
        _html, filled = fills(funded)
    assert filled == 1


def test_the_published_report_never_reads_a_kept_block(funded):
    """A block kept from a write the services never saw (a shell) must not reach the published report."""
    preview(funded)
    FundingContribution.objects.filter(agency=funded.agency_b).update(amount=Decimal("1"))  # behind the audit's back
    assert "£150.50" in preview(funded)  # the preview may show the kept block until it expires
    final = report_html(report_assemble(period=funded.period, preview=False))
    assert ">£101<" in final and "£150.50" not in final


def test_kept_blocks_expire(funded):
    preview(funded)
    with mock.patch.object(cache, "set_many", wraps=cache.set_many) as kept:
        cache.clear()
        preview(funded)
    assert kept.call_args.args[1] == block_cache.BLOCK_TTL
    assert 0 < block_cache.BLOCK_TTL <= 3600


def test_with_the_cache_down_every_block_is_still_shown(funded, caplog):
    import redis

    from reports.frozen import frozen_cache_clear

    frozen_cache_clear()
    broken = redis.exceptions.ConnectionError("down")
    with mock.patch.object(cache, "get_many", side_effect=broken), mock.patch.object(cache, "set_many"):
        html, filled = fills(funded)
    frozen_cache_clear()
    assert filled == 1 and "£150.50" in html
    assert "Cache unavailable" in caplog.text


def test_a_warm_preview_asks_one_query_for_its_blocks(funded):
    preview(funded)
    with CaptureQueriesContext(connection) as captured:
        preview(funded)
    assert sum("audit" in query["sql"].lower() for query in captured.captured_queries) == 1
    assert not any("agencies_fundingcontribution" in query["sql"] for query in captured.captured_queries)


def test_a_deployment_that_changes_the_code_is_a_new_key(funded, monkeypatch):
    heads, today = block_cache.audit_heads(funded.period.partnership_id), datetime.date(2026, 12, 2)
    before = block_cache.block_key(funded.period, "funding", 3, heads, today)
    monkeypatch.setattr(block_cache, "BLOCK_VERSION", block_cache.BLOCK_VERSION + 1)
    block_cache.code_fingerprint.cache_clear()
    try:
        assert block_cache.block_key(funded.period, "funding", 3, heads, today) != before
    finally:
        monkeypatch.undo()
        block_cache.code_fingerprint.cache_clear()


@pytest.mark.parametrize("preview", [True, False], ids=["preview", "published"])
def test_a_blocks_subheadings_sit_under_its_sections_heading(world, preview):
    spec = add_spec(world.period, 1, "Training", level=2, block="training")
    add_section(spec, world.users["business_manager"], content("What we trained."))
    html = report_html(report_assemble(period=world.period, preview=preview))
    assert '<h4 class="subheading">Children&#x27;s safeguarding courses</h4>' in html


def test_a_block_that_cannot_be_shown_says_why():
    missing = Block("nonesuch", "", available=False, message="There is no computed block called 'nonesuch'.")
    assert block_cache.block_html_render(missing, 3) == (
        '<p class="block-missing">There is no computed block called &#x27;nonesuch&#x27;.</p>'
    )


def test_the_progress_blocks_section_anchors_take_one_query_however_many_sections(world):
    """Each link to a section needs its anchor: the outline is read once, its kinds with it (not once a spec)."""
    from reports.progress_selectors import _anchors

    for position in range(1, 13):
        add_spec(world.period, position, f"Section {position}", level=1 + position % 2)
    with CaptureQueriesContext(connection) as captured:
        anchors = _anchors(world.period)
    assert len(captured.captured_queries) == 1
    assert (anchors["s1"], anchors["s2"]) == ("section-1-1-section-1", "section-1-section-2")
