"""Year on year in the section editor: last year's keyed tables to choose from, last year's figures beside the
table while writing, a new section started from last year's tables, and bad keys refused on the form."""

import datetime

import pytest

from reports.models import Section, SectionRevision
from tests.factories import PeriodFactory
from tests.reports.conftest import content, make_section
from tests.reports.test_views import form_data, url

pytestmark = pytest.mark.django_db

KEY = "referrals-by-source"
LAST_YEAR = {
    "title": "Referral by source",
    "columns": ["Source", "Council", "England"],
    "rows": [["Police", "23.7%", "28.7%"], ["Schools", "20.4%", "18.2%"]],
    "source": "Contacts referred, 2018-19",
    "chart": "bar",
    "key": KEY,
}
OTHER = {"title": "Early help assessments", "columns": ["Kind", "Count"], "rows": [["Internal", "1289"]], "key": "eha"}


@pytest.fixture
def last_year(world, sections):
    """2018/19, before the stock 2019/20: agency A's section (same address) and another, each with a keyed table,
    and a third section whose keyed table is only a draft."""
    period = PeriodFactory(
        partnership=world.partnership, label="2018/19", slug="2018-19", start=datetime.date(2018, 4, 1),
        end=datetime.date(2019, 3, 31), submission_deadline=datetime.date(2019, 9, 30),
    )  # fmt: skip
    cases = [
        ("early-help", OTHER, True),
        ("council-working", LAST_YEAR, True),
        ("draft-only", {**OTHER, "key": "x"}, 0),
    ]
    for position, (slug, table, approved) in enumerate(cases, start=1):
        section = make_section(period, slug=slug, position=position, owner=world.agency_a)
        revision = SectionRevision.objects.create(
            section=section, number=1, content=content("Last year.", tables=[table]), author=world.users["lead_a"]
        )
        section.current_revision, section.state = revision, "approved" if approved else "draft"
        section.approved_revision = revision if approved else None
        section.save()
    return period


def table_fields(title="Referral by source", rows="Police,26.8%,29.6%\nSchools,16.4%,16.1%\n", **extra):
    fields = {"tables-0-title": title, "tables-0-columns": "Source, Council, England", "tables-0-rows": rows}
    return fields | {f"tables-0-{name}": value for name, value in extra.items()}


def test_a_new_section_starts_from_last_years_keyed_table_with_its_figures_beside_it(client_as, sections, last_year):
    page = client_as("lead_a").get(url("section_edit", sections.a)).content.decode()
    assert "These tables continue last year's measures" in page
    assert 'name="tables-0-title" value="Referral by source"' in page
    assert (
        'id="id_tables-0-rows">\nPolice,,\nSchools,,\n</textarea>' in page
    )  # row names kept, this year's figures to fill in
    assert (
        f'<option value="{KEY}" selected>Referral by source (in &#x27;Council Working&#x27;, 2018/19)</option>' in page
    )
    last = page[page.index('data-testid="last-year"') :]
    assert "Last year's figures (2018/19)" in last
    assert '<th scope="row" class="govuk-table__header">Police</th><td class="govuk-table__cell">23.7%</td>' in last


def test_the_choices_are_last_years_keyed_approved_tables_this_sections_first(client_as, sections, last_year):
    page = client_as("lead_b").get(url("section_edit", sections.b)).content.decode()
    select = page[
        page.index('name="tables-0-same_as"') : page.index("</select>", page.index('name="tables-0-same_as"'))
    ]
    options = [line.strip() for line in select.split("<option")[1:]]
    assert options == [
        'value="" selected>Not one of last year&#x27;s tables</option>',
        'value="eha">Early help assessments (in &#x27;Early Help&#x27;, 2018/19)</option>',
        f'value="{KEY}">Referral by source (in &#x27;Council Working&#x27;, 2018/19)</option>',
    ]  # the draft's key is not offered; police-working has no section of its own last year
    assert 'data-testid="carried"' not in page


def test_choosing_last_years_table_saves_its_key_and_the_writer_then_sees_last_years_figures(
    client_as, sections, last_year
):
    response = client_as("lead_a").post(url("section_edit", sections.a), form_data("N", **table_fields(same_as=KEY)))
    assert response.status_code == 302
    saved = Section.objects.get(pk=sections.a.pk).current_revision.content["tables"][0]
    assert (saved["key"], saved["rows"][0]) == (KEY, ["Police", "26.8%", "29.6%"])
    page = client_as("lead_a").get(url("section_edit", sections.a)).content.decode()
    assert f'<option value="{KEY}" selected>' in page
    assert page.count('data-testid="last-year"') == 1
    assert "23.7%" in page and "26.8%" in page  # last year's figure beside this year's


def test_a_typed_key_with_no_table_last_year_is_kept_and_shows_no_last_year(client_as, sections, last_year):
    response = client_as("lead_a").post(url("section_edit", sections.a), form_data("N", **table_fields(key="new-one")))
    assert response.status_code == 302
    assert Section.objects.get(pk=sections.a.pk).current_revision.content["tables"][0]["key"] == "new-one"
    page = client_as("lead_a").get(url("section_edit", sections.a)).content.decode()
    assert 'name="tables-0-key" value="new-one"' in page and 'data-testid="last-year"' not in page


def test_a_badly_spelt_key_is_refused_on_the_form_and_nothing_is_saved(client_as, sections, last_year):
    response = client_as("lead_a").post(
        url("section_edit", sections.a), form_data("N", **table_fields(key="Referrals 2020"))
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in html
    message = (
        "The measure key &#x27;Referrals 2020&#x27; can hold only lower-case letters, digits and single hyphens "
        "between them, for example &#x27;referrals-by-source&#x27;."
    )
    assert f'href="#id_tables-0-key">Table 1 (Measure key): {message}</a>' in html
    assert SectionRevision.objects.filter(section=sections.a).count() == 0


def test_a_chosen_table_and_a_different_typed_key_are_refused(client_as, sections, last_year):
    fields = table_fields(same_as=KEY, key="something-else")
    response = client_as("lead_a").post(url("section_edit", sections.a), form_data("N", **fields))
    assert response.status_code == 200
    assert "You chose a table of last year and typed the key &#x27;something-else&#x27;." in response.content.decode()
    assert SectionRevision.objects.filter(section=sections.a).count() == 0


def test_a_keyed_table_repeating_a_row_name_is_refused_by_the_service_on_the_form(client_as, sections, last_year):
    fields = table_fields(rows="Police,1,2\npolice,3,4\n", same_as=KEY)
    response = client_as("lead_a").post(url("section_edit", sections.a), form_data("N", **fields))
    html = response.content.decode()
    assert response.status_code == 200
    assert "with a measure key, each row&#x27;s first cell must differ" in html
    assert SectionRevision.objects.filter(section=sections.a).count() == 0


def test_an_unknown_choice_is_refused_with_what_to_do(client_as, sections, last_year):
    response = client_as("lead_a").post(
        url("section_edit", sections.a), form_data("N", **table_fields(same_as="not-offered"))
    )
    assert response.status_code == 200
    assert "Choose one of last year&#x27;s tables from the list" in response.content.decode()


def test_without_an_earlier_period_the_editor_offers_only_a_key(client_as, sections):
    page = client_as("lead_a").get(url("section_edit", sections.a)).content.decode()
    assert 'name="tables-0-same_as"' not in page
    assert 'name="tables-0-key"' in page


def test_after_the_outline_is_copied_a_sections_keyed_tables_carry_on_with_their_key(client_as, world, sections):
    from reports.services import outline_copy

    revision = SectionRevision.objects.create(
        section=sections.a, number=1, content=content("This year.", tables=[LAST_YEAR]), author=world.users["lead_a"]
    )
    Section.objects.filter(pk=sections.a.pk).update(
        current_revision=revision, approved_revision=revision, state="approved"
    )
    later = PeriodFactory(
        partnership=world.partnership, label="2020/21", slug="2020-21", start=datetime.date(2020, 4, 1),
        end=datetime.date(2021, 3, 31), submission_deadline=datetime.date(2021, 9, 30),
    )  # fmt: skip
    outline_copy(user=world.users["business_manager"], source_period=world.period, target_period=later)
    page = client_as("lead_a").get(url("section_edit", sections.a, period_slug="2020-21")).content.decode()
    assert (
        f'<option value="{KEY}" selected>Referral by source (in &#x27;Council Working&#x27;, 2019/20)</option>' in page
    )
    assert "Last year's figures (2019/20)" in page
    response = client_as("lead_a").post(
        url("section_edit", sections.a, period_slug="2020-21"), form_data("N", **table_fields(same_as=KEY))
    )
    assert response.status_code == 302
    copied = Section.objects.get(spec__period=later, spec__slug="council-working")
    assert copied.current_revision.content["tables"][0]["key"] == KEY
