"""Year on year: how a keyed table is matched with earlier years' tables, and which keys are refused."""

import pytest

from reports.content import content_clean
from reports.errors import InvalidInput
from reports.measures import (
    DASH,
    TREND_SERIES,
    EarlierTable,
    comparison_build,
    key_format_problem,
)
from tests.reports.conftest import content


def table(rows, columns=("Source", "Dudley", "England"), **extra):
    return {"title": "Referral by source", "columns": list(columns), "rows": [list(r) for r in rows], **extra}


THIS_YEAR = table([["Police", "26.8%", "29.6%"], ["Schools", "16.4%", "16.1%"], ["Housing", "1.5%", "1.4%"]])
LAST_YEAR = table([["police", "23.7%", "28.7%"], ["Schools ", "20.4%", "18.2%"], ["Health", "15.9%", "15.0%"]])


def build(this=THIS_YEAR, *earlier):
    earlier = earlier or (EarlierTable("2019/20", LAST_YEAR),)
    return comparison_build(key="referrals", table=this, period_label="2020/21", earlier=list(earlier))


def cells(comparison):
    return {row.label: row.cells for row in comparison.rows}


def test_a_value_that_changed_shows_both_years_column_by_column():
    comparison = build()
    assert comparison.periods == ["2019/20", "2020/21"]
    assert comparison.columns == ["Dudley", "England"]
    assert comparison.headings == ["Dudley, 2019/20", "Dudley, 2020/21", "England, 2019/20", "England, 2020/21"]
    assert cells(comparison)["Police"] == ["23.7%", "26.8%", "28.7%", "29.6%"]
    assert cells(comparison)["Schools"] == ["20.4%", "16.4%", "18.2%", "16.1%"]


def test_rows_match_by_first_cell_ignoring_capitals_and_spaces():
    this = table([["LA  Services", "10"]], columns=("Source", "Count"))
    last = table([["la services", "12"]], columns=("source", " count "))
    comparison = build(this, EarlierTable("2019/20", last))
    assert cells(comparison) == {"LA  Services": ["12", "10"]}
    assert comparison.headings == ["2019/20", "2020/21"]  # one column compared: the years alone


def test_a_row_missing_last_year_shows_a_dash_and_last_years_own_row_follows():
    comparison = build()
    assert cells(comparison)["Housing"] == [DASH, "1.5%", DASH, "1.4%"]
    health = comparison.rows[-1]
    assert (health.label, health.cells, health.only_earlier) == ("Health", ["15.9%", DASH, "15.0%", DASH], True)
    assert [row.label for row in comparison.rows] == ["Police", "Schools", "Housing", "Health"]
    assert comparison.has_gaps


def test_a_column_last_year_lacks_and_a_cell_that_is_no_number_show_dashes():
    this = table([["Police", "5", "7"]], columns=("Source", "Dudley", "Region"))
    last = table([["Police", "n/a"]], columns=("Source", "Dudley"))
    assert cells(build(this, EarlierTable("2019/20", last))) == {"Police": [DASH, "5", DASH, "7"]}


def test_only_numeric_columns_are_compared():
    this = table([["Police", "5", "rising"]], columns=("Source", "Count", "Comment"))
    comparison = build(this, EarlierTable("2019/20", table([["Police", "4", "steady"]], columns=this["columns"])))
    assert comparison.columns == ["Count"]
    assert cells(comparison) == {"Police": ["4", "5"]}


def test_no_earlier_year_or_no_figures_means_no_comparison():
    assert comparison_build(key="k", table=THIS_YEAR, period_label="2020/21", earlier=[]) is None
    words = table([["Police", "high"]], columns=("Source", "Level"))
    assert build(words, EarlierTable("2019/20", words)) is None


def test_at_most_four_earlier_years_are_shown_oldest_first():
    earlier = [EarlierTable(f"201{9 - n}/{20 - n}", table([["Police", str(n)]], ("Source", "Count"))) for n in range(5)]
    this = table([["Police", "9"]], ("Source", "Count"))
    comparison = build(this, *earlier)
    assert comparison.periods == ["2016/17", "2017/18", "2018/19", "2019/20", "2020/21"]
    assert cells(comparison) == {"Police": ["3", "2", "1", "0", "9"]}


def test_the_trend_chart_draws_the_first_column_one_line_per_row_with_figures_both_years():
    spec = build().chart_spec
    assert spec.kind == "line"
    assert spec.labels == ("2019/20", "2020/21")
    assert spec.series == (("Police", (23.7, 26.8)), ("Schools", (20.4, 16.4)))  # Housing has no 2019/20 figure
    assert spec.value_label == "Value (%)"
    assert "Police: 23.7% in 2019/20, 26.8% in 2020/21." in spec.description
    assert spec.description.startswith("Line chart of Referral by source (Dudley) from 2019/20 to 2020/21")


def test_the_trend_chart_keeps_the_rows_with_the_largest_figures_this_year():
    rows = [[f"Row {n}", str(n)] for n in range(10)]
    comparison = build(table(rows, ("Source", "Count")), EarlierTable("2019/20", table(rows, ("Source", "Count"))))
    names = [name for name, _ in comparison.chart_spec.series]
    assert names == [f"Row {n}" for n in range(10 - TREND_SERIES, 10)]
    assert f"the {TREND_SERIES} rows with the largest figures in 2020/21 (of 10)" in comparison.chart_spec.description


def test_a_key_is_kept_and_old_tables_without_one_stay_as_they_were():
    old = table([["Police", "1", "2"]])
    cleaned = content_clean(content(tables=[old, {**old, "title": "Keyed", "key": "referrals-by-source"}]))
    assert "key" not in cleaned["tables"][0]
    assert cleaned["tables"][1]["key"] == "referrals-by-source"


@pytest.mark.parametrize(
    ("key", "message"),
    [
        ("Referrals 2020", "the measure key 'Referrals 2020' can hold only lower-case letters, digits and single"),
        ("referrals--by", "can hold only lower-case letters"),
        ("-referrals", "can hold only lower-case letters"),
        ("r" * 61, "keep the measure key under 61 characters"),
    ],
)
def test_a_badly_spelt_key_is_refused_saying_how_to_spell_it(key, message):
    with pytest.raises(InvalidInput) as refused:
        content_clean(content(tables=[table([["Police", "1", "2"]], key=key)]))
    assert refused.value.errors == [f"Table 1 (Referral by source): {key_format_problem(key)}"]
    assert message in refused.value.errors[0]
    assert "for example 'referrals-by-source'" in refused.value.errors[0]


def test_a_keyed_table_with_a_repeated_row_name_is_refused():
    rows = [["Police", "1", "2"], ["police ", "3", "4"]]
    with pytest.raises(InvalidInput) as refused:
        content_clean(content(tables=[table(rows, key="referrals")]))
    assert refused.value.errors == [
        "Table 1 (Referral by source): with a measure key, each row's first cell must differ so the row can be "
        "matched with other years; 'police' appears more than once. Rename or merge the rows."
    ]
    assert len(content_clean(content(tables=[table(rows)]))["tables"][0]["rows"]) == 2  # without a key: allowed


def test_a_keyed_table_needs_a_column_of_figures():
    with pytest.raises(InvalidInput) as refused:
        content_clean(content(tables=[table([["Police"]], columns=("Source",), key="referrals")]))
    assert "needs a first column naming each row and at least one column of figures" in refused.value.errors[0]


def test_two_tables_of_a_section_cannot_share_a_key():
    keyed = table([["Police", "1", "2"]], key="referrals")
    with pytest.raises(InvalidInput) as refused:
        content_clean(content(tables=[keyed, {**keyed, "title": "Again"}]))
    assert refused.value.errors == [
        "Tables 1 and 2 both have the measure key 'referrals'. A measure appears once a year: give each table its "
        "own key."
    ]
