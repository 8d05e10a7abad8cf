"""Input parsing for the attendee pages: the group registration form, attendee changes,
session swaps and the waiting list.

No business rules live here: the forms check the shape of the input (required fields,
email syntax, known choices) and turn it into the services' inputs; the services decide
everything else (members-only rates, clashes, capacity), and their errors are put back
on the fields they name.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from itertools import groupby
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from events.models import Event
from events.selectors import Catalogue
from registrations.models import PaymentMethod, Profession
from registrations.services.inputs import AttendeeInput, BuyerInput
from registrations.services.rules import MAX_ATTENDEES

# What the form shows of the catalogue ------------------------------------------------


@dataclass(frozen=True)
class TicketOption:
    id: int
    name: str
    description: str
    price: Decimal
    price_tier: str
    available: int | None
    sold_out: bool
    members_only: bool
    disabled: bool


@dataclass(frozen=True)
class SessionOption:
    id: int
    title: str
    kind: str
    room: str
    starts_at: datetime
    ends_at: datetime
    price: Decimal
    ce_credits: Decimal
    available: int | None
    same_time_as: tuple[str, ...]

    @property
    def full(self) -> bool:
        return self.available == 0


@dataclass(frozen=True)
class Menu:
    """Today's offer of one event, as the forms show it: prices, seats, clashes."""

    currency: str
    tickets: tuple[TicketOption, ...]
    days: tuple[tuple[date, tuple[SessionOption, ...]], ...]

    @property
    def sessions(self) -> list[SessionOption]:
        return [option for _day, options in self.days for option in options]


def registration_menu(catalogue: Catalogue, *, offer_ticket_type_id: int | None = None) -> Menu:
    """The catalogue as choices. A sold-out ticket type stays choosable for the holder of
    a waiting-list offer for it (the offer's seat is what makes it look sold out)."""
    event: Event = catalogue.event
    tickets = tuple(
        TicketOption(
            id=offer.ticket_type.id,
            name=offer.ticket_type.name,
            description=offer.ticket_type.description,
            price=offer.price,
            price_tier=offer.price_tier,
            available=offer.available,
            sold_out=offer.sold_out,
            members_only=offer.ticket_type.members_only,
            disabled=offer.sold_out and offer.ticket_type.id != offer_ticket_type_id,
        )
        for offer in catalogue.tickets
    )
    selectable = [offer for offer in catalogue.sessions if offer.session.selectable]
    options = [
        SessionOption(
            id=offer.session.id,
            title=offer.session.title,
            kind=offer.session.get_kind_display(),
            room=offer.session.room,
            starts_at=offer.session.starts_at,
            ends_at=offer.session.ends_at,
            price=offer.session.price,
            ce_credits=offer.session.ce_credits,
            available=offer.available,
            same_time_as=tuple(
                other.session.title
                for other in selectable
                if other is not offer and other.session.overlaps(offer.session)
            ),
        )
        for offer in sorted(selectable, key=lambda o: (o.session.starts_at, o.session.title))
    ]
    days = tuple(
        (day, tuple(group))
        for day, group in groupby(options, key=lambda option: event.local(option.starts_at).date())
    )
    return Menu(currency=event.currency, tickets=tickets, days=days)


def _chosen(value: Any) -> set[str]:
    if value in (None, ""):
        return set()
    if isinstance(value, list | tuple):
        return {str(item) for item in value}
    return {str(value)}


# Attendee details ---------------------------------------------------------------------


CREDENTIAL_FIELDS = ("npi", "license_number", "license_state", "nabp_eprofile_id", "birth_mmdd")


class PageForm(forms.Form):
    """A form of these pages: labels without a trailing colon; services' errors placed."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def add_service_error(self, field: str | None, messages: list[str]) -> None:
        """Put a service's error on `field`, or on the form when it shows no such field."""
        visible = field in self.fields and not self.fields[field].widget.is_hidden
        self.add_error(field if visible else None, messages)


class AttendeeDetailsForm(PageForm):
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    email = forms.EmailField(label=_("Email"), max_length=254)
    organization = forms.CharField(label=_("Organization"), max_length=200, required=False)
    job_title = forms.CharField(label=_("Job title"), max_length=200, required=False)
    profession = forms.ChoiceField(
        label=_("Profession"),
        choices=[("", _("Choose (for continuing-education credit)"))] + Profession.choices,
        required=False,
    )
    member_number = forms.CharField(
        label=_("Member number"),
        max_length=40,
        required=False,
        help_text=_("Needed for member rates."),
    )
    dietary_needs = forms.CharField(label=_("Dietary needs"), max_length=300, required=False)
    accessibility_needs = forms.CharField(
        label=_("Accessibility needs"), max_length=300, required=False
    )
    # Continuing-education identifiers (registrations.ce.credentials checks them against
    # the profession): only what accreditors ask of that profession.
    npi = forms.CharField(
        label=_("NPI (physicians)"),
        max_length=10,
        required=False,
        help_text=_("10 digits; for CME credit."),
    )
    license_number = forms.CharField(
        label=_("Licence number (nurses)"), max_length=30, required=False
    )
    license_state = forms.CharField(
        label=_("Licence state (nurses)"),
        max_length=2,
        required=False,
        help_text=_("Two letters, e.g. MA."),
    )
    nabp_eprofile_id = forms.CharField(
        label=_("NABP e-Profile ID (pharmacists)"), max_length=10, required=False
    )
    birth_mmdd = forms.CharField(
        label=_("Birth month and day (pharmacists)"),
        max_length=4,
        required=False,
        help_text=_("MMDD, e.g. 0415: CPE Monitor asks for it."),
    )

    def credentials(self) -> dict[str, str]:
        return {
            name: self.cleaned_data[name]
            for name in CREDENTIAL_FIELDS
            if self.cleaned_data.get(name)
        }

    def service_changes(self) -> dict:
        """Keyword arguments of attendee_change for these details."""
        data = {k: v for k, v in self.cleaned_data.items() if k not in CREDENTIAL_FIELDS}
        return data | {"credentials": self.credentials()}


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

    @property
    def ticket_options(self) -> list[tuple[TicketOption, bool]]:
        chosen = _chosen(self["ticket_type"].value())
        return [(t, str(t.id) in chosen and not t.disabled) for t in self.menu.tickets]

    @property
    def session_days(self) -> list[tuple[date, list[tuple[SessionOption, bool, bool]]]]:
        """Per day: (session, checked, disabled); a full session cannot be chosen."""
        chosen = _chosen(self["sessions"].value())
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
        results = [self.buyer.is_valid(), self.attendees.is_valid(), self.order.is_valid()]
        return all(results)

    @property
    def has_errors(self) -> bool:
        return bool(
            self.page_errors
            or self.buyer.errors
            or self.order.errors
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
            },
        )

    def quote_kwargs(self) -> dict:
        return {
            "attendees": [form.to_input() for form in self.attendees.forms],
            "promo_code": self.order.cleaned_data["promo_code"],
            "payment_method": self.order.cleaned_data["payment_method"],
        }

    def service_kwargs(self) -> dict:
        """Keyword arguments of registration_create (besides the event)."""
        return {
            **self.quote_kwargs(),
            "buyer": BuyerInput(**self.buyer.cleaned_data),
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
                    # attendees.1.email -> email; attendees.1.credentials.npi -> npi
                    field = parts[-1] if len(parts) > 2 else None
                    form.add_service_error(field, messages)
                    continue
            elif parts[0] == "buyer" and len(parts) == 2:
                self.buyer.add_service_error(parts[1], messages)
                continue
            elif len(parts) == 1 and key in self.order.fields:
                self.order.add_service_error(key, messages)
                continue
            self.page_errors.extend(messages)


def _values(form: forms.Form) -> dict:
    """What a bound form holds, as initial values for a fresh one."""
    return {name: form[name].value() for name in form.fields}


# The manage page -----------------------------------------------------------------------


class SessionSwapForm(PageForm):
    def service_changes(self) -> dict:
        return dict(self.cleaned_data)

    sessions = forms.TypedMultipleChoiceField(
        label=_("Sessions"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, menu: Menu, chosen: list[int], **kwargs):
        kwargs.setdefault("initial", {"sessions": chosen})
        super().__init__(*args, **kwargs)
        self.menu = menu
        self.already_chosen = set(chosen)
        self.fields["sessions"].choices = [(s.id, s.title) for s in menu.sessions]

    @property
    def session_days(self) -> list[tuple[date, list[tuple[SessionOption, bool, bool]]]]:
        """A full session stays choosable for who already has a seat in it."""
        chosen = _chosen(self["sessions"].value())
        rows = []
        for day, options in self.menu.days:
            row = []
            for s in options:
                disabled = s.full and s.id not in self.already_chosen
                row.append((s, str(s.id) in chosen and not disabled, disabled))
            rows.append((day, row))
        return rows


def service_errors_to_form(form: forms.Form, error: ValidationError) -> None:
    """A service's errors on a single form: known field keys on the field, the rest on top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for key, errors in error.error_dict.items():
        messages = [message for item in errors for message in item.messages]
        form.add_service_error(None if key == "__all__" else key, messages)


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
