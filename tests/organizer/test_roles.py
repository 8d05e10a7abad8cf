"""Roles per event, enforced in one place (events.permissions) for the organizer pages,
the organizer API and the admin: for every role and every kind of action, a role without
the permission gets 403 and nothing changes; a role with it gets through; staff without a
role on the event see nothing of it (404)."""

from decimal import Decimal

import pytest
from django.urls import reverse

from audit.models import AuditEntry
from events.models import Event, EventRole, GroupRate, Question
from events.permissions import ROLE_PERMISSIONS, Perm
from payments.models import Refund
from registrations.messaging.models import EmailText
from registrations.models import CheckIn, Registration
from tests.factories import EventFactory, OrganizerFactory, TicketTypeFactory
from tests.organizer.conftest import token_client
from tests.organizer.helpers import attendee_of, make_registration

pytestmark = pytest.mark.django_db

ROLES = [role.value for role in EventRole.Role]


@pytest.fixture
def scene(db):
    event = EventFactory(slug="congress", name="Congress")
    ticket = TicketTypeFactory(event=event, price=Decimal("100.00"))
    paid = make_registration(event, {"ticket_type": ticket})
    invoiced = make_registration(
        event,
        {"ticket_type": ticket},
        status=Registration.Status.PENDING_PAYMENT,
        payment_method="invoice",
    )
    EventRole.objects.create(event=event, user=OrganizerFactory(username="boss"), role="owner")
    return {
        "event": event,
        "paid": paid,
        "invoiced": invoiced,
        "badge": attendee_of(paid).badge_code,
    }


def member(event, role):
    user = OrganizerFactory(username=f"as-{role}")
    EventRole.objects.create(event=event, user=user, role=role)
    return user


def snapshot(scene) -> tuple:
    """Everything an action of the list below could change."""
    event = Event.objects.get(pk=scene["event"].pk)
    registrations = tuple(
        Registration.objects.filter(event=event)
        .order_by("pk")
        .values_list("status", "amount_paid", "amount_refunded", "cancelled_at")
    )
    roles = tuple(EventRole.objects.filter(event=event).order_by("pk").values_list("user", "role"))
    audited = tuple(AuditEntry.objects.order_by("pk").values_list("action", flat=True))
    return (
        event.name,
        registrations,
        roles,
        CheckIn.objects.count(),
        Refund.objects.count(),
        audited,
        Question.objects.count(),
        GroupRate.objects.count(),
        EmailText.objects.count(),
    )


# kind, name, permission needed, how to do it (client, scene) -> response
API_ACTIONS = [
    ("stats", Perm.VIEW, lambda c, s: c.get("/api/v1/organizer/events/congress/stats/")),
    (
        "attendee list",
        Perm.ATTENDEES,
        lambda c, s: c.get("/api/v1/organizer/events/congress/attendees/"),
    ),
    (
        "export",
        Perm.EXPORT,
        lambda c, s: c.get("/api/v1/organizer/events/congress/attendees/export.csv"),
    ),
    (
        "badges of all",
        Perm.EXPORT,
        lambda c, s: c.get("/api/v1/organizer/events/congress/badges.pdf"),
    ),
    (
        "check in",
        Perm.CHECK_IN,
        lambda c, s: c.post(
            "/api/v1/organizer/events/congress/check-in/", {"code": s["badge"]}, format="json"
        ),
    ),
    (
        "refund",
        Perm.MONEY,
        lambda c, s: c.post(
            f"/api/v1/organizer/registrations/{s['paid'].reference}/refund/",
            {"amount": "10.00"},
            format="json",
        ),
    ),
    (
        "mark paid",
        Perm.MONEY,
        lambda c, s: c.post(
            f"/api/v1/organizer/registrations/{s['invoiced'].reference}/mark-paid/"
        ),
    ),
    (
        "edit event",
        Perm.EVENT,
        lambda c, s: c.patch(
            "/api/v1/organizer/events/congress/", {"name": "Renamed"}, format="json"
        ),
    ),
    (
        "team",
        Perm.TEAM,
        lambda c, s: c.post(
            "/api/v1/organizer/events/congress/team/",
            {"username": "boss", "role": "viewer"},
            format="json",
        ),
    ),
    ("audit log", Perm.TEAM, lambda c, s: c.get("/api/v1/organizer/events/congress/audit/")),
    (
        "add a question",
        Perm.EVENT,
        lambda c, s: c.post(
            "/api/v1/organizer/events/congress/questions/",
            {"label": "Lunch?", "kind": "boolean"},
            format="json",
        ),
    ),
    (
        "read questions",
        Perm.VIEW,
        lambda c, s: c.get("/api/v1/organizer/events/congress/questions/"),
    ),
    (
        "add a team rate",
        Perm.EVENT,
        lambda c, s: c.post(
            "/api/v1/organizer/events/congress/group-rates/",
            {"min_attendees": 5, "percent_off": "10"},
            format="json",
        ),
    ),
    (
        "word an email",
        Perm.EVENT,
        lambda c, s: c.put(
            "/api/v1/organizer/events/congress/email-texts/confirmation/",
            {"subject": "See you, {first_name}", "intro": "", "closing": ""},
            format="json",
        ),
    ),
]

PAGE_ACTIONS = [
    ("dashboard", Perm.VIEW, lambda c, s: c.get("/organizer/events/congress/")),
    ("attendee page", Perm.ATTENDEES, lambda c, s: c.get("/organizer/events/congress/attendees/")),
    (
        "check-in desk",
        Perm.CHECK_IN,
        lambda c, s: c.post("/organizer/events/congress/check-in/", {"code": s["badge"]}),
    ),
    (
        "cancel",
        Perm.REGISTRATIONS,
        lambda c, s: c.post(
            f"/organizer/events/congress/registrations/{s['paid'].reference}/cancel/"
        ),
    ),
    (
        "resend",
        Perm.REGISTRATIONS,
        lambda c, s: c.post(
            f"/organizer/events/congress/registrations/{s['paid'].reference}/resend/"
        ),
    ),
    (
        "mark paid",
        Perm.MONEY,
        lambda c, s: c.post(
            f"/organizer/events/congress/registrations/{s['invoiced'].reference}/mark-paid/"
        ),
    ),
    (
        "team",
        Perm.TEAM,
        lambda c, s: c.post(
            "/organizer/events/congress/team/", {"username": "boss", "role": "viewer"}
        ),
    ),
    ("finance page", Perm.MONEY, lambda c, s: c.get("/organizer/events/congress/finance/")),
    ("questions page", Perm.EVENT, lambda c, s: c.get("/organizer/events/congress/questions/")),
    ("team rates page", Perm.EVENT, lambda c, s: c.get("/organizer/events/congress/team-rates/")),
    ("email wording page", Perm.EVENT, lambda c, s: c.get("/organizer/events/congress/emails/")),
]


def _admin_action(action):
    def run(c, s):
        url = reverse("admin:registrations_registration_changelist")
        return c.post(url, {"action": action, "_selected_action": [s["paid"].pk]})

    return run


def _admin_event_edit(c, s):
    url = reverse("admin:events_event_change", args=[s["event"].pk])
    page = c.get(url)
    if page.status_code != 200:
        return page
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and not hasattr(v, "pk")}
    return c.post(url, data | {"name": "Renamed"})


ADMIN_ACTIONS = [
    ("cancel", Perm.REGISTRATIONS, _admin_action("cancel_with_refund")),
    (
        "invoices",
        Perm.MONEY,
        lambda c, s: c.get(reverse("admin:finance_invoice_changelist")),
    ),
    ("resend", Perm.REGISTRATIONS, _admin_action("resend_confirmation")),
    ("edit event", Perm.EVENT, _admin_event_edit),
    (
        "view registration",
        Perm.ATTENDEES,
        lambda c, s: c.get(reverse("admin:registrations_registration_change", args=[s["paid"].pk])),
    ),
]


def _refusals(actions):
    return [
        pytest.param(role, action, id=f"{role}-{action[0]}")
        for action in actions
        for role in ROLES
        if action[1] not in ROLE_PERMISSIONS[role]
    ]


def _grants(actions):
    return [
        pytest.param(role, action, id=f"{role}-{action[0]}")
        for action in actions
        for role in ROLES
        if action[1] in ROLE_PERMISSIONS[role]
    ]


@pytest.mark.parametrize(("role", "action"), _refusals(API_ACTIONS))
def test_api_refuses_a_role_without_the_permission_and_changes_nothing(scene, role, action):
    api = token_client(member(scene["event"], role))
    before = snapshot(scene)
    assert action[2](api, scene).status_code == 403
    assert snapshot(scene) == before


@pytest.mark.parametrize(("role", "action"), _grants(API_ACTIONS))
def test_api_lets_a_role_with_the_permission_through(scene, role, action):
    api = token_client(member(scene["event"], role))
    assert action[2](api, scene).status_code not in (401, 403, 404)


@pytest.mark.parametrize(("role", "action"), _refusals(PAGE_ACTIONS))
def test_pages_refuse_a_role_without_the_permission_and_change_nothing(client, scene, role, action):
    client.force_login(member(scene["event"], role))
    before = snapshot(scene)
    assert action[2](client, scene).status_code == 403
    assert snapshot(scene) == before


@pytest.mark.parametrize(("role", "action"), _grants(PAGE_ACTIONS))
def test_pages_let_a_role_with_the_permission_through(client, scene, role, action):
    client.force_login(member(scene["event"], role))
    assert action[2](client, scene).status_code in (200, 302)


@pytest.mark.parametrize(("role", "action"), _refusals(ADMIN_ACTIONS))
def test_admin_refuses_a_role_without_the_permission_and_changes_nothing(
    client, scene, role, action
):
    client.force_login(member(scene["event"], role))
    before = snapshot(scene)
    assert action[2](client, scene).status_code == 403
    assert snapshot(scene) == before


@pytest.mark.parametrize(("role", "action"), _grants(ADMIN_ACTIONS))
def test_admin_lets_a_role_with_the_permission_through(client, scene, role, action):
    client.force_login(member(scene["event"], role))
    assert action[2](client, scene).status_code in (200, 302)


def test_staff_without_a_role_see_nothing_of_the_event(client, scene):
    stranger = OrganizerFactory(username="stranger")
    api = token_client(stranger)
    for url in ("/api/v1/organizer/events/congress/", "/api/v1/organizer/events/congress/stats/"):
        assert api.get(url).status_code == 404
    refund = f"/api/v1/organizer/registrations/{scene['paid'].reference}/refund/"
    assert api.post(refund, {}, format="json").status_code == 404
    assert api.get("/api/v1/organizer/events/").json()["count"] == 0
    client.force_login(stranger)
    assert client.get("/organizer/events/congress/check-in/").status_code == 404
    admin_url = reverse("admin:events_event_change", args=[scene["event"].pk])
    assert client.get(admin_url).status_code in (302, 403, 404)
    changelist = client.get(reverse("admin:registrations_registration_changelist"))
    assert scene["paid"].reference not in changelist.content.decode()


def test_the_admin_lists_only_the_events_one_holds_a_role_on(client, scene):
    EventFactory(slug="elsewhere", name="Someone Else's Summit")
    client.force_login(member(scene["event"], "viewer"))
    page = client.get(reverse("admin:events_event_changelist"))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Congress" in html and "Someone Else" not in html


def test_owners_manage_the_team_and_every_change_is_audited(scene):
    api = token_client(EventRole.objects.get(role="owner").user)
    OrganizerFactory(username="volunteer")
    url = "/api/v1/organizer/events/congress/team/"
    assert (
        api.post(url, {"username": "volunteer", "role": "check_in"}, format="json").status_code
        == 201
    )
    assert (
        api.post(url, {"username": "volunteer", "role": "viewer"}, format="json").status_code == 200
    )
    assert {"username": "volunteer", "role": "viewer"} in api.get(url).json()["results"]
    assert api.delete(f"{url}volunteer/").status_code == 204
    entries = AuditEntry.objects.filter(action="role_change").order_by("pk")
    assert [(e.target, e.details["role"], e.details["previous_role"]) for e in entries] == [
        ("volunteer", "check_in", None),
        ("volunteer", "viewer", "check_in"),
        ("volunteer", None, "viewer"),
    ]
    assert all(e.actor_username == "boss" for e in entries)


def test_an_event_keeps_an_owner(scene):
    api = token_client(EventRole.objects.get(role="owner").user)
    url = "/api/v1/organizer/events/congress/team/"
    refused = api.post(url, {"username": "boss", "role": "viewer"}, format="json")
    assert refused.status_code == 409 and refused.json()["code"] == "invalid_state"
    assert api.delete(f"{url}boss/").status_code == 409
    assert EventRole.objects.get(user__username="boss").role == "owner"
    bad = api.post(url, {"username": "nobody", "role": "captain"}, format="json")
    assert bad.status_code == 400 and set(bad.json()["errors"]) == {"role"}


def test_the_check_in_role_finds_checks_in_and_prints_a_badge_and_nothing_else(client, scene):
    client.force_login(member(scene["event"], "check_in"))
    person = attendee_of(scene["paid"])
    found = client.get("/organizer/events/congress/check-in/", {"q": person.last_name})
    html = found.content.decode()
    assert found.status_code == 200 and person.badge_code in html
    assert "export.csv" not in html and "/attendees/" not in html
    assert (
        client.post("/organizer/events/congress/check-in/", {"code": person.badge_code}).status_code
        == 200
    )
    assert CheckIn.objects.filter(attendee=person).exists()
    badge = client.get("/api/v1/organizer/events/congress/badges.pdf", {"q": person.badge_code})
    assert badge.status_code == 200 and badge["Content-Type"] == "application/pdf"
    assert client.get("/api/v1/organizer/events/congress/badges.pdf").status_code == 403
    assert client.get("/organizer/events/congress/").status_code == 403


@pytest.mark.parametrize("role", ROLES)
def test_every_admin_page_answers_each_role_without_an_error(client, scene, role):
    from django.contrib import admin

    client.force_login(member(scene["event"], role))
    for model in admin.site._registry:
        info = (model._meta.app_label, model._meta.model_name)
        changelist = client.get(reverse("admin:{}_{}_changelist".format(*info)))
        assert changelist.status_code in (200, 403), info
        first = model.objects.order_by("pk").first()
        if first is not None:
            change = client.get(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
            assert change.status_code in (200, 302, 403), info  # 302: not theirs to see
    assert client.get(reverse("admin:index")).status_code == 200
