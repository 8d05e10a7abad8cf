"""config.links.token_path gives what `reverse` gives, under any script prefix."""

import pytest
from django.urls import reverse, set_script_prefix

from config.links import token_path, view_path

VIEWS = ["registrations:manage", "registrations:attendee_own", "payments:invoice"]


@pytest.mark.parametrize("view_name", VIEWS)
@pytest.mark.parametrize("token", ["abc", "Zx_9-Q" * 7, "T0KENPLACEH0LDER", "a b+ä?"])
def test_token_path_is_the_reversed_path(view_name, token):
    assert token_path(view_name, token) == reverse(view_name, kwargs={"token": token})


def test_token_path_follows_the_script_prefix():
    before = token_path("registrations:manage", "tok")
    set_script_prefix("/congress/")
    try:
        assert token_path("registrations:manage", "tok") == "/congress" + before
        assert token_path("registrations:manage", "tok") == reverse(
            "registrations:manage", kwargs={"token": "tok"}
        )
    finally:
        set_script_prefix("/")
    assert token_path("registrations:manage", "tok") == before


@pytest.mark.parametrize("view_name", ["events:list", "registrations:find", "admin:index"])
def test_view_path_is_the_reversed_path_under_any_script_prefix(view_name):
    before = view_path(view_name)
    assert before == reverse(view_name)
    set_script_prefix("/congress/")
    try:
        assert view_path(view_name) == reverse(view_name) == "/congress" + before
    finally:
        set_script_prefix("/")
    assert view_path(view_name) == before
