"""Chart text is only ever text: no mathtext, no markup, for every kind of chart and every place text goes.

Issue 11 (F5): a data-table label `$\\alert{x}$` made the report preview a 500 for everyone,
since matplotlib parsed it as mathematics. The corpus below mixes LaTeX, XSS, XML and odd
characters; each is put in the title, the labels, the legend (series names) and the axis
label of every chart kind, and the SVG must parse as XML with nothing but SVG elements in
it, no script, no event handler, and the text drawn as given (escaped).
"""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from lib.charts import KINDS, LABEL_CHARS, LEGEND_CHARS, TITLE_CHARS, ChartSpec, chart_svg, text_clean
from reports.charts import chart_for_table
from tests.reports.report_fixtures import add_section, add_spec, content
from training.charts import attendance_chart
from training.stats import CourseAttendance

SVG = "{http://www.w3.org/2000/svg}"
ALLOWED = {"svg", "title", "desc", "defs", "style", "g", "path", "clipPath", "rect", "use", "text", "tspan", "pattern"}
CORPUS = [
    r"$\alert{x}$",
    "$$",
    r"$\frac{1}{0}$",
    r"\$",
    "$^{^{^{",
    r"$\x$ and $y",
    "<script>alert(1)</script>",
    '"><svg onload=alert(1)>',
    "]]>",
    "&amp;",
    "a\x00b\x01c\x0b",
    "\u202eevil\u202c \u200f",
    "x" * 10_000,
    "Emoji 🧒🏽 ✔",
    "%s %n %(x)s {0}",
    "\ud800 lone surrogate",
    "line\nbreak\ttab",
    "",
]


def spec(kind: str, text: str) -> ChartSpec:
    return ChartSpec(
        kind=kind,
        title=text,
        labels=(text, "Plain"),
        series=((text, (1.0, None)), ("Second " + text, (2.0, 3.0))),
        value_label=text,
        description=f"Description of {text}",
    )


def assert_safe_svg(svg: str) -> ET.Element:
    root = ET.fromstring(svg)  # well-formed XML, or this raises
    for element in root.iter():
        namespace, _, name = element.tag.rpartition("}")
        assert namespace + "}" == SVG, f"foreign element {element.tag}"
        assert name in ALLOWED, f"unexpected element <{name}>"
        for attribute, value in element.attrib.items():
            local = attribute.rpartition("}")[2].lower()
            assert not local.startswith("on"), f"event handler {attribute}"
            if local == "href":
                assert value.startswith("#"), value
    assert "<script" not in svg.lower()
    return root


def drawn_text(root: ET.Element) -> list[str]:
    return ["".join(element.itertext()) for element in root.iter(SVG + "text")]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("text", CORPUS, ids=lambda t: repr(t[:20]))
def test_any_text_in_any_chart_is_drawn_as_escaped_text(kind, text):
    svg = chart_svg(spec(kind, text))
    root = assert_safe_svg(svg)
    texts = drawn_text(root)
    if text_clean(text, 10):
        assert text_clean(text, TITLE_CHARS) in texts  # the title, as given
        assert text_clean(text, LABEL_CHARS) in texts  # the category label
        assert text_clean(text, LEGEND_CHARS) in texts  # the series in the legend, and the axis label
    assert root.find(SVG + "title").text == (text_clean(text, 1000) or None)
    assert root.find(SVG + "desc").text == text_clean(f"Description of {text}", 5000)
    assert not root.findall(f".//{SVG}text/{SVG}tspan")  # mathtext would draw its pieces as tspans


@pytest.mark.parametrize("kind", KINDS)
def test_values_that_are_not_finite_are_drawn_as_no_value(kind):
    chart = ChartSpec(
        kind=kind, title="T", labels=("a", "b", "c", "d"), series=(("S", (float("inf"), float("nan"), -1e308, 2)),),
        value_label="V", description="D",
    )  # fmt: skip
    assert_safe_svg(chart_svg(chart))


def test_mathematics_stays_as_typed():
    root = assert_safe_svg(chart_svg(spec("bar", r"$\frac{1}{0}$ and $x^2$")))
    assert r"$\frac{1}{0}$ and $x^2$" in drawn_text(root)


def test_markup_is_escaped_in_the_svg_source():
    svg = chart_svg(spec("line", '<script>alert(1)</script> "><svg onload=alert(1)> &amp;'))
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    assert "&amp;amp;" in svg
    assert svg.count("<svg") == 1 and "&lt;svg onload=alert(1)&gt;" in svg


@pytest.mark.parametrize("text", CORPUS, ids=lambda t: repr(t[:20]))
def test_data_table_and_training_charts_take_any_text(text):
    for kind in ("bar", "line"):
        rows = [[text, "4%"], ["Police", "5%"], ["Overflow", "9" * 400], ["Negative", "-1,000.5"]]
        table = {"title": text, "columns": [text, text], "rows": rows, "chart": kind}
        assert_safe_svg(chart_for_table(table).svg)
    courses = [CourseAttendance(text, False, 3, 1), CourseAttendance("Neglect", True, 2, 0)]
    assert_safe_svg(chart_svg(attendance_chart(courses=courses, title=text)))


@pytest.mark.django_db
def test_preview_of_a_data_table_labelled_with_mathematics_is_shown(world, client_as):
    table = {
        "title": r"Referrals $\frac{1}{0}$",
        "columns": ["Source", r"$\alert{x}$"],
        "rows": [[r"$\alert{x}$", "23.7%"], ["<script>alert(1)</script>", "20%"]],
        "source": "",
        "chart": "bar",
    }
    spec_ = add_spec(world.period, 1, "Performance", kind="data")
    add_section(spec_, world.users["business_manager"], content("Figures", tables=[table]), approved=False)
    url = reverse("reports:report_preview", args=["tsp", world.period.slug])
    response = client_as("business_manager").get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert r">$\alert{x}$</text>" in html
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
