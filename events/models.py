"""Events and what they sell: ticket types with date-based price tiers, and sessions."""

import zoneinfo
from datetime import date, datetime, time
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.translation import gettext_lazy as _


def validate_timezone(value: str) -> None:
    if value not in zoneinfo.available_timezones():
        raise ValidationError(_("Unknown time zone “%(value)s”."), params={"value": value})


def validate_currency(value: str) -> None:
    if len(value) != 3 or not value.isalpha() or not value.isupper():
        raise ValidationError(_("Use a three-letter ISO 4217 code such as USD."))


class Venue(models.Model):
    name = models.CharField(max_length=200)
    address = models.CharField(max_length=300, blank=True)
    city = models.CharField(max_length=100, blank=True)
    country = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["name", "city"], name="venue_unique_name_city"),
        ]

    def __str__(self) -> str:
        return f"{self.name}, {self.city}" if self.city else self.name


class EventQuerySet(models.QuerySet):
    def published(self) -> "EventQuerySet":
        return self.filter(status=Event.Status.PUBLISHED)

    def visible(self) -> "EventQuerySet":
        """Events the public may look at: published, or closed but still listed."""
        return self.filter(status__in=[Event.Status.PUBLISHED, Event.Status.CLOSED])


class Event(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        CLOSED = "closed", _("Closed")

    class AttendanceMode(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        VIRTUAL = "virtual", _("Virtual")
        HYBRID = "hybrid", _("In person and virtual")

    slug = models.SlugField(max_length=80, unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    venue = models.ForeignKey(
        Venue, null=True, blank=True, on_delete=models.PROTECT, related_name="events"
    )
    timezone = models.CharField(max_length=64, default="UTC", validators=[validate_timezone])
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    currency = models.CharField(max_length=3, default="USD", validators=[validate_currency])
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    attendance_mode = models.CharField(
        max_length=12, choices=AttendanceMode.choices, default=AttendanceMode.IN_PERSON
    )
    virtual_join_url = models.URLField(blank=True)
    capacity = models.PositiveIntegerField(
        null=True, blank=True, help_text=_("Overall seats for the event; empty for no limit.")
    )
    registration_opens_at = models.DateTimeField(null=True, blank=True)
    registration_closes_at = models.DateTimeField(null=True, blank=True)
    substitution_deadline = models.DateTimeField(
        null=True, blank=True, help_text=_("Until when attendees may hand their place on.")
    )
    cancellation_policy = models.TextField(blank=True, help_text=_("Shown to attendees."))
    refund_full_until = models.DateTimeField(
        null=True, blank=True, help_text=_("Cancellations until then are refunded in full.")
    )
    cancellation_fee = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        default=Decimal("0.00"),
        help_text=_("Kept from the refund of a cancellation after the full-refund date."),
    )
    refund_none_after = models.DateTimeField(
        null=True, blank=True, help_text=_("Cancellations after then are not refunded.")
    )

    class CeAttendanceRule(models.TextChoices):
        EITHER = "either", _("Check-in or attestation")
        CHECK_IN = "check_in", _("Check-in only")
        ATTESTATION = "attestation", _("Attestation only")
        BOTH = "both", _("Check-in and attestation")

    ce_attendance_rule = models.CharField(
        max_length=12,
        choices=CeAttendanceRule.choices,
        default=CeAttendanceRule.EITHER,
        help_text=_("What proves attendance of a session for continuing-education credit."),
    )
    certificates_released_at = models.DateTimeField(null=True, blank=True)
    reminder_days_before = models.PositiveSmallIntegerField(
        default=3, help_text=_("Days before the start when attendees get a reminder (0: none).")
    )
    calendar_sequence = models.PositiveIntegerField(
        default=0, editable=False, help_text=_("Raised on every change of time or place.")
    )
    invoice_due_days = models.PositiveSmallIntegerField(
        default=30, help_text=_("Days an invoice registration holds its seats before payment.")
    )
    tax_rate = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_("Percent; 0: no tax shown."),
    )
    tax_name = models.CharField(
        max_length=40, blank=True, default="", help_text=_('e.g. "Sales tax", "VAT".')
    )
    prices_include_tax = models.BooleanField(
        default=False, help_text=_("Whether the prices shown include the tax.")
    )
    # The seller on this event's invoices; blank: the INVOICE_ISSUER_* settings.
    invoice_issuer_name = models.CharField(max_length=200, blank=True)
    invoice_issuer_address = models.TextField(blank=True)
    invoice_issuer_tax_id = models.CharField(max_length=60, blank=True)
    invoice_bank_details = models.TextField(blank=True)
    # Who works on the event, each in a role (EventRole; events/permissions.py says what
    # each role may do). `organizers.add(user)` makes an owner.
    organizers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="organized_events", through="EventRole"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="event_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(registration_closes_at__isnull=True)
                | Q(registration_opens_at__isnull=True)
                | Q(registration_closes_at__gt=F("registration_opens_at")),
                name="event_registration_window_order",
            ),
            models.CheckConstraint(
                condition=Q(cancellation_fee__gte=0), name="event_cancellation_fee_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("events:detail", kwargs={"slug": self.slug})

    @property
    def tzinfo(self) -> zoneinfo.ZoneInfo:
        return zoneinfo.ZoneInfo(self.timezone)

    def local(self, moment: datetime) -> datetime:
        return moment.astimezone(self.tzinfo)

    def start_of(self, day: date) -> datetime:
        """Midnight that starts `day` in the event's time zone."""
        return datetime.combine(day, time.min, tzinfo=self.tzinfo)

    def registration_open_at(self, moment: datetime) -> bool:
        if self.status != self.Status.PUBLISHED:
            return False
        if self.registration_opens_at and moment < self.registration_opens_at:
            return False
        if self.registration_closes_at and moment >= self.registration_closes_at:
            return False
        return moment < self.ends_at

    @property
    def registration_open(self) -> bool:
        return self.registration_open_at(timezone.now())

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The event must end after it starts.")
        if (
            self.registration_opens_at
            and self.registration_closes_at
            and self.registration_closes_at <= self.registration_opens_at
        ):
            errors["registration_closes_at"] = _("Registration must close after it opens.")
        if self.attendance_mode != self.AttendanceMode.IN_PERSON and not self.virtual_join_url:
            errors["virtual_join_url"] = _("A virtual event needs a join link.")
        if errors:
            raise ValidationError(errors)


class TicketType(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="ticket_types")
    name = models.CharField(max_length=120)
    description = models.TextField(blank=True)
    price = models.DecimalField(
        max_digits=10, decimal_places=2, help_text=_("Price once every tier has passed.")
    )
    capacity = models.PositiveIntegerField(null=True, blank=True)
    members_only = models.BooleanField(
        default=False, help_text=_("Only for members; each attendee gives a member number.")
    )
    is_virtual = models.BooleanField(
        default=False, help_text=_("Online attendance: does not use the venue's seats.")
    )
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["event", "position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["event", "name"], name="ticket_type_unique_name"),
            models.CheckConstraint(
                condition=Q(price__gte=0), name="ticket_type_price_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.event.slug})"

    def tier_at(self, moment: datetime) -> "PriceTier | None":
        """The price tier in force at `moment`: the earliest whose `until` is still ahead.

        Reads `price_tiers` through `.all()` so that a prefetch serves it.
        """
        upcoming = [tier for tier in self.price_tiers.all() if moment < tier.until]
        return min(upcoming, key=lambda tier: tier.until, default=None)

    def price_at(self, moment: datetime) -> Decimal:
        tier = self.tier_at(moment)
        return tier.price if tier else self.price


class PriceTier(models.Model):
    """A price that holds until an instant, e.g. "Early bird" until 15 January, 23:59 local."""

    ticket_type = models.ForeignKey(
        TicketType, on_delete=models.CASCADE, related_name="price_tiers"
    )
    name = models.CharField(max_length=80, default="Early bird")
    price = models.DecimalField(max_digits=10, decimal_places=2)
    until = models.DateTimeField(help_text=_("The tier applies before this instant."))

    class Meta:
        ordering = ["ticket_type", "until"]
        constraints = [
            models.CheckConstraint(condition=Q(price__gte=0), name="price_tier_price_not_negative"),
            models.UniqueConstraint(
                fields=["ticket_type", "until"], name="price_tier_unique_until"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}: {self.price} until {self.until:%Y-%m-%d %H:%M}"

    def label(self, tz: zoneinfo.ZoneInfo) -> str:
        last_moment = self.until.astimezone(tz)
        return _("%(name)s until %(date)s") % {
            "name": self.name,
            "date": f"{last_moment:%B} {last_moment.day}, {last_moment:%Y}",
        }


class Session(models.Model):
    class Kind(models.TextChoices):
        PLENARY = "plenary", _("Plenary")
        WORKSHOP = "workshop", _("Workshop")
        MINI_COURSE = "mini_course", _("Mini-course")
        BREAKOUT = "breakout", _("Breakout")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions")
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.BREAKOUT)
    room = models.CharField(max_length=100, blank=True)
    track = models.CharField(max_length=100, blank=True)
    speakers = models.CharField(max_length=300, blank=True)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    capacity = models.PositiveIntegerField(null=True, blank=True)
    price = models.DecimalField(max_digits=10, decimal_places=2, default=Decimal("0.00"))
    ce_credits = models.DecimalField(
        max_digits=5, decimal_places=2, default=Decimal("0.00"), help_text=_("Credit hours.")
    )
    selectable = models.BooleanField(
        default=True,
        help_text=_("Attendees choose it at registration (off for plenaries everyone attends)."),
    )
    ce_credits_by_profession = models.JSONField(
        default=dict,
        blank=True,
        help_text=_('Credit hours where they differ by profession, e.g. {"pharmacist": "1.0"}.'),
    )
    calendar_sequence = models.PositiveIntegerField(
        default=0, editable=False, help_text=_("Raised on every change of time or place.")
    )

    class Meta:
        ordering = ["event", "starts_at", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="session_ends_after_start"
            ),
            models.CheckConstraint(condition=Q(price__gte=0), name="session_price_not_negative"),
            models.CheckConstraint(
                condition=Q(ce_credits__gte=0), name="session_ce_credits_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def overlaps(self, other: "Session") -> bool:
        return self.starts_at < other.ends_at and other.starts_at < self.ends_at

    def get_kind_display(self) -> str:
        """Django's, without hashing every choice's label or building the list of choices
        on each call (the register, review and manage pages ask it of every session)."""
        try:
            label = self.Kind(self.kind).label
        except ValueError:  # not one of the kinds: shown as stored, as Django does
            return self.kind
        return force_str(label, strings_only=True)

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            errors["ends_at"] = _("The session must end after it starts.")
        event = self.event if self.event_id else None
        if event and self.starts_at and self.ends_at:
            first_day = event.local(event.starts_at).date()
            last_day = event.local(event.ends_at).date()
            if not first_day <= event.local(self.starts_at).date() <= last_day:
                errors["starts_at"] = _("The session must fall within the event's days.")
            elif not first_day <= event.local(self.ends_at).date() <= last_day:
                errors["ends_at"] = _("The session must fall within the event's days.")
        if errors:
            raise ValidationError(errors)


class EventRole(models.Model):
    """A user's role on one event: what they may do there (events/permissions.py)."""

    class Role(models.TextChoices):
        OWNER = "owner", _("Owner: everything, including the team")
        FINANCE = "finance", _("Finance: refunds, payments, invoices, finance reports, exports")
        REGISTRATION = "registration", _("Registration desk: attendees, exports, changes")
        CHECK_IN = "check_in", _("Check-in: find, check in, print a badge")
        VIEWER = "viewer", _("Viewer: read-only pages and stats")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="roles")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="event_roles"
    )
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.OWNER)

    class Meta:
        # As the table had it when it was the plain organizers list (see migration 0004).
        unique_together = [("event", "user")]  # noqa: DJ001 - kept from the existing table
        ordering = ["event", "role", "user"]

    def __str__(self) -> str:
        return f"{self.user} – {self.role} of {self.event}"


class Question(models.Model):
    """A question the organizer asks each attendee (of some ticket types, or all).

    Answers are keyed by the question's id, so a new label keeps them; a question with
    answers is deactivated rather than deleted (events.questions)."""

    class Kind(models.TextChoices):
        TEXT = "text", _("Short text")
        LONG_TEXT = "long_text", _("Long text")
        CHOICE = "choice", _("One choice")
        MULTIPLE_CHOICE = "multiple_choice", _("Several choices")
        BOOLEAN = "boolean", _("Yes or no")
        DATE = "date", _("Date")
        COUNTRY = "country", _("Country")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="questions")
    label = models.CharField(max_length=200)
    kind = models.CharField(max_length=16, choices=Kind.choices, default=Kind.TEXT)
    required = models.BooleanField(default=False)
    choices = models.JSONField(default=list, blank=True, help_text=_("For the choice kinds."))
    help_text = models.CharField(max_length=300, blank=True)
    ticket_types = models.ManyToManyField(
        TicketType, blank=True, related_name="+", help_text=_("Empty: every ticket type.")
    )
    position = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["event", "position", "id"]

    def __str__(self) -> str:
        return self.label

    def asks(self, ticket_type_id: int) -> bool:
        """Whether an attendee of this ticket type is asked (reads a prefetch)."""
        types = [t.id for t in self.ticket_types.all()]
        return not types or ticket_type_id in types


class GroupRate(models.Model):
    """A team rate: registrations of at least `min_attendees` get `percent_off` their
    tickets (of `ticket_types`; empty: all). The best tier that applies wins."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="group_rates")
    min_attendees = models.PositiveSmallIntegerField()
    percent_off = models.DecimalField(max_digits=5, decimal_places=2)
    ticket_types = models.ManyToManyField(
        TicketType, blank=True, related_name="+", help_text=_("Empty: every ticket type.")
    )

    class Meta:
        ordering = ["event", "min_attendees", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(min_attendees__gte=2), name="group_rate_at_least_two"
            ),
            models.CheckConstraint(
                condition=Q(percent_off__gt=0) & Q(percent_off__lte=100),
                name="group_rate_percent_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.percent_off}% from {self.min_attendees} attendees"
