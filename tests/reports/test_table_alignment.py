from reports.assembly import RenderedTable


def table(rows):
    return RenderedTable(title="T", columns=["Source", "Count", "Notes"], rows=rows, source="", chart=None, anchor="t")


def test_number_columns_align_right_and_text_columns_left():
    t = table([["Police", "1,204", "Up on last year"], ["Health", "12.5%", ""], ["Schools", "£300", "n/a"]])
    assert t.numeric_columns == [False, True, False]
    assert t.cells[0] == [("Police", False), ("1,204", True), ("Up on last year", False)]
    assert t.headings == [("Source", False), ("Count", True), ("Notes", False)]


def test_an_empty_column_is_not_numeric_and_short_rows_are_safe():
    t = table([["Police", "", ""], ["Health"]])
    assert t.numeric_columns == [False, False, False]
    assert t.cells[1] == [("Health", False)]
