"""No personal data in task arguments or logs (ASVS V7.1, V8.3): tasks take ids (and a few
plain values) and read the rest from the database; a crash is logged without its message."""

import inspect
import logging
import typing
from pathlib import Path

import pytest
from django.db import IntegrityError

from config.celery import app
from lib.logs import exception_outline

# Arguments that are not ids, and why each carries no personal data.
PLAIN_ARGUMENTS = {
    ("reports.notify_section_event", "event"): str,  # a code from SECTION_EVENTS
    ("reports.notify_challenge_event", "event"): str,  # a code from CHALLENGE_EVENTS
    ("reports.send_deadline_reminders", "today"): str | None,  # an ISO date
    # The invitation's random nonce, as the database keeps it, so a resent invitation's older
    # task sends nothing; it makes no usable link without the secret key that signs it.
    ("people.send_invitation", "nonce"): str,
}
ID_TYPES = (int, int | None)


def portal_tasks():
    app.loader.import_default_modules()
    return sorted((name, task) for name, task in app.tasks.items() if not name.startswith("celery."))


def arguments(task):
    """(name, type) of each argument the caller passes (a bound task's run() already hides self)."""
    hints = typing.get_type_hints(task.run)
    return [(p.name, hints.get(p.name)) for p in inspect.signature(task.run).parameters.values()]


def wrong_arguments(name, task) -> list[str]:
    wrong = []
    for argument, hint in arguments(task):
        allowed = PLAIN_ARGUMENTS.get((name, argument))
        ok = hint == allowed if allowed is not None else argument.endswith("_id") and hint in ID_TYPES
        if not ok:
            wrong.append(f"{name}({argument}: {hint})")
    return wrong


def test_the_registry_holds_the_portals_tasks():
    names = [name for name, _ in portal_tasks()]
    for expected in ("people.send_invitation", "reports.published_report_pdf", "training.booking_import_run"):
        assert expected in names


def test_every_task_takes_ids_or_plain_values():
    assert [wrong for name, task in portal_tasks() for wrong in wrong_arguments(name, task)] == []


# Celery's worker logs each task's return value ("succeeded in 1.2s: ..."), so results are plain too.
STRING_RESULTS = {"portal.ping": "pong", "reports.published_report_pdf": "the PDF's sha256"}


def test_every_task_returns_a_count_a_flag_or_nothing():
    wrong = []
    for name, task in portal_tasks():
        result = typing.get_type_hints(task.run).get("return", "missing")
        if not (result in (int, bool, type(None)) or (result is str and name in STRING_RESULTS)):
            wrong.append(f"{name} -> {result}")
    assert wrong == []


def test_the_rule_catches_an_email_argument():
    from celery import shared_task

    @shared_task(name="tests.mail_someone", bind=True)
    def mail_someone(self, user_id: int, email: str, note: str = "") -> None: ...

    try:
        assert arguments(app.tasks["tests.mail_someone"])[0] == ("user_id", int)
        assert wrong_arguments("tests.mail_someone", app.tasks["tests.mail_someone"]) == [
            "tests.mail_someone(email: <class 'str'>)",
            "tests.mail_someone(note: <class 'str'>)",
        ]
    finally:
        app.tasks.unregister("tests.mail_someone")


def test_services_queue_ids_only(world, django_capture_on_commit_callbacks, monkeypatch):
    """A sample: the invitation task is queued with the invitation's id and nonce, never its email."""
    from people.invitations import invitation_create
    from people.models import Role
    from people.tasks import send_invitation

    sent = []
    monkeypatch.setattr(send_invitation, "delay", lambda *args, **kwargs: sent.append((args, kwargs)))
    with django_capture_on_commit_callbacks(execute=True):
        invitation = invitation_create(
            user=world.users["business_manager"],
            partnership=world.partnership,
            email="new.person@example.org",
            role=Role.SCRUTINEER,
            agency=None,
        )
    assert sent == [((invitation.pk, invitation.nonce), {})]


def test_a_crashed_import_is_logged_without_the_delegates_data(
    world, settings, tmp_path, monkeypatch, caplog, django_capture_on_commit_callbacks
):
    from training.models import ImportStatus
    from training.services import booking_import_start
    from training.services import imports as services

    def crash(job):
        raise IntegrityError("duplicate key value violates unique constraint DETAIL: Key (email)=(ann@example.org)")

    monkeypatch.setattr(services, "_check_file", crash)
    raw = (Path(__file__).parent.parent / "training" / "good_imports" / "bookings.csv").read_bytes()
    with caplog.at_level(logging.INFO), django_capture_on_commit_callbacks(execute=True):
        job = booking_import_start(user=world.users["business_manager"], period=world.period, name="b.csv", raw=raw)
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED
    [record] = [r for r in caplog.records if r.name == "training.services.imports"]
    assert record.exc_info is None
    assert "ann@example.org" not in caplog.text
    assert f"Booking import {job.pk} crashed: django.db.utils.IntegrityError at test_no_personal_data.py:" in (
        record.getMessage()
    )


def test_exception_outline_names_the_type_and_place_but_not_the_message():
    def inner():
        raise ValueError("Ann Able <ann@example.org>")

    with pytest.raises(ValueError) as caught:
        inner()
    outline = exception_outline(caught.value)
    assert outline.startswith("builtins.ValueError at test_no_personal_data.py:")
    assert " inner < " in outline
    assert "ann@example.org" not in outline and "Ann" not in outline
