"""The purchase's pages are Jinja2 templates (config/jinja2.py): their base gives the same
markup as the Django templates' base, and the environment behaves as Django's templates
did (translations, escaping, time zones, money, names that are not there)."""

import re
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.contrib.messages import ERROR, add_message
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.template import engines
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone

from tests.factories import OrganizerFactory

pytestmark = pytest.mark.django_db


def _request(user=None, message: str = ""):
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get("/events/")
    request.user = user or AnonymousUser()
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    if message:
        add_message(request, ERROR, message)
    return request


def _same_markup(html: str) -> str:
    """Whitespace between tags and the character references of `'` and `"` aside."""
    html = html.replace("&#x27;", "&#39;").replace("&quot;", "&#34;")
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", html)).strip()


@pytest.mark.parametrize("who", ["visitor", "organizer with a message"])
def test_both_bases_give_the_same_page(who):
    if who == "visitor":
        django_page = render_to_string("base.html", {}, _request())
        jinja2_page = render_to_string("base.html", {}, _request(), using="jinja2")
    else:
        organizer = OrganizerFactory()
        message = 'Saved <"the" event>'
        django_page = render_to_string("base.html", {}, _request(organizer, message))
        jinja2_page = render_to_string(
            "base.html", {}, _request(organizer, message), using="jinja2"
        )
        assert "Organizer" in jinja2_page and "&lt;" in jinja2_page
    assert _same_markup(jinja2_page) == _same_markup(django_page)


def _render(source: str, **context) -> str:
    return engines["jinja2"].from_string(source).render(context)


def test_translated_text_is_the_templates_own_and_the_values_in_it_are_escaped():
    html = _render("{% trans name=name %}Register for {{ name }}{% endtrans %}", name="<b>")
    assert html == "Register for &lt;b&gt;"
    html = _render(
        "{% trans seats=n %}{{ seats }} seat left{% pluralize %}{{ seats }} seats left{% endtrans %}",
        n=2,
    )
    assert html == "2 seats left"
    assert _render('{{ _("Skip to content") }}') == "Skip to content"
    html = _render(
        "{% trans name=n, rate=r %}{{ name }} included ({{ rate }}%){% endtrans %}", n="VAT", r=8
    )
    assert html == "VAT included (8%)"
    assert _render("{% trans %}Half & half: 50%{% endtrans %}") == "Half & half: 50%"
    assert _render('{{ _("Error:") }} {{ _("%(x)s!", x="<i>") }}') == "Error: &lt;i&gt;!"
    # Values under any name, those of the functions' own parameters too.
    plural = "{% trans number=n, message=m %}{{ message }} {{ number }}{% pluralize %}{{ message }} {{ number }}s{% endtrans %}"
    assert _render(plural, n=2, m="<b>") == "&lt;b&gt; 2s"


def test_a_missing_name_or_attribute_is_empty_as_in_django_templates():
    assert _render("[{{ nothing.at.all }}]{% if nothing.here %}x{% endif %}") == "[]"


def test_dates_show_in_the_zone_the_view_activates():
    moment = datetime(2027, 3, 1, 14, 30, tzinfo=UTC)
    source = "{{ moment|date('c') }} {{ moment|date('D j M, H:i') }} {{ moment|time('H:i') }}"
    with timezone.override("America/New_York"):
        assert _render(source, moment=moment) == "2027-03-01T09:30:00-05:00 Mon 1 Mar, 09:30 09:30"
    assert _render("{{ nothing|date('c') }}") == ""


def test_money_and_numbers_show_as_in_django_templates():
    assert _render("{{ amount|money('USD') }}", amount=Decimal("1295")) == "1,295.00 USD"
    assert _render("{{ rate|floatformat('-2') }}", rate=Decimal("8.50")) == "8.50"
    assert _render("{{ text|linebreaks }}", text="a\n\n<b>") == "<p>a</p>\n\n<p>&lt;b&gt;</p>"
    assert _render("[{{ nothing|money('USD') }}{{ nothing|floatformat }}]") == "[]"
