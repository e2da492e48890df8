"""The children's version of the report: a short plain-language page published beside the full report.

It is one section of the outline (SpecKind.CHILDREN, at most one per period, written by the business
manager unless the outline says otherwise). Assembly keeps it out of the report's body and numbering;
the contents list links to it. Publishing freezes it as its own page with the version
(PublishedChildrensVersion), at /reports/<partnership>/<period>/v<n>/children/.

It is not in the PDF: the PDF is the statutory document for print and the record, and a child reads the
page on its own, on a phone; inside the PDF it would sit among the numbered chapters or as an unnumbered
appendix, and the PDF's link to it would point at an address a printed page cannot follow.

The writer sees a readability score of the text: the Flesch reading ease (Flesch, "A new readability
yardstick", Journal of Applied Psychology 32, 1948): 206.835 - 1.015 x words per sentence - 84.6 x
syllables per word, shown from 0 to 100. Syllables are counted by the usual vowel-group rule (below), so
the score is an estimate, as every such formula is. No package is used: the maintained one (textstat)
fetches a pronouncing dictionary from the internet when first used, which a server must never do.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass

from django.template.loader import render_to_string
from django.urls import reverse

from reports.markdown import markdown_render
from reports.models import Author, PublishedChildrensVersion, SectionSpec, SpecKind

# Children of about 11 read text scoring 80 or more without help (Flesch's "easy").
TARGET = 80
BANDS = (
    (90, "Very easy", "Easily understood by a child of about 11."),
    (80, "Easy", "Easy for children of 11 to 12 to read."),
    (70, "Fairly easy", "Fairly easy: for readers of about 12 to 13."),
    (60, "Plain English", "Plain English: easily understood by young people of 13 to 15."),
    (50, "Fairly difficult", "Fairly difficult: for readers of 15 to 18."),
    (30, "Difficult", "Difficult: written for adults with a good education."),
    (0, "Very difficult", "Very difficult: written for specialists."),
)
WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
SENTENCE_END = re.compile(r"[.!?]+(?=\s|$)|\n\s*\n|\n\s*(?:[-*+]|\d+[.)])\s")
MARKUP = re.compile(r"!?\[([^\]]*)\]\([^)]*\)|[#*_>`|]")


def syllables(word: str) -> int:
    """An estimate of a word's syllables: groups of vowels (y included), less a silent ending."""
    letters = re.sub(r"[^a-z]", "", word.lower())
    if len(letters) <= 3:
        return 1
    # A final e is silent (safe, made) unless it follows l (people, little); es and ed are silent
    # after most consonants (likes, listened), but not after t or d (wanted) or a vowel (families).
    letters = re.sub(r"(?<=[^aeiouyl])e$|(?<=[^aeiouy])es$|(?<=[^aeiouytd])ed$", "", letters)
    letters = re.sub(r"^y", "", letters)
    return max(1, len(re.findall(r"[aeiouy]+", letters)))


@dataclass(frozen=True)
class Readability:
    words: int
    sentences: int
    syllables: int
    raw: float  # the formula's own value, which may fall outside 0 to 100

    @property
    def score(self) -> int:
        return round(min(100.0, max(0.0, self.raw)))

    @property
    def band(self) -> tuple[str, str]:
        return next((label, meaning) for floor, label, meaning in BANDS if self.score >= floor)

    @property
    def label(self) -> str:
        return self.band[0]

    @property
    def meaning(self) -> str:
        return self.band[1]

    @property
    def meets_target(self) -> bool:
        return self.score >= TARGET

    @property
    def words_per_sentence(self) -> float:
        return round(self.words / self.sentences, 1)

    @property
    def target(self) -> int:
        return TARGET


def readability_of(text: str) -> Readability | None:
    """The Flesch reading ease of a Markdown text; None for a text with no words."""
    plain = MARKUP.sub(r"\1", text or "")
    words = WORD.findall(plain)
    if not words:
        return None
    sentences = sum(1 for part in SENTENCE_END.split(plain) if WORD.search(part or ""))
    sentences = max(sentences, 1)
    counted = sum(1 if word.isdigit() else syllables(word) for word in words)
    raw = 206.835 - 1.015 * (len(words) / sentences) - 84.6 * (counted / len(words))
    return Readability(len(words), sentences, counted, round(raw, 1))


# The outline ---------------------------------------------------------------------------------------


def childrens_spec_defaults(fields: dict) -> dict:
    """A children's version is the business manager's to write unless the outline names another writer."""
    if (
        fields.get("kind") == SpecKind.CHILDREN
        and fields.get("author") == Author.AGENCY
        and not fields.get("owner_agency")
    ):
        return fields | {"author": Author.BUSINESS_MANAGER}
    return fields


def childrens_spec_problems(period, fields: dict, spec=None) -> list[str]:
    """A period has at most one children's version, and it is a page of its own: no heading, no block."""
    if fields.get("kind") != SpecKind.CHILDREN:
        return []
    problems = []
    others = SectionSpec.objects.filter(period=period, kind=SpecKind.CHILDREN)
    if spec is not None:
        others = others.exclude(pk=spec.pk)
    if others.exists():
        problems.append("This outline already has a children's version. Change that one instead of adding another.")
    if fields.get("computed_block"):
        problems.append("The children's version is plain words only: choose no figures for it.")
    return problems


# The page ------------------------------------------------------------------------------------------


def childrens_public_path(version) -> str:
    period = version.period
    return reverse("public:report_childrens", args=[period.partnership.slug, period.slug, version.number])


def childrens_html(report, *, full_url: str, version=None) -> str:
    """The children's version as one self-contained page (inline CSS, like the report)."""
    entry = report.childrens
    context = {
        "report": report,
        "entry": entry,
        "text": markdown_render((entry.content or {}).get("narrative", ""), top=2) if entry else "",
        "full_url": full_url,
        "version": version,
    }
    return render_to_string("reports/document/childrens.html", context)


def childrens_publishable(report) -> bool:
    """Whether the report has a children's version with words in it to publish."""
    entry = report.childrens
    return (
        entry is not None and entry.revision_id is not None and bool((entry.content or {}).get("narrative", "").strip())
    )


def childrens_freeze(report, version) -> PublishedChildrensVersion | None:
    """Freeze the children's version with a version being published (call in its transaction)."""
    if not childrens_publishable(report):
        return None
    data = childrens_html(report, full_url=version.public_path(), version=version).encode("utf-8")
    return PublishedChildrensVersion.objects.create(
        version=version, html_data=data, html_sha256=hashlib.sha256(data).hexdigest()
    )
