"""Publish once (issue 11, F3): the same draft is never frozen twice, whether the button is clicked twice,
four requests race, or a form is sent after the draft changed."""

import re
import threading

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from reports.models import PublishedReport, Section
from reports.publishing import PublishRefused, draft_fingerprint, report_publish
from reports.services import section_approve, section_save, section_submit
from tests.reports.report_fixtures import content
from tests.reports.test_publishing import ready_outline, sign_all


@pytest.fixture
def signed(world):
    ready_outline(world)
    sign_all(world)
    return world


def publish_url(world):
    return reverse("reports:report_publish", args=[world.partnership.slug, world.period.slug])


def report_url(world):
    return reverse("reports:report", args=[world.partnership.slug, world.period.slug])


def shown_fingerprint(client, world) -> str:
    page = client.get(report_url(world)).content.decode()
    return re.search(r'name="fingerprint" value="([0-9a-f]{64})"', page).group(1)


def correct_section_1(world):
    manager = world.users["business_manager"]
    section = Section.objects.get(spec__slug="s1")
    section_save(user=world.users["lead_a"], section=section, content=content("A corrected figure."), based_on=1)
    section_submit(user=world.users["lead_a"], section=Section.objects.get(pk=section.pk))
    section_approve(user=manager, section=Section.objects.get(pk=section.pk))
    sign_all(world)


@pytest.mark.django_db
def test_publishing_the_same_draft_again_is_refused(signed):
    manager = signed.users["business_manager"]
    v1 = report_publish(user=manager, period=signed.period)
    assert v1.draft_fingerprint == draft_fingerprint(signed.period)
    with pytest.raises(PublishRefused, match="already published as version 1"):
        report_publish(user=manager, period=signed.period, change_note="Again.")
    assert PublishedReport.objects.filter(period=signed.period).count() == 1


@pytest.mark.django_db
def test_a_double_submitted_publish_form_makes_one_version(signed, client_as):
    client = client_as("business_manager")
    fingerprint = shown_fingerprint(client, signed)
    first = client.post(publish_url(signed), {"change_note": "", "fingerprint": fingerprint})
    assert first.status_code == 302
    second = client.post(publish_url(signed), {"change_note": "", "fingerprint": fingerprint})
    assert second.status_code == 400
    assert "This draft is already published as version 1." in second.content.decode()
    assert PublishedReport.objects.filter(period=signed.period).count() == 1


@pytest.mark.django_db
def test_a_form_shown_before_the_draft_changed_publishes_nothing(signed, client_as):
    client = client_as("business_manager")
    stale = shown_fingerprint(client, signed)
    correct_section_1(signed)  # the draft changes while the form is open
    response = client.post(publish_url(signed), {"change_note": "", "fingerprint": stale})
    assert response.status_code == 400
    assert "The draft has changed since you opened this page" in response.content.decode()
    assert not PublishedReport.objects.filter(period=signed.period).exists()
    # The page shown again carries the current draft's fingerprint, so publishing it now works.
    assert shown_fingerprint(client, signed) == draft_fingerprint(signed.period)
    again = client.post(publish_url(signed), {"change_note": "", "fingerprint": draft_fingerprint(signed.period)})
    assert again.status_code == 302 and PublishedReport.objects.filter(period=signed.period).count() == 1


@pytest.mark.django_db
def test_a_form_for_a_draft_already_published_says_which_version(signed):
    manager = signed.users["business_manager"]
    shown = draft_fingerprint(signed.period)
    report_publish(user=manager, period=signed.period, fingerprint=shown)
    correct_section_1(signed)
    with pytest.raises(PublishRefused, match="already published as version 1, and the draft has changed"):
        report_publish(user=manager, period=signed.period, change_note="Fix.", fingerprint=shown)
    v2 = report_publish(
        user=manager, period=signed.period, change_note="Fix.", fingerprint=draft_fingerprint(signed.period)
    )
    assert v2.number == 2


@pytest.mark.django_db
def test_a_version_from_before_fingerprints_still_blocks_its_own_draft(signed):
    """Versions published before the fingerprint was kept have none: the manifest comparison catches them."""
    manager = signed.users["business_manager"]
    v1 = report_publish(user=manager, period=signed.period)
    PublishedReport.objects.filter(pk=v1.pk).update(draft_fingerprint="")
    with pytest.raises(PublishRefused, match="already published as version 1"):
        report_publish(user=manager, period=signed.period, change_note="Again.")


@pytest.mark.django_db
def test_the_database_refuses_two_versions_of_one_draft(signed):
    manager = signed.users["business_manager"]
    v1 = report_publish(user=manager, period=signed.period)
    twin = PublishedReport(
        period=signed.period, number=2, published_by=manager, published_at=v1.published_at, change_note="Twin.",
        manifest=v1.manifest, html_sha256=v1.html_sha256, html=v1.html.name, draft_fingerprint=v1.draft_fingerprint,
    )  # fmt: skip
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()


@pytest.mark.postgresql_only
@pytest.mark.django_db(transaction=True)
def test_four_parallel_publishes_make_exactly_one_version(signed, monkeypatch):
    """Four threads, each on its own PostgreSQL connection, publish at the same moment: one version, three
    refusals naming it."""
    monkeypatch.setattr("reports.publishing._queue_pdf", lambda version_id: None)  # the PDF is not the point here
    manager = signed.users["business_manager"]
    fingerprint = draft_fingerprint(signed.period)
    start = threading.Barrier(4, timeout=60)
    results, lock = [], threading.Lock()

    def publish():
        try:
            start.wait()
            version = report_publish(user=manager, period=signed.period, fingerprint=fingerprint)
            outcome = ("published", version.number)
        except PublishRefused as refused:
            outcome = ("refused", " ".join(refused.reasons))
        except Exception as error:  # noqa: BLE001 - any other failure is reported by the assertion below
            outcome = ("error", repr(error))
        finally:
            connection.close()  # each thread had its own connection
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=publish) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads)
    assert sorted(kind for kind, _ in results) == ["published", "refused", "refused", "refused"], results
    assert all("already published as version 1" in text for kind, text in results if kind == "refused")
    assert list(PublishedReport.objects.filter(period=signed.period).values_list("number", flat=True)) == [1]
