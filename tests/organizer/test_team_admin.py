"""Owners manage the team in the admin too: changes go through events.team (audited; the
last owner stays)."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from events.models import EventRole
from tests.factories import EventFactory, OrganizerFactory

pytestmark = pytest.mark.django_db


class FormFields(HTMLParser):
    """The values a browser would submit from the page's main form."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, str] = {}
        self._select: str | None = None
        self._first_option: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button", "file"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.data[name] = a.get("value") or ""
        elif tag == "select" and name:
            self._select, self._first_option = name, None
        elif tag == "option" and self._select:
            if self._first_option is None:
                self._first_option = a.get("value") or ""
            if "selected" in a:
                self.data[self._select] = a.get("value") or ""
        elif tag == "textarea" and name:
            self.data[name] = ""

    def handle_endtag(self, tag):
        if tag == "select" and self._select:
            self.data.setdefault(self._select, self._first_option or "")
            self._select = None


def form_of(page) -> dict[str, str]:
    parser = FormFields()
    parser.feed(page.content.decode())
    return parser.data


@pytest.fixture
def owned(client):
    event = EventFactory(slug="congress")
    owner = OrganizerFactory(username="boss")
    EventRole.objects.create(event=event, user=owner, role="owner")
    client.force_login(owner)
    return event


def test_an_owner_gives_a_role_in_the_admin_and_it_is_audited(client, owned):
    volunteer = OrganizerFactory(username="volunteer")
    url = reverse("admin:events_event_change", args=[owned.pk])
    data = form_of(client.get(url))
    n = int(data["roles-TOTAL_FORMS"])
    data |= {"roles-TOTAL_FORMS": str(n + 1), f"roles-{n}-user": str(volunteer.pk)}
    data |= {f"roles-{n}-role": "check_in", f"roles-{n}-event": str(owned.pk)}
    answer = client.post(url, data)
    assert answer.status_code == 302, (
        answer.context["adminform"].form.errors if answer.context else ""
    )
    assert EventRole.objects.get(user=volunteer).role == "check_in"
    entry = AuditEntry.objects.get(action="role_change")
    assert (entry.target, entry.details["role"], entry.actor_username) == (
        "volunteer",
        "check_in",
        "boss",
    )


def test_the_admin_keeps_the_last_owner(client, owned):
    url = reverse("admin:events_event_change", args=[owned.pk])
    data = form_of(client.get(url))
    [row] = [k.split("-")[1] for k in data if k.startswith("roles-") and k.endswith("-role")]
    data[f"roles-{row}-role"] = "viewer"
    client.post(url, data)
    assert EventRole.objects.get(user__username="boss").role == "owner"
    assert not AuditEntry.objects.filter(action="role_change").exists()


def test_the_admin_offers_and_links_only_ticket_types_of_ones_own_events(client):
    """A promo code's ticket types (and a waiting-list entry's) are offered only from the
    events one may change, and a code never takes another event's ticket types."""
    from events.models import EventRole
    from registrations.models import PromoCode
    from tests.factories import EventFactory, OrganizerFactory, TicketTypeFactory

    mine, theirs, also_mine = EventFactory(), EventFactory(), EventFactory()
    mine_ticket = TicketTypeFactory(event=mine, name="Mine")
    TicketTypeFactory(event=theirs, name="SecretTicketOfB")
    other_ticket = TicketTypeFactory(event=also_mine, name="AlsoMine")
    owner = OrganizerFactory(username="owner-a")
    EventRole.objects.create(event=mine, user=owner, role="owner")
    EventRole.objects.create(event=also_mine, user=owner, role="owner")
    client.force_login(owner)
    for url in ("/admin/registrations/promocode/add/", "/admin/registrations/waitlistentry/add/"):
        page = client.get(url).content.decode()
        assert "Mine" in page and "SecretTicketOfB" not in page, url
    crossed = client.post(
        "/admin/registrations/promocode/add/",
        {"event": mine.pk, "code": "MIX", "percent_off": "10", "ticket_types": [other_ticket.pk],
         "is_active": "on"},
    )  # fmt: skip
    assert crossed.status_code == 200  # the form again, with the error
    assert not PromoCode.objects.exists()
    fine = client.post(
        "/admin/registrations/promocode/add/",
        {"event": mine.pk, "code": "OK", "percent_off": "10", "ticket_types": [mine_ticket.pk],
         "is_active": "on"},
    )  # fmt: skip
    assert fine.status_code == 302
    assert list(PromoCode.objects.get().ticket_types.all()) == [mine_ticket]
