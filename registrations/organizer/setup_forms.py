"""Input parsing for the organizer's set-up pages: questions, team rates, email texts,
the member-list import. The services check the rules; these forms parse."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from events.models import Event, Question
from registrations.forms.base import PageForm
from registrations.messaging.texts import KIND_NAMES, LIMITS


class QuestionForm(PageForm):
    label = forms.CharField(label=_("Question"), max_length=200)
    kind = forms.ChoiceField(label=_("Kind of answer"), choices=Question.Kind.choices)
    choices = forms.CharField(
        label=_("Choices"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For the choice kinds: one per line."),
    )
    required = forms.BooleanField(label=_("An answer is required"), required=False)
    help_text = forms.CharField(label=_("Help text"), max_length=300, required=False)
    ticket_types = forms.ModelMultipleChoiceField(
        label=_("Ask only attendees of these tickets"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: every attendee."),
    )
    position = forms.IntegerField(label=_("Position"), min_value=0, max_value=32767, initial=0)

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ticket_types"].queryset = event.ticket_types.all()

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "label": data["label"],
            "kind": data["kind"],
            "choices": [line.strip() for line in data["choices"].splitlines() if line.strip()],
            "required": data["required"],
            "help_text": data["help_text"],
            "ticket_types": [t.id for t in data["ticket_types"]],
            "position": data["position"] or 0,
        }


class GroupRateForm(PageForm):
    min_attendees = forms.IntegerField(
        label=_("From this many attendees"), min_value=2, max_value=1000
    )
    percent_off = forms.DecimalField(
        label=_("Percent off each ticket"),
        min_value=Decimal("0.01"),
        max_value=Decimal("100"),
        max_digits=5,
        decimal_places=2,
    )
    ticket_types = forms.ModelMultipleChoiceField(
        label=_("Only these tickets"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("None chosen: every ticket."),
    )

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ticket_types"].queryset = event.ticket_types.all()

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        return {
            "min_attendees": data["min_attendees"],
            "percent_off": data["percent_off"],
            "ticket_types": [t.id for t in data["ticket_types"]],
        }


class EmailTextForm(PageForm):
    kind = forms.ChoiceField(
        label=_("Email"), choices=[(name, name.replace("_", " ")) for name in KIND_NAMES]
    )
    subject = forms.CharField(label=_("Subject"), max_length=LIMITS["subject"], required=False)
    intro = forms.CharField(
        label=_("Opening paragraph"),
        max_length=LIMITS["intro"],
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    closing = forms.CharField(
        label=_("Closing paragraph"),
        max_length=LIMITS["closing"],
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class MemberImportForm(PageForm):
    file = forms.FileField(
        label=_("Member list (CSV)"),
        help_text=_("Columns: member_number, email, last_name, valid_until (YYYY-MM-DD)."),
    )
    replace = forms.BooleanField(
        label=_("Replace the whole list (members not in the file are removed)"), required=False
    )
