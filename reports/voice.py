"""The voice ledger: what children, young people and families said and what changed as a result.

Entries are kept by the business manager (any) and agency leads (their own agency's); the report's
"voice" block shows only the entries marked public, which the database allows only with consent or for
group feedback that identifies nobody (reports_voiceentry_public_has_consent).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Count, QuerySet

from agencies.models import Agency
from lib.roles import roles_for
from partnership.audit import changes_between
from partnership.models import Priority
from reports.errors import InvalidInput, NotAllowed, WorkflowError
from reports.models import VoiceEntry
from reports.models_voice import CONSENT_GIVEN, ChangeStatus, VoiceConsent, VoiceMethod
from reports.permissions_voice import (
    user_can_add_voice_entry,
    user_can_change_voice_entry,
    voice_entries_visible_to,
)
from reports.services import audit_write

SAID_MAX = 5_000
TEXT_MAX = 200
RECORD_MAX = 300
# The fields a service takes; `said` and `we_did` are recorded in the audit trail as changed, not quoted.
FIELDS = (
    "agency", "priority", "service", "said", "source", "said_on", "method", "consent", "consent_record",
    "public", "we_did", "change_status", "change_on",
)  # fmt: skip
UNQUOTED = ("said", "we_did")


def _clean(fields: dict) -> dict:
    data = {name: fields.get(name) for name in FIELDS}
    for name in ("service", "said", "source", "consent_record", "we_did", "change_status", "method", "consent"):
        data[name] = (data[name] or "").strip()
    data["public"] = bool(data["public"])
    return data


def _agency_problems(user, period, agency) -> list[str]:
    roles = roles_for(user)
    manager = period.partnership_id in roles.managed
    if agency is not None and agency.partnership_id != period.partnership_id:
        return ["Choose an agency of this partnership."]
    if manager:
        return []
    if agency is None:
        return ["Choose your agency: only the business manager records what the partnership itself heard."]
    if agency.pk not in roles.led_agencies:
        return ["You can only record entries for the agency you lead. Choose your own agency."]
    return []


def _text_problems(data: dict) -> list[str]:
    problems = []
    if not data["said"]:
        problems.append("Enter what was said, anonymised.")
    elif len(data["said"]) > SAID_MAX:
        problems.append(f"Keep what was said under {SAID_MAX:,} characters.")
    if not data["source"]:
        problems.append("Enter where it came from: a group or a service, never a person's name.")
    for name, label, limit in (("source", "The source", TEXT_MAX), ("service", "The service", TEXT_MAX),
                               ("consent_record", "How consent was recorded", RECORD_MAX)):  # fmt: skip
        if len(data[name]) > limit:
            problems.append(f"{label} must be under {limit} characters.")
    if len(data["we_did"]) > SAID_MAX:
        problems.append(f"Keep what changed under {SAID_MAX:,} characters.")
    return problems


def _consent_problems(data: dict) -> list[str]:
    problems = []
    if data["method"] not in VoiceMethod.values:
        problems.append("Choose how it was gathered.")
    if data["consent"] not in VoiceConsent.values:
        problems.append("Choose what consent there is.")
    if data["consent"] in CONSENT_GIVEN and not data["consent_record"]:
        problems.append("Say how consent was given and where it is recorded.")
    if data["public"] and data["consent"] == VoiceConsent.NONE:
        problems.append(
            "An entry without consent cannot be shown in the published report. Untick 'show in the published "
            "report', or record the consent that was given."
        )
    return problems


def _change_problems(data: dict, period) -> list[str]:
    problems = []
    said_on, change_on = data["said_on"], data["change_on"]
    if said_on is None:
        problems.append("Enter the date it was said, for example 14 October 2020.")
    elif not period.start <= said_on <= period.end:
        problems.append(
            f"Enter a date within {period.label} ({period.start:%-d %B %Y} to {period.end:%-d %B %Y}), "
            "or record the entry in the period it belongs to."
        )
    if data["we_did"] and data["change_status"] not in ChangeStatus.values:
        problems.append("Say whether the change is planned or done.")
    if data["change_status"] and not data["we_did"]:
        problems.append("Say what changed as a result, or leave its status empty.")
    if data["change_status"] == ChangeStatus.DONE and change_on is None:
        problems.append("Enter the date the change was made.")
    if said_on is not None and change_on is not None and change_on < said_on:
        problems.append("The change cannot come before what was said. Check the two dates.")
    return problems


def _problems(user, period, data: dict) -> list[str]:
    problems = _agency_problems(user, period, data["agency"])
    priority = data["priority"]
    if priority is not None and priority.partnership_id != period.partnership_id:
        problems.append("Choose a priority of this partnership.")
    if priority is None and not data["service"]:
        problems.append("Choose the priority it concerns, or name the service.")
    return problems + _text_problems(data) + _consent_problems(data) + _change_problems(data, period)


def _values(entry: VoiceEntry) -> dict:
    """What the audit trail keeps of an entry: its fields, with the two texts only by length."""
    values = {
        "agency": entry.agency.name if entry.agency_id else "the partnership",
        "priority": entry.priority.title if entry.priority_id else "",
        **{name: getattr(entry, name) for name in FIELDS if name not in ("agency", "priority")},
    }
    for name in UNQUOTED:
        values[name] = f"{len(values[name])} characters"
    return values


def voice_entry_add(*, user, period, fields: dict) -> VoiceEntry:
    """Record what children or families said (and any change it led to) in the period's ledger."""
    if not user_can_add_voice_entry(user, period):
        raise NotAllowed("Only the business manager and agency leads can add to the voice ledger.")
    data = _clean(fields)
    problems = _problems(user, period, data)
    if problems:
        raise InvalidInput(problems)
    with transaction.atomic():
        entry = VoiceEntry.objects.create(period=period, **data)
        audit_write(period=period, target=entry, action="reports.voice.added", actor=user, data=_values(entry))
    return entry


def voice_entry_change(*, user, entry: VoiceEntry, fields: dict) -> VoiceEntry:
    """Change an entry; an agency lead cannot move it to another agency."""
    period = entry.period
    if not user_can_change_voice_entry(user, entry):
        raise NotAllowed("Only the business manager and the lead of the entry's agency can change it.")
    data = _clean(fields)
    problems = _problems(user, period, data)
    if problems:
        raise InvalidInput(problems)
    with transaction.atomic():
        locked = VoiceEntry.objects.select_for_update().filter(pk=entry.pk).first()
        if locked is None:
            raise WorkflowError("This entry has been removed. Go back to the ledger to see what is there now.")
        locked.period = period
        before, raw = _values(locked), {name: getattr(locked, name) for name in FIELDS}
        for name, value in data.items():
            setattr(locked, name, value)
        changed = [name for name in FIELDS if raw[name] != data[name]]
        if changed:
            locked.save(update_fields=[*changed, "updated_at"])
            audit_write(
                period=period, target=locked, action="reports.voice.changed", actor=user,
                data={"changes": changes_between(before, _values(locked))},
            )  # fmt: skip
    return locked


def voice_entry_remove(*, user, entry: VoiceEntry) -> None:
    """Remove an entry made by mistake; the audit trail keeps what it was."""
    if not user_can_change_voice_entry(user, entry):
        raise NotAllowed("Only the business manager and the lead of the entry's agency can remove it.")
    with transaction.atomic():
        locked = VoiceEntry.objects.select_for_update().filter(pk=entry.pk).first()
        if locked is None:
            raise WorkflowError("This entry has already been removed.")
        locked.period = entry.period
        audit_write(
            period=entry.period, target=locked, action="reports.voice.removed", actor=user,
            data={"before": _values(locked)},
        )  # fmt: skip
        locked.delete()


# Reading -----------------------------------------------------------------------------------------


def voice_entries_for(*, user, period, priority_id: int | None = None, agency_id: int | None = None) -> QuerySet:
    """The period's entries this user may read, newest first, with the filters applied."""
    entries = voice_entries_visible_to(user).filter(period=period).select_related("period", "agency", "priority")
    if priority_id is not None:
        entries = entries.filter(priority_id=priority_id)
    if agency_id is not None:
        entries = entries.filter(agency_id=agency_id)
    return entries.order_by("-said_on", "-pk")


def voice_filter_choices(*, user, period) -> tuple[list, list]:
    """The priorities and agencies the ledger's filters offer (two queries)."""
    priorities = list(Priority.objects.filter(partnership_id=period.partnership_id).order_by("position"))
    agencies = Agency.objects.filter(partnership_id=period.partnership_id).order_by("name")
    roles = roles_for(user)
    if period.partnership_id not in roles.managed | roles.scrutinised:
        agencies = agencies.filter(pk__in=roles.led_agencies | roles.contributor_agencies)
    return priorities, list(agencies)


@dataclass
class VoiceGroup:
    heading: str
    entries: list = field(default_factory=list)


@dataclass
class VoiceFigures:
    period_label: str
    groups: list[VoiceGroup]
    by_method: list[tuple[str, int]]
    total: int
    shown: int
    done: int
    planned: int


def voice_statistics(*, period) -> VoiceFigures:
    """The report's voice block: the public entries grouped by priority (services after), and how
    everything in the ledger was gathered. Two queries, whatever the number of entries."""
    counts = {
        row["method"]: row["n"]
        for row in VoiceEntry.objects.filter(period=period).values("method").annotate(n=Count("pk")).order_by()
    }
    by_method = [(label, counts[value]) for value, label in VoiceMethod.choices if counts.get(value)]
    public = (
        VoiceEntry.objects.filter(period=period, public=True)
        .exclude(consent=VoiceConsent.NONE)  # the database refuses it already; never rely on one guard alone
        .select_related("priority")
        .order_by("priority__position", "service", "said_on", "pk")
    )
    groups: dict[object, VoiceGroup] = {}
    services = VoiceGroup("Other services")
    for entry in public:
        if entry.priority_id is None:
            services.entries.append(entry)
        else:
            groups.setdefault(entry.priority_id, VoiceGroup(entry.priority.title)).entries.append(entry)
    ordered = [*groups.values(), *([services] if services.entries else [])]
    shown = [entry for group in ordered for entry in group.entries]
    return VoiceFigures(
        period_label=period.label,
        groups=ordered,
        by_method=by_method,
        total=sum(counts.values()),
        shown=len(shown),
        done=sum(1 for entry in shown if entry.change_status == ChangeStatus.DONE),
        planned=sum(1 for entry in shown if entry.change_status == ChangeStatus.PLANNED),
    )
