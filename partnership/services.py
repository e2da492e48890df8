"""The business manager sets the partnership up: its settings, periods, priorities and subgroups.

Each service takes the acting user, refuses anyone but the partnership's business manager
(NotAllowed), collects every problem with the input into one InvalidInput, then in one
transaction locks the row (or the partnership, when it adds a row) before it reads what it
checks against, changes it, saves and writes the audit entry with the before and after values.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from lib.errors import InvalidInput, NotAllowed, WorkflowError
from lib.images import ImageRefused, png_check, svg_clean
from lib.slugs import slug_unique
from partnership.audit import audit_record, changes_between
from partnership.models import Oversight, Partnership, Priority, ReportingPeriod, Subgroup, SubgroupMeetings
from partnership.permissions import user_can_manage_partnership

MAX_LOGO_BYTES = 512 * 1024
MAX_ABOUT_CHARS = 20_000
MAX_TEXT_CHARS = 5_000
MAX_MEETINGS = 366
SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Words the portal's own addresses use beside a period's or subgroup's address (/periods/new/).
RESERVED_SLUGS = frozenset({"new"})

SETTINGS_FIELDS = ("name", "short_name", "area", "about", "logo", "require_mfa_for_all", "small_numbers_threshold")
SMALL_NUMBERS_RANGE = (2, 20)
PERIOD_FIELDS = ("label", "slug", "start", "end", "submission_deadline", "arrangements_began", "notes", "is_catch_up")
PRIORITY_FIELDS = ("title", "description", "position")
SUBGROUP_FIELDS = ("name", "slug", "purpose", "chair", "oversees")


def _max_length(model, name: str) -> int:
    return model._meta.get_field(name).max_length


def _manager_only(user, partnership, what: str) -> None:
    if not user_can_manage_partnership(user, partnership):
        raise NotAllowed(f"Only the business manager can {what}.")


def _values(obj, names) -> dict:
    values = {name: getattr(obj, name) for name in names}
    if "logo" in values:
        values["logo"] = obj.logo.name or ""
    return values


def _audit(*, user, code: str, partnership, target, label: str, before: dict, after: dict, period=None, **data):
    audit_record(
        code=code,
        actor=user,
        partnership=partnership,
        period=period,
        target=target,
        target_label=label,
        data={"changes": changes_between(before, after)} | data,
    )


def _lock_partnership(partnership) -> Partnership:
    """Lock the partnership row: two adds at once queue here, so the second sees the first's slug and position."""
    return Partnership.objects.select_for_update().get(pk=partnership.pk)


def _text(
    errors: list[str], value: str, *, label: str, max_length: int, required: bool = True, missing: str = ""
) -> str:
    value = (value or "").strip()
    if required and not value:
        errors.append(missing or f"Enter {label}.")
    elif len(value) > max_length:
        errors.append(f"Keep {label} to {max_length:,} characters or fewer (it has {len(value):,}).")
    return value


def _slug(errors: list[str], given: str, *, base: str, taken: set[str], max_length: int, what: str, source: str) -> str:
    """The address typed, checked; or, left blank, one made from the label or name that no other of its kind uses."""
    given = (given or "").strip().lower()
    taken = taken | RESERVED_SLUGS
    if not given:
        made = slug_unique(base, taken, max_length)
        if not made and base:
            errors.append(f"Enter an address for the {what}: its {source} has no letters or digits to make one from.")
        return made
    if len(given) > max_length or not SLUG_PATTERN.match(given):
        errors.append(
            f"Enter an address of at most {max_length} characters, using only lower-case letters, digits and "
            f"single hyphens between them, for example 2019-20. Or leave it blank to have one made from the {source}."
        )
    elif given in RESERVED_SLUGS:
        errors.append(f"The address '{given}' is kept for the portal's own pages. Choose another.")
    elif given in taken:
        errors.append(f"Another {what} of this partnership already uses the address '{given}'. Choose another.")
    return given


# Partnership settings -----------------------------------------------------------------


@dataclass(frozen=True)
class LogoFile:
    name: str
    content: bytes


@dataclass
class SettingsChange:
    partnership: Partnership
    changed: list[str] = field(default_factory=list)
    logo_removed: list[str] = field(default_factory=list)  # what the SVG sanitiser took out


def _logo_prepare(errors: list[str], logo: LogoFile) -> tuple[str, bytes, list[str]] | None:
    """(extension, safe content, what was removed), or None with the problem in errors."""
    extension = logo.name.rsplit(".", 1)[-1].lower() if "." in logo.name else ""
    if extension not in ("svg", "png"):
        errors.append("The logo must be an SVG or a PNG file. Choose a file whose name ends in .svg or .png.")
        return None
    if len(logo.content) > MAX_LOGO_BYTES:
        errors.append(
            f"The logo is {len(logo.content) / 1024:,.0f} KB; it can be at most 512 KB. "
            "Save a smaller version (an SVG, or a PNG of fewer pixels) and upload that."
        )
        return None
    try:
        if extension == "svg":
            cleaned = svg_clean(logo.content)
            return "svg", cleaned.content, cleaned.removed
        png_check(logo.content)
    except ImageRefused as refusal:
        errors.append(str(refusal))
        return None
    return "png", logo.content, []


def _settings_values(errors: list[str], partnership, *, name, short_name, area, about) -> dict:
    name = _text(errors, name, label="the partnership's name", max_length=_max_length(Partnership, "name"))
    if name and Partnership.objects.filter(name__iexact=name).exclude(pk=partnership.pk).exists():
        errors.append("Another partnership on this portal already has that name. Enter your partnership's full name.")
    return {
        "name": name,
        "short_name": _text(
            errors,
            short_name,
            label="the short name",
            max_length=_max_length(Partnership, "short_name"),
            missing="Enter a short name, for example the initials the partnership goes by.",
        ),
        "area": _text(
            errors,
            area,
            label="the area",
            max_length=_max_length(Partnership, "area"),
            missing="Enter the local authority area the partnership covers.",
        ),
        "about": _text(
            errors, about, label="the text about the partnership", max_length=MAX_ABOUT_CHARS, required=False
        ),
    }


def partnership_settings_change(
    *,
    user,
    partnership: Partnership,
    name: str,
    short_name: str,
    area: str,
    about: str,
    logo: LogoFile | None = None,
    logo_remove: bool = False,
    require_mfa_for_all: bool | None = None,
    small_numbers_threshold: int | None = None,
) -> SettingsChange:
    """Change the partnership's name, short name, area, about text and logo (SVG sanitised, or PNG), and
    whether every role must sign in with a second factor, and the small numbers threshold (None leaves
    either as it is)."""
    _manager_only(user, partnership, "change the partnership's settings")
    errors: list[str] = []
    with transaction.atomic():
        locked = _lock_partnership(partnership)
        values = _settings_values(errors, locked, name=name, short_name=short_name, area=area, about=about)
        prepared = _logo_prepare(errors, logo) if logo is not None else None
        if logo is not None and logo_remove:
            errors.append("Either upload a new logo or tick 'Remove the logo', not both.")
        low, high = SMALL_NUMBERS_RANGE
        if small_numbers_threshold is not None and not low <= small_numbers_threshold <= high:
            errors.append(
                f"Enter a small numbers threshold between {low} and {high}; most partnerships use 5, so that any "
                "count from 1 to 4 is checked before publishing."
            )
        if errors:
            raise InvalidInput(errors)
        before = _values(locked, SETTINGS_FIELDS)
        for name_, value in values.items():
            setattr(locked, name_, value)
        if require_mfa_for_all is not None:
            locked.require_mfa_for_all = bool(require_mfa_for_all)
        if small_numbers_threshold is not None:
            locked.small_numbers_threshold = small_numbers_threshold
        if prepared is not None:
            extension, content, _ = prepared
            locked.logo.save(f"{locked.slug}.{extension}", ContentFile(content), save=False)
        elif logo_remove:
            locked.logo = ""
        after = _values(locked, SETTINGS_FIELDS)
        changed = [n for n in SETTINGS_FIELDS if before[n] != after[n]]
        if changed:
            locked.save(update_fields=[*changed, "updated_at"])
            _audit(
                user=user, code="partnership.partnership.changed", partnership=locked, target=locked,
                label=locked.name, before=before, after=after,
            )  # fmt: skip
    return SettingsChange(partnership=locked, changed=changed, logo_removed=prepared[2] if prepared else [])


# Reporting periods ----------------------------------------------------------------------


def _period_dates(errors: list[str], start, end, deadline, arrangements_began) -> None:
    if start is None or end is None or deadline is None:
        errors.append("Enter the start date, the end date and the submission deadline.")
        return
    if end <= start:
        errors.append("The end date must be after the start date.")
    if deadline <= start:
        errors.append("The submission deadline must be after the start date.")
    if arrangements_began is not None and not start <= arrangements_began <= end:
        errors.append("The date the arrangements took effect must be within the period, or left blank.")


def _period_label(errors: list[str], partnership, label: str, exclude_pk=None) -> str:
    label = _text(
        errors,
        label,
        label="the label",
        max_length=_max_length(ReportingPeriod, "label"),
        missing="Enter a label for the period, as the report prints it, for example 2019/20.",
    )
    clash = ReportingPeriod.objects.filter(partnership=partnership, label__iexact=label).exclude(pk=exclude_pk)
    if label and clash.exists():
        errors.append(f"There is already a period labelled '{label}'. Choose another label.")
    return label


def period_open(
    *,
    user,
    partnership: Partnership,
    label: str,
    slug: str = "",
    start: datetime.date | None,
    end: datetime.date | None,
    submission_deadline: datetime.date | None,
    arrangements_began: datetime.date | None = None,
    notes: str = "",
    today: datetime.date | None = None,
) -> ReportingPeriod:
    """Open a reporting period; one whose deadline has already passed is a catch-up period (nothing in it is late)."""
    _manager_only(user, partnership, "open a reporting period")
    today = today or timezone.localdate()
    errors: list[str] = []
    with transaction.atomic():
        locked = _lock_partnership(partnership)
        label = _period_label(errors, locked, label)
        taken = set(ReportingPeriod.objects.filter(partnership=locked).values_list("slug", flat=True))
        max_slug = _max_length(ReportingPeriod, "slug")
        slug = _slug(errors, slug, base=label, taken=taken, max_length=max_slug, what="period", source="label")
        _period_dates(errors, start, end, submission_deadline, arrangements_began)
        notes = _text(errors, notes, label="the notes", max_length=MAX_TEXT_CHARS, required=False)
        if errors:
            raise InvalidInput(errors)
        period = ReportingPeriod.objects.create(
            partnership=locked, label=label, slug=slug, start=start, end=end, submission_deadline=submission_deadline,
            arrangements_began=arrangements_began, notes=notes, is_catch_up=submission_deadline < today,
        )  # fmt: skip
        _audit(
            user=user, code="partnership.period.created", partnership=locked, period=period, target=period,
            label=period.label, before={}, after=_values(period, PERIOD_FIELDS),
        )  # fmt: skip
    return period


def period_change(
    *,
    user,
    period: ReportingPeriod,
    label: str,
    start: datetime.date | None,
    end: datetime.date | None,
    submission_deadline: datetime.date | None,
    arrangements_began: datetime.date | None = None,
    notes: str = "",
    today: datetime.date | None = None,
) -> ReportingPeriod:
    """Change an open period's label, dates and notes. Its address stays, so links already shared keep working.

    A new deadline that has already passed makes it a catch-up period, and one still to come makes it an
    ordinary one: whether sections can be late depends on whether the deadline could still be met when set."""
    _manager_only(user, period.partnership, "change a reporting period")
    today = today or timezone.localdate()
    errors: list[str] = []
    with transaction.atomic():
        locked = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
        if locked.is_closed:
            raise WorkflowError(f"{locked.label} is closed, so it cannot be changed.")
        label = _period_label(errors, locked.partnership_id, label, exclude_pk=locked.pk)
        _period_dates(errors, start, end, submission_deadline, arrangements_began)
        notes = _text(errors, notes, label="the notes", max_length=MAX_TEXT_CHARS, required=False)
        if errors:
            raise InvalidInput(errors)
        before = _values(locked, PERIOD_FIELDS)
        if submission_deadline != locked.submission_deadline:
            locked.is_catch_up = submission_deadline < today
        locked.label, locked.start, locked.end = label, start, end
        locked.submission_deadline, locked.arrangements_began, locked.notes = (
            submission_deadline, arrangements_began, notes,
        )  # fmt: skip
        after = _values(locked, PERIOD_FIELDS)
        changed = [n for n in PERIOD_FIELDS if before[n] != after[n]]
        if changed:
            locked.save(update_fields=[*changed, "updated_at"])
            _audit(
                user=user, code="partnership.period.changed", partnership=period.partnership, period=locked,
                target=locked, label=locked.label, before=before, after=after,
            )  # fmt: skip
    locked.partnership = period.partnership
    return locked


def period_close(*, user, period: ReportingPeriod) -> ReportingPeriod:
    """Close a period: it is finished, and its settings and meeting counts no longer change."""
    _manager_only(user, period.partnership, "close a reporting period")
    with transaction.atomic():
        locked = ReportingPeriod.objects.select_for_update().get(pk=period.pk)
        if locked.is_closed:
            closed = timezone.localtime(locked.closed_at)
            raise WorkflowError(f"{locked.label} was already closed on {closed.day} {closed:%B %Y}.")
        locked.closed_at = timezone.now()
        locked.save(update_fields=["closed_at", "updated_at"])
        _audit(
            user=user, code="partnership.period.closed", partnership=period.partnership, period=locked,
            target=locked, label=locked.label, before={"closed_at": None}, after={"closed_at": locked.closed_at},
        )  # fmt: skip
    locked.partnership = period.partnership
    return locked


# Priorities ---------------------------------------------------------------------------


def _priority_title(errors: list[str], partnership, title: str, exclude_pk=None) -> str:
    title = _text(errors, title, label="the priority's title", max_length=_max_length(Priority, "title"))
    clash = Priority.objects.filter(partnership=partnership, title__iexact=title).exclude(pk=exclude_pk)
    if title and clash.exists():
        errors.append(
            f"There is already a priority called '{title}' (it may be retired). Give this one a different title."
        )
    return title


def priority_add(*, user, partnership: Partnership, title: str, description: str = "") -> Priority:
    """Add a priority at the end of the list."""
    _manager_only(user, partnership, "change the partnership's priorities")
    errors: list[str] = []
    with transaction.atomic():
        locked = _lock_partnership(partnership)
        title = _priority_title(errors, locked, title)
        description = _text(errors, description, label="the description", max_length=MAX_TEXT_CHARS, required=False)
        if errors:
            raise InvalidInput(errors)
        position = (Priority.objects.filter(partnership=locked).aggregate(m=Max("position"))["m"] or 0) + 1
        priority = Priority.objects.create(partnership=locked, position=position, title=title, description=description)
        _audit(
            user=user, code="partnership.priority.created", partnership=locked, target=priority,
            label=priority.title, before={}, after=_values(priority, PRIORITY_FIELDS),
        )  # fmt: skip
    return priority


def priority_change(*, user, priority: Priority, title: str, description: str = "") -> Priority:
    """Change a priority's title or description."""
    _manager_only(user, priority.partnership, "change the partnership's priorities")
    errors: list[str] = []
    with transaction.atomic():
        locked = Priority.objects.select_for_update().get(pk=priority.pk)
        title = _priority_title(errors, locked.partnership_id, title, exclude_pk=locked.pk)
        description = _text(errors, description, label="the description", max_length=MAX_TEXT_CHARS, required=False)
        if errors:
            raise InvalidInput(errors)
        before = _values(locked, PRIORITY_FIELDS)
        locked.title, locked.description = title, description
        after = _values(locked, PRIORITY_FIELDS)
        changed = [n for n in PRIORITY_FIELDS if before[n] != after[n]]
        if changed:
            locked.save(update_fields=[*changed, "updated_at"])
            _audit(
                user=user, code="partnership.priority.changed", partnership=priority.partnership, target=locked,
                label=locked.title, before=before, after=after,
            )  # fmt: skip
    return locked


def priority_move(*, user, priority: Priority, direction: str) -> Priority:
    """Swap a current priority with the current one above ('up') or below ('down') it."""
    _manager_only(user, priority.partnership, "change the partnership's priorities")
    if direction not in ("up", "down"):
        raise InvalidInput("Choose to move the priority up or down.")
    with transaction.atomic():
        rows = Priority.objects.select_for_update().filter(partnership_id=priority.partnership_id)
        locked = rows.get(pk=priority.pk)
        if locked.retired_at is not None:
            raise WorkflowError(f"'{locked.title}' is retired, so it has no place in the list to move to.")
        current = rows.filter(retired_at__isnull=True)
        neighbours = (
            current.filter(position__lt=locked.position).order_by("-position")
            if direction == "up"
            else current.filter(position__gt=locked.position).order_by("position")
        )
        other = neighbours.first()
        if other is None:
            raise InvalidInput(f"'{locked.title}' is already at the {'top' if direction == 'up' else 'bottom'}.")
        mine, theirs = locked.position, other.position
        # Positions are unique per partnership, so one row steps aside while the other takes its place.
        parked = (rows.aggregate(m=Max("position"))["m"] or 0) + 1
        Priority.objects.filter(pk=locked.pk).update(position=parked)
        Priority.objects.filter(pk=other.pk).update(position=mine)
        Priority.objects.filter(pk=locked.pk).update(position=theirs, updated_at=timezone.now())
        _audit(
            user=user, code="partnership.priority.moved", partnership=priority.partnership, target=locked,
            label=locked.title, before={"position": mine}, after={"position": theirs}, direction=direction,
        )  # fmt: skip
    locked.position = theirs
    return locked


def priority_retire(*, user, priority: Priority) -> Priority:
    """Retire a priority: sections that cited it keep it, new sections and courses are not offered it."""
    _manager_only(user, priority.partnership, "change the partnership's priorities")
    with transaction.atomic():
        locked = Priority.objects.select_for_update().get(pk=priority.pk)
        if locked.retired_at is not None:
            raise WorkflowError(f"'{locked.title}' is already retired.")
        locked.retired_at = timezone.now()
        locked.save(update_fields=["retired_at", "updated_at"])
        _audit(
            user=user, code="partnership.priority.retired", partnership=priority.partnership, target=locked,
            label=locked.title, before={"retired_at": None}, after={"retired_at": locked.retired_at},
        )  # fmt: skip
    return locked


# Subgroups ----------------------------------------------------------------------------


def _subgroup_values(errors: list[str], partnership_id, *, name, slug, purpose, chair, oversees, exclude_pk=None):
    """The subgroup's fields, checked against the partnership's other subgroups (call with the partnership locked)."""
    others = Subgroup.objects.filter(partnership_id=partnership_id).exclude(pk=exclude_pk)
    name = _text(errors, name, label="the subgroup's name", max_length=_max_length(Subgroup, "name"))
    if name and others.filter(name__iexact=name).exists():
        errors.append(f"There is already a subgroup called '{name}'. Give this one a different name.")
    taken = set(others.values_list("slug", flat=True))
    slug = _slug(
        errors, slug, base=name, taken=taken, max_length=_max_length(Subgroup, "slug"), what="subgroup", source="name"
    )
    purpose = _text(errors, purpose, label="the purpose", max_length=MAX_TEXT_CHARS, required=False)
    chair = _text(errors, chair, label="who chairs it", max_length=_max_length(Subgroup, "chair"), required=False)
    oversees = oversees or ""
    if oversees not in Oversight.values:
        errors.append("Choose whether this subgroup oversees practice reviews, training or neither.")
    elif oversees and (holder := others.filter(oversees=oversees).first()) is not None:
        errors.append(
            f"{holder.name} already oversees {Oversight(oversees).label.lower()}. Only one subgroup can: "
            f"change {holder.name} to 'Neither' first, then mark this one."
        )
    return {"name": name, "slug": slug, "purpose": purpose, "chair": chair, "oversees": oversees}


def subgroup_add(
    *, user, partnership: Partnership, name: str, slug: str = "", purpose: str = "", chair: str = "", oversees: str = ""
) -> Subgroup:
    """Add a subgroup at the end of the list; its address is made from its name unless one is given."""
    _manager_only(user, partnership, "change the partnership's subgroups")
    errors: list[str] = []
    with transaction.atomic():
        locked = _lock_partnership(partnership)
        values = _subgroup_values(
            errors, locked.pk, name=name, slug=slug, purpose=purpose, chair=chair, oversees=oversees
        )
        if errors:
            raise InvalidInput(errors)
        position = (Subgroup.objects.filter(partnership=locked).aggregate(m=Max("position"))["m"] or 0) + 1
        subgroup = Subgroup.objects.create(partnership=locked, position=position, **values)
        _audit(
            user=user, code="partnership.subgroup.created", partnership=locked, target=subgroup,
            label=subgroup.name, before={}, after=_values(subgroup, SUBGROUP_FIELDS),
        )  # fmt: skip
    return subgroup


def subgroup_change(
    *, user, subgroup: Subgroup, name: str, slug: str = "", purpose: str = "", chair: str = "", oversees: str = ""
) -> Subgroup:
    """Change a subgroup's name, address, purpose, chair and what it oversees."""
    _manager_only(user, subgroup.partnership, "change the partnership's subgroups")
    errors: list[str] = []
    with transaction.atomic():
        # The partnership's lock keeps two subgroups from taking the same address or oversight at once.
        _lock_partnership(subgroup.partnership)
        locked = Subgroup.objects.select_for_update().get(pk=subgroup.pk)
        values = _subgroup_values(
            errors, locked.partnership_id, name=name, slug=slug, purpose=purpose, chair=chair, oversees=oversees,
            exclude_pk=locked.pk,
        )  # fmt: skip
        if errors:
            raise InvalidInput(errors)
        before = _values(locked, SUBGROUP_FIELDS)
        for name_, value in values.items():
            setattr(locked, name_, value)
        after = _values(locked, SUBGROUP_FIELDS)
        changed = [n for n in SUBGROUP_FIELDS if before[n] != after[n]]
        if changed:
            locked.save(update_fields=[*changed, "updated_at"])
            _audit(
                user=user, code="partnership.subgroup.changed", partnership=subgroup.partnership, target=locked,
                label=locked.name, before=before, after=after,
            )  # fmt: skip
    return locked


def subgroup_meetings_record(
    *, user, subgroup: Subgroup, period: ReportingPeriod, meetings_held: int | None
) -> SubgroupMeetings:
    """Record how many times a subgroup met in a period (replacing the number recorded before, if any)."""
    _manager_only(user, subgroup.partnership, "record subgroup meetings")
    errors = []
    if period.partnership_id != subgroup.partnership_id:
        errors.append("Choose a reporting period of this partnership.")
    if meetings_held is None or not 0 <= meetings_held <= MAX_MEETINGS:
        errors.append(f"Enter how many times it met in the period, a whole number from 0 to {MAX_MEETINGS}.")
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        locked_subgroup = Subgroup.objects.select_for_update().get(pk=subgroup.pk)
        if ReportingPeriod.objects.filter(pk=period.pk, closed_at__isnull=False).exists():
            raise WorkflowError(f"{period.label} is closed, so its meeting counts cannot change.")
        row = SubgroupMeetings.objects.select_for_update().filter(subgroup=locked_subgroup, period=period).first()
        before = {"meetings_held": row.meetings_held} if row else {}
        if row is None:
            row = SubgroupMeetings.objects.create(subgroup=locked_subgroup, period=period, meetings_held=meetings_held)
        elif row.meetings_held != meetings_held:
            row.meetings_held = meetings_held
            row.save(update_fields=["meetings_held", "updated_at"])
        else:
            return row
        _audit(
            user=user, code=f"partnership.subgroupmeetings.{'changed' if before else 'created'}",
            partnership=subgroup.partnership, period=period, target=row, label=locked_subgroup.name,
            before=before, after={"meetings_held": meetings_held},
        )  # fmt: skip
    return row
