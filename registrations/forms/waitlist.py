"""Joining a waiting list: an event's, for a sold-out ticket type; a full session's, for
an attendee already registered."""

from django import forms
from django.utils.translation import gettext_lazy as _

from events.models import Event
from registrations.forms.base import PageForm


class WaitlistJoinForm(PageForm):
    ticket_type = forms.TypedChoiceField(label=_("Ticket"), coerce=int)
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    email = forms.EmailField(label=_("Email"), max_length=254)

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.ticket_types = {t.id: t for t in event.ticket_types.all()}
        self.fields["ticket_type"].choices = [(t.id, t.name) for t in self.ticket_types.values()]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "ticket_type": self.ticket_types[data["ticket_type"]],
            "email": data["email"],
            "first_name": data["first_name"],
            "last_name": data["last_name"],
        }


class SessionWaitlistForm(forms.Form):
    """The manage page's "join the waiting list" button of a full session."""

    session = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
