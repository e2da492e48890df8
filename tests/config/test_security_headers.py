"""Security headers on every portal response (ASVS V14.4, V8.2): CSP, Permissions-Policy,
X-Frame-Options, and no-store for signed-in pages and downloads. The published report keeps
its own headers (reports.frozen answers it before these middlewares see the request)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from tests.factories import sign_in_freshly, staff_user
from tests.test_permission_matrix import MatrixPublished
from tests.training.matrix import MatrixTraining

pytestmark = pytest.mark.django_db


def csp_of(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in (p.strip() for p in header.split(";")) if part}


def assert_portal_policy(response):
    policy = csp_of(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert sorted(policy["img-src"]) == ["'self'", "data:"]
    assert policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"]
    assert policy["form-action"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert "'unsafe-inline'" not in response["Content-Security-Policy"]
    assert "'unsafe-eval'" not in response["Content-Security-Policy"]


def assert_no_store(response):
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"no-store", "private", "no-cache", "must-revalidate", "max-age=0"} <= directives
    assert "Cookie" in response["Vary"]


def test_sign_in_page_has_the_portal_policy_and_no_permissions(client):
    response = client.get(reverse("account_login"))
    assert response.status_code == 200
    assert_portal_policy(response)
    assert "camera=()" in response["Permissions-Policy"]
    assert "microphone=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_anonymous_pages_are_not_marked_no_store(client):
    response = client.get(reverse("public:accessibility"))
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


@pytest.mark.parametrize(
    "name,kwargs",
    [
        ("home", {}),
        ("reports:dashboard", {"partnership_slug": "tsp", "period_slug": "2019-20"}),
        ("partnership:audit", {"partnership_slug": "tsp"}),
        ("reports:report", {"partnership_slug": "tsp", "period_slug": "2019-20"}),
        ("reviews:briefings", {"partnership_slug": "tsp"}),
    ],
)
def test_signed_in_pages_are_never_stored(world, client_as, name, kwargs):
    response = client_as("business_manager").get(reverse(name, kwargs=kwargs))
    assert response.status_code == 200
    assert_no_store(response)
    assert_portal_policy(response)
    assert response["Permissions-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_bookings_export_is_never_stored(world, client_as):
    str(MatrixTraining("session"))  # one booking from agency A, with the delegate's name and email
    response = client_as("business_manager").get(
        reverse("training:export", kwargs={"partnership_slug": "tsp", "period_slug": "2019-20"})
    )
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert_no_store(response)


def test_audit_export_is_never_stored(world, client_as):
    response = client_as("business_manager").get(
        reverse("partnership:audit_export", kwargs={"partnership_slug": "tsp"})
    )
    assert response.status_code == 200
    assert_no_store(response)


def test_a_download_is_never_stored_even_without_a_session(rf):
    from django.http import HttpResponse

    from lib.middleware import NoStoreMiddleware

    def view(request):
        response = HttpResponse(b"a,b\n", content_type="text/csv")
        response["Content-Disposition"] = 'attachment; filename="x.csv"'
        return response

    response = NoStoreMiddleware(view)(rf.get("/x.csv"))
    assert "no-store" in response["Cache-Control"]


def test_a_view_that_sets_its_own_cache_control_keeps_it(world, rf):
    from django.http import HttpResponse

    from lib.middleware import NoStoreMiddleware

    def view(request):
        response = HttpResponse(b"ok")
        response["Cache-Control"] = "public, max-age=60"
        return response

    request = rf.get("/x/")
    request.user = world.users["lead_a"]
    response = NoStoreMiddleware(view)(request)
    assert response["Cache-Control"] == "public, max-age=60"


@pytest.mark.parametrize("role", ["anonymous", "business_manager"])
def test_published_report_keeps_its_own_headers(world, client_as, role):
    str(MatrixPublished())
    client = client_as(role)
    latest = client.get("/reports/tsp/2019-20/")
    assert latest.status_code == 200
    assert latest["Cache-Control"] == "public, max-age=60"
    from reports.frozen import DOCUMENT_CSP

    assert latest["Content-Security-Policy"] == DOCUMENT_CSP
    version = client.get("/reports/tsp/2019-20/v1/")
    assert version["Cache-Control"] == "public, max-age=31536000, immutable"
    assert version["Content-Security-Policy"] == DOCUMENT_CSP
    assert "no-store" not in version["Cache-Control"]


def test_report_preview_allows_its_inline_styles_and_nothing_more(world, client_as):
    response = client_as("business_manager").get(
        reverse("reports:report_preview", kwargs={"partnership_slug": "tsp", "period_slug": "2019-20"})
    )
    assert response.status_code == 200
    policy = csp_of(response)
    assert policy["style-src"] == ["'unsafe-inline'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'none'"]
    assert_no_store(response)


# Inline script and style, which the policy refuses: a <script> without src (JSON data blocks
# are not run, so they may stay), a style attribute or element, an event handler attribute,
# or a javascript: address.
INLINE = re.compile(
    r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>"
    r"|\sstyle=|<style[\s>]|\son[a-z]+=|javascript:",
    re.IGNORECASE,
)


def portal_templates():
    root = Path(settings.BASE_DIR) / "templates"
    document = root / "reports" / "document"  # the frozen report: its own policy allows inline styles
    return sorted(p for p in root.rglob("*.html") if document not in p.parents)


def test_templates_have_no_inline_script_or_style():
    found = [
        f"{path.relative_to(settings.BASE_DIR)}: {match.group(0).strip()}"
        for path in portal_templates()
        for match in INLINE.finditer(path.read_text())
    ]
    assert found == []


def test_template_scan_finds_inline_code():
    assert INLINE.search('<form style="display:inline">')
    assert INLINE.search("<script>initAll()</script>")
    assert INLINE.search('<button onclick="go()">')
    assert not INLINE.search('<script src="/static/js/portal.js"></script>')
    assert not INLINE.search('<script id="d" type="application/json">{}</script>')


def staff_client(client):
    sign_in_freshly(client, staff_user())  # an operator with a second factor, as the admin requires
    return client


@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/partnership/partnership/",
        "/admin/partnership/partnership/{pk}/change/",
        "/admin/training/importjob/",
    ],
)
def test_admin_pages_run_no_inline_code_and_are_never_stored(world, client, url):
    response = staff_client(client).get(url.format(pk=world.partnership.pk))
    assert response.status_code == 200
    assert INLINE.findall(response.content.decode()) == []
    assert_portal_policy(response)
    assert_no_store(response)


@pytest.mark.parametrize(
    "name,role",
    [("account_login", "anonymous"), ("home", "business_manager"), ("mfa_index", "business_manager")],
)
def test_rendered_pages_run_no_inline_code(world, client_as, name, role):
    response = client_as(role).get(reverse(name))
    assert response.status_code == 200
    assert INLINE.findall(response.content.decode()) == []
