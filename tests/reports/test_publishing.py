"""Sign-off and publishing: refusals with reasons, frozen versions, corrections as version 2."""

import hashlib
from io import StringIO

import pytest
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse

from agencies.models import AgencyKind, StatutoryRole
from reports.checklist import statutory_checklist
from reports.errors import InvalidInput, NotAllowed
from reports.models import Challenge, PdfState, PublishedReport, Section, SignOff
from reports.publishing import PublishRefused, report_publish, report_readiness, report_sign_off
from reports.services import section_approve, section_save, section_submit
from tests.factories import AgencyFactory, Role, UserFactory, grant, staff_user
from tests.reports.report_fixtures import add_section, add_spec, content

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def add_health(world):
    agency = AgencyFactory(
        partnership=world.partnership, name="Health Board", short_name="Health", slug="health",
        kind=AgencyKind.STATUTORY_PARTNER, statutory_role=StatutoryRole.HEALTH,
    )  # fmt: skip
    world.users["lead_health"] = UserFactory(username="lead-health")
    grant(world.users["lead_health"], world.partnership, Role.AGENCY_LEAD, agency)
    return agency


@pytest.fixture
def health(world):
    return add_health(world)


def ready_outline(world):
    """An outline whose approved sections evidence every checklist requirement, and a health partner."""
    if "lead_health" not in world.users:
        add_health(world)
    manager = world.users["business_manager"]
    for position, code in enumerate(statutory_checklist(), start=1):
        owner = world.agency_a if position == 1 else None
        spec = add_spec(world.period, position, f"Section about {code}", owner=owner, themes=[code])
        body = content(f"What we did on {code}.")
        if code == "impact":  # met by an approved statement of impact with evidence, not by the tag
            body |= {"impact": "Fewer children were re-referred.", "evidence": [IMPACT_EVIDENCE]}
        add_section(spec, world.users["lead_a"] if owner else manager, body)
    return world


IMPACT_EVIDENCE = {"kind": "audit", "description": "Audit of 40 referrals", "table": None}


@pytest.fixture
def ready(world, health):
    return ready_outline(world)


@pytest.fixture
def publish(django_capture_on_commit_callbacks):
    """report_publish with its on-commit work (the PDF task, eager in tests) run as in production."""

    def run(**kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            version = report_publish(**kwargs)
        version.refresh_from_db()
        return version

    return run


def correct_and_sign(world, note: str) -> None:
    """A correction of the first section, approved and signed off again: a new draft to publish."""
    section = Section.objects.get(spec__slug="s1")
    section_save(
        user=world.users["lead_a"], section=section, content=content(note), based_on=section.current_revision.number
    )
    section_submit(user=world.users["lead_a"], section=Section.objects.get(pk=section.pk))
    section_approve(user=world.users["business_manager"], section=Section.objects.get(pk=section.pk))
    sign_all(world)


def sign_all(world):
    for lead in ("lead_a", "lead_b", "lead_health"):
        report_sign_off(user=world.users[lead], period=world.period, signatory_name=f"Director {lead}")


def test_readiness_lists_every_reason(world, health):
    spec = add_spec(world.period, 1, "Council", owner=world.agency_a, themes=["partners-activity"])
    section = add_section(spec, world.users["lead_a"], content("Draft"), approved=False)
    Challenge.objects.create(section=section, raised_by=world.users["scrutineer"], question="Evidence?")
    reasons = report_readiness(period=world.period).reasons
    assert reasons[0] == "Section 1 'Council' is not approved."
    assert reasons[1] == "1 challenge from the scrutineer is still open."
    gaps = [reason for reason in reasons if reason.startswith("No approved section evidences")]
    others = {code: title for code, title in statutory_checklist().items() if code != "impact"}
    assert gaps == [f"No approved section evidences '{title}'." for title in others.values()]
    assert (
        "No approved section states the difference it made with evidence ('Impact on outcomes for children and "
        "families'). Add what difference it made and how we know to a section, or record why none is needed."
    ) in reasons
    assert reasons[-3:] == [
        "The local authority partner has not signed off this draft.",
        "The health partner has not signed off this draft.",
        "The police partner has not signed off this draft.",
    ]


def test_publish_is_refused_with_reasons_and_writes_nothing(ready):
    with pytest.raises(PublishRefused) as refused:
        report_publish(user=ready.users["business_manager"], period=ready.period)
    assert "The police partner has not signed off this draft." in refused.value.reasons
    assert PublishedReport.objects.count() == 0


def test_only_statutory_partner_leads_sign_off(ready):
    with pytest.raises(NotAllowed):
        report_sign_off(user=ready.users["contributor"], period=ready.period, signatory_name="Someone")
    with pytest.raises(NotAllowed):
        report_sign_off(user=ready.users["business_manager"], period=ready.period, signatory_name="Someone")
    with pytest.raises(InvalidInput, match="Enter the name"):
        report_sign_off(user=ready.users["lead_a"], period=ready.period, signatory_name="   ")


def test_sign_off_needs_the_final_draft(world, health):
    spec = add_spec(world.period, 1, "Council", owner=world.agency_a)
    add_section(spec, world.users["lead_a"], content("Draft"), approved=False)
    with pytest.raises(InvalidInput, match="not the final draft yet: 1 section is not approved"):
        report_sign_off(user=world.users["lead_a"], period=world.period, signatory_name="Director")


def test_editing_a_section_after_sign_off_withdraws_the_sign_offs(ready):
    sign_all(ready)
    assert report_readiness(period=ready.period).reasons == []
    section = Section.objects.get(spec__slug="s1")
    section_save(user=ready.users["lead_a"], section=section, content=content("Changed."), based_on=1)
    readiness = report_readiness(period=ready.period)
    assert "The police partner has not signed off this draft." in readiness.reasons
    assert all(status.current is None and status.withdrawn for status in readiness.signoffs)


def test_publishing_freezes_html_pdf_manifest_and_hashes(ready, publish):
    sign_all(ready)
    version = publish(user=ready.users["business_manager"], period=ready.period)
    assert version.number == 1
    assert version.change_note == "First published version."
    html = default_storage.open(version.html.name).read()
    assert hashlib.sha256(html).hexdigest() == version.html_sha256
    assert version.pdf_state == PdfState.READY  # eager Celery in tests
    pdf = default_storage.open(version.pdf.name).read()
    assert pdf.startswith(b"%PDF-") and hashlib.sha256(pdf).hexdigest() == version.pdf_sha256
    assert version.pdf_pages >= 3
    assert [row["revision"] for row in version.manifest] == [1] * len(statutory_checklist())


def test_published_version_never_changes_and_a_correction_is_version_2(ready, publish):
    sign_all(ready)
    manager = ready.users["business_manager"]
    v1 = publish(user=manager, period=ready.period)
    public_url = reverse("public:report_latest", args=[ready.partnership.slug, ready.period.slug])
    before = Client().get(public_url).content
    html_before = default_storage.open(v1.html.name).read()
    pdf_before = default_storage.open(v1.pdf.name).read()

    # Edit and re-approve a section after publishing.
    section = Section.objects.get(spec__slug="s1")
    section_save(user=ready.users["lead_a"], section=section, content=content("A corrected figure."), based_on=1)
    section_submit(user=ready.users["lead_a"], section=Section.objects.get(pk=section.pk))
    section_approve(user=manager, section=Section.objects.get(pk=section.pk))

    assert hashlib.sha256(default_storage.open(v1.html.name).read()).hexdigest() == v1.html_sha256
    assert default_storage.open(v1.html.name).read() == html_before
    assert default_storage.open(v1.pdf.name).read() == pdf_before
    assert Client().get(public_url).content == before  # unchanged until version 2 is published
    assert b"A corrected figure." not in before

    sign_all(ready)
    with pytest.raises(PublishRefused, match="Say what changed"):
        report_publish(user=manager, period=ready.period)
    v2 = publish(user=manager, period=ready.period, change_note="Corrected a figure in section 1.")
    after = Client().get(public_url).content
    assert b"A corrected figure." in after and after != before
    assert Client().get(v1.public_path()).content == before  # version 1 still readable, unchanged
    listing = Client().get(reverse("public:partnership_reports", args=[ready.partnership.slug])).content.decode()
    assert "Corrected a figure in section 1." in listing and "First published version." in listing
    assert v2.number == 2


def test_model_refuses_to_change_or_delete_a_published_version(ready):
    sign_all(ready)
    version = report_publish(user=ready.users["business_manager"], period=ready.period)
    version.refresh_from_db()
    version.change_note = "Rewritten history"
    with pytest.raises(ValueError, match="cannot be changed"):
        version.save()
    with pytest.raises(ValueError, match="cannot be deleted"):
        PublishedReport.objects.get(pk=version.pk).delete()


def test_pdf_task_is_idempotent(ready, publish):
    from reports.tasks import published_report_pdf

    sign_all(ready)
    version = publish(user=ready.users["business_manager"], period=ready.period)
    files_before = sorted(default_storage.listdir(version.pdf.name.rsplit("/", 1)[0])[1])
    assert published_report_pdf.delay(version.pk).get() == version.pdf_sha256
    assert sorted(default_storage.listdir(version.pdf.name.rsplit("/", 1)[0])[1]) == files_before


def test_public_pages_serve_the_frozen_files_without_signing_in(ready, publish):
    sign_all(ready)
    version = publish(user=ready.users["business_manager"], period=ready.period)
    client = Client()
    page = client.get(version.public_path())
    assert page.status_code == 200
    assert page["ETag"] == f'"{version.html_sha256}"'
    assert "default-src 'none'" in page["Content-Security-Policy"]
    pdf = client.get(version.pdf_path())
    assert pdf["Content-Type"] == "application/pdf" and pdf.content.startswith(b"%PDF-")
    assert (
        client.get(reverse("public:report_version", args=[ready.partnership.slug, ready.period.slug, 9])).status_code
        == 404
    )


@pytest.mark.django_db(transaction=True)
def test_publish_report_command_prints_paths_or_refuses(ready):
    with pytest.raises(CommandError, match="- The police partner has not signed off this draft."):
        call_command("publish_report", ready.partnership.slug, ready.period.slug, stdout=StringIO())
    sign_all(ready)
    out = StringIO()
    call_command("publish_report", ready.partnership.slug, ready.period.slug, stdout=out)
    text = out.getvalue()
    assert "Published version 1" in text
    assert f"Public page: /reports/{ready.partnership.slug}/{ready.period.slug}/v1/" in text
    assert "v1.html" in text and "v1.pdf" in text
    again = StringIO()
    call_command("publish_report", ready.partnership.slug, ready.period.slug, "--if-unpublished", stdout=again)
    assert "already published; nothing to do" in again.getvalue()
    assert PublishedReport.objects.count() == 1


def report_url(world, name="reports:report"):
    return reverse(name, args=[world.partnership.slug, world.period.slug])


def test_statutory_leads_are_led_to_sign_off_from_home(ready, client_as):
    assert "Read and sign off the 2019/20 report for Council" in client_as("lead_a").get("/").content.decode()
    assert "sign off" not in client_as("contributor").get("/").content.decode()
    assert (
        "Preview, check and publish the assembled 2019/20 report"
        in client_as("business_manager").get("/").content.decode()
    )


def test_sign_off_page_records_the_name_and_date(ready, client_as):
    response = client_as("lead_b").post(
        report_url(ready, "reports:report_sign_off"), {"signatory_name": "Chief Supt"}, follow=True
    )
    assert "Signed off for Police by Chief Supt." in response.content.decode()
    assert "Signed off by Chief Supt on" in response.content.decode()


def test_sign_off_page_with_no_name_shows_an_error_summary(ready, client_as):
    response = client_as("lead_b").post(report_url(ready, "reports:report_sign_off"), {"signatory_name": ""})
    assert response.status_code == 400
    assert "There is a problem" in response.content.decode()


def test_publish_page_lists_every_reason_and_writes_nothing(ready, client_as):
    response = client_as("business_manager").post(report_url(ready, "reports:report_publish"), {"change_note": ""})
    html = response.content.decode()
    assert response.status_code == 400
    assert "The report cannot be published yet" in html
    assert "The health partner has not signed off this draft." in html
    assert PublishedReport.objects.count() == 0


def test_publish_page_publishes_and_progress_reports_the_pdf(ready, client_as, django_capture_on_commit_callbacks):
    sign_all(ready)
    manager = client_as("business_manager")
    with django_capture_on_commit_callbacks(execute=True):
        response = manager.post(report_url(ready, "reports:report_publish"), {"change_note": ""}, follow=True)
    assert "Version 1 is published." in response.content.decode()
    progress = manager.get(reverse("reports:pdf_progress", args=[ready.partnership.slug, ready.period.slug, 1])).json()
    assert (progress["state"], progress["progress"], progress["step"]) == ("ready", 100, "Done")
    assert progress["pages"] >= 3


def test_preview_marks_unapproved_sections(world, client_as):
    spec = add_spec(world.period, 1, "Council", owner=world.agency_a)
    add_section(spec, world.users["lead_a"], content("Early draft"), approved=False)
    html = client_as("scrutineer").get(report_url(world, "reports:report_preview")).content.decode()
    assert "Preview, not published." in html
    assert "Not approved: shown from revision 1 (submitted)." in html
    assert "Early draft" in html


# Admin -----------------------------------------------------------------------------------


def test_admin_lists_published_reports_and_sign_offs_for_a_superuser(ready, publish, client):

    sign_all(ready)
    publish(user=ready.users["business_manager"], period=ready.period)
    client.force_login(staff_user("root"))  # with the second factor staff must have
    for model in ("publishedreport", "signoff"):
        assert client.get(reverse(f"admin:reports_{model}_changelist")).status_code == 200
    version = PublishedReport.objects.get()
    change = client.get(reverse("admin:reports_publishedreport_change", args=[version.pk]))
    assert change.status_code == 200 and b'name="_save"' not in change.content
    assert client.post(reverse("admin:reports_publishedreport_delete", args=[version.pk])).status_code == 403
    assert PublishedReport.objects.count() == 1 and SignOff.objects.count() == 3


# The PDF task -------------------------------------------------------------------------------


def test_a_pdf_that_cannot_be_made_is_marked_failed_not_left_running(ready, monkeypatch, client_as):
    from reports import publishing
    from reports.publishing import report_publish
    from reports.tasks import published_report_pdf

    sign_all(ready)
    version = report_publish(user=ready.users["business_manager"], period=ready.period)

    def broken(html, *, progress=None):
        progress(2, "Laying out pages")
        raise ValueError("no usable font")

    monkeypatch.setattr(publishing, "report_pdf", broken)
    with pytest.raises(ValueError):
        published_report_pdf.delay(version.pk)
    version.refresh_from_db()
    assert (version.pdf_state, version.pdf_step, version.pdf_error) == (
        PdfState.FAILED,
        "Failed",
        "The PDF could not be made: no usable font",
    )
    progress = client_as("business_manager").get(reverse("reports:pdf_progress", args=["tsp", "2019-20", 1])).json()
    assert progress["state"] == "failed"
    public = Client().get(version.pdf_path())
    assert public.status_code == 404
    assert "could not be made" in public.content.decode() and "being prepared" not in public.content.decode()


def test_a_second_worker_never_rewrites_a_pdf_another_worker_finished(ready, publish, monkeypatch):
    """Worker 1 reads the version as pending; worker 2 finishes the PDF; worker 1 must then change nothing."""
    from reports.publishing import published_report_pdf_make, report_publish

    sign_all(ready)
    version = report_publish(user=ready.users["business_manager"], period=ready.period)
    import reports.publishing as publishing

    real_claimable = publishing._pdf_claimable
    finished = {}

    def claim_after_another_worker_finishes(now):
        if not finished:
            finished["started"] = True
            finished["version"] = published_report_pdf_make(version_id=version.pk)
        return real_claimable(now)

    monkeypatch.setattr(publishing, "_pdf_claimable", claim_after_another_worker_finishes)
    published_report_pdf_make(version_id=version.pk)
    monkeypatch.undo()
    other = finished["version"]
    version.refresh_from_db()
    assert (version.pdf_state, version.pdf.name, version.pdf_sha256) == (
        PdfState.READY,
        other.pdf.name,
        other.pdf_sha256,
    )
    folder = version.pdf.name.rsplit("/", 1)[0]
    assert sorted(f for f in default_storage.listdir(folder)[1] if f.endswith(".pdf")) == ["v1.pdf"]


def test_report_page_queries_do_not_grow_with_versions(ready, client_as):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    sign_all(ready)
    manager = ready.users["business_manager"]
    client = client_as("business_manager")
    page = reverse("reports:report", args=["tsp", "2019-20"])
    listing = reverse("public:partnership_reports", args=["tsp"])
    client.get(page)  # a session's first request also notes its start and checks the second factor, once
    counts = []
    for number in (1, 2, 3, 4):
        if number > 1:  # each version is a new draft: the same draft is published once
            section = Section.objects.get(spec__slug="s1")
            section_save(
                user=ready.users["lead_a"], section=section, content=content(f"Fix {number}."), based_on=number - 1
            )
            section_submit(user=ready.users["lead_a"], section=Section.objects.get(pk=section.pk))
            section_approve(user=manager, section=Section.objects.get(pk=section.pk))
            sign_all(ready)
        report_publish(user=manager, period=ready.period, change_note=f"Correction {number}.")
        if number in (2, 4):
            with CaptureQueriesContext(connection) as private:
                assert client.get(page).status_code == 200
            with CaptureQueriesContext(connection) as public:
                assert Client().get(listing).status_code == 200
            counts.append((len(private), len(public)))
    assert counts[0] == counts[1]


def test_public_listing_queries_do_not_grow_with_periods(world):
    import datetime

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from tests.factories import PeriodFactory

    def published(period):
        PublishedReport.objects.create(
            period=period, number=1, published_by=world.users["business_manager"], published_at=timezone.now(),
            change_note="First published version.", manifest=[], html=f"reports/{period.slug}.html",
            html_sha256="a" * 64, pdf=f"reports/{period.slug}.pdf", pdf_sha256="b" * 64, pdf_pages=3,
            pdf_state=PdfState.READY,
        )  # fmt: skip

    listing = reverse("public:partnership_reports", args=["tsp"])
    published(world.period)
    counts = []
    for year in (2020, 2021, 2022):
        period = PeriodFactory(
            partnership=world.partnership, label=f"{year}/{year % 100 + 1}", slug=f"{year}-{year % 100 + 1}",
            start=datetime.date(year, 4, 1), end=datetime.date(year + 1, 3, 31),
            submission_deadline=datetime.date(year + 1, 9, 30),
        )  # fmt: skip
        published(period)
        with CaptureQueriesContext(connection) as queries:
            response = Client().get(listing)
        assert response.status_code == 200
        counts.append(len(queries))
    assert response.content.decode().count("download it as a PDF") == 4
    assert counts[0] == counts[-1]


def test_queryset_delete_cannot_remove_a_published_version(ready, publish):
    sign_all(ready)
    publish(user=ready.users["business_manager"], period=ready.period)
    from django.db import transaction

    with pytest.raises(ValueError, match="cannot be deleted"), transaction.atomic():
        PublishedReport.objects.all().delete()
    assert PublishedReport.objects.count() == 1


def test_a_failed_pdf_can_be_made_again_by_the_business_manager(
    ready, publish, client_as, monkeypatch, django_capture_on_commit_callbacks
):
    from reports import publishing

    sign_all(ready)

    def broken(html, progress=None):
        raise RuntimeError("fonts missing")

    monkeypatch.setattr(publishing, "report_pdf", broken)
    with pytest.raises(RuntimeError):
        publish(user=ready.users["business_manager"], period=ready.period)
    version = PublishedReport.objects.get()
    assert (version.pdf_state, version.pdf_error) == ("failed", "The PDF could not be made: fonts missing")
    page = client_as("business_manager").get(report_url(ready)).content.decode()
    assert "The PDF could not be made: fonts missing" in page and "Make the PDF again" in page

    monkeypatch.undo()
    retry = reverse("reports:pdf_retry", args=[ready.partnership.slug, ready.period.slug, 1])
    assert client_as("scrutineer").post(retry).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        response = client_as("business_manager").post(retry, follow=True)
    assert "The PDF of version 1 is being made again." in response.content.decode()
    version.refresh_from_db()
    assert version.pdf_state == PdfState.READY and version.pdf_sha256
    again = client_as("business_manager").post(retry, follow=True)
    assert "The PDF of version 1 is already made; there is nothing to make again." in again.content.decode()


def test_after_publishing_the_page_says_what_was_published_and_offers_only_a_correction(ready, publish, client_as):
    sign_all(ready)
    manager = ready.users["business_manager"]
    publish(user=manager, period=ready.period)
    page = client_as("business_manager").get(report_url(ready)).content.decode()
    assert "Version 1 is published" in page and "nothing has changed since" in page
    assert "Publish the report" not in page and "Publish the correction" not in page
    assert "Ready to publish?" not in page
    section = Section.objects.get(spec__slug="s1")
    section_save(user=ready.users["lead_a"], section=section, content=content("A corrected figure."), based_on=1)
    draft = client_as("business_manager").get(report_url(ready)).content.decode()
    assert "nothing has changed since" in draft  # a new draft changes nothing published until it is approved
    section_submit(user=ready.users["lead_a"], section=Section.objects.get(pk=section.pk))
    section_approve(user=manager, section=Section.objects.get(pk=section.pk))
    page = client_as("business_manager").get(report_url(ready)).content.decode()
    assert "sections have changed since" in page and "Ready to publish a correction?" in page
    assert "Publish the correction as version 2" in page
