"""Uploaded files are never served by address, in the demo (DEBUG on) either (ASVS V12.5):
a bookings file holds delegates' names and emails. Files meant for people are served by a
view that asks who is asking."""

import importlib

import pytest
from django.core.files.base import ContentFile
from django.urls import clear_url_caches, reverse

from tests.test_permission_matrix import MatrixBriefing

BOOKINGS = b"session,name,email,agency,status\nmatrix-1,Ann Able,ann@example.org,council,attended\n"


@pytest.fixture
def urls_as_in_the_demo(settings):
    """The URLconf as the embedded demo builds it, with DEBUG on."""
    import config.urls

    settings.DEBUG = True
    clear_url_caches()
    importlib.reload(config.urls)
    yield
    settings.DEBUG = False
    importlib.reload(config.urls)
    clear_url_caches()


@pytest.fixture
def uploaded_bookings(world):
    from training.models import ImportJob

    job = ImportJob(period=world.period, uploaded_by=world.users["business_manager"], file_format="csv")
    job.original_name = "bookings.csv"
    job.file.save("bookings.csv", ContentFile(BOOKINGS), save=True)
    assert job.file.storage.exists(job.file.name)
    return job


@pytest.mark.parametrize("role", ["anonymous", "outsider", "lead_a", "business_manager"])
def test_an_uploaded_bookings_file_is_not_served(urls_as_in_the_demo, uploaded_bookings, client_as, role):
    response = client_as(role).get(uploaded_bookings.file.url)
    assert response.status_code == 404
    assert b"ann@example.org" not in b"".join(getattr(response, "streaming_content", [response.content]))


@pytest.mark.parametrize("role", ["anonymous", "outsider"])
def test_a_briefing_file_is_not_served_by_its_media_address(urls_as_in_the_demo, world, client_as, role):
    from reviews.models import LearningBriefing

    briefing = LearningBriefing.objects.get(pk=str(MatrixBriefing()))
    assert client_as(role).get(briefing.file.url).status_code == 404


def briefing_file_url(briefing_id):
    return reverse("reviews:briefing_file", kwargs={"partnership_slug": "tsp", "briefing_id": briefing_id})


def test_a_member_downloads_a_briefing_file_never_stored(world, client_as):
    response = client_as("contributor").get(briefing_file_url(str(MatrixBriefing())))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 briefing"
    assert response["Content-Disposition"].startswith("attachment")
    assert "no-store" in response["Cache-Control"]


@pytest.mark.parametrize("role,status", [("anonymous", 302), ("outsider", 404)])
def test_a_briefing_file_is_refused_to_non_members(world, client_as, role, status):
    response = client_as(role).get(briefing_file_url(str(MatrixBriefing())))
    assert response.status_code == status


def test_another_partnerships_briefing_is_not_found(world, client_as):
    import datetime

    from reviews.models import LearningBriefing
    from tests.factories import PartnershipFactory

    other = LearningBriefing.objects.create(
        partnership=PartnershipFactory(slug="other"), title="Other", published_on=datetime.date(2020, 1, 1)
    )
    other.file.save("other.pdf", ContentFile(b"%PDF other"))
    assert client_as("business_manager").get(briefing_file_url(other.pk)).status_code == 404


def test_a_briefing_without_a_file_is_not_found(world, client_as):
    import datetime

    from reviews.models import LearningBriefing

    bare = LearningBriefing.objects.create(
        partnership=world.partnership, title="No file", published_on=datetime.date(2020, 1, 1)
    )
    assert client_as("business_manager").get(briefing_file_url(bare.pk)).status_code == 404


def test_the_briefing_list_links_to_the_checked_download(world, client_as):
    briefing_id = str(MatrixBriefing())
    response = client_as("lead_b").get(reverse("reviews:briefings", kwargs={"partnership_slug": "tsp"}))
    assert briefing_file_url(briefing_id) in response.content.decode()
    assert "/media/" not in response.content.decode()
