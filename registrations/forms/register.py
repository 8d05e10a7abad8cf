"""The register page: one buyer, a group of attendees (a formset that grows and shrinks
without JavaScript), the order (promo code, payment method), and the service's errors
put back on the attendee field they name."""

from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from finance.billing import BillingInput, billing_check
from registrations.forms.attendee import AttendeeDetailsForm
from registrations.forms.base import PageForm
from registrations.forms.menu import Menu, SessionOption, TicketOption, chosen_values
from registrations.forms.questions import PREFIX, add_question_fields, answers_from
from registrations.models import PaymentMethod
from registrations.services.inputs import AttendeeInput, BuyerInput
from registrations.services.rules import MAX_ATTENDEES


class AttendeeForm(AttendeeDetailsForm):
    """One attendee of a group: ticket type, details, sessions."""

    ticket_type = forms.TypedChoiceField(label=_("Ticket"), coerce=int, widget=forms.RadioSelect)
    sessions = forms.TypedMultipleChoiceField(
        label=_("Workshops and sessions"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    field_order = ["ticket_type"]

    def __init__(self, *args, menu: Menu, **kwargs):
        super().__init__(*args, **kwargs)
        self.menu = menu
        self.fields["ticket_type"].choices = [(t.id, t.name) for t in menu.tickets]
        self.fields["sessions"].choices = [(s.id, s.title) for s in menu.sessions]
        add_question_fields(self, list(menu.questions), {t.id: t.name for t in menu.tickets})

    @property
    def question_fields(self) -> list:
        return [self[name] for name in self.question_kinds]

    @property
    def detail_fields(self) -> list:
        skip = {"ticket_type", "sessions", *self.question_kinds}
        return [field for field in self if field.name not in skip]

    @property
    def ticket_options(self) -> list[tuple[TicketOption, bool]]:
        chosen = chosen_values(self["ticket_type"].value())
        return [(t, str(t.id) in chosen and not t.disabled) for t in self.menu.tickets]

    @property
    def session_days(self) -> list[tuple[date, list[tuple[SessionOption, bool, bool]]]]:
        """Per day: (session, checked, disabled); a full session cannot be chosen."""
        chosen = chosen_values(self["sessions"].value())
        return [
            (day, [(s, str(s.id) in chosen and not s.full, s.full) for s in options])
            for day, options in self.menu.days
        ]

    def to_input(self) -> AttendeeInput:
        data = self.cleaned_data
        return AttendeeInput(
            ticket_type=data["ticket_type"],
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            organization=data["organization"],
            job_title=data["job_title"],
            profession=data["profession"],
            member_number=data["member_number"],
            dietary_needs=data["dietary_needs"],
            accessibility_needs=data["accessibility_needs"],
            sessions=tuple(data["sessions"]),
            credentials=self.credentials(),
            answers=answers_from(self),
        )


class BaseAttendeeFormSet(forms.BaseFormSet):
    default_error_messages = {
        "too_few_forms": _("Register at least one attendee."),
        "too_many_forms": _("At most %(num)d attendees in one registration."),
    }

    def get_form_kwargs(self, index: int | None) -> dict:
        kwargs = super().get_form_kwargs(index)
        if index is None:
            return kwargs
        # Every block is validated in full: an empty attendee is a mistake, not a skip.
        return {**kwargs, "empty_permitted": False, "use_required_attribute": True}


AttendeeFormSet = forms.formset_factory(
    AttendeeForm,
    formset=BaseAttendeeFormSet,
    extra=0,
    min_num=1,
    validate_min=True,
    max_num=MAX_ATTENDEES,
    validate_max=True,
    absolute_max=MAX_ATTENDEES,
)


class BuyerForm(PageForm):
    first_name = forms.CharField(
        label=_("First name"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = forms.CharField(
        label=_("Last name"),
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    email = forms.EmailField(
        label=_("Email"),
        max_length=254,
        help_text=_("The confirmation, receipt and the link to manage the registration go here."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )


class BillingForm(PageForm):
    """Billing details for the invoice: required (the first five) for payment by
    invoice, optional for a card (then on the card's invoice too)."""

    organization = forms.CharField(
        label=_("Organization"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    email = forms.EmailField(
        label=_("Accounts-payable email"),
        max_length=254,
        required=False,
        help_text=_("Invoices, credit notes and payment reminders go here."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    address_line1 = forms.CharField(
        label=_("Address"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-line1"}),
    )
    address_line2 = forms.CharField(
        label=_("Address, line 2"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-line2"}),
    )
    city = forms.CharField(
        label=_("City"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
    )
    region = forms.CharField(
        label=_("State or region"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-level1"}),
    )
    postal_code = forms.CharField(
        label=_("Postal code"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "postal-code"}),
    )
    country = forms.CharField(
        label=_("Country code"),
        max_length=2,
        required=False,
        help_text=_("Two letters, e.g. US, CA, GB."),
        widget=forms.TextInput(attrs={"autocomplete": "country", "size": "3"}),
    )
    tax_id = forms.CharField(label=_("Tax id"), max_length=60, required=False)
    po_number = forms.CharField(
        label=_("Purchase order (PO) number"),
        max_length=60,
        required=False,
        help_text=_("Printed on the invoice, if your organization needs one."),
    )

    def to_input(self) -> BillingInput:
        return BillingInput.from_dict(self.cleaned_data)


class OrderForm(PageForm):
    promo_code = forms.CharField(label=_("Promo code"), max_length=40, required=False)
    payment_method = forms.ChoiceField(
        label=_("Payment"),
        choices=PaymentMethod.choices,
        initial=PaymentMethod.CARD,
        widget=forms.RadioSelect,
        help_text=_("Invoice: your organization pays later; the seats are held until then."),
    )
    waitlist_offer = forms.CharField(max_length=64, required=False, widget=forms.HiddenInput)


class RegistrationForms:
    """The register page's forms as one: the buyer, the attendees (a formset with its
    management form, so the group can grow and shrink without JavaScript), the order."""

    def __init__(self, *, menu: Menu, data=None, initial: dict | None = None):
        # Blank: a first visit's form, the same for everyone (views._form_page keeps it).
        self.is_blank = data is None and not initial
        initial = initial or {}
        self.menu = menu
        self.buyer = BuyerForm(data, prefix="buyer", initial=initial.get("buyer"))
        self.attendees = AttendeeFormSet(
            data,
            prefix="attendees",
            initial=initial.get("attendees") or None,
            form_kwargs={"menu": menu},
        )
        self.order = OrderForm(data, prefix="order", initial=initial.get("order"))
        self.billing = BillingForm(data, prefix="billing", initial=initial.get("billing"))
        self.page_errors: list[str] = []

    @property
    def count(self) -> int:
        return self.attendees.total_form_count()

    @property
    def is_intact(self) -> bool:
        """False when the hidden attendee count is missing or tampered with."""
        return self.attendees.management_form.is_valid()

    @property
    def can_add(self) -> bool:
        return self.count < MAX_ATTENDEES

    def is_valid(self) -> bool:
        results = [
            self.buyer.is_valid(),
            self.attendees.is_valid(),
            self.order.is_valid(),
            self.billing.is_valid(),
        ]
        if all(results):  # what an invoice needs, said before the review step
            try:
                billing_check(
                    self.billing.to_input().cleaned(),
                    required=self.order.cleaned_data["payment_method"] == PaymentMethod.INVOICE,
                )
            except ValidationError as exc:
                self.add_service_errors(exc)
                return False
        return all(results)

    @property
    def has_errors(self) -> bool:
        return bool(
            self.page_errors
            or self.buyer.errors
            or self.order.errors
            or self.billing.errors
            or self.attendees.non_form_errors()
            or any(form.errors for form in self.attendees.forms)
        )

    def resized(self, change: int) -> "RegistrationForms":
        """The same entries as fresh (unvalidated) forms, with `change` attendees more or
        fewer: at least one, at most MAX_ATTENDEES."""
        people = [_values(form) for form in self.attendees.forms] or [{}]
        if change > 0:
            people += [{} for _ in range(min(change, MAX_ATTENDEES - len(people)))]
        elif change < 0:
            people = people[: max(len(people) + change, 1)]
        return RegistrationForms(
            menu=self.menu,
            initial={
                "buyer": _values(self.buyer),
                "attendees": people,
                "order": _values(self.order),
                "billing": _values(self.billing),
            },
        )

    def preview_kwargs(self) -> dict:
        return {
            "attendees": [form.to_input() for form in self.attendees.forms],
            "promo_code": self.order.cleaned_data["promo_code"],
            "payment_method": self.order.cleaned_data["payment_method"],
        }

    def service_kwargs(self) -> dict:
        """Keyword arguments of registration_create (besides the event)."""
        return {
            **self.preview_kwargs(),
            "buyer": BuyerInput(**self.buyer.cleaned_data, billing=self.billing.to_input()),
            "waitlist_offer": self.order.cleaned_data["waitlist_offer"],
        }

    def add_service_errors(self, error: ValidationError) -> None:
        """Put each of a service's errors on the field its key names: `attendees.1.email`
        on attendee 2's email, `promo_code` on the promo code; the rest on the page."""
        if not hasattr(error, "error_dict"):
            self.page_errors.extend(error.messages)
            return
        forms_by_index = dict(enumerate(self.attendees.forms))
        for key, errors in error.error_dict.items():
            messages = [message for item in errors for message in item.messages]
            parts = key.split(".")
            if parts[0] == "attendees" and len(parts) > 1 and parts[1].isdigit():
                form = forms_by_index.get(int(parts[1]))
                if form is not None:
                    # attendees.1.email -> email; attendees.1.credentials.npi -> npi;
                    # attendees.1.answers.12 -> q_12
                    field = parts[-1] if len(parts) > 2 else None
                    if len(parts) == 4 and parts[2] == "answers":
                        field = f"{PREFIX}{parts[3]}"
                    form.add_service_error(field, messages)
                    continue
            elif parts[0] == "buyer" and len(parts) == 2:
                self.buyer.add_service_error(parts[1], messages)
                continue
            elif parts[0] == "billing" and len(parts) == 2:
                self.billing.add_service_error(parts[1], messages)
                continue
            elif len(parts) == 1 and key in self.order.fields:
                self.order.add_service_error(key, messages)
                continue
            self.page_errors.extend(messages)


def _values(form: forms.Form) -> dict:
    """What a bound form holds, as initial values for a fresh one."""
    return {name: form[name].value() for name in form.fields}
