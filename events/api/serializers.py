"""Input parsing and output shaping for the catalogue API (API.md)."""

from datetime import date, datetime

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from config.api import MoneyField
from config.money import money_amount
from events.models import Event, GroupRate, Question, Session
from events.selectors import Catalogue, SessionOffer, TicketOffer


class VenueSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    address = serializers.CharField(max_length=300, required=False, allow_blank=True)
    city = serializers.CharField(max_length=100, required=False, allow_blank=True)
    country = serializers.CharField(max_length=100, required=False, allow_blank=True)


class EventSummarySerializer(serializers.Serializer):
    slug = serializers.CharField()
    name = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    timezone = serializers.CharField()
    venue = serializers.SerializerMethodField()
    currency = serializers.CharField()
    attendance_mode = serializers.CharField()
    registration_open = serializers.BooleanField()
    url = serializers.SerializerMethodField()

    def get_venue(self, event: Event) -> dict | None:
        if event.venue is None:
            return None
        return {"name": event.venue.name, "city": event.venue.city, "country": event.venue.country}

    def get_url(self, event: Event) -> str:
        request = self.context.get("request")
        path = event.get_absolute_url()
        return request.build_absolute_uri(path) if request else path

    def to_representation(self, event: Event) -> dict:
        data = super().to_representation(event)
        for name in ("starts_at", "ends_at"):
            data[name] = event.local(getattr(event, name)).isoformat()
        return data


class TicketOfferSerializer(serializers.Serializer):
    def to_representation(self, offer: TicketOffer) -> dict:
        ticket_type = offer.ticket_type
        return {
            "id": ticket_type.id,
            "name": ticket_type.name,
            "description": ticket_type.description,
            "price": money_amount(offer.price),
            "currency": ticket_type.event.currency,
            "price_tier": offer.price_tier,
            "members_only": ticket_type.members_only,
            "available": offer.available,
            "sold_out": offer.sold_out,
        }


def session_fields(session: Session) -> dict:
    event = session.event
    return {
        "id": session.id,
        "title": session.title,
        "kind": session.kind,
        "room": session.room,
        "track": session.track,
        "speakers": session.speakers,
        "starts_at": event.local(session.starts_at).isoformat(),
        "ends_at": event.local(session.ends_at).isoformat(),
        "capacity": session.capacity,
        "price": money_amount(session.price),
        "ce_credits": f"{session.ce_credits:.2f}",
        "selectable": session.selectable,
    }


class SessionOfferSerializer(serializers.Serializer):
    def to_representation(self, offer: SessionOffer) -> dict:
        return session_fields(offer.session) | {"available": offer.available}


class EventDetailSerializer(serializers.Serializer):
    def to_representation(self, catalogue: Catalogue) -> dict:
        event = catalogue.event
        data = EventSummarySerializer(event, context=self.context).data
        data.update(
            {
                "description": event.description,
                "status": event.status,
                "capacity": event.capacity,
                "available": catalogue.event_available,
                "registration_opens_at": _iso(event, event.registration_opens_at),
                "registration_closes_at": _iso(event, event.registration_closes_at),
                "substitution_deadline": _iso(event, event.substitution_deadline),
                "cancellation_policy": event.cancellation_policy,
                "tax_rate": f"{event.tax_rate:.2f}",
                "tax_name": event.tax_name,
                "prices_include_tax": event.prices_include_tax,
                "ticket_types": [TicketOfferSerializer(t).data for t in catalogue.tickets],
                "sessions": [SessionOfferSerializer(s).data for s in catalogue.sessions],
                "questions": [question_fields(q) for q in event.questions.all() if q.is_active],
                "group_rates": [group_rate_fields(r) for r in event.group_rates.all()],
            }
        )
        return data


def question_fields(question: Question) -> dict:
    return {
        "id": question.id,
        "label": question.label,
        "kind": question.kind,
        "required": question.required,
        "choices": question.choices,
        "help_text": question.help_text,
        "ticket_types": [t.id for t in question.ticket_types.all()],
        "position": question.position,
    }


def group_rate_fields(rate: GroupRate) -> dict:
    return {
        "id": rate.id,
        "min_attendees": rate.min_attendees,
        "percent_off": f"{rate.percent_off:.2f}",
        "ticket_types": [t.id for t in rate.ticket_types.all()],
    }


def _iso(event: Event, moment: datetime | None) -> str | None:
    return event.local(moment).isoformat() if moment else None


# --- Organizer input -------------------------------------------------------------------


class EventInputSerializer(serializers.Serializer):
    slug = serializers.SlugField(max_length=80)
    name = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    timezone = serializers.CharField(max_length=64)
    venue = VenueSerializer(required=False, allow_null=True)
    currency = serializers.CharField(max_length=3, required=False)
    capacity = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    registration_opens_at = serializers.DateTimeField(required=False, allow_null=True)
    registration_closes_at = serializers.DateTimeField(required=False, allow_null=True)
    substitution_deadline = serializers.DateTimeField(required=False, allow_null=True)
    status = serializers.ChoiceField(choices=Event.Status.choices, required=False)
    attendance_mode = serializers.ChoiceField(choices=Event.AttendanceMode.choices, required=False)
    virtual_join_url = serializers.URLField(required=False, allow_blank=True)
    cancellation_policy = serializers.CharField(required=False, allow_blank=True)
    refund_full_until = serializers.DateTimeField(required=False, allow_null=True)
    cancellation_fee = MoneyField(required=False)
    refund_none_after = serializers.DateTimeField(required=False, allow_null=True)
    invoice_due_days = serializers.IntegerField(min_value=0, max_value=365, required=False)
    tax_rate = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=0, max_value=100, required=False
    )
    tax_name = serializers.CharField(max_length=40, required=False, allow_blank=True)
    prices_include_tax = serializers.BooleanField(required=False)
    invoice_issuer_name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    invoice_issuer_address = serializers.CharField(
        max_length=1000, required=False, allow_blank=True
    )
    invoice_issuer_tax_id = serializers.CharField(max_length=60, required=False, allow_blank=True)
    invoice_bank_details = serializers.CharField(max_length=1000, required=False, allow_blank=True)

    def validate_currency(self, value: str) -> str:
        return value.upper()


class OrganizerEventSerializer(serializers.ModelSerializer):
    venue = VenueSerializer(allow_null=True)

    class Meta:
        model = Event
        exclude = ["organizers"]


@extend_schema_field(OpenApiTypes.STR)
class DateOrDateTimeField(serializers.Field):
    """Accepts "2027-01-15" (through that day, event time) or an ISO 8601 datetime."""

    default_error_messages = {"invalid": "Use a date (YYYY-MM-DD) or an ISO 8601 datetime."}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        try:
            if "T" in data or " " in data.strip():
                return serializers.DateTimeField(default_timezone=None).to_internal_value(data)
            return date.fromisoformat(data)
        except (ValueError, serializers.ValidationError):
            self.fail("invalid")

    def to_representation(self, value):
        return value.isoformat()


class PriceTierInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=80, required=False)
    price = MoneyField()
    until = DateOrDateTimeField()


class TicketTypeInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=120)
    description = serializers.CharField(required=False, allow_blank=True)
    price = MoneyField()
    capacity = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    members_only = serializers.BooleanField(required=False)
    is_virtual = serializers.BooleanField(required=False)
    position = serializers.IntegerField(min_value=0, max_value=32767, required=False)
    price_tiers = PriceTierInputSerializer(many=True, required=False)


class TicketTypeOutputSerializer(serializers.Serializer):
    def to_representation(self, ticket_type) -> dict:
        event = ticket_type.event
        now = timezone.now()
        tier = ticket_type.tier_at(now)
        return {
            "id": ticket_type.id,
            "name": ticket_type.name,
            "description": ticket_type.description,
            "price": money_amount(ticket_type.price),
            "current_price": money_amount(ticket_type.price_at(now)),
            "price_tier": tier.label(event.tzinfo) if tier else "",
            "currency": event.currency,
            "capacity": ticket_type.capacity,
            "members_only": ticket_type.members_only,
            "is_virtual": ticket_type.is_virtual,
            "price_tiers": [
                {
                    "name": t.name,
                    "price": money_amount(t.price),
                    "until": event.local(t.until).isoformat(),
                }
                for t in ticket_type.price_tiers.all()
            ],
        }


class SessionInputSerializer(serializers.Serializer):
    title = serializers.CharField(max_length=200)
    description = serializers.CharField(required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=Session.Kind.choices, required=False)
    room = serializers.CharField(max_length=100, required=False, allow_blank=True)
    track = serializers.CharField(max_length=100, required=False, allow_blank=True)
    speakers = serializers.CharField(max_length=300, required=False, allow_blank=True)
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    capacity = serializers.IntegerField(min_value=0, required=False, allow_null=True)
    price = MoneyField(required=False)
    ce_credits = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=0, required=False
    )
    selectable = serializers.BooleanField(required=False)


class SessionOutputSerializer(serializers.Serializer):
    def to_representation(self, session: Session) -> dict:
        return session_fields(session)


class QuestionInputSerializer(serializers.Serializer):
    label = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=Question.Kind.choices)
    required = serializers.BooleanField(required=False)
    choices = serializers.ListField(
        child=serializers.CharField(max_length=200), required=False, max_length=50
    )
    help_text = serializers.CharField(max_length=300, required=False, allow_blank=True)
    ticket_types = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, max_length=100
    )
    position = serializers.IntegerField(min_value=0, max_value=32767, required=False)
    is_active = serializers.BooleanField(required=False)


class QuestionOutputSerializer(serializers.Serializer):
    def to_representation(self, question: Question) -> dict:
        return question_fields(question) | {"is_active": question.is_active}


class GroupRateInputSerializer(serializers.Serializer):
    min_attendees = serializers.IntegerField(min_value=2, max_value=1000)
    percent_off = serializers.DecimalField(
        max_digits=5, decimal_places=2, min_value=0, max_value=100
    )
    ticket_types = serializers.ListField(
        child=serializers.IntegerField(min_value=1), required=False, max_length=100
    )


class GroupRateOutputSerializer(serializers.Serializer):
    def to_representation(self, rate: GroupRate) -> dict:
        return group_rate_fields(rate)
