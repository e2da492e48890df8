import pytest
from django.core import mail
from django.core.cache import cache
from django.test import Client

from tests.factories import PASSWORD, sign_in_with_code

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clear_rate_limits():
    cache.clear()
    yield
    cache.clear()


def test_sign_in_with_username_then_home_shows_roles(world):
    client = Client()
    response = sign_in_with_code(client, "manager", PASSWORD)
    assert response.status_code == 302 and response["Location"] == "/"
    assert "Business manager" in client.get("/").content.decode()


def test_failed_sign_ins_are_rate_limited(world):
    client = Client()
    for _ in range(5):
        response = client.post("/accounts/login/", {"login": "manager", "password": "wrong-password"})
        assert "not correct" in response.content.decode()
    response = client.post("/accounts/login/", {"login": "manager", "password": PASSWORD})
    assert "Too many failed login attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_nobody_can_sign_themselves_up(world):
    response = Client().get("/accounts/signup/")
    assert "You cannot create your own account" in response.content.decode()


def test_password_reset_sends_an_email(world):
    world.users["lead_a"].email = "lead-a@example.org"
    world.users["lead_a"].save()
    Client().post("/accounts/password/reset/", {"email": "lead-a@example.org"})
    assert len(mail.outbox) == 1
    assert "/accounts/password/reset/key/" in mail.outbox[0].body


def test_sign_out_needs_a_post(world, client_as):
    client = client_as("lead_a")
    assert client.get("/accounts/logout/").status_code == 200
    assert "_auth_user_id" in client.session
    client.post("/accounts/logout/")
    assert "_auth_user_id" not in client.session
