"""Registration writes: create (price, capacity, hold), confirm, cancel, expire lapsed holds."""

import re
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone

from events.inventory import SeatsTaken, seats_left
from events.models import Event, Session, TicketType
from events.selectors import catalogue_forget_on_commit
from registrations.capacity import SeatState, count_seats, lock_event, seat_state, seats_tally
from registrations.ce.credentials import clean_credentials
from registrations.errors import (
    AlreadyRegistered,
    InvalidState,
    RegistrationClosed,
    SessionClash,
    SessionFull,
    SoldOut,
)
from registrations.models import (
    Attendee,
    PaymentMethod,
    Profession,
    PromoCode,
    Registration,
    SessionChoice,
    WaitlistEntry,
    new_code,
)
from registrations.notifications import (
    notify_registration_cancelled,
    notify_registration_confirmed,
    notify_registration_created,
)
from registrations.pricing import Discount, Line, Quote, quote
from registrations.services.inputs import AttendeeInput, BuyerInput
from registrations.services.promo import promo_code_check_uses, promo_code_resolve
from registrations.services.waitlist import waitlist_offer_next

MAX_ATTENDEES = 50
REFERENCE_DRAWS = 5


def reference_prefix(event: Event) -> str:
    """ "IHI Patient Safety Congress 2027" -> "IPSC27": initials and the year's two digits."""
    initials = "".join(word[0] for word in re.findall(r"[A-Za-z]+", event.name))[:5].upper()
    year = re.search(r"(?:19|20)(\d\d)", f"{event.name} {event.slug}")
    return (initials or "REG") + (year.group(1) if year else "")


def hold_expiry(*, event: Event, payment_method: str, at: datetime) -> datetime:
    """When an unpaid registration lets its seats go."""
    if payment_method == PaymentMethod.INVOICE:
        return max(min(at + timedelta(days=event.invoice_due_days), event.starts_at), at)
    return at + timedelta(minutes=settings.HOLD_MINUTES)


def registration_create(
    *,
    event: Event,
    buyer: BuyerInput,
    attendees: list[AttendeeInput],
    promo_code: str = "",
    payment_method: str = PaymentMethod.CARD,
    waitlist_offer: str = "",
    at: datetime | None = None,
) -> Registration:
    """Register a group: validate, price, hold seats, and create the registration.

    Never oversells (see registrations.capacity). A registration with nothing to pay is
    confirmed at once; otherwise it is `pending_payment` with a hold until `expires_at`.
    Raises ValidationError (field errors such as `attendees.1.sessions`), RegistrationClosed,
    SoldOut, SessionFull, SessionClash, AlreadyRegistered. Nothing is saved when it raises.

    What does not depend on other buyers (the catalogue, the input's own rules) is read
    and checked before the event lock is taken, so that the lock is held only for
    counting and writing: that is what bounds how many registrations per second an
    event can take.
    """
    at = at or timezone.now()
    _check_open(event, at, waitlist_offer)
    # Served by the event's prefetch when it comes from the (cached) catalogue.
    prefetch_related_objects([event], "ticket_types__price_tiers", "sessions")
    ticket_types = {t.id: t for t in event.ticket_types.all()}
    sessions = {s.id: s for s in event.sessions.all()}
    _check_buyer(buyer)
    registration_validate(
        attendees=attendees,
        ticket_types=ticket_types,
        sessions=sessions,
        payment_method=payment_method,
    )
    for attempt in range(REFERENCE_DRAWS):
        try:
            with transaction.atomic():
                registration, rows = _register(
                    event,
                    buyer,
                    attendees,
                    ticket_types,
                    sessions,
                    promo_code,
                    payment_method,
                    waitlist_offer,
                    at,
                )
            break
        except IntegrityError:
            # A reference (five characters) already in use: draw again, from the start.
            if attempt == REFERENCE_DRAWS - 1:
                raise
    # The caller shows what was created: serve it from memory rather than reading it back.
    _attach(registration, "attendees", rows)
    return registration


def _register(
    event: Event,
    buyer: BuyerInput,
    attendees: list[AttendeeInput],
    ticket_types: dict[int, TicketType],
    sessions: dict[int, Session],
    promo_code: str,
    payment_method: str,
    waitlist_offer: str,
    at: datetime,
) -> tuple[Registration, list[Attendee]]:
    """Write the registration, then lock the event and check what depends on other
    buyers; a refusal raises and the caller's transaction takes the writes back.

    Writing first, locking last: the rows are invisible to others until the commit, and
    the lock (which bounds how many registrations per second an event can take) is held
    for three statements only: the seats, the tally, the commit. Caller holds a
    transaction."""
    promo: PromoCode | None = None
    discount: Discount | None = None
    if promo_code.strip():
        promo, discount = promo_code_resolve(event=event, code=promo_code, at=at)
    price = registration_price(
        attendees=attendees, ticket_types=ticket_types, sessions=sessions, discount=discount, at=at
    )
    registration = _save_registration(event, buyer, promo, payment_method, price, at)
    rows = _save_attendees(registration, attendees, price, ticket_types, sessions, at)
    notify_registration_created(registration=registration, attendees=rows)

    event = lock_event(event.pk, tallies=True)
    _check_open(event, at, waitlist_offer)  # as it stands now, under the lock
    if promo is not None:
        promo_code_check_uses(promo=promo, at=at, excluding=registration)
    if waitlist_offer:
        _redeem_waitlist_offer(event, waitlist_offer, attendees, registration, at)
    state = seat_state(
        event.pk,
        at,
        session_ids={sid for a in attendees for sid in a.sessions},
        emails=[a.email.strip().lower() for a in attendees],
        tallied=True,
        excluding=registration.pk,
    )
    _check_not_registered(state)
    _refresh_capacities(state, ticket_types, sessions)
    taken = state.taken
    try:
        _check_capacity(event, taken, attendees, ticket_types, sessions)
    except (SoldOut, SessionFull):
        if state.exact:
            raise
        # The tally is an upper bound: count exactly before saying no.
        taken = count_seats(event, at, excluding=registration.pk)
        _check_capacity(event, taken, attendees, ticket_types, sessions)
    taken = _with_seats_of(taken, attendees)
    seats_tally(event.pk, taken)
    if _sold_out_now(event, taken, attendees, ticket_types, sessions):
        # The cached catalogue shows seats a few seconds late; "sold out" shows at once.
        catalogue_forget_on_commit(slug=event.slug)
    return registration, rows


def _sold_out_now(
    event: Event,
    taken: SeatsTaken,
    attendees: list[AttendeeInput],
    ticket_types: dict[int, TicketType],
    sessions: dict[int, Session],
) -> bool:
    """Whether these seats (or the tally's upper bound) fill the event or a level taken."""
    type_ids = {a.ticket_type for a in attendees}
    in_person = sum(
        n
        for tid, n in taken.ticket_types.items()
        if tid in ticket_types and not ticket_types[tid].is_virtual
    )
    return (
        seats_left(event.capacity, in_person) == 0
        or any(
            seats_left(ticket_types[tid].capacity, taken.ticket_types[tid]) == 0 for tid in type_ids
        )
        or any(
            seats_left(sessions[sid].capacity, taken.sessions[sid]) == 0
            for sid in {sid for a in attendees for sid in a.sessions}
        )
    )


def _with_seats_of(taken: SeatsTaken, attendees: list[AttendeeInput]) -> SeatsTaken:
    """`taken` plus the seats of `attendees` (ticket types and sessions)."""
    by_type, by_session = dict(taken.ticket_types), dict(taken.sessions)
    for attendee in attendees:
        by_type[attendee.ticket_type] = by_type.get(attendee.ticket_type, 0) + 1
        for sid in attendee.sessions:
            by_session[sid] = by_session.get(sid, 0) + 1
    return SeatsTaken(ticket_types=by_type, sessions=by_session)


def _refresh_capacities(
    state: SeatState, ticket_types: dict[int, TicketType], sessions: dict[int, Session]
) -> None:
    """Capacities as they stand under the lock: an organizer may have changed one since
    the catalogue was read."""
    for type_id, capacity in state.ticket_type_capacities.items():
        if type_id in ticket_types:
            ticket_types[type_id].capacity = capacity
    for session_id, capacity in state.session_capacities.items():
        if session_id in sessions:
            sessions[session_id].capacity = capacity


def _check_open(event: Event, at: datetime, waitlist_offer: str) -> None:
    """Registration must be open; a waiting-list offer may be redeemed after it closes."""
    if event.status != Event.Status.PUBLISHED:
        raise RegistrationClosed()
    if not event.registration_open_at(at) and not waitlist_offer:
        raise RegistrationClosed()


def _check_buyer(buyer: BuyerInput) -> None:
    errors = {
        f"buyer.{name}": [
            "Contains a character that is not allowed."
            if "\x00" in value
            else f"At most {BUYER_TEXT_LIMITS[name]} characters."
        ]
        for name, value in vars(buyer).items()
        if len(value) > BUYER_TEXT_LIMITS[name] or "\x00" in value
    }
    if errors:
        raise ValidationError(errors)


def registration_validate(
    *,
    attendees: list[AttendeeInput],
    ticket_types: dict[int, TicketType],
    sessions: dict[int, Session],
    payment_method: str,
) -> None:
    """The rules about the input itself, shared by registration_create and the review
    step's price preview: known ticket types and sessions of this event, member numbers
    for member rates, each person once, no two chosen sessions at the same time.
    Raises ValidationError (field keys such as `attendees.1.email`) or SessionClash."""
    _validate_fields(attendees, ticket_types, sessions, payment_method)
    for attendee in attendees:
        check_session_clashes([sessions[sid] for sid in attendee.sessions])


def registration_price(
    *,
    attendees: list[AttendeeInput],
    ticket_types: dict[int, TicketType],
    sessions: dict[int, Session],
    discount: Discount | None,
    at: datetime,
) -> Quote:
    """Each attendee's ticket at the tier in force at `at`, session fees, the discount."""
    return quote(
        [
            Line(
                ticket_type_id=a.ticket_type,
                ticket_price=ticket_types[a.ticket_type].price_at(at),
                session_prices=tuple(sessions[sid].price for sid in a.sessions),
            )
            for a in attendees
        ],
        discount,
    )


def _validate_fields(
    attendees: list[AttendeeInput],
    ticket_types: dict[int, TicketType],
    sessions: dict[int, Session],
    payment_method: str,
) -> None:
    errors: dict[str, list[str]] = {}
    if not attendees:
        errors["attendees"] = ["Register at least one attendee."]
    if len(attendees) > MAX_ATTENDEES:
        errors["attendees"] = [f"At most {MAX_ATTENDEES} attendees in one registration."]
    if payment_method not in PaymentMethod.values:
        errors["payment_method"] = ["Choose card or invoice."]
    seen_emails: dict[str, int] = {}
    for index, attendee in enumerate(attendees):
        prefix = f"attendees.{index}"
        errors.update(_text_errors(prefix, attendee))
        ticket_type = ticket_types.get(attendee.ticket_type)
        if ticket_type is None:
            errors[f"{prefix}.ticket_type"] = ["Unknown ticket type for this event."]
        elif ticket_type.members_only and not attendee.member_number.strip():
            errors[f"{prefix}.member_number"] = ["This rate is for members: give a member number."]
        unknown = [sid for sid in attendee.sessions if sid not in sessions]
        if unknown:
            errors[f"{prefix}.sessions"] = [f"Unknown session for this event: {unknown[0]}."]
        elif any(not sessions[sid].selectable for sid in attendee.sessions):
            errors[f"{prefix}.sessions"] = [
                "This session is open to everyone: no need to choose it."
            ]
        elif len(set(attendee.sessions)) != len(attendee.sessions):
            errors[f"{prefix}.sessions"] = ["The same session is chosen twice."]
        try:
            clean_credentials(attendee.profession, attendee.credentials)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                errors[f"{prefix}.credentials.{name}"] = messages
        email = attendee.email.strip().lower()
        if email in seen_emails:
            errors[f"{prefix}.email"] = [
                f"Attendee {seen_emails[email] + 1} has the same email: each person once."
            ]
        seen_emails.setdefault(email, index)
    if errors:
        raise ValidationError(errors)


BUYER_TEXT_LIMITS = {"first_name": 100, "last_name": 100, "email": 254}
ATTENDEE_TEXT_LIMITS = {
    "first_name": 100,
    "last_name": 100,
    "email": 254,
    "organization": 200,
    "job_title": 200,
    "member_number": 40,
    "dietary_needs": 300,
    "accessibility_needs": 300,
}


def _text_errors(prefix: str, attendee: AttendeeInput) -> dict[str, list[str]]:
    """What the database would refuse, said as field errors (the API and forms check
    these too; the service must hold for any caller)."""
    errors: dict[str, list[str]] = {}
    for name, limit in ATTENDEE_TEXT_LIMITS.items():
        value = getattr(attendee, name)
        if len(value) > limit:
            errors[f"{prefix}.{name}"] = [f"At most {limit} characters."]
        elif "\x00" in value:
            errors[f"{prefix}.{name}"] = ["Contains a character that is not allowed."]
    if attendee.profession not in ("", *Profession.values):
        errors[f"{prefix}.profession"] = ["Choose nurse, physician, pharmacist or other."]
    return errors


def check_session_clashes(chosen: list[Session]) -> None:
    ordered = sorted(chosen, key=lambda s: s.starts_at)
    for first, second in zip(ordered, ordered[1:], strict=False):
        if first.overlaps(second):
            raise SessionClash(f"“{first.title}” and “{second.title}” take place at the same time.")


def _check_not_registered(state: SeatState) -> None:
    if state.registered_emails:
        raise AlreadyRegistered(
            f"{state.registered_emails[0]} is already registered for this event."
        )


def _check_capacity(
    event: Event,
    taken: SeatsTaken,
    attendees: list[AttendeeInput],
    ticket_types: dict[int, TicketType],
    sessions: dict[int, Session],
) -> None:
    wanted_by_type: dict[int, int] = {}
    wanted_by_session: dict[int, int] = {}
    for attendee in attendees:
        wanted_by_type[attendee.ticket_type] = wanted_by_type.get(attendee.ticket_type, 0) + 1
        for sid in attendee.sessions:
            wanted_by_session[sid] = wanted_by_session.get(sid, 0) + 1
    in_person = sum(n for tid, n in wanted_by_type.items() if not ticket_types[tid].is_virtual)
    event_left = seats_left(event.capacity, taken.event)
    if event_left is not None and in_person > event_left:
        raise SoldOut(f"Only {event_left} seats are left for this event.")
    for tid, wanted in wanted_by_type.items():
        left = seats_left(ticket_types[tid].capacity, taken.ticket_types.get(tid, 0))
        if left is not None and wanted > left:
            raise SoldOut(f"Only {left} seats are left for “{ticket_types[tid].name}”.")
    for sid, wanted in wanted_by_session.items():
        left = seats_left(sessions[sid].capacity, taken.sessions.get(sid, 0))
        if left is not None and wanted > left:
            raise SessionFull(f"“{sessions[sid].title}” is full.")


def _redeem_waitlist_offer(
    event: Event,
    token: str,
    attendees: list[AttendeeInput],
    registration: Registration,
    at: datetime,
) -> WaitlistEntry:
    """Turn a live offer into `registration` (under the event lock): its reserved seat is
    then counted as the attendee's (the offer no longer counts), so nobody else can take
    it meanwhile."""
    offer = (
        WaitlistEntry.objects.select_for_update()
        .filter(event=event, offer_token=token, status=WaitlistEntry.Status.OFFERED)
        .first()
    )
    if offer is None or offer.offer_expires_at is None or offer.offer_expires_at <= at:
        raise ValidationError({"waitlist_offer": ["This waiting-list offer is no longer valid."]})
    if not any(a.ticket_type == offer.ticket_type_id for a in attendees):
        raise ValidationError(
            {"waitlist_offer": ["The offer is for another ticket type than the one chosen."]}
        )
    offer.status = WaitlistEntry.Status.REDEEMED
    offer.registration = registration
    offer.save(update_fields=["status", "registration"])
    return offer


def _save_registration(
    event: Event,
    buyer: BuyerInput,
    promo: PromoCode | None,
    payment_method: str,
    price: Quote,
    at: datetime,
) -> Registration:
    free = price.total == 0
    registration = Registration(
        event=event,
        status=Registration.Status.CONFIRMED if free else Registration.Status.PENDING_PAYMENT,
        payment_method=payment_method,
        buyer_first_name=buyer.first_name.strip(),
        buyer_last_name=buyer.last_name.strip(),
        buyer_email=buyer.email.strip().lower(),
        currency=event.currency,
        subtotal=price.subtotal,
        discount=price.discount,
        total=price.total,
        promo_code=promo,
        expires_at=None if free else hold_expiry(event=event, payment_method=payment_method, at=at),
        created_at=at,
        confirmed_at=at if free else None,
    )
    registration.reference = f"{reference_prefix(event)}-{new_code()}"
    registration.save()
    return registration


def _save_attendees(
    registration: Registration,
    attendees: list[AttendeeInput],
    price: Quote,
    ticket_types: dict[int, TicketType],
    sessions: dict[int, Session],
    at: datetime,
) -> list[Attendee]:
    """The attendees and their session choices, written in two statements; returned with
    their choices attached."""
    rows = Attendee.objects.bulk_create(
        [
            Attendee(
                registration=registration,
                ticket_type=ticket_types[a.ticket_type],
                first_name=a.first_name.strip(),
                last_name=a.last_name.strip(),
                email=a.email.strip().lower(),
                organization=a.organization.strip(),
                job_title=a.job_title.strip(),
                profession=a.profession,
                member_number=a.member_number.strip(),
                dietary_needs=a.dietary_needs.strip(),
                accessibility_needs=a.accessibility_needs.strip(),
                credentials=clean_credentials(a.profession, a.credentials),
                badge_code=new_code(10),
                ticket_price=line.ticket_price,
                discount=line.discount,
                created_at=at,
            )
            for a, line in zip(attendees, price.lines, strict=True)
        ]
    )
    choices = SessionChoice.objects.bulk_create(
        [
            SessionChoice(attendee=row, session=sessions[sid], price=sessions[sid].price)
            for row, a in zip(rows, attendees, strict=True)
            for sid in a.sessions
        ]
    )
    for row in rows:
        _attach(row, "choices", [c for c in choices if c.attendee is row])
    return rows


def _attach(instance, relation: str, objects: list) -> None:
    """Serve `instance.<relation>.all()` from objects already in hand, as prefetch would."""
    queryset = getattr(instance, relation).all()
    queryset._result_cache = objects
    queryset._prefetch_done = True
    instance._prefetched_objects_cache = {relation: queryset}


@transaction.atomic
def registration_confirm(
    *, registration_id: int, amount_paid, at: datetime | None = None
) -> Registration:
    """Record a payment of the registration's total and confirm it.

    Idempotent: a confirmed registration is returned unchanged. A lapsed hold is kept
    when its seats are still free. Raises SoldOut when they went to someone else
    (the caller refunds), InvalidState when cancelled or refunded.
    """
    at = at or timezone.now()
    registration = Registration.objects.select_for_update().get(pk=registration_id)
    if registration.status == Registration.Status.CONFIRMED:
        return registration
    if registration.status not in (
        Registration.Status.PENDING_PAYMENT,
        Registration.Status.EXPIRED,
    ):
        raise InvalidState(f"Registration {registration.reference} is {registration.status}.")
    if registration.effective_status == Registration.Status.EXPIRED:
        _retake_seats(registration, at)
    registration.status = Registration.Status.CONFIRMED
    registration.amount_paid = amount_paid
    registration.confirmed_at = at
    registration.expires_at = None
    registration.save(update_fields=["status", "amount_paid", "confirmed_at", "expires_at"])
    notify_registration_confirmed(registration=registration)
    return registration


def _retake_seats(registration: Registration, at: datetime) -> None:
    """A late payment keeps its seats if they are still free (checked under the lock)."""
    event = lock_event(registration.event_id)
    attendees = list(registration.attendees.prefetch_related("choices"))
    ticket_types = {t.id: t for t in event.ticket_types.all()}
    sessions = {s.id: s for s in event.sessions.all()}
    wanted = [
        AttendeeInput(
            ticket_type=a.ticket_type_id,
            first_name=a.first_name,
            last_name=a.last_name,
            email=a.email,
            sessions=tuple(c.session_id for c in a.choices.all()),
        )
        for a in attendees
    ]
    state = seat_state(event.pk, at, emails=[a.email for a in attendees])
    _check_not_registered(state)
    _check_capacity(event, state.taken, wanted, ticket_types, sessions)


@transaction.atomic
def registration_cancel(
    *, registration: Registration, at: datetime | None = None, refund: Decimal = Decimal("0")
) -> Registration:
    """Cancel a pending or confirmed registration; its seats are free at once and the
    waiting list gets offers; the buyer is told (with `refund`, the amount the caller
    refunds) and attendees' calendar entries are cancelled. Raises InvalidState otherwise."""
    at = at or timezone.now()
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.effective_status not in (
        Registration.Status.PENDING_PAYMENT,
        Registration.Status.CONFIRMED,
    ):
        raise InvalidState(
            f"A registration that is {registration.effective_status} cannot be cancelled."
        )
    if at >= registration.event.ends_at:
        raise InvalidState("The event is over.")
    was_confirmed = registration.status == Registration.Status.CONFIRMED
    registration.status = Registration.Status.CANCELLED
    registration.cancelled_at = at
    registration.expires_at = None
    registration.save(update_fields=["status", "cancelled_at", "expires_at"])
    notify_registration_cancelled(
        registration=registration, was_confirmed=was_confirmed, refund=refund
    )
    waitlist_offer_next(event=registration.event, at=at)
    return registration


def registrations_expire_lapsed(*, at: datetime | None = None) -> int:
    """Record lapsed holds as `expired` and offer their seats to the waiting list.

    Seats were already free from the instant each hold lapsed; this makes the status
    stored match what readers see. Returns how many registrations expired.
    """
    at = at or timezone.now()
    expired = 0
    event_ids = set(
        Registration.objects.filter(
            status=Registration.Status.PENDING_PAYMENT, expires_at__lte=at
        ).values_list("event_id", flat=True)
    )
    for event_id in event_ids:
        with transaction.atomic():
            expired += Registration.objects.filter(
                event_id=event_id, status=Registration.Status.PENDING_PAYMENT, expires_at__lte=at
            ).update(status=Registration.Status.EXPIRED)
            waitlist_offer_next(event=Event.objects.get(pk=event_id), at=at)
    return expired


@transaction.atomic
def registration_resend_confirmation(*, registration: Registration) -> None:
    """Send the confirmation emails and invites again (an organizer's action).
    Raises InvalidState unless the registration is confirmed."""
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status != Registration.Status.CONFIRMED:
        raise InvalidState("Only a confirmed registration has a confirmation to resend.")
    notify_registration_confirmed(registration=registration, resend=True)
