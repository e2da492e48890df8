"""Forms for writing sections and shaping the outline. They check shape; services check rules."""

from __future__ import annotations

import csv
import io

from django import forms

from agencies.models import Agency
from lib.forms import PortalFormMixin
from partnership.models import Priority
from reports.checklist import statutory_checklist
from reports.content import CHART_TYPES, MAX_COLUMNS, MAX_ROWS, TEXT_FIELDS
from reports.impact import EVIDENCE_KINDS, IMPACT_LABEL, MAX_EVIDENCE, MAX_EVIDENCE_CHARS
from reports.markdown import MAX_FIELD_CHARS, too_long_message
from reports.measures import key_format_problem
from reports.models import Author, ComputedBlock, SpecKind

MAX_CSV_BYTES = 1_000_000
NOT_SAME = "Not one of last year's tables"


def _markdown_field(label: str, help_text: str) -> forms.CharField:
    return forms.CharField(
        label=label,
        required=False,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": 10, "data-word-count": "true"}),
    )


class SectionForm(PortalFormMixin, forms.Form):
    """The Markdown fields and the revision the writer started from."""

    narrative = _markdown_field(
        "What we did",
        "What the partners did this year. Markdown: **bold**, *italic*, lists with -, links as [text](https://…).",
    )
    impact = _markdown_field(
        IMPACT_LABEL,
        "The change for children and families that this work brought about, not the activity itself: "
        "for example fewer re-referrals, or what children said was better. Markdown, as above.",
    )
    key_achievements = _markdown_field("Key achievements", "One achievement per line, each starting with -.")
    areas_for_development = _markdown_field("Areas for development", "One area per line, each starting with -.")
    based_on = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, suggested_words: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if suggested_words:
            self.fields["narrative"].widget.attrs["data-suggested-words"] = str(suggested_words)

    def clean(self):
        data = super().clean()
        for name, label in TEXT_FIELDS.items():
            text = data.get(name) or ""
            if len(text) > MAX_FIELD_CHARS:
                self.add_error(name, too_long_message(label, len(text)))
        return data


class QuoteForm(PortalFormMixin, forms.Form):
    kind = forms.ChoiceField(choices=[("quote", "Quote"), ("case_study", "Case study")], initial="quote")
    title = forms.CharField(required=False, max_length=200, help_text="Case studies only, for example 'Case Study 1'.")
    text = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 4}), max_length=MAX_FIELD_CHARS)
    attribution = forms.CharField(
        required=False,
        max_length=200,
        help_text="A role, never a name: for example 'A parent supported by Early Help'.",
    )
    consented = forms.BooleanField(
        required=False, label="I confirm this is anonymised and the person consented to its use"
    )

    def clean(self):
        data = super().clean()
        if data.get("text") and not data.get("consented") and not data.get("DELETE"):
            self.add_error(
                "consented", "Confirm that the quote is anonymised and the person consented, or remove the quote."
            )
        return data


class EvidenceForm(PortalFormMixin, forms.Form):
    """One item of "how we know": its kind, a short description and, for a data table, which one."""

    kind = forms.ChoiceField(
        required=False, label="Kind of evidence", choices=[("", "Choose the kind"), *EVIDENCE_KINDS.items()]
    )
    description = forms.CharField(
        required=False,
        max_length=MAX_EVIDENCE_CHARS,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What it shows, in a sentence: for example 'Audit of 40 strategy discussions, March 2020'.",
    )
    table = forms.IntegerField(
        required=False,
        min_value=1,
        max_value=MAX_ROWS,
        label="Table number",
        help_text="For a data table only: the number of the table below (Table 1, Table 2 …).",
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-4"}),
    )

    def clean(self):
        data = super().clean()
        if data.get("DELETE") or not (data.get("kind") or data.get("description") or data.get("table")):
            return data
        if not data.get("kind"):
            self.add_error("kind", "Choose what kind of evidence it is.")
        if not data.get("description"):
            self.add_error("description", "Describe the evidence in a sentence, or remove the item.")
        if data.get("kind") == "data_table" and not data.get("table"):
            self.add_error("table", "Give the number of the table this evidence is, for example 1.")
        return data


EvidenceFormSet = forms.formset_factory(EvidenceForm, extra=1, can_delete=True, max_num=MAX_EVIDENCE, validate_max=True)


QuoteFormSet = forms.formset_factory(QuoteForm, extra=1, can_delete=True, max_num=50, validate_max=True)


def _csv_rows(text: str) -> list[list[str]]:
    return [row for row in csv.reader(io.StringIO(text)) if any(cell.strip() for cell in row)]


def csv_to_lines(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


class TableForm(PortalFormMixin, forms.Form):
    title = forms.CharField(required=False, max_length=200)
    columns = forms.CharField(
        required=False,
        max_length=2000,
        help_text="Column headings separated by commas, for example: Source, This area, England.",
    )
    rows = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=200_000,
        help_text="One row per line, cells separated by commas. Put a cell with a comma in double quotes.",
    )
    csv_file = forms.FileField(
        required=False,
        label="Or upload a CSV file",
        help_text="The first row holds the column headings. It replaces the headings and rows above.",
    )
    source = forms.CharField(required=False, max_length=500, label="Source note")
    chart = forms.ChoiceField(
        required=False, choices=[("", "No chart"), ("bar", "Bar chart"), ("line", "Line chart")], label="Chart"
    )
    # Year on year (reports/measures.py): the same measure as one of last year's tables, or a key of its own.
    same_as = forms.ChoiceField(
        required=False, choices=[("", NOT_SAME)], label="Same measure as last year's table",
        error_messages={"invalid_choice": f"Choose one of last year's tables from the list, or '{NOT_SAME}'."},
    )  # fmt: skip
    key = forms.CharField(
        required=False,
        max_length=200,
        label="Measure key",
        help_text=(
            "Only for a measure the report compares year on year: a short name that stays the same every year, "
            "such as referrals-by-source."
        ),
    )

    def __init__(self, *args, previous_tables=(), previous_label: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        keys = [(t.key, t.choice_label) for t in previous_tables]
        if not keys:
            del self.fields["same_as"]
            return
        field = self.fields["same_as"]
        field.choices = [("", NOT_SAME), *keys]
        field.label = f"Same measure as a table of {previous_label}"
        field.help_text = "The report then shows both years' figures side by side, with a trend chart."
        self.fields["key"].help_text += " Leave it empty if you chose last year's table above."
        if not self.is_bound and self.initial.get("key") in dict(keys):
            self.initial = {**self.initial, "same_as": self.initial["key"], "key": ""}

    def clean(self):
        data = super().clean()
        self._clean_key(data)
        upload = data.get("csv_file")
        if upload:
            rows = self._read_upload(upload)
            if rows is None:
                return data
            data["column_list"], data["row_list"] = (rows[0], rows[1:]) if rows else ([], [])
        else:
            try:
                columns = _csv_rows(data.get("columns") or "")
                data["row_list"] = _csv_rows(data.get("rows") or "")
            except csv.Error as error:
                self.add_error(
                    "rows", f"The rows could not be read ({error}). Remove unusual characters and try again."
                )
                return data
            data["column_list"] = [c.strip() for c in columns[0]] if columns else []
        self._check_shape(data)
        return data

    def _clean_key(self, data) -> None:
        typed, chosen = (data.get("key") or "").strip(), data.get("same_as") or ""
        if chosen and typed and typed != chosen:
            self.add_error(
                "key",
                f"You chose a table of last year and typed the key '{typed}'. Clear the key to continue last "
                f"year's measure, or choose '{NOT_SAME}' to use your own key.",
            )
        data["measure_key"] = chosen or typed
        if problem := key_format_problem(data["measure_key"]):
            self.add_error("key", problem[0].upper() + problem[1:])

    def _read_upload(self, upload) -> list[list[str]] | None:
        if upload.size > MAX_CSV_BYTES:
            self.add_error("csv_file", "The file is larger than 1 MB. Split the table, or upload fewer rows.")
            return None
        try:
            text = upload.read().decode("utf-8-sig")
        except UnicodeDecodeError:
            self.add_error("csv_file", "The file is not UTF-8 text. Save it from your spreadsheet as 'CSV UTF-8'.")
            return None
        try:
            return _csv_rows(text)
        except csv.Error as error:
            self.add_error("csv_file", f"The file is not valid CSV ({error}). Save it again as CSV and upload it.")
            return None

    def _check_shape(self, data) -> None:
        columns, rows = data["column_list"], data["row_list"]
        if not columns and not rows:
            return
        where = "csv_file" if data.get("csv_file") else "rows"
        if not data.get("title"):
            self.add_error("title", "Give the table a title.")
        if not columns or len(columns) > MAX_COLUMNS:
            self.add_error("columns", f"Give between 1 and {MAX_COLUMNS} column headings.")
        if len(rows) > MAX_ROWS:
            self.add_error(where, f"A table can have at most {MAX_ROWS} rows. Split it into two tables.")
            return
        for number, row in enumerate(rows, start=1):
            if len(row) != len(columns):
                self.add_error(
                    where,
                    f"Row {number} has {len(row)} cells but there are {len(columns)} column headings. "
                    "Give every row one cell per column.",
                )

    def table(self) -> dict | None:
        data = self.cleaned_data
        if data.get("DELETE") or not (data.get("column_list") or data.get("row_list") or data.get("title")):
            return None
        return {
            "title": data.get("title", ""),
            "columns": data.get("column_list", []),
            "rows": [[cell.strip() for cell in row] for row in data.get("row_list", [])],
            "source": data.get("source", ""),
            "chart": data.get("chart") if data.get("chart") in CHART_TYPES else "",
        } | ({"key": data["measure_key"]} if data.get("measure_key") else {})


TableFormSet = forms.formset_factory(TableForm, extra=1, can_delete=True, max_num=20, validate_max=True)


def section_initial(content: dict) -> tuple[dict, list[dict], list[dict]]:
    """Form, quote formset and table formset initial data from a revision's content."""
    main = {name: content.get(name, "") for name in TEXT_FIELDS}
    quotes = [dict(q) for q in content.get("quotes", [])]
    tables = [
        {
            "title": t["title"],
            "columns": csv_to_lines([t["columns"]]).strip(),
            "rows": csv_to_lines(t["rows"]),
            "source": t.get("source", ""),
            "chart": t.get("chart") or "",
            "key": t.get("key") or "",
        }
        for t in content.get("tables", [])
    ]
    return main, quotes, tables


def evidence_initial(content: dict) -> list[dict]:
    """The evidence formset's initial data (none for a revision saved before impact existed)."""
    return [
        {"kind": item.get("kind", ""), "description": item.get("description", ""), "table": item.get("table")}
        for item in content.get("evidence") or []
    ]


def content_from_forms(
    form: SectionForm, quotes: forms.BaseFormSet, tables: forms.BaseFormSet, evidence: forms.BaseFormSet | None = None
) -> dict:
    """The content dict the services store, from valid forms."""
    content = {name: form.cleaned_data.get(name, "") for name in TEXT_FIELDS}
    content["quotes"] = [
        {key: f.cleaned_data.get(key) for key in ("kind", "title", "text", "attribution", "consented")}
        for f in quotes.forms
        if f.cleaned_data.get("text") and not f.cleaned_data.get("DELETE")
    ]
    # A data-table item names the table by its number on the form; removed or empty tables before it
    # shift the stored number, so it is mapped to the table's place among those kept.
    kept, numbers = [], {}
    for number, bound in enumerate(tables.forms, start=1):
        table = bound.table() if bound.cleaned_data else None
        if table:
            kept.append(table)
            numbers[number] = len(kept)
    content["tables"] = kept
    content["evidence"] = []
    for bound in evidence.forms if evidence is not None else []:
        data = bound.cleaned_data
        if not data or data.get("DELETE") or not (data.get("kind") or data.get("description")):
            continue
        # A table removed from the form leaves the item naming no table (0), which the service refuses.
        table = numbers.get(data.get("table"), 0) if data.get("kind") == "data_table" else None
        content["evidence"].append({"kind": data.get("kind"), "description": data.get("description"), "table": table})
    return content


class ReasonForm(PortalFormMixin, forms.Form):
    reason = forms.CharField(
        label="What needs to change", widget=forms.Textarea(attrs={"rows": 4}), max_length=10_000,
        help_text="The writer sees this.",
    )  # fmt: skip


def _long_text(what: str) -> dict:
    return {
        "required": f"Write your {what} before sending it.",
        "max_length": f"Your {what} is too long: keep it under %(limit_value)s characters.",
    }


class CommentForm(PortalFormMixin, forms.Form):
    body = forms.CharField(
        label="Add a comment", widget=forms.Textarea(attrs={"rows": 3}), max_length=10_000,
        error_messages=_long_text("comment"),
    )  # fmt: skip


class ChallengeForm(PortalFormMixin, forms.Form):
    question = forms.CharField(
        label="Raise a challenge", widget=forms.Textarea(attrs={"rows": 3}), max_length=10_000,
        help_text="A question the agency must answer before the report is published.",
        error_messages=_long_text("challenge"),
    )  # fmt: skip


class AnswerForm(PortalFormMixin, forms.Form):
    answer = forms.CharField(
        label="Your answer", widget=forms.Textarea(attrs={"rows": 3}), max_length=10_000,
        error_messages=_long_text("answer"),
    )  # fmt: skip


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    """People listed by name (and email, to tell two of the same name apart), never by username."""

    def label_from_instance(self, obj) -> str:
        name = obj.get_full_name() or obj.get_username()
        return f"{name} ({obj.email})" if obj.email else name


class AssignForm(PortalFormMixin, forms.Form):
    contributors = PeopleChoiceField(
        queryset=None, required=False, widget=forms.CheckboxSelectMultiple, label="Contributors who may draft it"
    )

    def __init__(self, *args, contributor_queryset, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["contributors"].queryset = contributor_queryset


class SpecForm(PortalFormMixin, forms.Form):
    title = forms.CharField(max_length=200)
    slug = forms.SlugField(
        max_length=80, label="Address", required=False,
        help_text="Made from the title if you leave it empty. Lower case letters, digits and hyphens.",
    )  # fmt: skip
    level = forms.TypedChoiceField(coerce=int, choices=[(1, "Chapter"), (2, "Section within a chapter")], initial=2)
    kind = forms.ChoiceField(choices=SpecKind.choices, initial=SpecKind.NARRATIVE)
    author = forms.ChoiceField(choices=Author.choices, initial=Author.AGENCY, label="Written by")
    owner_agency = forms.ModelChoiceField(queryset=None, required=False, label="Owning agency")
    computed_block = forms.ChoiceField(
        choices=[("", "None"), *ComputedBlock.choices], required=False, label="Figures the portal fills in"
    )
    themes = forms.MultipleChoiceField(
        choices=(), required=False, widget=forms.CheckboxSelectMultiple, label="Statutory themes it evidences"
    )
    priorities = forms.ModelMultipleChoiceField(
        queryset=None, required=False, widget=forms.CheckboxSelectMultiple, label="Partnership priorities it evidences"
    )
    suggested_words = forms.IntegerField(required=False, min_value=1, max_value=20_000)
    guidance = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 5}), max_length=10_000)
    impact_required = forms.BooleanField(
        required=False,
        label="The section must say what difference it made, with evidence",
        help_text="It cannot be submitted until it says what difference it made for children and families and "
        "gives at least one piece of evidence of how we know.",
    )

    def __init__(self, *args, partnership, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner_agency"].queryset = Agency.objects.filter(partnership=partnership).order_by("name")
        self.fields["priorities"].queryset = Priority.objects.filter(partnership=partnership).order_by("position")
        self.fields["themes"].choices = list(statutory_checklist().items())

    def spec_fields(self) -> dict:
        data = dict(self.cleaned_data)
        data["computed_block"] = data.get("computed_block") or None
        data["priorities"] = list(data.get("priorities") or [])
        return data
