"""The publication guard: before a report is published, every public text of the draft is checked for
details that could identify a child or family, and each one found is a flag the business manager clears
with a reason (reports.models_guard.GuardFlag; services in reports/guard_flags.py).

What is looked for, and why each rule is drawn where it is:
- names of people the portal knows: the partnership's members' full names (first and last), a known
  surname after a title ("Mrs Smith"), and the names recorded for representatives. Agencies', the
  partnership's, priorities', subgroups' and roles' names are masked first, so "Northshire Police"
  never matches an account named "Northshire Police Lead". Practice reviews hold no subject's name,
  only the partnership's own pseudonym ("Child J"), which is written to be published: not flagged.
- dates of birth: a date in a common UK form right after "born", "DOB" or "date of birth".
- exact ages with a place or a date in the same sentence ("a 7-year-old from Brierley Hill",
  "aged 14 ... in May 2020"); age ranges and plurals ("5 to 11 year olds") are groups, not a child.
- small numbers: a count of people or cases in text, and a whole-number table cell, from 1 to one
  below the partnership's small_numbers_threshold (0 identifies no one). Years, percentages, money,
  dates, ordinals and row numbers are not counts.

Nothing here logs: a flag's text must never reach a log line.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.contrib.auth import get_user_model

from agencies.models import Agency, Representative
from partnership.models import Priority, Subgroup
from people.models import Role
from reports.content import TEXT_FIELDS

# Every public part of a section's content the guard reads, in one place. Any other text field of the
# content (a part added later) is read too, by the generic walk in `entry_texts`.
QUOTE_FIELDS = ("title", "text", "attribution")
TABLE_TEXT_FIELDS = ("title", "source")
LISTS_READ_AS_TABLES = ("tables",)
LISTS_READ_AS_QUOTES = ("quotes",)

TITLES = r"(?:Mr|Mrs|Ms|Miss|Mx|Dr|Prof|Professor|Sir|Dame|Lady|Lord)\.?"
MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sep(?:t(?:ember)?)?"
    r"|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
YEAR = r"(?:19|20)\d{2}"
WORD_NUMBERS = dict(
    zip(
        ("one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
         "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen"),
        range(1, 20),
        strict=True,
    )
)  # fmt: skip
NUMBER = r"(?:\d{1,3}(?:,\d{3})*|" + "|".join(WORD_NUMBERS) + r")"
DATE = (
    rf"(?:\b\d{{1,2}}[/.-]\d{{1,2}}[/.-](?:\d{{4}}|\d{{2}})\b"
    rf"|\b{YEAR}-\d{{2}}-\d{{2}}\b"
    rf"|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{MONTH}(?:,?\s+{YEAR})?\b"
    rf"|\b{MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+{YEAR}\b"
    rf"|\b{MONTH}\s+{YEAR}\b)"
)
BIRTH_DATE_RE = re.compile(rf"(?i:\b(?:born|d\.?o\.?b\b\.?|date\s+of\s+birth))[\s:,(–-]*(?:(?i:on|in)\s+)?{DATE}")
AGE_RE = re.compile(
    rf"(?i:\b{NUMBER}[\s-]+(?:years?|yrs?|months?|weeks?)[\s-]+old\b(?!s))"
    rf"|(?i:\baged?\s+{NUMBER}\b(?!\s*(?:-|–|to|and|or|\+)\s*(?:\d|over|under|above|below|older|younger)))"
)
RANGE_BEFORE_RE = re.compile(rf"(?i:{NUMBER})\s*(?:-|–|/|to|and|or)\s*$")
PLACE_RE = re.compile(r"\b(?:from|in|of|at|near|around)\s+(?:the\s+)?(?P<place>[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)*)")
NOT_PLACES = re.compile(rf"^(?:{MONTH}|Year|Years|Key|Stage|Reception|Care|The|A|An)$")
AGE_DATE_RES = (
    re.compile(DATE),
    re.compile(rf"\b(?:in|during|since|on|by|until)\s+(?:{MONTH}\b|{YEAR}\b)"),
)
COUNT_NOUNS = (
    r"(?:children|child|young\s+(?:people|persons?)|people|persons?|famil(?:y|ies)|bab(?:y|ies)|infants?|"
    r"parents?|mothers?|fathers?|mums?|dads?|carers?|siblings?|boys?|girls?|pupils?|students?|learners?|"
    r"teenagers?|adolescents?|victims?|survivors?|deaths?|cases?|referrals?|reviews?|incidents?|"
    r"notifications?|households?|individuals?|allegations?|exclusions?|placements?|patients?|women|men|adults?|"
    r"offenders?|perpetrators?|suspects?)"
)
COUNT_RE = re.compile(
    rf"(?<![£$€/.:#\w-])(?P<n>(?i:{NUMBER}))\b(?![.,]\d)(?!\s*(?:%|(?i:per\s*cent|percent)))"
    rf"(?P<gap>(?:\s+[A-Za-z][\w'’-]*){{0,3}}?)\s+(?i:{COUNT_NOUNS})\b"
)
# A word in between that ends the count ("4 priorities for children" counts priorities, not children).
GAP_STOP = frozenset(
    (
        "a", "an", "the", "of", "for", "to", "in", "on", "at", "by", "with", "and", "or", "from", "per", "who",
        "which", "that", "than", "aged", "age", "old", "year", "years", "month", "months", "week", "weeks", "day",
        "days", "time", "times", "were", "was", "are", "is", "had", "have", "has", "been", "now", "also", "then",
        "still", "only", "not", "all", "both", "each", "will", "would", "can", "could", "may", "might", "must",
        "should",
    )
)  # fmt: skip
# A number after one of these is a label, not a count ("Year 9 pupils", "Priority 2 cases").
LABEL_BEFORE_RE = re.compile(
    r"(?i)\b(?:years?|aged?|stage|tier|level|priority|priorities|phase|section|table|chart|figure|page|appendix|"
    r"chapter|step|no\.?|number|version|grade|band|group|wave|day|week|month|quarter|q|top|under|over|"
    r"ward|room|unit|class)\s*$"
)
ROLE_BEFORE_RE = re.compile(r"(?i)\b(?:a|an|the|our|their|its|new|interim|acting)\s+$")
PROPORTION_BEFORE_RE = re.compile(rf"(?i:{NUMBER})\s+(?:in|out\s+of)\s+$")
WHOLE_NUMBER_RE = re.compile(r"\d{1,3}(?:,\d{3})*")
# Columns whose whole numbers are not counts of people: years, dates, rates, money, durations, ranks, rows.
NOT_COUNT_HEADING_RE = re.compile(
    r"(?i)^\s*(?:years?|dates?|months?|periods?|quarters?|#|no\.?|row|rank|position|ref(?:erence)?|id)\s*$"
    r"|%|£|per\s*cent|percent|proportion|\brate\b|\bratio\b|average|\bmean\b|median|score|\bdays\b|\bweeks\b|"
    r"\bhours\b|\bcost|\bspend|budget|amount|per\s+[\d,]+"
)
EXCERPT_CHARS = 60


@dataclass(frozen=True)
class PublicText:
    """One public text of the draft: `key` names where it is stably (section slug and field), `location`
    in words by number and position."""

    key: str
    location: str
    text: str
    spec_slug: str


@dataclass(frozen=True)
class Finding:
    kind: str
    key: str
    location: str
    spec_slug: str
    matched: str
    excerpt: str

    @property
    def fingerprint(self) -> str:
        return hashlib.sha256(json.dumps([self.key, self.kind, self.matched]).encode()).hexdigest()


@dataclass(frozen=True)
class KnownPeople:
    """Who the portal knows in a partnership, and the names that are organisations or roles, not people."""

    full_names: tuple[str, ...]
    surnames: tuple[str, ...]
    safe_phrases: tuple[str, ...]


def known_people(partnership) -> KnownPeople:
    """The partnership's members and representatives by name, and the names never to flag (five queries)."""
    users = (
        get_user_model()
        .objects.filter(memberships__partnership=partnership)
        .distinct()
        .values_list("first_name", "last_name")
    )
    full_names, surnames = set(), set()
    for first, last in users:
        first, last = " ".join(first.split()), " ".join(last.split())
        if len(first) > 1 and len(last) > 1:
            full_names.add(f"{first} {last}")
            surnames.add(last)
    seats = Representative.objects.filter(agency__partnership=partnership).values_list("name", "role_title")
    safe = {partnership.name, partnership.short_name, *Role.labels}
    for name, role_title in seats:
        name = " ".join(name.split())
        if len(name.split()) > 1:  # a one-word name is too common a word to flag on its own
            full_names.add(name)
        safe.add(role_title)
    for name, short_name in Agency.objects.filter(partnership=partnership).values_list("name", "short_name"):
        safe |= {name, short_name}
    safe |= set(Priority.objects.filter(partnership=partnership).values_list("title", flat=True))
    safe |= set(Subgroup.objects.filter(partnership=partnership).values_list("name", flat=True))
    return KnownPeople(
        tuple(sorted(full_names)), tuple(sorted(surnames)), tuple(sorted(p for p in safe if p and p.strip()))
    )


def _alternation(phrases: Iterable[str]) -> str:
    ordered = sorted({" ".join(p.split()) for p in phrases if p.strip()}, key=len, reverse=True)
    return "|".join(re.escape(p).replace(r"\ ", r"\s+") for p in ordered)


class Scanner:
    """The checks, compiled once for a partnership's names and threshold."""

    def __init__(self, known: KnownPeople, threshold: int):
        self.threshold = threshold
        safe = _alternation(known.safe_phrases)
        self.safe_re = re.compile(rf"(?<!\w)(?:{safe})(?!\w)", re.IGNORECASE) if safe else None
        names = _alternation(known.full_names)
        self.name_re = re.compile(rf"(?<!\w)(?:{names})(?!\w)", re.IGNORECASE) if names else None
        surnames = _alternation(known.surnames)
        self.titled_re = re.compile(rf"\b{TITLES}\s+(?:{surnames})(?!\w)") if surnames else None

    def text(self, text: str) -> Iterator[tuple[str, int, int, str]]:
        """(kind, start, end, matched) for each flag-worthy detail of a text."""
        if not text:
            return
        yield from self._names(text)
        for match in BIRTH_DATE_RE.finditer(text):
            yield "date_of_birth", match.start(), match.end(), match.group()
        yield from self._ages(text)
        yield from self._counts(text)

    def _names(self, text: str):
        patterns = [p for p in (self.name_re, self.titled_re) if p is not None and p.search(text)]
        if not patterns:  # most texts name nobody: mask organisations only when a name may be there
            return
        masked = self.safe_re.sub(lambda m: " " * len(m.group()), text) if self.safe_re else text
        for pattern in patterns:
            for match in pattern.finditer(masked):
                # "a new Safeguarding Partnership Manager" is a post: a person's name takes no article.
                if pattern is self.name_re and ROLE_BEFORE_RE.search(masked[: match.start()]):
                    continue
                yield "name", match.start(), match.end(), text[match.start() : match.end()]

    def _ages(self, text: str):
        ages = list(AGE_RE.finditer(text))
        if not ages:
            return
        spans = list(_sentences(text))
        for age in ages:
            start, end = next(span for span in spans if span[0] <= age.start() <= span[1])
            sentence = text[start:end]
            at = age.start() - start
            if RANGE_BEFORE_RE.search(sentence[:at]):
                continue
            context = _place_or_date(sentence, at)
            if context:
                matched = f"{age.group()} … {context}" if context not in age.group() else age.group()
                yield "age", age.start(), age.end(), matched

    def _counts(self, text: str):
        for match in COUNT_RE.finditer(text):
            value = _number_value(match.group("n"))
            if not 1 <= value < self.threshold:
                continue
            gap = match.group("gap").split()
            if any(word.lower() in GAP_STOP or re.fullmatch(MONTH, word) for word in gap):
                continue
            before = text[: match.start()]
            if LABEL_BEFORE_RE.search(before) or PROPORTION_BEFORE_RE.search(before):
                continue
            yield "small_number", match.start(), match.end(), match.group()

    def table_cells(self, table: dict) -> Iterator[tuple[int, int, str]]:
        """(row index, column index, cell) of each whole-number cell below the threshold that counts something."""
        columns, rows = table.get("columns") or [], table.get("rows") or []
        counted = [not NOT_COUNT_HEADING_RE.search(str(heading)) for heading in columns]
        if rows and _is_row_numbers([row[0] if row else "" for row in rows]):
            counted[:1] = [False]
        for r, row in enumerate(rows):
            for c, cell in enumerate(row):
                cell = str(cell).strip()
                countable = c < len(counted) and counted[c] and WHOLE_NUMBER_RE.fullmatch(cell)
                if countable and 1 <= int(cell.replace(",", "")) < self.threshold:
                    yield r, c, cell


def _number_value(word: str) -> int:
    word = word.lower()
    return WORD_NUMBERS[word] if word in WORD_NUMBERS else int(word.replace(",", ""))


def _is_row_numbers(cells: list) -> bool:
    return all(str(cell).strip() == str(number) for number, cell in enumerate(cells, start=1))


def _sentences(text: str) -> Iterator[tuple[int, int]]:
    start = 0
    for boundary in re.finditer(r"(?<=[.!?])\s+|\n", text):
        yield start, boundary.start()
        start = boundary.end()
    yield start, len(text)


def _place_or_date(sentence: str, at: int) -> str:
    for match in PLACE_RE.finditer(sentence):
        first = match.group("place").split()[0]
        if not NOT_PLACES.match(first) and not (match.start() <= at < match.end()):
            return match.group()
    for pattern in AGE_DATE_RES:  # a whole date before a bare month or year
        found = pattern.search(sentence)
        if found:
            return found.group()
    return ""


def _excerpt(text: str, start: int, end: int) -> str:
    before, after = text[max(0, start - EXCERPT_CHARS) : start], text[end : end + EXCERPT_CHARS]
    if start > EXCERPT_CHARS:
        before = "…" + before.split(" ", 1)[-1]
    if end + EXCERPT_CHARS < len(text):
        after = after.rsplit(" ", 1)[0] + "…"
    return " ".join((before + text[start:end] + after).split())[:400]


def _label(name: str) -> str:
    return TEXT_FIELDS.get(name, name.replace("_", " ").capitalize()).lower()


def entry_texts(entry) -> Iterator[PublicText]:
    """Every public text of one entry of the assembled report: its title, its content's text fields
    (whatever their names), quotes and case studies, tables (title, headings, cells, source) and any
    free text its computed block carries (`Block.texts`)."""
    slug, where = entry.spec_slug, f"Section {entry.number} '{entry.title}'"
    yield PublicText(f"{slug}/title", f"Section {entry.number}, its title", entry.title, slug)
    content = entry.content or {}
    for name, value in content.items():
        if isinstance(value, str):
            yield PublicText(f"{slug}/{name}", f"{where}, {_label(name)}", value, slug)
        elif name in LISTS_READ_AS_QUOTES:
            for index, quote in enumerate(value or [], start=1):
                kind = "case study" if quote.get("kind") == "case_study" else "quote"
                for field in QUOTE_FIELDS:
                    text = str(quote.get(field) or "")
                    yield PublicText(f"{slug}/{name}/{field}", f"{where}, {kind} {index}, {field}", text, slug)
        elif name in LISTS_READ_AS_TABLES:
            for index, table in enumerate(value or [], start=1):
                yield from _table_texts(slug, f"{where}, table {index}", table)
        else:
            for part, text in _strings_in(value):
                yield PublicText(f"{slug}/{name}/{part}", f"{where}, {_label(name)}", text, slug)
    block = getattr(entry, "block", None)
    for label, text in getattr(block, "texts", ()) or ():
        yield PublicText(f"{slug}/block/{label}", f"{where}, {label}", str(text), slug)


def _table_texts(slug: str, where: str, table: dict) -> Iterator[PublicText]:
    key = f"{slug}/tables/{table.get('title', '')}"
    for field in TABLE_TEXT_FIELDS:
        yield PublicText(f"{key}/{field}", f"{where}, {'source note' if field == 'source' else field}",
                         str(table.get(field) or ""), slug)  # fmt: skip
    for c, heading in enumerate(table.get("columns") or [], start=1):
        yield PublicText(f"{key}/columns", f"{where}, heading of column {c}", str(heading), slug)
    for r, row in enumerate(table.get("rows") or [], start=1):
        for c, cell in enumerate(row, start=1):
            if not WHOLE_NUMBER_RE.fullmatch(str(cell).strip()):
                yield PublicText(f"{key}/cells", f"{where}, row {r}, column {c}", str(cell), slug)


def _strings_in(value, path: str = "") -> Iterator[tuple[str, str]]:
    """Every string inside a nested list or dict, with a path of its keys (indexes left out, so it is stable)."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from _strings_in(item, f"{path}/{key}" if path else str(key))
    elif isinstance(value, list):
        for item in value:
            yield from _strings_in(item, path)


def _finding(kind: str, place: PublicText, matched: str, excerpt: str, key: str | None = None) -> Finding:
    location = place.location
    quoted = re.search(r" '(.*?)',", location)
    if quoted and matched.casefold() in quoted.group(1).casefold():  # the audit trail carries the location
        location = location[: quoted.start()] + location[quoted.end() - 1 :]
    return Finding(kind, key or place.key, location[:300], place.spec_slug, matched[:300], excerpt)


def report_findings(report, scanner: Scanner) -> list[Finding]:
    """Every flag-worthy detail of an assembled report, each once per place, kind and text."""
    found: dict[str, Finding] = {}
    for entry in report.entries:
        for place in entry_texts(entry):
            for kind, start, end, matched in scanner.text(place.text):
                finding = _finding(kind, place, matched, _excerpt(place.text, start, end))
                found.setdefault(finding.fingerprint, finding)
        for index, table in enumerate((entry.content or {}).get("tables") or [], start=1):
            for finding in _table_findings(entry, index, table, scanner):
                found.setdefault(finding.fingerprint, finding)
    return list(found.values())


def _table_findings(entry, index: int, table: dict, scanner: Scanner) -> Iterator[Finding]:
    columns = table.get("columns") or []
    for r, c, cell in scanner.table_cells(table):
        row = table["rows"][r]
        heading = str(columns[c]) if c < len(columns) else ""
        label = str(row[0]) if row and c != 0 else str(r + 1)
        # Keyed by the table's title, the column's heading and the row's label: it survives moving rows about.
        key = f"{entry.spec_slug}/tables/{table.get('title', '')}/{heading}/{label}"
        place = PublicText(
            key, f"Section {entry.number} '{entry.title}', table {index}, row {r + 1}, column {c + 1}",
            cell, entry.spec_slug,
        )  # fmt: skip
        excerpt = f"{table.get('title', '')}: {label}, {heading}: {cell}"[:400]
        yield _finding("small_number", place, cell, excerpt)
