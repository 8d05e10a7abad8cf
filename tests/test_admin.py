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
