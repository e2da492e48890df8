"""The public report's bytes live in the database, compressed once, served by Accept-Encoding with ETags,
cache lifetimes and the headers that stop framing; a missing media folder changes nothing."""

import gzip
import hashlib
import importlib
import shutil
from pathlib import Path

import brotli
import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.urls import reverse

from lib.middleware import PERMISSIONS_POLICY
from reports import frozen
from reports.frozen import accepted_encoding, etag_matches, frozen_cache_clear
from reports.models import PdfState, PublishedReport
from reports.publishing import report_publish
from tests.reports.test_publishing import ready_outline, sign_all

pytestmark = pytest.mark.django_db

FRAMING_HEADERS = {
    "X-Frame-Options": "DENY",
    "Permissions-Policy": PERMISSIONS_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


@pytest.fixture
def version(world):
    """Version 1, published without its PDF (no on-commit work): quick."""
    ready_outline(world)
    sign_all(world)
    published = report_publish(user=world.users["business_manager"], period=world.period)
    published.refresh_from_db()
    return published


@pytest.fixture
def version_with_pdf(world, django_capture_on_commit_callbacks):
    ready_outline(world)
    sign_all(world)
    with django_capture_on_commit_callbacks(execute=True):
        published = report_publish(user=world.users["business_manager"], period=world.period)
    published.refresh_from_db()
    assert published.pdf_state == PdfState.READY
    return published


def latest_url(world):
    return reverse("public:report_latest", args=[world.partnership.slug, world.period.slug])


def test_publishing_keeps_the_html_and_both_compressions_in_the_row(version):
    html = bytes(version.html_data)
    assert hashlib.sha256(html).hexdigest() == version.html_sha256
    assert brotli.decompress(bytes(version.html_br)) == html
    assert gzip.decompress(bytes(version.html_gzip)) == html
    assert len(version.html_br) < len(html) and len(version.html_gzip) < len(html)


def test_pdf_bytes_are_kept_in_the_row(version_with_pdf):
    data = bytes(version_with_pdf.pdf_data)
    assert data.startswith(b"%PDF-") and hashlib.sha256(data).hexdigest() == version_with_pdf.pdf_sha256


def test_pages_and_pdf_still_serve_when_the_media_folder_is_gone(version_with_pdf, settings):
    """F12: a database restored without its media folder still serves every published page."""
    from reports.views import public

    client = Client()
    page, pdf = client.get(version_with_pdf.public_path()), client.get(version_with_pdf.pdf_path())
    assert page.status_code == 200 and pdf.status_code == 200
    shutil.rmtree(settings.MEDIA_ROOT)
    assert not Path(settings.MEDIA_ROOT).exists()
    frozen_cache_clear()
    public._pdfs.clear()  # nothing kept in this process: the bytes must come from the database
    for url, before in ((version_with_pdf.public_path(), page), (version_with_pdf.pdf_path(), pdf)):
        after = client.get(url)
        assert after.status_code == 200, url
        assert hashlib.sha256(after.content).hexdigest() == hashlib.sha256(before.content).hexdigest()
    assert hashlib.sha256(client.get(version_with_pdf.pdf_path()).content).hexdigest() == version_with_pdf.pdf_sha256


def test_a_version_whose_bytes_are_missing_says_so_and_never_500s(version):
    """A version migrated from a file that was gone keeps empty bytes: the page explains, with 404, not 500."""
    PublishedReport.objects.filter(pk=version.pk).update(
        html_data=b"", html_br=b"", html_gzip=b"", pdf_state=PdfState.READY, pdf_sha256="0" * 64, pdf="x.pdf"
    )
    client = Client()
    page = client.get(version.public_path())
    assert page.status_code == 404
    assert b"Its stored copy is missing" in page.content and page["Cache-Control"] == "no-store"
    pdf = client.get(version.pdf_path())
    assert pdf.status_code == 404
    assert "The stored copy of the PDF of version 1" in pdf.content.decode()


def test_data_migration_copies_existing_files_into_the_rows(version, settings):
    """Versions published before 0006 had only files: the migration copies them and compresses the HTML,
    and leaves a version whose file is gone empty (its page then says so)."""
    migration = importlib.import_module("reports.migrations.0006_published_bytes")
    html = bytes(version.html_data)
    PublishedReport.objects.filter(pk=version.pk).update(html_data=b"", html_br=b"", html_gzip=b"")
    executor = MigrationExecutor(connection)
    apps = executor.loader.project_state(("reports", "0006_published_bytes")).apps
    migration.copy_files_into_the_database(apps, None)
    row = PublishedReport.objects.get(pk=version.pk)
    assert bytes(row.html_data) == html
    assert brotli.decompress(bytes(row.html_br)) == html and gzip.decompress(bytes(row.html_gzip)) == html

    PublishedReport.objects.filter(pk=version.pk).update(html_data=b"", html_br=b"", html_gzip=b"")
    shutil.rmtree(settings.MEDIA_ROOT)
    migration.copy_files_into_the_database(apps, None)
    assert bytes(PublishedReport.objects.get(pk=version.pk).html_data) == b""


@pytest.mark.parametrize(
    ("header", "chosen"),
    [
        ("", "identity"),
        ("gzip, deflate, br", "br"),
        ("br;q=1.0, gzip;q=0.8, *;q=0.1", "br"),
        ("gzip, br;q=0.5", "gzip"),
        ("br;q=0, gzip", "gzip"),
        ("deflate", "identity"),
        ("gzip;q=0.5, identity;q=0.9", "identity"),
        ("*", "br"),
        ("x-gzip", "gzip"),
        ("BR;Q=0.9, GZIP;q=0.9", "br"),
        ("br;q=0, gzip;q=0", "identity"),
        ("identity;q=0, *;q=0", None),
        ("br;q=0, gzip;q=0, *;q=0", None),
        ("br;q=oops, gzip", "gzip"),
    ],
)
def test_accept_encoding_honours_q_values(header, chosen):
    assert accepted_encoding(header) == chosen


@pytest.mark.parametrize(
    ("header", "etag", "matches"),
    [
        ('"abc"', '"abc"', True),
        ('W/"abc"', '"abc"', True),
        ('"x", W/"abc" ,"y"', '"abc"', True),
        ("*", '"abc"', True),
        ('"abc-br"', '"abc"', False),
        ('"ab"', '"abc"', False),
        ("", '"abc"', False),
    ],
)
def test_if_none_match_uses_weak_comparison_over_a_list(header, etag, matches):
    assert etag_matches(header, etag) is matches


@pytest.mark.parametrize("encoding", ["br", "gzip", "identity"])
def test_each_encoding_is_served_with_its_length_etag_and_vary(version, encoding):
    stored = {"br": version.html_br, "gzip": version.html_gzip, "identity": version.html_data}[encoding]
    response = Client().get(version.public_path(), HTTP_ACCEPT_ENCODING=encoding)
    assert response.status_code == 200
    assert response.content == bytes(stored)
    assert response["Content-Length"] == str(len(stored))
    assert response.get("Content-Encoding") == (None if encoding == "identity" else encoding)
    assert response["Vary"] == "Accept-Encoding"
    suffix = "" if encoding == "identity" else f"-{encoding}"
    assert response["ETag"] == f'"{version.html_sha256}{suffix}"'


def test_a_client_that_accepts_no_stored_encoding_gets_406(version):
    response = Client().get(version.public_path(), HTTP_ACCEPT_ENCODING="identity;q=0, *;q=0")
    assert response.status_code == 406


def test_weak_and_list_if_none_match_answer_304_per_encoding(version):
    client = Client()
    url = version.public_path()
    tag = f'"{version.html_sha256}-br"'
    assert client.get(url, HTTP_ACCEPT_ENCODING="br", HTTP_IF_NONE_MATCH=f"W/{tag}").status_code == 304
    listed = client.get(url, HTTP_ACCEPT_ENCODING="br", HTTP_IF_NONE_MATCH=f'"old", {tag}')
    assert listed.status_code == 304 and listed.content == b"" and listed["ETag"] == tag
    # The brotli copy's tag does not validate the identity bytes.
    assert client.get(url, HTTP_IF_NONE_MATCH=tag).status_code == 200
    assert client.get(url, HTTP_IF_NONE_MATCH=f'W/"{version.html_sha256}"').status_code == 304


def test_versions_are_immutable_and_the_latest_address_is_short_lived(world, version):
    client = Client()
    assert client.get(version.public_path())["Cache-Control"] == "public, max-age=31536000, immutable"
    assert client.get(latest_url(world))["Cache-Control"] == "public, max-age=60"


def test_head_sends_the_length_and_no_body(version):
    response = Client().head(version.public_path(), HTTP_ACCEPT_ENCODING="gzip")
    assert response.status_code == 200 and response.content == b""
    assert response["Content-Length"] == str(len(version.html_gzip))


def test_published_html_and_pdf_cannot_be_framed(world, version_with_pdf):
    """F4: the middleware answers before XFrameOptionsMiddleware, so it sets every header itself."""
    client = Client()
    for url in (version_with_pdf.public_path(), latest_url(world), version_with_pdf.pdf_path()):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"], url
        assert "default-src 'none'" in response["Content-Security-Policy"], url
        for name, value in FRAMING_HEADERS.items():
            assert response[name] == value, (url, name)
    pdf = client.get(version_with_pdf.pdf_path())
    assert pdf["Cache-Control"] == "public, max-age=31536000, immutable"
    assert (
        client.get(version_with_pdf.pdf_path(), HTTP_IF_NONE_MATCH=f'W/"{version_with_pdf.pdf_sha256}"').status_code
        == 304
    )


def test_the_latest_number_is_held_in_process_briefly_and_set_on_publish(
    world, version, monkeypatch, django_assert_num_queries
):
    client = Client()
    assert client.get(latest_url(world)).status_code == 200
    with django_assert_num_queries(0):  # number and bytes both held in this process
        assert client.get(latest_url(world)).status_code == 200
    # Another process publishes version 2 (here: a row written behind this process's back).
    PublishedReport.objects.filter(pk=version.pk).update(number=2)
    frozen._versions.clear()
    from django.core.cache import cache

    cache.clear()
    assert client.get(latest_url(world)).status_code == 404  # still version 1, within the few seconds held
    now = frozen._now()
    monkeypatch.setattr(frozen, "_now", lambda: now + frozen.LATEST_LOCAL_TTL + 1)
    assert client.get(latest_url(world)).status_code == 200  # held copy expired: version 2 read
    assert frozen._latest[(world.partnership.slug, world.period.slug)][0] == 2


def test_publishing_in_this_process_updates_the_held_latest_number_at_once(world, version):
    from types import SimpleNamespace

    frozen.latest_number_set(SimpleNamespace(period=world.period, number=7))
    assert frozen.latest_number(world.partnership.slug, world.period.slug) == 7
