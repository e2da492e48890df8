from reports.charts import chart_for_table, parse_number

REFERRALS = {
    "title": "Referral by source",
    "columns": ["Source", "Dudley", "West Midlands", "England"],
    "rows": [
        ["Police", "23.7%", "27%", "28.7%"],
        ["Schools", "20.4%", "17%", "18.2%"],
        ["Unknown", "0.0%", "3%", "1.4%"],
    ],
    "chart": "bar",
}


def test_numbers_are_read_from_printed_cells():
    assert parse_number("4.1%") == 4.1
    assert parse_number("£1,200") == 1200.0
    assert parse_number("-") is None
    assert parse_number("u3%") is None
    assert parse_number("9" * 400) is None  # too large for a float: not a figure


def test_bar_chart_is_svg_with_text_labels_and_a_description():
    chart = chart_for_table(REFERRALS)
    assert chart.svg.startswith("<svg")
    assert "Police" in chart.svg and "West Midlands" in chart.svg  # text, not paths
    assert chart.description.startswith("Bar chart of Referral by source, showing Dudley, West Midlands, England")
    assert "Dudley: highest Police (23.7%), lowest Unknown (0%)." in chart.description


def test_chart_is_byte_stable():
    assert chart_for_table(REFERRALS).svg == chart_for_table(REFERRALS).svg


def test_no_chart_without_a_chart_type_or_numbers():
    assert chart_for_table({**REFERRALS, "chart": ""}) is None
    assert chart_for_table({**REFERRALS, "rows": [["Police", "n/a", "-", "?"]]}) is None
