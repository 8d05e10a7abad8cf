"""The admin login locks (django-axes) after repeated failures for a username and address."""

import pytest
from axes.models import AccessAttempt

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/admin/login/"


@pytest.fixture
def admin_user(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # fast
    user = UserFactory(username="organizer", is_staff=True, is_superuser=True)
    user.set_password("correct horse battery staple")
    user.save()
    return user


def login(client, password: str, ip: str, username: str = "organizer"):
    return client.post(
        f"{LOGIN}?next=/admin/",
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
    )


def test_admin_login_locks_after_five_failures_even_for_the_right_password(
    client, admin_user, ip, settings
):
    assert settings.AXES_FAILURE_LIMIT == 5
    for _ in range(4):
        assert login(client, "wrong", ip).status_code == 200  # the form again, with an error
    locked = login(client, "wrong", ip)
    assert locked.status_code == 429
    assert "locked" in locked.content.decode().lower()
    assert login(client, "correct horse battery staple", ip).status_code == 429
    assert "_auth_user_id" not in client.session
    attempt = AccessAttempt.objects.get(username="organizer", ip_address=ip)
    assert attempt.failures_since_start >= 5


def test_the_lock_is_for_that_username_from_that_address(client, admin_user, ip, other_ip):
    for _ in range(5):
        login(client, "wrong", ip)
    assert login(client, "wrong", ip).status_code == 429
    # The organizer from elsewhere, and another username from here, can still sign in.
    assert login(client, "correct horse battery staple", other_ip).status_code == 302
    colleague = UserFactory(username="colleague", is_staff=True)
    colleague.set_password("another good one")
    colleague.save()
    assert login(client, "another good one", ip, username="colleague").status_code == 302


def test_a_successful_login_before_the_limit_resets_the_count(client, admin_user, ip):
    for _ in range(4):
        login(client, "wrong", ip)
    assert login(client, "correct horse battery staple", ip).status_code == 302
    client.logout()
    for _ in range(4):
        assert login(client, "wrong", ip).status_code == 200
