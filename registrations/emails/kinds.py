"""One builder per outbox kind: OutboxMessage -> Email. Registry at the bottom."""

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.urls import reverse
from django.utils.translation import gettext as _

from events.calendar import event_location
from events.models import Event, Session
from registrations import invites
from registrations.emails import Calendar, Email, NothingToSend
from registrations.models import Attendee, OutboxMessage, Registration, SessionChoice


def _money(amount: Decimal, currency: str) -> str:
    return f"{amount:,.2f} {currency}"


def _when(event: Event, start: datetime, end: datetime | None = None) -> str:
    local_start = event.local(start)
    text = f"{local_start:%A %B} {local_start.day}, {local_start:%Y, %H:%M}"
    if end is not None:
        local_end = event.local(end)
        if local_end.date() == local_start.date():
            text += f"–{local_end:%H:%M}"
        else:
            text += f" – {local_end:%A %B} {local_end.day}, {local_end:%H:%M}"
    return f"{text} ({event.timezone})"


def _url(name: str, token: str) -> str:
    return f"{settings.SITE_URL}{reverse(name, kwargs={'token': token})}"


def _registration(message: OutboxMessage) -> Registration:
    if message.registration is None:
        raise NothingToSend("the registration is gone")
    return message.registration


def _attendee(message: OutboxMessage) -> Attendee:
    if message.attendee is None:
        raise NothingToSend("the attendee is gone")
    return message.attendee


def _event_details(event: Event) -> list[tuple[str, str]]:
    details = [(_("When"), _when(event, event.starts_at, event.ends_at))]
    where = event_location(event)
    if where:
        details.append((_("Where"), where))
    return details


# --- Buyer -------------------------------------------------------------------------------


def order_confirmation(message: OutboxMessage) -> Email:
    registration = _registration(message)
    event = registration.event
    currency = registration.currency
    lines = [
        (f"{a.full_name} – {a.ticket_type.name}", _money(a.ticket_price - a.discount, currency))
        for a in registration.attendees.all()
    ]
    details = [(_("Reference"), registration.reference), *_event_details(event), *lines]
    details.append((_("Total"), _money(registration.total, currency)))
    actions = [(_("Manage your registration"), invites.manage_url(registration))]
    if registration.status == Registration.Status.CONFIRMED:
        details.append((_("Paid"), _money(registration.amount_paid, currency)))
        if registration.amount_paid > 0:
            actions.append(
                (_("Download your receipt"), _url("payments:receipt", registration.token))
            )
        heading = _("Your registration is confirmed")
        intro = _(
            "Thank you for registering for %(event)s. Each attendee gets their own confirmation with a calendar invite."
        ) % {"event": event.name}
    else:
        due = registration.expires_at
        heading = _("Your registration is reserved: invoice enclosed")
        intro = _(
            "Your seats are held until %(due)s, the invoice's due date. Please pay by bank transfer quoting %(ref)s."
        ) % {
            "due": _when(event, due) if due else "—",
            "ref": registration.reference,
        }
        actions.append((_("Download the invoice"), _url("payments:invoice", registration.token)))
    return Email(
        subject=_("%(event)s: registration %(ref)s")
        % {"event": event.name, "ref": registration.reference},
        heading=heading,
        paragraphs=[intro],
        details=details,
        actions=actions,
    )


def payment_failed(message: OutboxMessage) -> Email:
    registration = _registration(message)
    reason = message.context.get("reason") or _("Your card was declined.")
    return Email(
        subject=_("Payment not completed: %(ref)s") % {"ref": registration.reference},
        heading=_("Your payment did not go through"),
        paragraphs=[
            reason,
            _("Your seats stay reserved until the hold ends; you can try another card."),
        ],
        details=[(_("Reference"), registration.reference)],
        actions=[(_("Pay now"), _url("payments:pay", registration.token))],
    )


def hold_expiring(message: OutboxMessage) -> Email:
    registration = _registration(message)
    event = registration.event
    return Email(
        subject=_("Your reserved seats for %(event)s are about to be released")
        % {"event": event.name},
        heading=_("Your hold ends soon"),
        paragraphs=[
            _("Your seats are held until %(until)s. After that they go to others.")
            % {"until": _when(event, registration.expires_at) if registration.expires_at else "—"}
        ],
        details=[
            (_("Reference"), registration.reference),
            (_("Amount due"), _money(registration.amount_due, registration.currency)),
        ],
        actions=[(_("Complete your registration"), invites.manage_url(registration))],
    )


def late_payment_refunded(message: OutboxMessage) -> Email:
    registration = _registration(message)
    return Email(
        subject=_("Your payment has been refunded: %(ref)s") % {"ref": registration.reference},
        heading=_("We refunded your payment in full"),
        paragraphs=[
            _(
                "Your payment arrived after your seat hold had ended, and the seats had meanwhile gone to someone else. We are sorry: the full amount has been refunded to your card."
            ),
        ],
        details=[
            (_("Reference"), registration.reference),
            (_("Refunded"), _money(registration.amount_refunded, registration.currency)),
        ],
        actions=[
            (_("See the event"), f"{settings.SITE_URL}{registration.event.get_absolute_url()}")
        ],
    )


def cancellation(message: OutboxMessage) -> Email:
    """To the buyer (no attendee) a summary; to an attendee, their event entry cancelled."""
    registration = _registration(message)
    event = registration.event
    refund = Decimal(message.context.get("refund", "0"))
    paragraphs = [
        _("Registration %(ref)s for %(event)s has been cancelled.")
        % {"ref": registration.reference, "event": event.name}
    ]
    if message.attendee is None and refund > 0:
        paragraphs.append(
            _("A refund of %(amount)s is on its way to your card.")
            % {"amount": _money(refund, registration.currency)}
        )
    calendar = None
    if message.attendee is not None:
        attendee = message.attendee
        entry = invites.attendee_event_entry(attendee, cancelled=True)
        calendar = Calendar(
            "CANCEL", invites.invite(attendee, entry, method="CANCEL", to_email=message.to_email)
        )
        paragraphs.append(_("The attached update removes the event from your calendar."))
    return Email(
        subject=_("Cancelled: %(event)s (%(ref)s)")
        % {"event": event.name, "ref": registration.reference},
        heading=_("Your registration is cancelled"),
        paragraphs=paragraphs,
        calendar=calendar,
    )


# --- Attendee ----------------------------------------------------------------------------


def attendee_confirmation(message: OutboxMessage) -> Email:
    attendee = _attendee(message)
    registration = attendee.registration
    event = registration.event
    entry = invites.attendee_event_entry(attendee)
    sessions = [c.session for c in attendee.choices.all()]
    details = [(_("Ticket"), attendee.ticket_type.name), *_event_details(event)]
    if attendee.ticket_type.is_virtual and event.virtual_join_url:
        details.append((_("Join online"), event.virtual_join_url))
    for session in sessions:
        details.append((session.title, _when(event, session.starts_at, session.ends_at)))
    paragraphs = [
        _("Dear %(name)s, you are registered for %(event)s.")
        % {"name": attendee.first_name, "event": event.name}
    ]
    if sessions:
        paragraphs.append(
            _("Each of your chosen sessions comes with its own invite, in a separate email.")
        )
    return Email(
        subject=_("You're registered: %(event)s") % {"event": event.name},
        heading=_("See you at %(event)s") % {"event": event.name},
        paragraphs=paragraphs,
        details=details,
        actions=[(_("Your registration"), invites.manage_url(registration))],
        calendar_links=invites.calendar_links([entry]),
        calendar=Calendar(
            "REQUEST", invites.invite(attendee, entry, method="REQUEST", to_email=message.to_email)
        ),
    )


def session_invite(message: OutboxMessage) -> Email:
    """An invite to one chosen session, or its cancellation (context["method"])."""
    attendee = _attendee(message)
    method = message.context.get("method", "REQUEST")
    session = (
        Session.objects.select_related("event", "event__venue")
        .filter(pk=message.context.get("session_id"))
        .first()
    )
    if session is None:
        raise NothingToSend("the session is gone")
    choice = SessionChoice(pk=message.context["choice_id"], attendee=attendee, session=session)
    entry = invites.attendee_session_entry(choice, cancelled=method == "CANCEL")
    event = session.event
    if method == "CANCEL":
        subject = _("Cancelled: %(title)s") % {"title": session.title}
        heading = _("This session is no longer in your programme")
        paragraphs = [
            _("%(title)s has been removed from your registration for %(event)s.")
            % {"title": session.title, "event": event.name}
        ]
    else:
        subject = _("Your session: %(title)s") % {"title": session.title}
        heading = session.title
        paragraphs = [_("You have a seat in this session of %(event)s.") % {"event": event.name}]
    return Email(
        subject=subject,
        heading=heading,
        paragraphs=paragraphs,
        details=[
            (_("When"), _when(event, session.starts_at, session.ends_at)),
            (_("Where"), entry.location),
        ],
        actions=[(_("Your registration"), invites.manage_url(attendee.registration))],
        calendar_links=[] if method == "CANCEL" else invites.calendar_links([entry]),
        calendar=Calendar(
            method, invites.invite(attendee, entry, method=method, to_email=message.to_email)
        ),
    )


def substitution(message: OutboxMessage) -> Email:
    """To the person replaced: their place went to a colleague; their entry is removed."""
    attendee = _attendee(message)
    event = attendee.registration.event
    entry = invites.attendee_event_entry(attendee, cancelled=True)
    return Email(
        subject=_("Your place at %(event)s has been transferred") % {"event": event.name},
        heading=_("Your place has a new holder"),
        paragraphs=[
            _(
                "Your place at %(event)s now belongs to %(name)s. The attached update removes the event from your calendar."
            )
            % {"event": event.name, "name": attendee.full_name},
        ],
        calendar=Calendar(
            "CANCEL", invites.invite(attendee, entry, method="CANCEL", to_email=message.to_email)
        ),
    )


def event_changed(message: OutboxMessage) -> Email:
    """An updated invite (same UID, higher SEQUENCE) for the event or one session."""
    attendee = _attendee(message)
    event = attendee.registration.event
    session_id = message.context.get("session_id")
    if session_id:
        choice = attendee.choices.select_related("session").filter(session_id=session_id).first()
        if choice is None:
            raise NothingToSend("the attendee left the session")
        entry = invites.attendee_session_entry(choice)
        what = choice.session.title
        when = _when(event, choice.session.starts_at, choice.session.ends_at)
    else:
        entry = invites.attendee_event_entry(attendee)
        what = event.name
        when = _when(event, event.starts_at, event.ends_at)
    return Email(
        subject=_("Updated: %(what)s") % {"what": what},
        heading=_("The time or place has changed"),
        paragraphs=[
            _("%(what)s has changed. Your calendar entry is updated by the attached invite.")
            % {"what": what}
        ],
        details=[(_("When"), when), (_("Where"), entry.location)],
        actions=[(_("Your registration"), invites.manage_url(attendee.registration))],
        calendar_links=invites.calendar_links([entry]),
        calendar=Calendar(
            "REQUEST", invites.invite(attendee, entry, method="REQUEST", to_email=message.to_email)
        ),
    )


def reminder(message: OutboxMessage) -> Email:
    attendee = _attendee(message)
    event = attendee.registration.event
    details = [*_event_details(event)]
    for choice in attendee.choices.all():
        details.append(
            (choice.session.title, _when(event, choice.session.starts_at, choice.session.ends_at))
        )
    return Email(
        subject=_("Soon: %(event)s") % {"event": event.name},
        heading=_("%(event)s is coming up") % {"event": event.name},
        paragraphs=[
            _("Dear %(name)s, we look forward to seeing you. Bring your badge code: %(code)s.")
            % {"name": attendee.first_name, "code": attendee.badge_code}
        ],
        details=details,
        actions=[(_("Your registration"), invites.manage_url(attendee.registration))],
    )


def waitlist_offer(message: OutboxMessage) -> Email:
    entry = message.waitlist_entry
    if entry is None:
        raise NothingToSend("the waiting-list entry is gone")
    event = entry.event
    until = _when(event, entry.offer_expires_at) if entry.offer_expires_at else "—"
    return Email(
        subject=_("A seat is free for you: %(event)s") % {"event": event.name},
        heading=_("Good news: a seat is waiting for you"),
        paragraphs=[
            _(
                "Dear %(name)s, a place for “%(ticket)s” has become free and is held for you until %(until)s."
            )
            % {"name": entry.first_name, "ticket": entry.ticket_type.name, "until": until},
        ],
        actions=[(_("Claim your seat"), f"{settings.SITE_URL}{entry.get_absolute_url()}")],
    )


def certificate(message: OutboxMessage) -> Email:
    from registrations.ce.certificates import certificate_pdf

    attendee = _attendee(message)
    event = attendee.registration.event
    return Email(
        subject=_("Your continuing-education certificate: %(event)s") % {"event": event.name},
        heading=_("Your certificate"),
        paragraphs=[
            _(
                "Dear %(name)s, your certificate of attendance with your continuing-education credit hours is attached."
            )
            % {"name": attendee.first_name}
        ],
        actions=[(_("Your registration"), invites.manage_url(attendee.registration))],
        attachments=[
            (
                f"certificate-{attendee.registration.reference}.pdf",
                certificate_pdf(attendee),
                "application/pdf",
            )
        ],
    )


BUILDERS: dict[str, Callable[[OutboxMessage], Email]] = {
    OutboxMessage.Kind.ORDER_CONFIRMATION: order_confirmation,
    OutboxMessage.Kind.ATTENDEE_CONFIRMATION: attendee_confirmation,
    OutboxMessage.Kind.SESSION_INVITE: session_invite,
    OutboxMessage.Kind.PAYMENT_FAILED: payment_failed,
    OutboxMessage.Kind.HOLD_EXPIRING: hold_expiring,
    OutboxMessage.Kind.LATE_PAYMENT_REFUNDED: late_payment_refunded,
    OutboxMessage.Kind.WAITLIST_OFFER: waitlist_offer,
    OutboxMessage.Kind.CANCELLATION: cancellation,
    OutboxMessage.Kind.SUBSTITUTION: substitution,
    OutboxMessage.Kind.SESSIONS_CHANGED: session_invite,
    OutboxMessage.Kind.EVENT_CHANGED: event_changed,
    OutboxMessage.Kind.REMINDER: reminder,
    OutboxMessage.Kind.CERTIFICATE: certificate,
}
