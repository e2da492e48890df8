"""The demo's 2020/21 voice ledger and children's version, loaded against a period from the factories."""

import datetime
from pathlib import Path

import pytest

from partnership.models import AuditEntry, Priority
from reports.childrens import readability_of
from reports.demo_voice import voice_demo_load
from reports.models import VoiceEntry
from reports.voice import voice_statistics
from tests.factories import AgencyFactory, PeriodFactory

pytestmark = pytest.mark.django_db

NEXT = Path(__file__).resolve().parents[2] / "demo" / "dudley-2020-21"


@pytest.fixture
def period(world):
    for slug in ("barnardos", "dudley-mbc", "dudley-ccg", "west-midlands-police"):
        AgencyFactory(partnership=world.partnership, slug=slug, name=slug.replace("-", " ").title())
    for position, title in enumerate(["Preventing violence", "Neglect", "Exploitation"], start=1):
        Priority.objects.create(partnership=world.partnership, position=position, title=title)
    return PeriodFactory(
        partnership=world.partnership, label="2020/21", slug="2020-21", start=datetime.date(2020, 4, 1),
        end=datetime.date(2021, 3, 31), submission_deadline=datetime.date(2021, 9, 30),
    )  # fmt: skip


def test_the_demo_ledger_loads_through_the_services_once(period):
    assert voice_demo_load(period=period, path=NEXT / "voice.yaml") == 7
    assert AuditEntry.objects.filter(code="reports.voice.added").count() == 7
    assert voice_demo_load(period=period, path=NEXT / "voice.yaml") == 0
    assert VoiceEntry.objects.filter(period=period).count() == 7


def test_the_demo_ledger_keeps_the_complaint_without_consent_out_of_the_report(period):
    voice_demo_load(period=period, path=NEXT / "voice.yaml")
    figures = voice_statistics(period=period)
    assert (figures.total, figures.shown, figures.done, figures.planned) == (7, 6, 5, 1)
    assert [heading.heading for heading in figures.groups] == ["Preventing violence", "Neglect", "Exploitation"]
    shown = " ".join(entry.said for group in figures.groups for entry in group.entries)
    assert "change of social worker" not in shown
    assert VoiceEntry.objects.get(period=period, method="complaint").consent == "none"


def test_a_changed_demo_entry_is_changed_not_added(period, tmp_path):
    voice_demo_load(period=period, path=NEXT / "voice.yaml")
    changed = (
        (NEXT / "voice.yaml")
        .read_text()
        .replace(
            "change_status: planned\n  - agency: west",
            "change_status: done\n    change_on: 2021-03-01\n  - agency: west",
        )
    )
    (tmp_path / "voice.yaml").write_text(changed)
    assert voice_demo_load(period=period, path=tmp_path / "voice.yaml") == 1
    assert VoiceEntry.objects.filter(period=period).count() == 7


def test_the_demo_childrens_version_meets_the_target_for_children():
    score = readability_of((NEXT / "sections" / "childrens-version.md").read_text())
    assert score.meets_target and score.words > 150
