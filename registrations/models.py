"""Registrations, their attendees and session choices, promo codes, the waiting list."""

import secrets
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.links import token_path
from events.models import Event, Session, TicketType
from registrations.q_match import q_matches

ZERO = Decimal("0.00")
# Crockford-style alphabet: no 0/O, 1/I/L, U: easy to read out over the phone.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_token() -> str:
    """A secret with 256 bits of randomness, URL-safe (43 characters)."""
    return secrets.token_urlsafe(32)


def new_code(length: int = 5) -> str:
    return "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(length))


class Profession(models.TextChoices):
    NURSE = "nurse", _("Nurse")
    PHYSICIAN = "physician", _("Physician")
    PHARMACIST = "pharmacist", _("Pharmacist")
    OTHER = "other", _("Other")


class PaymentMethod(models.TextChoices):
    CARD = "card", _("Card")
    INVOICE = "invoice", _("Invoice")


class PromoCode(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="promo_codes")
    code = models.CharField(max_length=40, help_text=_("Matched without regard to case."))
    percent_off = models.DecimalField(max_digits=5, decimal_places=2, null=True, blank=True)
    amount_off = models.DecimalField(max_digits=10, decimal_places=2, null=True, blank=True)
    max_uses = models.PositiveIntegerField(null=True, blank=True)
    valid_from = models.DateTimeField(null=True, blank=True)
    valid_until = models.DateTimeField(null=True, blank=True)
    ticket_types = models.ManyToManyField(
        TicketType, blank=True, help_text=_("Empty: every ticket type of the event.")
    )
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["event", "code"]
        constraints = [
            models.UniqueConstraint(fields=["event", "code"], name="promo_code_unique_per_event"),
            models.CheckConstraint(
                condition=(Q(percent_off__isnull=False) & Q(amount_off__isnull=True))
                | (Q(percent_off__isnull=True) & Q(amount_off__isnull=False)),
                name="promo_code_one_kind_of_discount",
            ),
            models.CheckConstraint(
                condition=Q(percent_off__isnull=True)
                | (Q(percent_off__gt=0) & Q(percent_off__lte=100)),
                name="promo_code_percent_in_range",
            ),
            models.CheckConstraint(
                condition=Q(amount_off__isnull=True) | Q(amount_off__gt=0),
                name="promo_code_amount_positive",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    def save(self, *args, **kwargs) -> None:
        self.code = self.code.strip().upper()
        super().save(*args, **kwargs)


class RegistrationQuerySet(models.QuerySet):
    def holding_seats(self, at=None) -> "RegistrationQuerySet":
        """Registrations whose seats are taken: confirmed, or pending with a live hold."""
        return self.filter(live_registration_q(at or timezone.now()))


# What holds a seat --------------------------------------------------------------------
#
# The one definition. Querysets filter with these Q objects; the properties of a
# registration and of a waiting-list entry evaluate them on the instance (`q_matches`);
# registrations.seat_sql compiles them into the SQL that counts seats under the event
# lock (`at` may be an expression: it compiles them with a placeholder for it).
# tests/registrations/test_seat_rule.py holds all three to one answer.


def live_hold_q(at, prefix: str = "") -> Q:
    """Q for a registration (reached through `prefix`) pending payment whose hold
    (`expires_at`) is still ahead of `at`."""
    return Q(
        **{f"{prefix}status": Registration.Status.PENDING_PAYMENT, f"{prefix}expires_at__gt": at}
    )


def live_registration_q(at, prefix: str = "") -> Q:
    """Q for a registration (reached through `prefix`) whose attendees hold seats at `at`:
    confirmed, or pending payment with a live hold."""
    return Q(**{f"{prefix}status": Registration.Status.CONFIRMED}) | live_hold_q(at, prefix)


def lapsed_hold_q(at, prefix: str = "") -> Q:
    """Q for a registration still recorded as pending whose hold has lapsed at `at`: its
    seats are free already, and readers see it `expired` (the sweep records it later)."""
    return Q(**{f"{prefix}status": Registration.Status.PENDING_PAYMENT}) & ~live_hold_q(at, prefix)


def live_offer_q(at, prefix: str = "") -> Q:
    """Q for a waiting-list entry (reached through `prefix`) whose offer holds a seat at
    `at`: offered, `offer_expires_at` still ahead. The same for both kinds of entry: a
    ticket type's (`WaitlistEntry`, a seat of the event) and a session's
    (`SessionWaitlistEntry`, a seat of the session)."""
    return Q(
        **{f"{prefix}status": WaitlistEntry.Status.OFFERED, f"{prefix}offer_expires_at__gt": at}
    )


def lapsed_offer_q(at, prefix: str = "") -> Q:
    """Q for a waiting-list entry still recorded as offered whose offer has lapsed at `at`."""
    return Q(**{f"{prefix}status": WaitlistEntry.Status.OFFERED}) & ~live_offer_q(at, prefix)


def promo_use_q(at, prefix: str = "") -> Q:
    """Q for an attendee (reached through `prefix`) who takes one use of their
    registration's promo code at `at`: the code discounted them (a team rate's discount is
    no use of it), and the registration holds seats (`live_registration_q`).
    registrations.seat_sql counts the same under the event lock."""
    used = Q(**{f"{prefix}discount__gt": 0}) & ~Q(**{f"{prefix}discount_kind": "group"})
    return used & live_registration_q(at, f"{prefix}registration__")


class Registration(models.Model):
    class Status(models.TextChoices):
        PENDING_PAYMENT = "pending_payment", _("Pending payment")
        CONFIRMED = "confirmed", _("Confirmed")
        CANCELLED = "cancelled", _("Cancelled")
        EXPIRED = "expired", _("Expired")
        REFUNDED = "refunded", _("Refunded")

    event = models.ForeignKey(Event, on_delete=models.PROTECT, related_name="registrations")
    reference = models.CharField(max_length=20, unique=True)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    status = models.CharField(max_length=20, choices=Status.choices)
    payment_method = models.CharField(
        max_length=10, choices=PaymentMethod.choices, default=PaymentMethod.CARD
    )
    buyer_first_name = models.CharField(max_length=100)
    buyer_last_name = models.CharField(max_length=100)
    buyer_email = models.EmailField()
    currency = models.CharField(max_length=3)
    subtotal = models.DecimalField(max_digits=12, decimal_places=2)
    discount = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    tax = models.DecimalField(
        max_digits=12,
        decimal_places=2,
        default=ZERO,
        help_text=_("Added to the total, or (prices including tax) the part of it that is tax."),
    )
    total = models.DecimalField(max_digits=12, decimal_places=2)
    # Who the invoice is made out to: organization, email (accounts payable), address_line1,
    # address_line2, city, region, postal_code, country, tax_id, po_number (finance.billing).
    billing = models.JSONField(default=dict, blank=True)
    amount_paid = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    amount_refunded = models.DecimalField(max_digits=12, decimal_places=2, default=ZERO)
    promo_code = models.ForeignKey(
        PromoCode, null=True, blank=True, on_delete=models.PROTECT, related_name="registrations"
    )
    expires_at = models.DateTimeField(
        null=True, blank=True, help_text=_("End of the seat hold while payment is pending.")
    )
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    needs_attention = models.CharField(
        max_length=300,
        blank=True,
        help_text=_("Why an organizer should look at it (a dispute, an amount mismatch)."),
    )

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["event", "status", "expires_at"], name="registration_seats_idx"),
            models.Index(fields=["status", "expires_at"], name="registration_sweep_idx"),
            # "Find my registration" looks registrations up by the buyer's address.
            models.Index(fields=["buyer_email"], name="registration_buyer_email_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(total__gte=0), name="registration_total_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(discount__gte=0) & Q(discount__lte=F("subtotal")),
                name="registration_discount_within_subtotal",
            ),
            models.CheckConstraint(
                condition=Q(amount_refunded__lte=F("amount_paid")),
                name="registration_refund_within_paid",
            ),
            models.CheckConstraint(
                condition=~Q(status="pending_payment") | Q(expires_at__isnull=False),
                name="registration_pending_has_hold",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    @property
    def effective_status(self) -> str:
        """The status as a reader sees it: a lapsed hold is `expired` before the sweep."""
        if q_matches(lapsed_hold_q(timezone.now()), self):
            return self.Status.EXPIRED
        return self.status

    @property
    def holds_seats(self) -> bool:
        return q_matches(live_registration_q(timezone.now()), self)

    @property
    def amount_due(self) -> Decimal:
        return max(self.total - self.amount_paid, ZERO)

    def get_absolute_url(self) -> str:
        return token_path("registrations:manage", self.token)


class Attendee(models.Model):
    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="attendees"
    )
    ticket_type = models.ForeignKey(TicketType, on_delete=models.PROTECT, related_name="attendees")
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    email = models.EmailField()
    organization = models.CharField(max_length=200, blank=True)
    job_title = models.CharField(max_length=200, blank=True)
    profession = models.CharField(max_length=12, choices=Profession.choices, blank=True)
    member_number = models.CharField(max_length=40, blank=True)
    dietary_needs = models.CharField(max_length=300, blank=True)
    accessibility_needs = models.CharField(max_length=300, blank=True)
    credentials = models.JSONField(
        default=dict,
        blank=True,
        help_text=_(
            "Identifiers accreditors need: npi; license_number, license_state; "
            "nabp_eprofile_id, birth_mmdd."
        ),
    )
    badge_code = models.CharField(max_length=16, unique=True)
    # The attendee's own secret link (their page and API): a new person, a new token.
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    ticket_price = models.DecimalField(max_digits=10, decimal_places=2)
    discount = models.DecimalField(max_digits=10, decimal_places=2, default=ZERO)
    # Which discount `discount` is: "promo" (a use of the code), "group" (the team rate).
    discount_kind = models.CharField(max_length=8, blank=True)
    answers = models.JSONField(default=dict, blank=True, help_text=_("By question id."))
    sessions = models.ManyToManyField(Session, through="SessionChoice", related_name="attendees")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["registration", "id"]
        indexes = [models.Index(fields=["email"], name="attendee_email_idx")]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def get_absolute_url(self) -> str:
        """The attendee's own page: only their ticket, sessions, details and CE credit."""
        return token_path("registrations:attendee_own", self.token)

    @property
    def joins_online(self) -> bool:
        """Whether the event's join link is theirs: a virtual ticket, or an event that is
        only virtual. In-person attendees of a hybrid event never get it."""
        event = self.registration.event
        return self.ticket_type.is_virtual or event.attendance_mode == event.AttendanceMode.VIRTUAL


class SessionChoice(models.Model):
    attendee = models.ForeignKey(Attendee, on_delete=models.CASCADE, related_name="choices")
    session = models.ForeignKey(Session, on_delete=models.PROTECT, related_name="choices")
    price = models.DecimalField(max_digits=10, decimal_places=2, default=ZERO)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["attendee", "session"], name="session_choice_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.attendee} – {self.session}"


class WaitlistEntry(models.Model):
    class Status(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        OFFERED = "offered", _("Offered a seat")
        REDEEMED = "redeemed", _("Registered")
        LAPSED = "lapsed", _("Offer lapsed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="waitlist")
    ticket_type = models.ForeignKey(TicketType, on_delete=models.CASCADE, related_name="waitlist")
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    email = models.EmailField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.WAITING)
    offer_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    offered_at = models.DateTimeField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    registration = models.OneToOneField(
        Registration,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="waitlist_entry",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "waiting list entries"
        constraints = [
            models.UniqueConstraint(
                fields=["ticket_type", "email"],
                condition=Q(status__in=["waiting", "offered"]),
                name="waitlist_one_open_entry_per_email",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.ticket_type})"

    @property
    def offer_is_live(self) -> bool:
        return q_matches(live_offer_q(timezone.now()), self)

    def get_absolute_url(self) -> str:
        return reverse("registrations:waitlist_offer", kwargs={"token": self.offer_token})


class SessionWaitlistEntry(models.Model):
    """An attendee of a confirmed registration waiting for a seat in a full session. An
    offer holds one seat of the session until `offer_expires_at` (`live_offer_q`, as a
    ticket type's offer holds one of the event); accepted, it becomes a session choice."""

    Status = WaitlistEntry.Status

    attendee = models.ForeignKey(Attendee, on_delete=models.CASCADE, related_name="session_waits")
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="waitlist")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.WAITING)
    offer_token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    offered_at = models.DateTimeField(null=True, blank=True)
    offer_expires_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["created_at", "id"]
        verbose_name_plural = "session waiting list entries"
        indexes = [models.Index(fields=["session", "status"], name="session_waitlist_status_idx")]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "attendee"],
                condition=Q(status__in=["waiting", "offered"]),
                name="session_waitlist_one_open_entry",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.attendee} waits for {self.session}"

    @property
    def offer_is_live(self) -> bool:
        return q_matches(live_offer_q(timezone.now()), self)

    def get_absolute_url(self) -> str:
        return reverse("registrations:session_offer", kwargs={"token": self.offer_token})


class CheckIn(models.Model):
    """An attendee seen at the door (no session) or in a session's room."""

    attendee = models.ForeignKey(Attendee, on_delete=models.CASCADE, related_name="check_ins")
    session = models.ForeignKey(
        Session, null=True, blank=True, on_delete=models.CASCADE, related_name="check_ins"
    )
    checked_in_at = models.DateTimeField(default=timezone.now)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-checked_in_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["attendee"], condition=Q(session__isnull=True), name="check_in_once_at_door"
            ),
            models.UniqueConstraint(
                fields=["attendee", "session"],
                condition=Q(session__isnull=False),
                name="check_in_once_per_session",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.attendee} at {self.session or 'the door'}"


class SeatTally(models.Model):
    """An upper bound of the seats an event's registrations take, kept so that a
    registration need not count them all under the event lock (registrations.capacity)."""

    event = models.OneToOneField(
        Event, on_delete=models.CASCADE, primary_key=True, related_name="+"
    )
    # {"types": {"<ticket type id>": n}, "sessions": {"<session id>": n}}
    taken = models.JSONField()

    def __str__(self) -> str:
        return f"Seats tallied for {self.event_id}"


# Emails to send live with the rest of messaging, CE attestations with CE; imported here so
# that Django finds the models.
from registrations.ce.models import Attestation  # noqa: E402, F401
from registrations.messaging.models import OutboxMessage  # noqa: E402, F401
