"""The audit trail: registered codes only, one hash chain per partnership, and tampering found.

Tampering is simulated the way an intruder with database rights would do it: an UPDATE or
DELETE straight on the table (on PostgreSQL with the append-only trigger switched off).
"""

import ast
import datetime
import pathlib
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections, transaction
from django.db.utils import ProgrammingError
from django.test.utils import CaptureQueriesContext

from partnership.audit import (
    GENESIS,
    BrokenLink,
    audit_codes,
    audit_describe,
    audit_record,
    audit_request_ip,
    audit_verify,
    entry_hash,
)
from partnership.management.commands.audit_verify import Command as AuditVerifyCommand
from partnership.models import AuditChain, AuditEntry
from tests.factories import PartnershipFactory

pytestmark = pytest.mark.django_db
# The append-only trigger exists on PostgreSQL only: the SQLite run deselects these.
on_postgresql = pytest.mark.postgresql_only

PROJECT = pathlib.Path(settings.BASE_DIR)
SOURCE_PACKAGES = ("agencies", "config", "demo", "lib", "partnership", "people", "reports", "reviews", "training")
ALTERED = "its content no longer matches its hash, so it was altered after it was written"
OUT_OF_CHAIN = "it does not follow the entry before it in its chain, so an earlier entry was removed or altered"


@contextmanager
def append_only_guard_off():
    """What a database owner can do: switch the trigger off, change rows, switch it on again."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        # ALTER TABLE waits for no deferred foreign-key check: run the test's pending ones now.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cursor.execute("ALTER TABLE partnership_auditentry DISABLE TRIGGER partnership_auditentry_append_only")
        try:
            yield
        finally:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("ALTER TABLE partnership_auditentry ENABLE TRIGGER partnership_auditentry_append_only")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")


def record(partnership, label: str = "", **kwargs) -> AuditEntry:
    return audit_record(code="partnership.partnership.changed", partnership=partnership, target_label=label, **kwargs)


@pytest.fixture
def two_chains(world):
    """Entries of two partnerships written turn about: tsp gets a1..a3, the other b1..b2."""
    other = PartnershipFactory(name="Other Partnership", slug="other")
    a1, b1, a2, b2, a3 = (
        record(world.partnership, "a1"),
        record(other, "b1"),
        record(world.partnership, "a2"),
        record(other, "b2"),
        record(world.partnership, "a3"),
    )
    return world.partnership, other, [a1, a2, a3], [b1, b2]


# The registry ---------------------------------------------------------------------------


def test_an_unregistered_code_is_refused_and_nothing_is_written(world):
    with pytest.raises(ValueError) as refused:
        audit_record(code="partnership.nothing.happened", partnership=world.partnership)
    assert str(refused.value) == (
        "Audit code partnership.nothing.happened is not registered: add it to its app's audit_codes.py."
    )
    assert (AuditEntry.objects.count(), AuditChain.objects.count()) == (0, 0)


AUDIT_WRITERS = ("audit_record", "audit_write", "account_event_record", "audit_export_record", "_audit")


def _callee(call: ast.Call) -> str:
    return getattr(call.func, "id", None) or getattr(call.func, "attr", "")


def _strings(node: ast.AST, assigned: dict[str, list[str]]) -> list[str]:
    """The strings an argument can be: a literal, either side of `a if c else b`, or what a local name was given."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _strings(node.body, assigned) + _strings(node.orelse, assigned)
    if isinstance(node, ast.Name):
        return assigned.get(node.id, [])
    return []


def _local_strings(function: ast.AST) -> dict[str, list[str]]:
    assigned: dict[str, list[str]] = {}
    for node in ast.walk(function):
        if isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    assigned.setdefault(target.id, []).extend(_strings(node.value, {}))
    return assigned


def codes_written_in_source() -> dict[str, str]:
    """Every code passed to an audit writer (code= / action= / positional) or named as a transition's audit_code=."""
    found: dict[str, str] = {}
    for package in SOURCE_PACKAGES:
        for path in sorted((PROJECT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            tree = ast.parse(path.read_text(encoding="utf-8"))
            scopes = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef)] + [tree]
            for scope in scopes:
                assigned = _local_strings(scope)
                for call in (n for n in ast.walk(scope) if isinstance(n, ast.Call)):
                    writer = _callee(call) in AUDIT_WRITERS
                    arguments = [k.value for k in call.keywords if k.arg == "audit_code"]
                    if writer:
                        arguments += [k.value for k in call.keywords if k.arg in ("code", "action")] + call.args
                    for argument in arguments:
                        for code in _strings(argument, assigned):
                            found.setdefault(code, f"{path.relative_to(PROJECT)}:{call.lineno}")
    return found


def test_every_code_used_anywhere_in_the_code_base_is_registered():
    found = codes_written_in_source()
    # One code by each way of writing one, so a scan that stopped finding codes fails here.
    assert {
        "reports.section.approved",  # audit_code= in the workflow table
        "reports.outline.copied",  # action= to audit_write
        "people.signout",  # code= to account_event_record
        "people.signin.failed",  # code= to audit_record
        "partnership.admin.changed",  # a local name chosen by `a if c else b`
        "partnership.admin.deleted",  # positional to _audit
        "partnership.export.made",
        "partnership.audit.exported",
    } <= set(found)
    unregistered = {code: where for code, where in found.items() if code not in audit_codes()}
    assert unregistered == {}


def test_every_registered_code_is_dotted_and_its_description_reads_without_data():
    for code in audit_codes():
        assert AuditEntry(code=code).app == code.split(".")[0]
        assert code.count(".") >= 1 and code == code.lower() and " " not in code
        description = audit_describe(AuditEntry(code=code, target_label="X", data={}))
        assert description and "{" not in description and "}" not in description


# The chain ------------------------------------------------------------------------------


def test_each_entry_carries_the_hash_of_the_one_before_it_in_its_partnership(two_chains):
    first, second, a_entries, b_entries = two_chains
    for entries, partnership in ((a_entries, first), (b_entries, second)):
        stored = list(AuditEntry.objects.filter(partnership=partnership).order_by("pk"))
        assert [e.target_label for e in stored] == [e.target_label for e in entries]
        assert [e.prev_hash for e in stored] == [GENESIS] + [e.hash for e in stored[:-1]]
        assert all(entry_hash(e) == e.hash for e in stored)
        assert AuditChain.objects.get(key=f"p{partnership.pk}").last_hash == stored[-1].hash


def test_two_partnerships_chains_are_independent(two_chains):
    first, second, a_entries, b_entries = two_chains
    # b1 was written after a1, yet starts its own chain.
    assert b_entries[0].prev_hash == GENESIS
    assert a_entries[1].prev_hash == a_entries[0].hash
    assert {c.key for c in AuditChain.objects.all()} == {f"p{first.pk}", f"p{second.pk}"}


def test_events_of_no_partnership_have_the_portal_wide_chain(world):
    first = audit_record(code="people.signin.failed", data={"login": "nobody"})
    second = audit_record(code="people.signin.failed", data={"login": "nobody-else"})
    assert (first.partnership_id, first.prev_hash, second.prev_hash) == (None, GENESIS, first.hash)
    assert AuditChain.objects.get(key="portal").last_hash == second.hash


def test_a_period_puts_the_entry_in_its_partnerships_chain(world):
    entry = audit_record(code="partnership.period.changed", period=world.period, target=world.period)
    assert (entry.partnership_id, entry.period_id) == (world.partnership.pk, world.period.pk)
    assert AuditChain.objects.filter(key=f"p{world.partnership.pk}").exists()


def test_a_period_of_another_partnership_is_refused(world):
    other = PartnershipFactory()
    with pytest.raises(ValueError, match="belongs to another partnership"):
        audit_record(code="partnership.period.changed", partnership=other, period=world.period)
    assert AuditEntry.objects.count() == 0


# Verifying ------------------------------------------------------------------------------


def test_verify_passes_on_a_good_trail_and_counts_every_entry(two_chains):
    assert audit_verify() == (5, None)


@pytest.mark.django_db(transaction=True)
def test_verify_reads_one_snapshot_when_no_transaction_is_open(world):
    """As the command runs it: verify opens its own transaction (repeatable read on PostgreSQL)."""
    record(world.partnership)
    record(world.partnership)
    assert not connection.in_atomic_block
    with CaptureQueriesContext(connection) as queries:
        assert audit_verify() == (2, None)
    if connection.vendor == "postgresql":
        statements = [q["sql"] for q in queries.captured_queries if q["sql"] != "BEGIN"]
        assert statements[0] == "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"


def test_verify_passes_on_an_empty_trail(db):
    assert audit_verify() == (0, None)


def test_values_come_back_from_the_database_as_they_were_hashed(world):
    """Decimals, dates, big whole numbers (jsonb rewrites 1e16) and IPv6 (inet rewrites it) keep verifying."""
    data = {
        "amount": Decimal("1500.00"),
        "on": datetime.date(2020, 3, 31),
        "big": 1e16,
        "ratio": 0.125,
        "name": "Zoë’s “quote”",
        "changes": {"b": [1, None], "a": ["x", "y"]},
    }
    with audit_request_ip("2001:DB8:0:0:0:0:0:1"):
        entry = record(world.partnership, "values", data=data)
    with audit_request_ip("not an address"):
        record(world.partnership, "no address")
    stored = AuditEntry.objects.order_by("pk")
    assert [e.ip for e in stored] == ["2001:db8::1", None]
    assert stored[0].data["amount"] == "1500.00" and stored[0].data["big"] == 10**16
    assert entry.hash == stored[0].hash == entry_hash(stored[0])
    assert audit_verify() == (2, None)


def test_verify_names_an_altered_entry(two_chains):
    first, _, a_entries, _ = two_chains
    with append_only_guard_off():
        AuditEntry.objects.filter(pk=a_entries[1].pk).update(target_label="forged")
    # Entries are walked in the order written: a1 and b1 come before a2.
    assert audit_verify() == (2, BrokenLink(a_entries[1].pk, f"p{first.pk}", ALTERED))


def test_verify_names_an_entry_altered_by_raw_sql(two_chains):
    _, second, _, b_entries = two_chains
    with append_only_guard_off(), connection.cursor() as cursor:
        cursor.execute("UPDATE partnership_auditentry SET data = %s WHERE id = %s", ['{"rows": 1}', b_entries[0].pk])
    assert audit_verify() == (1, BrokenLink(b_entries[0].pk, f"p{second.pk}", ALTERED))


def test_an_altered_entry_whose_hash_was_recomputed_breaks_the_link_to_the_next(two_chains):
    first, _, a_entries, _ = two_chains
    forged = AuditEntry.objects.get(pk=a_entries[0].pk)
    forged.target_label = "forged"
    with append_only_guard_off():
        AuditEntry.objects.filter(pk=forged.pk).update(target_label="forged", hash=entry_hash(forged))
    assert audit_verify() == (2, BrokenLink(a_entries[1].pk, f"p{first.pk}", OUT_OF_CHAIN))


def test_verify_finds_a_removed_entry_at_the_one_after_it(two_chains):
    first, _, a_entries, _ = two_chains
    with append_only_guard_off():
        AuditEntry.objects.filter(pk=a_entries[1].pk).delete()
    assert audit_verify() == (3, BrokenLink(a_entries[2].pk, f"p{first.pk}", OUT_OF_CHAIN))


def test_verify_finds_the_newest_entry_removed(two_chains):
    first, _, a_entries, _ = two_chains
    with append_only_guard_off():
        AuditEntry.objects.filter(pk=a_entries[2].pk).delete()
    problem = f"its newest entries (the ones after entry {a_entries[1].pk}) are missing, so they were removed"
    assert audit_verify() == (4, BrokenLink(a_entries[1].pk, f"p{first.pk}", problem))


def test_verify_finds_a_chain_with_every_entry_removed(two_chains):
    _, second, _, b_entries = two_chains
    with append_only_guard_off():
        AuditEntry.objects.filter(partnership=second).delete()
    problem = "its newest entries (every entry of the chain) are missing, so they were removed"
    assert audit_verify() == (3, BrokenLink(None, f"p{second.pk}", problem))


def test_verify_finds_a_chain_whose_head_record_was_removed(two_chains):
    _, second, _, b_entries = two_chains
    AuditChain.objects.filter(key=f"p{second.pk}").delete()
    problem = "the record of the chain's newest entry is missing, so it was removed"
    assert audit_verify() == (5, BrokenLink(b_entries[1].pk, f"p{second.pk}", problem))


# The command ----------------------------------------------------------------------------


@pytest.fixture
def command_line(monkeypatch, capsys):
    """Run `manage.py audit_verify` as an operator would: its exit status, its output and its errors."""
    # run_from_argv closes every connection when it ends, which would end the test's transaction.
    monkeypatch.setattr(connections, "close_all", lambda: None)

    def run() -> tuple[int, str, str]:
        try:
            AuditVerifyCommand().run_from_argv(["manage.py", "audit_verify"])
            status = 0
        except SystemExit as exit_:
            status = exit_.code
        out, err = capsys.readouterr()
        return status, out, err

    return run


def test_command_says_the_trail_is_intact_with_exit_status_0(two_chains, command_line):
    assert command_line() == (0, "Checked 5 audit entries. The audit trail is intact.\n", "")


def test_command_names_the_first_broken_link_on_stderr_with_exit_status_1(two_chains, command_line):
    _, _, a_entries, _ = two_chains
    with append_only_guard_off():
        AuditEntry.objects.filter(pk=a_entries[1].pk).update(target_label="forged")
    status, out, err = command_line()
    assert (status, out) == (1, "")
    assert err == (
        f"CommandError: The audit trail is broken at entry {a_entries[1].pk} in the chain of partnership "
        f"'Test Partnership' (chain p{a_entries[1].partnership_id}): {ALTERED}. 2 entries before it were "
        "checked and are intact. Nothing was changed. Compare the audit table with a backup taken before "
        "the damage, and find out who could change the database directly.\n"
    )


def test_command_names_the_portal_wide_chain_in_words(world):
    entry = audit_record(code="people.signin.failed", data={"login": "nobody"})
    with append_only_guard_off():
        AuditEntry.objects.filter(pk=entry.pk).update(data={"login": "somebody"})
    with pytest.raises(CommandError) as broken:
        call_command("audit_verify")
    assert str(broken.value).startswith(
        f"The audit trail is broken at entry {entry.pk} in the portal-wide chain "
        "(events that belong to no partnership): its content no longer matches its hash"
    )


def test_command_counts_one_entry_in_the_singular(world, capsys):
    record(world.partnership)
    call_command("audit_verify")
    assert capsys.readouterr().out == "Checked 1 audit entry. The audit trail is intact.\n"


# PostgreSQL refuses changes -------------------------------------------------------------


def _refused(change) -> str:
    """The error PostgreSQL raises for the change; the savepoint keeps the test's transaction usable."""
    with pytest.raises(ProgrammingError) as refused, transaction.atomic():
        change()
    return str(refused.value)


def _saved_as(entry: AuditEntry, **values) -> None:
    for name, value in values.items():
        setattr(entry, name, value)
    entry.save(update_fields=list(values))


def _raw(sql: str, *params):
    def run():
        with connection.cursor() as cursor:
            cursor.execute(sql, params)

    return run


@on_postgresql
@pytest.mark.parametrize(
    ("operation", "change"),
    [
        ("UPDATE", lambda e: AuditEntry.objects.filter(pk=e.pk).update(target_label="forged")),
        ("UPDATE", lambda e: _saved_as(e, target_label="forged")),
        ("DELETE", lambda e: AuditEntry.objects.filter(pk=e.pk).delete()),
        ("DELETE", lambda e: AuditEntry.objects.get(pk=e.pk).delete()),
        ("UPDATE", lambda e: _raw("UPDATE partnership_auditentry SET code = 'x.y' WHERE id = %s", e.pk)()),
        ("DELETE", lambda e: _raw("DELETE FROM partnership_auditentry WHERE id = %s", e.pk)()),
    ],
    ids=["orm-update", "orm-save", "orm-queryset-delete", "orm-delete", "sql-update", "sql-delete"],
)
def test_postgresql_refuses_to_change_or_remove_an_entry(world, operation, change):
    entry = record(world.partnership, "kept")
    message = _refused(lambda: change(entry))
    assert message.startswith(f"The audit trail is append-only: {operation} on partnership_auditentry is refused")
    assert AuditEntry.objects.get(pk=entry.pk).target_label == "kept"
    assert audit_verify() == (1, None)


@on_postgresql
def test_postgresql_reports_the_refusal_as_insufficient_privilege(world):
    import psycopg2.errors

    entry = record(world.partnership)
    with pytest.raises(ProgrammingError) as refused, transaction.atomic():
        AuditEntry.objects.filter(pk=entry.pk).delete()
    assert type(refused.value.__cause__) is psycopg2.errors.InsufficientPrivilege
    assert refused.value.__cause__.pgcode == "42501"
