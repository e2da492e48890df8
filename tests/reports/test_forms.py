from reports.forms import QuoteFormSet, SectionForm, TableFormSet, content_from_forms, section_initial
from tests.reports.conftest import content


def formset_post(prefix, rows, fields):
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows) + 1),
        f"{prefix}-INITIAL_FORMS": str(len(rows)),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "50",
    }
    for i, row in enumerate(rows):
        for name in fields:
            value = row.get(name, "")
            if value is True:
                value = "on"
            if value is not False:
                data[f"{prefix}-{i}-{name}"] = value
    data[f"{prefix}-{len(rows)}-kind"] = "quote"
    return data


def test_stored_content_survives_a_round_trip_through_the_forms_unchanged():
    stored = content(
        "Narrative with, commas",
        key_achievements="- One",
        quotes=[
            {
                "kind": "case_study",
                "title": "Case Study 1",
                "text": "It helped.",
                "attribution": "A parent",
                "consented": True,
            }
        ],
        tables=[
            {
                "title": "Referrals",
                "columns": ["Source", "Dudley, MBC"],
                "rows": [["Police", "20%"], ['Say "hi"', ""]],
                "source": "DfE",
                "chart": "bar",
            }
        ],
    )
    main, quotes, tables = section_initial(stored)
    post = {**main, "based_on": "1"}
    post |= formset_post("quotes", quotes, ["kind", "title", "text", "attribution", "consented"])
    post |= formset_post("tables", tables, ["title", "columns", "rows", "source", "chart"])
    form, quote_set, table_set = (
        SectionForm(post),
        QuoteFormSet(post, prefix="quotes"),
        TableFormSet(post, prefix="tables"),
    )
    assert form.is_valid() and quote_set.is_valid() and table_set.is_valid(), (
        form.errors,
        quote_set.errors,
        table_set.errors,
    )
    assert content_from_forms(form, quote_set, table_set) == stored
