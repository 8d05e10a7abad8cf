"""Input parsing for the organizer pages and API: attendee filters, actions, check-in."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from events.models import Event, Session
from registrations.models import Profession, Registration
from registrations.organizer.selectors import AttendeeFilters

TRUE_VALUES = {"true", "1", "yes", "on"}
FALSE_VALUES = {"false", "0", "no", "off"}


class AttendeeFilterForm(forms.Form):
    """The filters of the attendee list, its exports and the badge sheet (all optional)."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Any status"))] + list(Registration.Status.choices),
    )
    ticket_type = forms.ModelChoiceField(
        label=_("Ticket type"), required=False, queryset=None, empty_label=_("Any ticket type")
    )
    session = forms.ModelChoiceField(
        label=_("Session"), required=False, queryset=None, empty_label=_("Any session")
    )
    profession = forms.ChoiceField(
        label=_("Profession"),
        required=False,
        choices=[("", _("Any profession"))] + list(Profession.choices),
    )
    question = forms.ModelChoiceField(
        label=_("Question"), required=False, queryset=None, empty_label=_("Any answers")
    )
    answer = forms.CharField(label=_("Answer"), required=False, max_length=200)
    checked_in = forms.CharField(
        label=_("Checked in"),
        required=False,
        widget=forms.Select(
            choices=[("", _("Either")), ("true", _("Checked in")), ("false", _("Not checked in"))]
        ),
    )

    def __init__(self, data=None, *, event: Event, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["ticket_type"].queryset = event.ticket_types.all()
        self.fields["session"].queryset = event.sessions.all()
        self.fields["question"].queryset = event.questions.all()
        self.fields["question"].error_messages["invalid_choice"] = _(
            "Not a question of this event."
        )
        self.fields["ticket_type"].error_messages["invalid_choice"] = _(
            "Not a ticket type of this event."
        )
        self.fields["session"].error_messages["invalid_choice"] = _("Not a session of this event.")

    def clean_checked_in(self) -> bool | None:
        value = (self.cleaned_data.get("checked_in") or "").strip().lower()
        if value in TRUE_VALUES:
            return True
        if value in FALSE_VALUES:
            return False
        if value:
            raise forms.ValidationError(_("Use true or false."))
        return None

    def clean(self) -> dict:
        data = super().clean()
        if data.get("answer") and not data.get("question"):
            self.add_error("question", _("Choose the question the answer is to."))
        return data

    def filters(self) -> AttendeeFilters:
        data = self.cleaned_data
        return AttendeeFilters(
            q=data.get("q", "").strip(),
            status=data.get("status", ""),
            ticket_type=data.get("ticket_type"),
            session=data.get("session"),
            profession=data.get("profession", ""),
            checked_in=data.get("checked_in"),
            question=data.get("question"),
            answer=data.get("answer", "").strip(),
        )

    def error_lists(self) -> dict[str, list[str]]:
        return {field: [str(e) for e in errors] for field, errors in self.errors.items()}


class RefundForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount"),
        required=False,
        min_value=Decimal("0.01"),
        max_digits=12,
        decimal_places=2,
        help_text=_("Leave empty to refund everything still refundable."),
    )
    reason = forms.CharField(label=_("Reason"), required=False, max_length=200)


class MarkPaidForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount received"),
        required=False,
        min_value=Decimal("0.01"),
        max_digits=12,
        decimal_places=2,
        help_text=_("Leave empty for the whole amount due; less records a partial payment."),
    )
    paid_at = forms.DateField(
        label=_("Received on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty for today."),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=300,
        help_text=_("e.g. bank transfer reference, cheque number"),
    )


class SubstituteForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    email = forms.EmailField(label=_("Email"), max_length=254)


class CheckInForm(forms.Form):
    code = forms.CharField(label=_("Badge code"), max_length=40)
    session = forms.ModelChoiceField(
        label=_("Where"), required=False, queryset=None, empty_label=_("Event entrance (door)")
    )

    def __init__(self, data=None, *, event: Event, **kwargs):
        super().__init__(data, **kwargs)
        self.fields["session"].queryset = event.sessions.all()

    @property
    def chosen_session(self) -> Session | None:
        return self.cleaned_data.get("session") if hasattr(self, "cleaned_data") else None
