"""Carrying last period's priorities and areas for development forward, and rating their progress."""

import datetime

import pytest

from lib.errors import InvalidInput, NotAllowed
from partnership.models import AuditEntry, Priority
from reports import progress, services
from reports.content import content_clean, content_has_substance, development_items
from reports.models import ProgressRating, Section, SectionRevision, SectionState, TrackedItem
from tests.factories import PeriodFactory
from tests.reports.conftest import content, make_section


@pytest.fixture
def next_period(world):
    return PeriodFactory(
        partnership=world.partnership, label="2020/21", slug="2020-21", start=datetime.date(2020, 4, 1),
        end=datetime.date(2021, 3, 31), submission_deadline=datetime.date(2021, 9, 30),
    )  # fmt: skip


def _approved(section, author, items, state=SectionState.APPROVED):
    revision = SectionRevision.objects.create(
        section=section, number=1, content=content("Words.", development_items=items), author=author
    )
    Section.objects.filter(pk=section.pk).update(
        current_revision=revision, approved_revision=revision if state == SectionState.APPROVED else None, state=state
    )


@pytest.fixture
def last_year(world):
    """2019/20: two priorities (one retired), agency A's approved section with two areas for development,
    agency B's section with one area that was never approved."""
    Priority.objects.create(partnership=world.partnership, position=1, title="Neglect")
    Priority.objects.create(partnership=world.partnership, position=2, title="Exploitation")
    Priority.objects.create(partnership=world.partnership, position=3, title="Old", retired_at="2019-01-01T00:00Z")
    a = make_section(world.period, slug="council", position=1, owner=world.agency_a)
    b = make_section(world.period, slug="police", position=2, owner=world.agency_b)
    intro = make_section(world.period, slug="intro", position=3, author="business_manager")
    lead = world.users["lead_a"]
    _approved(a, lead, [{"title": "GP reports", "detail": "Every conference."}, {"title": "Audit", "detail": ""}])
    _approved(b, world.users["lead_b"], [{"title": "Never approved", "detail": ""}], state=SectionState.DRAFT)
    _approved(intro, world.users["business_manager"], [{"title": "Partnership-wide", "detail": ""}])
    return world.period


def _carry(world, source, target):
    manager = world.users["business_manager"]
    return progress.progress_items_carry(user=manager, source_period=source, target_period=target)


def _items(period):
    return {i.title: i for i in TrackedItem.objects.filter(period=period).select_related("owner_agency")}


def test_priorities_and_approved_areas_are_carried_with_their_owners(world, last_year, next_period):
    assert _carry(world, last_year, next_period) == 5
    items = _items(next_period)
    assert set(items) == {"Neglect", "Exploitation", "GP reports", "Audit", "Partnership-wide"}
    assert items["Neglect"].owner_agency is None and items["Neglect"].origin == "priority"
    assert items["Neglect"].source_label == "Priority 1"
    assert items["GP reports"].owner_agency == world.agency_a
    assert items["GP reports"].detail == "Every conference."
    assert items["GP reports"].source_label == "Area for development in 'Council', 2019/20"
    assert items["Partnership-wide"].owner_name == "The partnership"
    assert all(item.rating == ProgressRating.NOT_RATED for item in items.values())
    entry = AuditEntry.objects.get(code="reports.progress.carried")
    assert entry.data["count"] == 5 and entry.period_id == next_period.pk


def test_a_second_copy_adds_nothing_and_writes_no_entry(world, last_year, next_period):
    _carry(world, last_year, next_period)
    assert _carry(world, last_year, next_period) == 0
    assert TrackedItem.objects.filter(period=next_period).count() == 5
    assert AuditEntry.objects.filter(code="reports.progress.carried").count() == 1


def test_open_items_are_carried_again_and_achieved_ones_are_not(world, last_year, next_period):
    _carry(world, last_year, next_period)
    items = _items(next_period)
    manager = world.users["business_manager"]
    progress.tracked_item_rate(user=manager, item=items["Neglect"], rating="achieved", evidence="Done.")
    progress.tracked_item_rate(user=manager, item=items["GP reports"], rating="some")
    progress.tracked_item_rate(
        user=manager, item=items["Audit"], rating="little", explanation="No staff.", what_will_change="A new post."
    )
    third = PeriodFactory(
        partnership=world.partnership, label="2021/22", slug="2021-22", start=datetime.date(2021, 4, 1),
        end=datetime.date(2022, 3, 31), submission_deadline=datetime.date(2022, 9, 30),
    )  # fmt: skip
    assert _carry(world, next_period, third) == 4
    carried = _items(third)
    # The achieved priority is not tracked again, though it is still a priority of the partnership.
    assert set(carried) == {"Exploitation", "GP reports", "Audit", "Partnership-wide"}
    assert all(item.origin == "carried" for item in carried.values())
    assert carried["GP reports"].carried_from == items["GP reports"]
    assert carried["GP reports"].owner_agency == world.agency_a
    assert carried["GP reports"].rating == ProgressRating.NOT_RATED
    assert carried["Audit"].source_label == "Carried again from 2020/21: Area for development in 'Council', 2019/20"
    assert _carry(world, next_period, third) == 0


def test_copying_the_outline_carries_the_open_items(world, last_year, next_period):
    manager = world.users["business_manager"]
    copied = services.outline_copy(user=manager, source_period=last_year, target_period=next_period)
    assert copied == 3
    assert set(_items(next_period)) == {"Neglect", "Exploitation", "GP reports", "Audit", "Partnership-wide"}


def test_only_the_business_manager_carries_items(world, last_year, next_period):
    with pytest.raises(NotAllowed):
        progress.progress_items_carry(user=world.users["lead_a"], source_period=last_year, target_period=next_period)
    with pytest.raises(InvalidInput):
        _carry(world, next_period, next_period)
    assert not TrackedItem.objects.exists()


@pytest.fixture
def item(world):
    return TrackedItem.objects.create(
        period=world.period, title="GP reports", origin="development", owner_agency=world.agency_a
    )


def test_little_progress_is_refused_without_the_reason_and_what_will_change(world, item):
    with pytest.raises(InvalidInput) as refused:
        progress.tracked_item_rate(user=world.users["lead_a"], item=item, rating="little", evidence="Tried.")
    assert refused.value.by_field == {
        "explanation": ["Say why there was little or no progress: the report must explain it."],
        "what_will_change": ["Say what will change so that this item makes progress next year."],
    }
    with pytest.raises(InvalidInput) as refused:
        progress.tracked_item_rate(
            user=world.users["lead_a"], item=item, rating="little", explanation="No staff.", what_will_change="  "
        )
    assert list(refused.value.by_field) == ["what_will_change"]
    item.refresh_from_db()
    assert item.rating == ProgressRating.NOT_RATED and item.evidence == ""
    assert not AuditEntry.objects.filter(code="reports.progress.item_rated").exists()


def test_a_rating_with_its_explanation_is_saved_and_audited(world, item):
    rated = progress.tracked_item_rate(
        user=world.users["lead_a"], item=item, rating="little", evidence=" Some. ",
        explanation="No staff.", what_will_change="A new post.", links=["training:attended"],
    )  # fmt: skip
    item.refresh_from_db()
    assert (item.rating, item.evidence, item.explanation, item.what_will_change) == (
        "little",
        "Some.",
        "No staff.",
        "A new post.",
    )
    assert item.evidence_links == [{"kind": "training", "ref": "attended", "label": "Delegates who attended"}]
    assert rated.rated_by == world.users["lead_a"]
    entry = AuditEntry.objects.get(code="reports.progress.item_rated")
    assert entry.data["rating"] == "Little or no progress"
    assert entry.data["changes"]["rating"] == ["not_rated", "little"]


def test_unknown_ratings_and_links_are_refused(world, item):
    with pytest.raises(InvalidInput) as refused:
        progress.tracked_item_rate(user=world.users["lead_a"], item=item, rating="great", links=["section:nowhere"])
    assert set(refused.value.by_field) == {"rating", "links"}


def test_a_lead_rates_only_their_agencys_items(world, item):
    for who in ("lead_b", "contributor", "scrutineer", "outsider"):
        with pytest.raises(NotAllowed):
            progress.tracked_item_rate(user=world.users[who], item=item, rating="good")
    progress.tracked_item_rate(user=world.users["business_manager"], item=item, rating="good")
    item.refresh_from_db()
    assert item.rating == "good"


def test_a_lead_changes_the_text_but_only_the_manager_reassigns(world, item):
    lead = world.users["lead_a"]
    changed = progress.tracked_item_change(user=lead, item=item, title=" GP  reports now ", detail="More.")
    assert (changed.title, changed.detail) == ("GP reports now", "More.")
    with pytest.raises(NotAllowed):
        progress.tracked_item_change(user=lead, item=item, title="X", detail="", owner_agency=world.agency_b)
    with pytest.raises(NotAllowed):
        progress.tracked_item_change(user=world.users["lead_b"], item=item, title="X", detail="")
    progress.tracked_item_change(
        user=world.users["business_manager"], item=item, title="GP reports now", detail="More.",
        owner_agency=world.agency_b,
    )  # fmt: skip
    item.refresh_from_db()
    assert item.owner_agency == world.agency_b and item.title == "GP reports now"
    assigned = AuditEntry.objects.get(code="reports.progress.item_assigned")
    assert assigned.data["changes"]["owner"] == ["Council", "Police"]
    assert AuditEntry.objects.filter(code="reports.progress.item_changed").count() == 1  # the second change none


def test_adding_an_item_needs_a_title_and_an_agency_of_the_partnership(world):
    manager = world.users["business_manager"]
    with pytest.raises(InvalidInput) as refused:
        progress.tracked_item_add(user=manager, period=world.period, title="  ")
    assert refused.value.by_field == {"title": ["Give the item a short title."]}
    with pytest.raises(NotAllowed):
        progress.tracked_item_add(user=world.users["lead_a"], period=world.period, title="Mine")
    first = progress.tracked_item_add(user=manager, period=world.period, title="One", owner_agency=world.agency_c)
    second = progress.tracked_item_add(user=manager, period=world.period, title="Two")
    assert (first.position, second.position, first.origin, second.owner_agency) == (1, 2, "added", None)
    assert AuditEntry.objects.filter(code="reports.progress.item_added").count() == 2


def test_development_items_are_cleaned_and_old_revisions_have_none():
    cleaned = content_clean(content("Text.", development_items=[
        {"title": "  GP   reports ", "detail": "Every one.\r\n"}, {"title": "", "detail": ""},
    ]))  # fmt: skip
    assert cleaned["development_items"] == [{"title": "GP reports", "detail": "Every one."}]
    assert "development_items" not in content_clean(content("Text."))  # the stored shape stays as it was
    assert development_items(content("Old revision.")) == []
    assert content_has_substance(content(development_items=[{"title": "A", "detail": ""}]))
    with pytest.raises(InvalidInput) as refused:
        content_clean(content(development_items=[{"title": "", "detail": "Detail without a title."}]))
    assert refused.value.messages == ["Area for development 1: give it a short title."]


def test_the_diff_shows_a_changed_area_for_development():
    from reports.diff import section_changes

    old = content("Same.")
    new = content("Same.", development_items=[{"title": "GP reports", "detail": "All of them."}])
    changed = [change for change in section_changes(old, new, rendered=False) if change.changed]
    assert [(change.key, change.label) for change in changed] == [
        ("development-items", "Areas for development to carry forward")
    ]
    assert "GP reports: All of them." in "".join(part.text for part in changed[0].parts)
