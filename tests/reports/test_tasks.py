import datetime

import pytest
from django.core import mail

from reports import services
from reports.models import ReminderSent
from reports.tasks import notify_challenge_event, notify_section_event, reminder_kind, send_deadline_reminders
from tests.reports.conftest import content, put_in_state

DEADLINE = datetime.date(2020, 9, 30)  # PeriodFactory's submission deadline


def test_submitting_queues_mail_to_the_business_manager_on_commit(world, sections, django_capture_on_commit_callbacks):
    section = put_in_state(sections.a, "draft", world.users["lead_a"])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.section_submit(user=world.users["lead_a"], section=section)
    assert len(callbacks) == 1
    assert [(m.subject, m.to) for m in mail.outbox] == [("Section submitted: Council Working", ["manager@example.org"])]


def test_nothing_is_queued_when_the_transition_is_refused(world, sections, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(services.WorkflowError):
        services.section_submit(user=world.users["lead_a"], section=sections.a)
    assert (callbacks, mail.outbox) == ([], [])


def test_approval_and_return_mail_the_owning_agency_lead(world, sections):
    put_in_state(sections.a, "approved", world.users["lead_a"])
    assert notify_section_event(sections.a.pk, "approved") == 1
    assert notify_section_event(sections.a.pk, "changes_requested") == 1
    assert [(m.subject, m.to) for m in mail.outbox] == [
        ("Section approved: Council Working", ["lead-a@example.org"]),
        ("Changes requested: Council Working", ["lead-a@example.org"]),
    ]


def test_challenge_raised_mails_the_lead_and_answered_mails_the_scrutineer(
    world, sections, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        challenge = services.challenge_raise(user=world.users["scrutineer"], section=sections.a, question="Why?")
    with django_capture_on_commit_callbacks(execute=True):
        services.challenge_answer(user=world.users["lead_a"], challenge=challenge, answer="Because.")
    assert [(m.subject, m.to) for m in mail.outbox] == [
        ("Challenge raised on Council Working", ["lead-a@example.org"]),
        ("Challenge answered on Council Working", ["scrutineer@example.org"]),
    ]
    assert notify_challenge_event(challenge.pk + 999, "raised") == 0


@pytest.mark.parametrize(
    ("days", "kind"),
    [(20, None), (15, None), (14, "14d"), (8, "14d"), (7, "7d"), (2, "7d"), (1, "1d"), (0, "1d"), (-1, "overdue")],
)
def test_reminder_kind_by_days_left(days, kind):
    assert reminder_kind(days) == kind


def test_reminder_is_sent_once_even_if_the_task_runs_twice(world, sections):
    put_in_state(sections.b, "submitted", world.users["lead_b"])  # submitted: no reminder
    day = (DEADLINE - datetime.timedelta(days=14)).isoformat()
    assert send_deadline_reminders(day) == 2  # agency A's section and the introduction
    assert send_deadline_reminders(day) == 0
    assert sorted((m.to[0], m.subject) for m in mail.outbox) == [
        ("lead-a@example.org", "Reminder: Council Working is due on 30 September 2020"),
        ("manager@example.org", "Reminder: Introduction is due on 30 September 2020"),
    ]
    assert ReminderSent.objects.filter(kind="14d").count() == 2


def test_each_reminder_kind_is_sent_once_then_overdue_once(world, sections):
    put_in_state(sections.b, "submitted", world.users["lead_b"])
    put_in_state(sections.intro, "approved", world.users["business_manager"])
    for days in (14, 13, 7, 6, 1, 0, -1, -2):
        send_deadline_reminders((DEADLINE - datetime.timedelta(days=days)).isoformat())
    assert list(ReminderSent.objects.order_by("pk").values_list("kind", flat=True)) == ["14d", "7d", "1d", "overdue"]
    assert [m.subject for m in mail.outbox][-1] == "Reminder: Council Working was due on 30 September 2020"


def test_no_reminder_after_submission(world, sections):
    lead = world.users["lead_a"]
    services.section_save(user=lead, section=sections.a, content=content("Done."), based_on=None)
    services.section_submit(user=lead, section=sections.a)
    send_deadline_reminders((DEADLINE - datetime.timedelta(days=1)).isoformat())
    assert sorted(m.to[0] for m in mail.outbox) == ["lead-b@example.org", "manager@example.org"]  # not lead A


def test_beat_schedule_runs_the_reminders_daily():
    from config.celery import app

    assert app.conf.beat_schedule["reports-deadline-reminders"]["task"] == "reports.send_deadline_reminders"
