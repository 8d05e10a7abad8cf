"""Registration writes: create (price, capacity, hold), confirm, cancel, expire lapsed holds."""

import logging
import re
from datetime import datetime, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import prefetch_related_objects
from django.utils import timezone

from config.inserts import insert_new
from config.rows import attach_prefetched
from events.models import Event, Session, TicketType
from events.questions import answers_clean
from events.selectors import catalogue_forget_on_commit
from finance.services.issuing import invoice_issue, invoice_issue_registered, invoices_settle
from members.models import normalize_number
from registrations.capacity import (
    check_capacity,
    check_not_registered,
    count_seats,
    lock_event,
    refresh_capacities,
    seat_state,
    seats_tally,
    sold_out_now,
    with_seats_of,
)
from registrations.ce.credentials import clean_credentials
from registrations.errors import (
    InvalidState,
    RegistrationClosed,
    SessionFull,
    SoldOut,
)
from registrations.messaging.notify import (
    notify_registration_cancelled,
    notify_registration_confirmed,
    notify_registration_created,
)
from registrations.models import (
    Attendee,
    PaymentMethod,
    PromoCode,
    Registration,
    SessionChoice,
    new_code,
)
from registrations.pricing import Discount, Price
from registrations.services.inputs import AttendeeInput, BuyerInput
from registrations.services.members import (
    check_member_numbers,
    check_member_numbers_free,
    member_numbers_kept_check,
)
from registrations.services.promo import (
    promo_code_check_uses,
    promo_code_resolve,
    promo_uses_left_check,
    promo_uses_wanted,
)
from registrations.services.rules import (
    CATALOGUE_PREFETCH,
    check_buyer,
    registration_price,
    registration_validate,
)
from registrations.services.waitlist import waitlist_offer_next, waitlist_offer_redeem

REFERENCE_DRAWS = 5
logger = logging.getLogger(__name__)


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

    What does not depend on other buyers (the catalogue, the input's own rules in
    services.rules, the price) is read and checked first, and the rows are written,
    before the event lock is taken: the lock, which bounds how many registrations per
    second an event can take, is held only to read the seats and commit (_register).
    """
    at = at or timezone.now()
    _check_open(event, at, waitlist_offer)
    # Served by the event's prefetch when it comes from the (cached) catalogue.
    prefetch_related_objects([event], *CATALOGUE_PREFETCH)
    ticket_types = {t.id: t for t in event.ticket_types.all()}
    sessions = {s.id: s for s in event.sessions.all()}
    check_buyer(buyer, payment_method=payment_method)
    registration_validate(
        attendees=attendees,
        ticket_types=ticket_types,
        sessions=sessions,
        payment_method=payment_method,
        questions=list(event.questions.all()),
    )
    check_member_numbers(event=event, attendees=attendees, ticket_types=ticket_types)
    for attempt in range(REFERENCE_DRAWS):
        try:
            # Its own transaction, never nested: a clash restarts the whole attempt, and
            # the confirmation emails are queued when it commits.
            with transaction.atomic(durable=True):
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
    invoice = None
    if payment_method == PaymentMethod.INVOICE:  # numbered apart: the event lock is not held
        try:
            invoice = invoice_issue_registered(registration=registration, attendees=rows)
        except DatabaseError:  # registered all the same: the periodic sweep invoices it
            logger.exception("invoice of %s not issued now", registration.reference)
    # The caller shows what was created: serve it from memory rather than reading it back.
    attach_prefetched(registration, "attendees", rows)
    attach_prefetched(registration, "invoices", [invoice] if invoice else [])
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
        attendees=attendees,
        ticket_types=ticket_types,
        sessions=sessions,
        discount=discount,
        at=at,
        event=event,
    )
    promo_uses = promo_uses_wanted(promo=promo, price=price)
    if promo_uses:  # refused early, before writing, when it is used up already
        promo_code_check_uses(promo=promo, wanted=promo_uses, at=at)
    registration = _save_registration(event, buyer, promo, payment_method, price, at)
    rows = _save_attendees(registration, attendees, price, ticket_types, sessions, at)
    notify_registration_created(registration=registration, attendees=rows)

    event = lock_event(event.pk, tallies=True)
    _check_open(event, at, waitlist_offer)  # as it stands now, under the lock
    if waitlist_offer:
        waitlist_offer_redeem(event, waitlist_offer, attendees, registration, at)
    state = seat_state(
        event.pk,
        at,
        session_ids={sid for a in attendees for sid in a.sessions},
        emails=[a.email.strip().lower() for a in attendees],
        tallied=True,
        excluding=registration.pk,
        promo_code_id=promo.pk if promo_uses else None,
    )
    if promo_uses:
        promo_uses_left_check(
            max_uses=state.promo_max_uses, used=state.promo_uses, wanted=promo_uses
        )
    check_not_registered(state)
    check_member_numbers_free(event, attendees, ticket_types, registration.pk, at)
    refresh_capacities(state, ticket_types, sessions)
    taken = state.taken
    try:
        check_capacity(event, taken, attendees, ticket_types, sessions)
    except (SoldOut, SessionFull):
        if state.exact:
            raise
        # The tally is an upper bound: count exactly before saying no.
        taken = count_seats(event, at, excluding=registration.pk)
        check_capacity(event, taken, attendees, ticket_types, sessions)
    taken = with_seats_of(taken, attendees, ticket_types)
    seats_tally(event.pk, taken)
    if sold_out_now(event, taken, attendees, ticket_types, sessions):
        # The cached catalogue shows seats a few seconds late; "sold out" shows at once.
        catalogue_forget_on_commit(slug=event.slug)
    return registration, rows


def _check_open(event: Event, at: datetime, waitlist_offer: str) -> None:
    """Registration must be open; a waiting-list offer may be redeemed after it closes."""
    if event.status != Event.Status.PUBLISHED:
        raise RegistrationClosed()
    if not event.registration_open_at(at) and not waitlist_offer:
        raise RegistrationClosed()


def _save_registration(
    event: Event,
    buyer: BuyerInput,
    promo: PromoCode | None,
    payment_method: str,
    price: Price,
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
        billing=buyer.billing.cleaned().as_dict(),
        currency=event.currency,
        subtotal=price.subtotal,
        discount=price.discount,
        tax=price.tax,
        total=price.total,
        promo_code=promo,
        expires_at=None if free else hold_expiry(event=event, payment_method=payment_method, at=at),
        created_at=at,
        confirmed_at=at if free else None,
    )
    registration.reference = f"{reference_prefix(event)}-{new_code()}"
    insert_new([registration])
    return registration


def _save_attendees(
    registration: Registration,
    attendees: list[AttendeeInput],
    price: Price,
    ticket_types: dict[int, TicketType],
    sessions: dict[int, Session],
    at: datetime,
) -> list[Attendee]:
    """The attendees and their session choices, written in two statements; returned with
    their choices attached."""
    questions = list(registration.event.questions.all())
    rows = insert_new(
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
                member_number=normalize_number(a.member_number),
                dietary_needs=a.dietary_needs.strip(),
                accessibility_needs=a.accessibility_needs.strip(),
                credentials=clean_credentials(a.profession, a.credentials),
                answers=answers_clean(
                    questions=questions, ticket_type_id=a.ticket_type, answers=a.answers
                ),
                badge_code=new_code(10),
                ticket_price=line.ticket_price,
                discount=line.discount,
                discount_kind=line.discount_kind,
                created_at=at,
            )
            for a, line in zip(attendees, price.lines, strict=True)
        ]
    )
    choices = insert_new(
        [
            SessionChoice(attendee=row, session=sessions[sid], price=sessions[sid].price)
            for row, a in zip(rows, attendees, strict=True)
            for sid in a.sessions
        ]
    )
    for row in rows:
        attach_prefetched(row, "choices", [c for c in choices if c.attendee is row])
    return rows


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
    invoice_issue(registration=registration, at=at)  # paid by card: its invoice now
    notify_registration_confirmed(registration=registration)
    return registration


def _retake_seats(registration: Registration, at: datetime) -> None:
    """A late payment keeps its seats, and its discount, if they are still free (checked
    under the lock); raises SoldOut otherwise (the payment is refunded)."""
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
            member_number=a.member_number,
            sessions=tuple(c.session_id for c in a.choices.all()),
        )
        for a in attendees
    ]
    member_numbers_kept_check(event, wanted, ticket_types, registration.pk, at)
    state = seat_state(
        event.pk, at, emails=[a.email for a in attendees], promo_code_id=registration.promo_code_id
    )
    check_not_registered(state)
    check_capacity(event, state.taken, wanted, ticket_types, sessions)
    if registration.promo_code_id is not None:
        try:  # its discount is a use of the code, which others may have taken meanwhile
            promo_uses_left_check(
                max_uses=state.promo_max_uses,
                used=state.promo_uses,
                wanted=sum(1 for a in attendees if a.discount > 0 and a.discount_kind != "group"),
            )
        except ValidationError as exc:
            raise SoldOut("The promo code's last uses went to others meanwhile.") from exc


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
    invoices_settle(registration=registration, reason="Cancellation", refund_to_come=refund)
    notify_registration_cancelled(
        registration=registration, was_confirmed=was_confirmed, refund=refund
    )
    waitlist_offer_next(event=registration.event, at=at)
    return registration
