"""The one audit trail: every app's services write here, in the transaction of their change.

Each code is registered with a description in words (`audit_codes_register`, called by
each app's AppConfig.ready from its `audit_codes.py`); writing an unregistered code is a
programming error and raises. Entries are chained: each carries the sha256 of the
previous entry of its chain (one per partnership, one for the rest of the portal), so
`audit_verify` finds the first entry that was altered or removed behind the database's
back. The request's address reaches the writer through a context variable that
`partnership.middleware.AuditContextMiddleware` sets, so services never take a request.
"""

from __future__ import annotations

import datetime
import hashlib
import json
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import validate_ipv46_address
from django.db import models, transaction
from django.utils import timezone
from django.utils.ipv6 import clean_ipv6_address

from partnership.models import AuditChain, AuditEntry

GENESIS = "0" * 64
_CODES: dict[str, str] = {}
_request_ip: ContextVar[str | None] = ContextVar("audit_request_ip", default=None)


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


def audit_codes_register(codes: dict[str, str]) -> None:
    """Add codes and their descriptions ('approved the {target} section'); a code may not change meaning."""
    for code, description in codes.items():
        if _CODES.get(code, description) != description:
            raise ValueError(f"Audit code {code} is already registered with another description.")
        _CODES[code] = description


def audit_codes() -> dict[str, str]:
    """Every registered code and its description."""
    return dict(_CODES)


def audit_describe(entry: AuditEntry) -> str:
    """The entry in words, without the actor: 'approved the Police section'."""
    template = _CODES.get(entry.code, entry.code)
    values = _Blank({key: value for key, value in (entry.data or {}).items() if not isinstance(value, dict | list)})
    values["target"] = entry.target_label
    return template.format_map(values)


def _ip_clean(ip: str | None) -> str | None:
    # Stored as the database will give it back (PostgreSQL's inet rewrites IPv6), so the
    # entry's hash can be recomputed; a malformed address is dropped rather than failing the change.
    if not ip:
        return None
    try:
        validate_ipv46_address(ip)
    except ValidationError:
        return None
    return clean_ipv6_address(ip) if ":" in ip else ip


def audit_actor_describe(entry: AuditEntry) -> str:
    """Who did it: their name then, or who acts without an account (a visitor, or the portal itself)."""
    if entry.actor_label:
        return entry.actor_label
    # No actor and no address means no request: a scheduled task or a command did it.
    return "Someone not signed in" if entry.ip else "The portal"


@contextmanager
def audit_request_ip(ip: str | None) -> Iterator[None]:
    """Entries written inside this block carry this address."""
    token = _request_ip.set(_ip_clean(ip))
    try:
        yield
    finally:
        _request_ip.reset(token)


def _chain_key(partnership_id: int | None) -> str:
    return f"p{partnership_id}" if partnership_id else "portal"


def audit_heads(partnership_id: int | None) -> tuple[str, str]:
    """The hashes of the newest entries of the partnership's chain and of the portal's, in one query: both
    move with every audited change, so together they name the state of everything a partnership shows."""
    keys = (_chain_key(partnership_id), _chain_key(None))
    heads = dict(AuditChain.objects.filter(key__in=keys).values_list("key", "last_hash"))
    return heads.get(keys[0], GENESIS), heads.get(keys[1], GENESIS)


def _float_or_int(text: str) -> float | int:
    # PostgreSQL's jsonb gives 1e+16 back as 10000000000000000, so whole numbers are kept as integers.
    number = float(text)
    return int(number) if number.is_integer() else number


def _normalised(data: dict | None) -> dict:
    # What the JSON column will give back, so the hash of a stored entry can be recomputed.
    return json.loads(json.dumps(data or {}, cls=DjangoJSONEncoder), parse_float=_float_or_int)


def entry_hash(entry: AuditEntry) -> str:
    """The sha256 of everything the entry says, and of the hash of the entry before it."""
    payload = [
        entry.prev_hash,
        entry.created_at.astimezone(datetime.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        entry.partnership_id,
        entry.period_id,
        entry.code,
        entry.actor_id,
        entry.actor_label,
        entry.target_type_id,
        entry.target_id,
        entry.target_label,
        entry.data,
        entry.ip,
    ]
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def actor_label_for(user) -> str:
    if user is None:
        return ""
    return (user.get_full_name() or user.get_username())[:200]


def audit_record(
    *,
    code: str,
    actor=None,
    partnership=None,
    period=None,
    target: models.Model | None = None,
    target_label: str = "",
    data: dict | None = None,
) -> AuditEntry:
    """Write one entry; inside the caller's transaction, so it exists exactly when the change does."""
    if code not in _CODES:
        raise ValueError(f"Audit code {code} is not registered: add it to its app's audit_codes.py.")
    partnership_id = _partnership_id(partnership, period)
    with transaction.atomic():
        key = _chain_key(partnership_id)
        AuditChain.objects.bulk_create([AuditChain(key=key)], ignore_conflicts=True)
        chain = AuditChain.objects.select_for_update().get(key=key)
        entry = AuditEntry(
            partnership_id=partnership_id,
            period_id=getattr(period, "pk", period),
            code=code,
            actor=actor if getattr(actor, "pk", None) else None,
            actor_label=actor_label_for(actor) if getattr(actor, "pk", None) else "",
            target_type=ContentType.objects.get_for_model(target) if target is not None else None,
            target_id=target.pk if target is not None else None,
            target_label=(target_label or (str(target) if target is not None else ""))[:300],
            data=_normalised(data),
            ip=_request_ip.get(),
            created_at=timezone.now(),
            prev_hash=chain.last_hash,
        )
        entry.hash = entry_hash(entry)
        entry.save(force_insert=True)
        chain.last_hash = entry.hash
        chain.save(update_fields=["last_hash"])
    return entry


def _partnership_id(partnership, period) -> int | None:
    partnership_id = getattr(partnership, "pk", partnership)
    period_partnership_id = getattr(period, "partnership_id", None)
    if partnership_id is None:
        return period_partnership_id
    if period_partnership_id is not None and period_partnership_id != partnership_id:
        raise ValueError("The period given to audit_record belongs to another partnership.")
    return partnership_id


def changes_between(before: dict, after: dict) -> dict:
    """{field: [old, new]} for every field whose value differs (for an entry's data)."""
    before, after = _normalised(before), _normalised(after)
    return {name: [before.get(name), after.get(name)] for name in after if before.get(name) != after.get(name)}


@dataclass(frozen=True)
class BrokenLink:
    """Where a chain breaks: the entry (the last one left, when the newest are gone) and what is wrong."""

    entry_id: int | None
    chain: str
    problem: str


def audit_verify() -> tuple[int, BrokenLink | None]:
    """Walk every chain in order; how many entries were checked, and the first broken link if any."""
    outermost = not transaction.get_connection().in_atomic_block
    with transaction.atomic():
        if outermost:
            _snapshot_begin()
        heads = dict(AuditChain.objects.values_list("key", "last_hash"))
        last: dict[str, tuple[int, str]] = {}
        checked = 0
        for entry in AuditEntry.objects.order_by("pk").iterator(chunk_size=2000):
            key = _chain_key(entry.partnership_id)
            problem = _entry_problem(entry, last.get(key, (None, GENESIS))[1])
            if problem:
                return checked, BrokenLink(entry.pk, key, problem)
            last[key] = (entry.pk, entry.hash)
            checked += 1
        return checked, _head_problem(heads, last)


def _snapshot_begin() -> None:
    # The heads and the entries must be read from one snapshot, or an entry written during
    # the walk would look like a removal. PostgreSQL's default (read committed) gives each
    # query its own snapshot; SQLite's transaction already reads one.
    connection = transaction.get_connection()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")


def _entry_problem(entry: AuditEntry, expected_prev: str) -> str:
    if entry.prev_hash != expected_prev:
        return "it does not follow the entry before it in its chain, so an earlier entry was removed or altered"
    if entry_hash(entry) != entry.hash:
        return "its content no longer matches its hash, so it was altered after it was written"
    return ""


def _head_problem(heads: dict[str, str], last: dict[str, tuple[int, str]]) -> BrokenLink | None:
    for key in sorted(set(heads) | set(last)):
        last_id, last_hash = last.get(key, (None, GENESIS))
        if key not in heads:
            return BrokenLink(last_id, key, "the record of the chain's newest entry is missing, so it was removed")
        if heads[key] != last_hash:
            where = f"the ones after entry {last_id}" if last_id else "every entry of the chain"
            return BrokenLink(last_id, key, f"its newest entries ({where}) are missing, so they were removed")
    return None


def audit_export_record(*, user, partnership, rows: int, filters: dict) -> AuditEntry:
    """An export of the audit log is itself audited."""
    return audit_record(
        code="partnership.audit.exported", actor=user, partnership=partnership, data={"rows": rows, "filters": filters}
    )
