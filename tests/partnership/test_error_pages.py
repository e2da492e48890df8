import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_not_found_page_says_what_to_do(world, client_as):
    response = client_as("outsider").get(f"/p/{world.partnership.slug}/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert "ask your partnership's business manager" in response.content.decode()


def test_forbidden_page_explains_the_roles(world, client_as):
    response = client_as("lead_a").get(f"/p/{world.partnership.slug}/periods/{world.period.slug}/funding/")
    assert response.status_code == 403
    assert "You cannot do this" in response.content.decode()


def test_csrf_failure_says_nothing_was_saved(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["lead_a"])
    response = client.post("/accounts/logout/")
    assert response.status_code == 403
    assert "Your form could not be sent" in response.content.decode()


def test_server_error_page_renders_without_a_request_context():
    from django.template.loader import get_template

    html = get_template("500.html").render({})
    assert "Sorry, there is a problem with the service" in html
