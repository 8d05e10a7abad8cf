from decimal import Decimal

import pytest
from django.contrib import admin
from django.urls import reverse

from tests.factories import SessionFactory, TicketTypeFactory, UserFactory
from tests.registrations.helpers import attendee, body, register

pytestmark = pytest.mark.django_db


def test_every_admin_list_add_and_change_page_answers(client, api):
    ticket = TicketTypeFactory()
    SessionFactory(event=ticket.event)
    register(api, ticket.event, body(attendee(ticket)))
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        changelist = client.get(reverse("admin:{}_{}_changelist".format(*info)), {"q": "a"})
        assert changelist.status_code == 200, info
        add = client.get(reverse("admin:{}_{}_add".format(*info)))
        allowed = model_admin.has_add_permission(changelist.wsgi_request)
        assert add.status_code == (200 if allowed else 403), info  # read-only admins: 403
        first = model_admin.get_queryset(changelist.wsgi_request).first()
        if first is not None:
            url = reverse("admin:{}_{}_change".format(*info), args=[first.pk])
            assert client.get(url).status_code == 200, info


def test_the_admin_cannot_set_a_status_or_an_amount_by_hand(client, api):
    from registrations.models import Registration

    ticket = TicketTypeFactory(price=Decimal("100.00"))
    data = register(api, ticket.event, body(attendee(ticket), payment_method="invoice")).json()
    registration = Registration.objects.get(reference=data["reference"])
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:registrations_registration_change", args=[registration.pk])
    page = client.get(url)
    form = page.context["adminform"].form
    assert "status" not in form.fields and "amount_paid" not in form.fields
    assert client.get(reverse("admin:registrations_registration_add")).status_code == 403
    assert client.get(reverse("admin:registrations_attendee_add")).status_code == 403


def test_admin_actions_go_through_the_services(client, api):
    from audit.models import AuditEntry
    from registrations.messaging.models import OutboxMessage
    from registrations.models import Registration

    ticket = TicketTypeFactory(price=Decimal("100.00"))
    data = register(api, ticket.event, body(attendee(ticket), payment_method="invoice")).json()
    registration = Registration.objects.get(reference=data["reference"])
    staff = UserFactory(is_staff=True, is_superuser=True)
    client.force_login(staff)
    changelist = reverse("admin:registrations_registration_changelist")
    client.post(changelist, {"action": "mark_invoice_paid", "_selected_action": [registration.pk]})
    registration.refresh_from_db()
    assert registration.status == "confirmed" and registration.amount_paid == Decimal("100.00")
    client.post(changelist, {"action": "cancel_with_refund", "_selected_action": [registration.pk]})
    registration.refresh_from_db()
    assert registration.status == "refunded" and registration.amount_refunded == Decimal("100.00")
    assert OutboxMessage.objects.filter(registration=registration, kind="cancellation").exists()
    actions = list(
        AuditEntry.objects.filter(target=registration.reference)
        .order_by("id")
        .values_list("action", "actor")
    )
    assert actions == [("mark_paid", staff.pk), ("cancel", staff.pk)]
    again = client.post(
        changelist,
        {"action": "cancel_with_refund", "_selected_action": [registration.pk]},
        follow=True,
    )
    assert "cannot be cancelled" in again.content.decode()


def test_the_admin_edits_an_attendees_details_but_not_their_identity(client, api):
    from registrations.models import Attendee

    ticket = TicketTypeFactory()
    register(api, ticket.event, body(attendee(ticket, email="kept@example.org")))
    person = Attendee.objects.get()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:registrations_attendee_change", args=[person.pk])
    form = client.get(url).context["adminform"].form
    assert set(form.fields) == {
        "organization",
        "job_title",
        "dietary_needs",
        "accessibility_needs",
    }
    response = client.post(
        url,
        {
            "organization": "St Mary's",
            "job_title": "Nurse",
            "dietary_needs": "vegan",
            "accessibility_needs": "",
            "email": "someone.else@example.org",
            "choices-TOTAL_FORMS": "0",
            "choices-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.organization == "St Mary's" and person.dietary_needs == "vegan"
    assert person.email == "kept@example.org"


def test_the_admin_says_why_an_attendee_of_a_cancelled_registration_cannot_change(client, api):
    from registrations.models import Attendee, Registration

    ticket = TicketTypeFactory()
    register(api, ticket.event, body(attendee(ticket)))
    Registration.objects.update(status="cancelled")
    person = Attendee.objects.get()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    url = reverse("admin:registrations_attendee_change", args=[person.pk])
    answer = client.post(
        url,
        {
            "organization": "Elsewhere",
            "job_title": "",
            "dietary_needs": "",
            "accessibility_needs": "",
            "choices-TOTAL_FORMS": "0",
            "choices-INITIAL_FORMS": "0",
        },
        follow=True,
    )
    assert answer.status_code == 200
    assert "cannot change" in answer.content.decode()
    person.refresh_from_db()
    assert person.organization != "Elsewhere"
