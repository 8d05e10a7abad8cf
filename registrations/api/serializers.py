"""Input parsing and output shaping for the registration API (API.md)."""

from decimal import Decimal

from rest_framework import serializers

from config.api import InputSerializer, MoneyField
from config.links import token_path
from config.money import money_amount
from events.models import Event
from finance.billing import BillingInput
from finance.selectors import invoices_data
from registrations.models import Attendee, PaymentMethod, Profession, PromoCode, Registration
from registrations.services.inputs import AttendeeInput, BuyerInput
from registrations.shares import attendee_amounts_paid


class BuyerSerializer(InputSerializer):
    first_name = serializers.CharField(max_length=100)
    last_name = serializers.CharField(max_length=100)
    email = serializers.EmailField(max_length=254)


class BillingSerializer(InputSerializer):
    """Billing details (finance.billing checks them, and which are required)."""

    organization = serializers.CharField(max_length=200, required=False, allow_blank=True)
    email = serializers.EmailField(max_length=254, required=False, allow_blank=True)
    address_line1 = serializers.CharField(max_length=200, required=False, allow_blank=True)
    address_line2 = serializers.CharField(max_length=200, required=False, allow_blank=True)
    city = serializers.CharField(max_length=100, required=False, allow_blank=True)
    region = serializers.CharField(max_length=100, required=False, allow_blank=True)
    postal_code = serializers.CharField(max_length=20, required=False, allow_blank=True)
    country = serializers.CharField(max_length=2, required=False, allow_blank=True)
    tax_id = serializers.CharField(max_length=60, required=False, allow_blank=True)
    po_number = serializers.CharField(max_length=60, required=False, allow_blank=True)


class CredentialsSerializer(InputSerializer):
    """CE identifiers (checked against the profession by the service)."""

    npi = serializers.CharField(max_length=10, required=False, allow_blank=True)
    license_number = serializers.CharField(max_length=30, required=False, allow_blank=True)
    license_state = serializers.CharField(max_length=2, required=False, allow_blank=True)
    nabp_eprofile_id = serializers.CharField(max_length=10, required=False, allow_blank=True)
    birth_mmdd = serializers.CharField(max_length=4, required=False, allow_blank=True)


class AttendeeInputSerializer(InputSerializer):
    ticket_type = serializers.IntegerField(min_value=1)
    first_name = serializers.CharField(max_length=100)
    last_name = serializers.CharField(max_length=100)
    email = serializers.EmailField(max_length=254)
    organization = serializers.CharField(max_length=200, required=False, allow_blank=True)
    job_title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    profession = serializers.ChoiceField(
        choices=Profession.choices, required=False, allow_blank=True
    )
    member_number = serializers.CharField(max_length=40, required=False, allow_blank=True)
    dietary_needs = serializers.CharField(max_length=300, required=False, allow_blank=True)
    accessibility_needs = serializers.CharField(max_length=300, required=False, allow_blank=True)
    sessions = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, max_length=50
    )
    credentials = CredentialsSerializer(required=False)
    # {"<question id>": answer}: checked against the event's questions by the service.
    answers = serializers.DictField(child=serializers.JSONField(), required=False)


class RegistrationInputSerializer(InputSerializer):
    buyer = BuyerSerializer()
    attendees = AttendeeInputSerializer(many=True, allow_empty=False, max_length=50)
    promo_code = serializers.CharField(max_length=40, required=False, allow_blank=True)
    payment_method = serializers.ChoiceField(choices=PaymentMethod.choices, default="card")
    waitlist_offer = serializers.CharField(max_length=64, required=False, allow_blank=True)
    billing = BillingSerializer(required=False)

    def service_kwargs(self) -> dict:
        data = self.validated_data
        return {
            "buyer": BuyerInput(
                **data["buyer"], billing=BillingInput.from_dict(data.get("billing"))
            ),
            "attendees": [
                AttendeeInput(**{**a, "sessions": tuple(a.get("sessions", ()))})
                for a in data["attendees"]
            ],
            "promo_code": data.get("promo_code", ""),
            "payment_method": data["payment_method"],
            "waitlist_offer": data.get("waitlist_offer", ""),
        }


class _AttendeeDetailsSerializer(serializers.Serializer):
    """An attendee's details that can be changed after registering, each optional."""

    credentials = CredentialsSerializer(required=False)
    first_name = serializers.CharField(max_length=100, required=False)
    last_name = serializers.CharField(max_length=100, required=False)
    organization = serializers.CharField(max_length=200, required=False, allow_blank=True)
    job_title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    profession = serializers.ChoiceField(
        choices=Profession.choices, required=False, allow_blank=True
    )
    member_number = serializers.CharField(max_length=40, required=False, allow_blank=True)
    dietary_needs = serializers.CharField(max_length=300, required=False, allow_blank=True)
    accessibility_needs = serializers.CharField(max_length=300, required=False, allow_blank=True)
    sessions = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, max_length=50
    )
    answers = serializers.DictField(child=serializers.JSONField(), required=False)


class AttendeeChangeSerializer(_AttendeeDetailsSerializer):
    """What the buyer changes from the registration's link: the email too (a new email
    hands the seat to someone else: a substitution)."""

    email = serializers.EmailField(max_length=254, required=False)


class AttendeeOwnChangeSerializer(_AttendeeDetailsSerializer):
    """What an attendee changes from their own link: not the email (a new email hands the
    seat to someone else, the buyer's decision)."""

    def validate(self, attrs):
        unknown = set(getattr(self, "initial_data", {}) or {}) - set(self.fields)
        if unknown:
            raise serializers.ValidationError(
                {
                    name: ["This field cannot be changed from the attendee's link."]
                    for name in unknown
                }
            )
        return attrs


class FindInputSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)


class WaitlistJoinSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=254)
    first_name = serializers.CharField(max_length=100)
    last_name = serializers.CharField(max_length=100)
    ticket_type = serializers.IntegerField(min_value=1)


class SessionWaitlistJoinSerializer(serializers.Serializer):
    session = serializers.IntegerField(min_value=1)


class SessionWaitlistEntrySerializer(serializers.Serializer):
    """An attendee's place on a session's waiting list (201 of the join)."""

    attendee = serializers.IntegerField(source="attendee_id")
    session = serializers.IntegerField(source="session_id")
    status = serializers.CharField()
    position = serializers.IntegerField()
    offer_expires_at = serializers.DateTimeField(allow_null=True)


class PromoCodeInputSerializer(serializers.Serializer):
    code = serializers.RegexField(r"^[A-Za-z0-9_-]{3,40}$", max_length=40)
    percent_off = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=0, max_value=100, required=False, allow_null=True
    )
    amount_off = MoneyField(required=False, allow_null=True)
    max_uses = serializers.IntegerField(
        min_value=1, max_value=2**31 - 1, required=False, allow_null=True
    )
    valid_from = serializers.DateTimeField(required=False, allow_null=True)
    valid_until = serializers.DateTimeField(required=False, allow_null=True)
    ticket_types = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False
    )


class PromoCodeSerializer(serializers.ModelSerializer):
    # Attendees it discounted, of registrations holding seats: what `max_uses` counts.
    uses = serializers.IntegerField(read_only=True)

    class Meta:
        model = PromoCode
        fields = [
            "id",
            "code",
            "percent_off",
            "amount_off",
            "max_uses",
            "uses",
            "valid_from",
            "valid_until",
            "ticket_types",
            "is_active",
        ]


DISCOUNT_APPLIED = {"promo": "promo", "group": "group_rate"}

_money = money_amount


def registration_data(
    registration: Registration,
    request=None,
    *,
    with_token: bool = False,
    payment: dict | None = None,
) -> dict:
    """The registration as API.md shows it; `token` only in the answer that creates it,
    `payment` (the online payment to complete) from the payments app when one is due."""
    event = registration.event

    # The scheme and host, put before each path (all of them from `reverse`) rather than
    # each link parsed and joined by build_absolute_uri: five links an answer.
    origin = request.build_absolute_uri("/")[:-1] if request else ""

    def absolute(path: str) -> str:
        if not path.startswith("/") or path.startswith("//"):
            return request.build_absolute_uri(path) if request else path
        return origin + path

    def document(name: str) -> str:
        return absolute(token_path(f"payments:{name}", registration.token))

    data = {
        "reference": registration.reference,
        "event": event.slug,
        "status": registration.effective_status,
        "payment_method": registration.payment_method,
        **_amounts(registration),
        "expires_at": event.local(registration.expires_at).isoformat()
        if registration.expires_at and registration.status == Registration.Status.PENDING_PAYMENT
        else None,
        "created_at": event.local(registration.created_at).isoformat(),
        "buyer": {
            "first_name": registration.buyer_first_name,
            "last_name": registration.buyer_last_name,
            "email": registration.buyer_email,
        },
        "attendees": _attendees_data(registration, absolute),
        "manage_url": absolute(registration.get_absolute_url()),
        "calendar_url": absolute(registration.get_absolute_url() + "calendar.ics"),
        "billing": registration.billing,
        "invoices": invoices_data(registration, absolute),
        "receipt_url": document("receipt") if registration.amount_paid > 0 else None,
        "invoice_url": document("invoice") if registration.payment_method == "invoice" else None,
        "needs_attention": registration.needs_attention,
        "payment": payment,
    }
    if with_token:
        data["token"] = registration.token
    return data


def _amounts(registration: Registration) -> dict:
    return {
        "subtotal": _money(registration.subtotal),
        "discount": _money(registration.discount),
        "tax": _money(registration.tax),
        "total": _money(registration.total),
        "amount_paid": _money(registration.amount_paid),
        "amount_refunded": _money(registration.amount_refunded),
        "amount_due": _money(registration.amount_due if registration.holds_seats else 0),
        "currency": registration.currency,
    }


def _attendees_data(registration: Registration, absolute) -> list[dict]:
    amounts_paid = attendee_amounts_paid(registration)
    return [
        attendee_data(a, registration.event, amount_paid=amounts_paid[a.id])
        | {"manage_url": absolute(a.get_absolute_url())}  # the attendee's own link
        for a in registration.attendees.all()
    ]


def attendee_data(attendee: Attendee, event: Event, *, amount_paid: Decimal) -> dict:
    """One attendee of a registration's answer, with their sessions; `amount_paid` is
    their own share of what the registration paid (registrations.shares)."""
    return {
        "id": attendee.id,
        "first_name": attendee.first_name,
        "last_name": attendee.last_name,
        "email": attendee.email,
        "organization": attendee.organization,
        "job_title": attendee.job_title,
        "profession": attendee.profession,
        "credentials": attendee.credentials,
        "badge_code": attendee.badge_code,
        "ticket_type": {"id": attendee.ticket_type_id, "name": attendee.ticket_type.name},
        "price": _money(attendee.ticket_price - attendee.discount),
        "discount": _money(attendee.discount),
        # Which discount applied: "promo" (the code), "group_rate" (the team rate), or null.
        "discount_applied": DISCOUNT_APPLIED.get(attendee.discount_kind or "promo")
        if attendee.discount > 0
        else None,
        "answers": attendee.answers,
        "amount_paid": _money(amount_paid),
        "sessions": [
            {
                "id": choice.session_id,
                "title": choice.session.title,
                "starts_at": event.local(choice.session.starts_at).isoformat(),
                "ends_at": event.local(choice.session.ends_at).isoformat(),
                "price": _money(choice.price),
            }
            for choice in attendee.choices.all()
        ],
    }
