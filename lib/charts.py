"""The one chart helper of the portal: plain values in, an SVG for an HTML page out.

Charts are drawn on the server as SVG so the HTML and the PDF (WeasyPrint renders the
same bytes) show the same picture. Every app describes its chart as a `ChartSpec` of
plain values (labels, numbers, words) and calls `chart_svg`; no app draws for itself.

Safety. Chart text comes from people (a data table's labels, a course's title), so it is
never read as anything but text: matplotlib's mathtext is off for every text object
(`text.parse_math` False while a figure is built and drawn, and again on each Text before
saving, so tick labels and legend entries made late are covered too), characters XML
cannot hold are dropped, and long labels are shortened (the full text is in the data
table above every chart). The SVG backend escapes text; `<title>`/`<desc>` are escaped
here.

Cost. The SVG canvas is used directly (no Agg), there is no constrained layout or tight
bounding box (each is a second draw): margins are worked out from the labels' lengths.
Charts have at most MAX_CATEGORIES categories; a caller with more aggregates them first.
A chart's `key` is a content hash of everything that decides the picture (its values,
STYLE_VERSION and matplotlib's version), so a caller may store the SVG under it and
never invalidate it: changed data or a changed style is a new key.

Accessibility. Text stays text (svg.fonttype 'none') so it can be searched and read;
the SVG carries a <title> and a <desc> with the same description the page prints beside
the chart; every series differs from the others by a pattern (bars: HATCHES, unless the
caller gives its own) or a marker and line style (lines), not by colour alone; text is 12 pt. Output is
byte-stable for the same spec (fixed hash salt, no date, no metadata block).
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import re
import warnings
from dataclasses import asdict, dataclass, field
from xml.sax.saxutils import escape

import matplotlib
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure
from matplotlib.text import Text
from matplotlib.ticker import MaxNLocator

# Bump when a change to this module changes the picture, so stored SVGs are drawn again.
STYLE_VERSION = 2  # 2: 12 pt text; every series told apart by a pattern or marker as well as colour
MAX_CATEGORIES = 40
LABEL_CHARS = 40
LEGEND_CHARS = 30
TITLE_CHARS = 80
# Colours from the GOV.UK palette, distinguishable for common colour-vision deficiencies.
PALETTE = ("#1d70b8", "#f47738", "#003078", "#85994b", "#912b88", "#505a5f")
# 12 pt in a 7.5 inch figure: the page never shows a chart below 540 px wide (report.css), so text stays at
# 12 px or more wherever it is shown.
FONT_SIZE = 12
# After its colour, each series differs by a pattern (bars) or a marker and a line style (lines).
HATCHES = ("", "//", "..", "xx", "\\\\", "++")
MARKERS = ("o", "s", "^", "D", "v", "P")
LINESTYLES = ("-", "--", ":", "-.", "-", "--")
CHAR_WIDTH_IN = 0.62 * FONT_SIZE / 72  # DejaVu Sans is wide; an over-estimate only adds margin
RC = {
    "svg.fonttype": "none",
    "svg.hashsalt": "portal-chart",
    "text.parse_math": False,
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans"],
    "font.size": FONT_SIZE,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": 13,
    "axes.titleweight": "bold",
    "axes.titlelocation": "left",
    "legend.frameon": False,
}
KINDS = ("bar", "stacked_bar", "line")
# Characters XML 1.0 cannot carry (C0 controls but tab/newline/return, lone surrogates, U+FFFE/F).
NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
SPACES = re.compile(r"\s+")
SVG_ID = re.compile(r'(\bid="|url\(#|href="#)([^")]+)')

# Labels in scripts DejaVu Sans lacks (emoji) are kept as text; the browser's fonts draw them.
warnings.filterwarnings("ignore", message=r"Glyph .* missing from font", category=UserWarning)


@dataclass(frozen=True)
class ChartSpec:
    """What a chart shows, as plain values. `series` is ((name, (value or None, ...)), ...), one value a label."""

    kind: str
    title: str
    labels: tuple[str, ...]
    series: tuple[tuple[str, tuple[float | None, ...]], ...]
    value_label: str
    description: str
    colours: tuple[str, ...] = PALETTE
    hatches: tuple[str, ...] = field(default=())

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"Unknown chart kind {self.kind!r}; use one of {', '.join(KINDS)}.")
        if len(self.labels) > MAX_CATEGORIES:
            raise ValueError(f"A chart shows at most {MAX_CATEGORIES} categories; aggregate the rest first.")

    @property
    def key(self) -> str:
        """A content hash of everything that decides the picture."""
        data = {"spec": asdict(self), "style": STYLE_VERSION, "matplotlib": matplotlib.__version__}
        return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=True).encode()).hexdigest()


def text_clean(text, limit: int) -> str:
    """Text safe to draw: characters XML cannot hold dropped, runs of space made one, shortened to `limit`."""
    text = SPACES.sub(" ", NOT_XML.sub("", str(text))).strip()
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def chart_svg(spec: ChartSpec) -> str:
    """The chart as an SVG element ready to sit in an HTML page (no XML declaration), with <title> and <desc>."""
    with matplotlib.rc_context(RC):
        figure = _figure(spec)
        for text in figure.findobj(Text):
            text.set_parse_math(False)
        buffer = io.StringIO()
        figure.savefig(buffer, format="svg", metadata=dict.fromkeys(("Date", "Creator", "Format", "Type")))
    return _accessible(buffer.getvalue(), spec)


def _figure(spec: ChartSpec) -> Figure:
    labels = [text_clean(label, LABEL_CHARS) for label in spec.labels]
    longest = max((len(label) for label in labels), default=1)
    legend_rows = math.ceil(len(spec.series) / 3) if len(spec.series) > 1 or spec.kind == "stacked_bar" else 0
    top = 0.45 + 0.25 * legend_rows  # inches: title, then the legend under it
    if spec.kind == "line":
        left, bottom = 0.9, 0.75 + 0.5 * CHAR_WIDTH_IN * min(longest, 25)
        height = 3.0 + top + bottom
    else:
        left, bottom = 0.3 + CHAR_WIDTH_IN * longest, 0.7
        height = 0.3 * max(len(labels), 3) * (1 if spec.kind == "stacked_bar" else max(1, len(spec.series) * 0.6))
        height += top + bottom
    width = 7.5
    left = min(left, width * 0.45)
    figure = Figure(figsize=(width, height))
    FigureCanvasSVG(figure)
    figure.subplots_adjust(left=left / width, right=0.97, top=1 - top / height, bottom=bottom / height)
    axes = figure.subplots()
    DRAW[spec.kind](axes, spec, labels)
    axes.set_title(text_clean(spec.title, TITLE_CHARS), pad=6 + 18 * legend_rows)
    if legend_rows:
        axes.legend(loc="lower left", bbox_to_anchor=(0, 1.0), ncols=min(len(spec.series), 3), borderaxespad=0.2)
    return figure


def _series(spec: ChartSpec):
    for index, (name, values) in enumerate(spec.series):
        colour = spec.colours[index % len(spec.colours)]
        hatch = spec.hatches[index] if index < len(spec.hatches) else HATCHES[index % len(HATCHES)] or None
        values = [v if v is not None and math.isfinite(v) else None for v in values]  # inf or NaN: no value
        yield text_clean(name, LEGEND_CHARS), values, colour, hatch


def _bars(axes, spec: ChartSpec, labels: list[str]) -> None:
    count = len(spec.series)
    width = 0.8 / count
    for offset, (name, values, colour, hatch) in enumerate(_series(spec)):
        positions = [p + (offset - (count - 1) / 2) * width for p in range(len(labels))]
        axes.barh(positions, [v or 0 for v in values], height=width, color=colour, label=name, hatch=hatch)
    _category_axis(axes, spec, labels)


def _stacked_bars(axes, spec: ChartSpec, labels: list[str]) -> None:
    left = [0.0] * len(labels)
    for name, values, colour, hatch in _series(spec):
        values = [v or 0 for v in values]
        axes.barh(range(len(labels)), values, left=left, height=0.7, color=colour, label=name, hatch=hatch)
        left = [a + b for a, b in zip(left, values, strict=True)]
    _category_axis(axes, spec, labels)


def _category_axis(axes, spec: ChartSpec, labels: list[str]) -> None:
    axes.set_yticks(range(len(labels)), labels)
    axes.set_ylim(len(labels) - 0.5, -0.5)  # first row on top, as in the table
    axes.xaxis.set_major_locator(MaxNLocator(5))
    axes.set_xlabel(text_clean(spec.value_label, LEGEND_CHARS))


def _lines(axes, spec: ChartSpec, labels: list[str]) -> None:
    positions = range(len(labels))
    for index, (name, values, colour, _hatch) in enumerate(_series(spec)):
        axes.plot(
            positions, [math.nan if v is None else v for v in values], color=colour, label=name,
            marker=MARKERS[index % len(MARKERS)], linestyle=LINESTYLES[index % len(LINESTYLES)],
        )  # fmt: skip
    axes.set_xticks(positions, labels, rotation=30, ha="right", rotation_mode="anchor")
    axes.yaxis.set_major_locator(MaxNLocator(5))
    axes.set_ylabel(text_clean(spec.value_label, LEGEND_CHARS))


DRAW = {"bar": _bars, "stacked_bar": _stacked_bars, "line": _lines}


def _accessible(svg: str, spec: ChartSpec) -> str:
    """Drop the XML declaration and DOCTYPE; give the <svg> its <title> and <desc>."""
    start = svg.find("<svg")
    svg = svg[start:]
    opening_end = svg.find(">") + 1
    title = escape(text_clean(spec.title, 1000))
    description = escape(text_clean(spec.description, 5000))
    return f"{svg[:opening_end]}\n <title>{title}</title>\n <desc>{description}</desc>{svg[opening_end:]}"


def svg_inline(svg: str, prefix: str = "") -> str:
    """SVG ready to sit inside an HTML page: no XML declaration or DOCTYPE, and with `prefix`
    its ids (and the references to them) made unique, since a report holds several charts."""
    start = svg.find("<svg")
    svg = svg[start:] if start >= 0 else svg
    if prefix:
        svg = SVG_ID.sub(lambda m: f"{m.group(1)}{prefix}-{m.group(2)}", svg)
    return svg
