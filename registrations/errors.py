"""Registration's domain errors (409 in the API, a message in the pages)."""

from config.errors import Conflict, InvalidState

__all__ = [
    "AlreadyRegistered",
    "AlreadyWaitlisted",
    "InvalidState",
    "RegistrationClosed",
    "SessionClash",
    "SessionFull",
    "SoldOut",
    "SubstitutionClosed",
    "TicketsAvailable",
]


class SoldOut(Conflict):
    code = "sold_out"
    default_detail = "There are not enough seats left for this ticket type."


class SessionFull(Conflict):
    code = "session_full"
    default_detail = "This session is full."


class SessionClash(Conflict):
    code = "session_clash"
    default_detail = "Two of the chosen sessions take place at the same time."


class AlreadyRegistered(Conflict):
    code = "already_registered"
    default_detail = "This person is already registered for this event."


class RegistrationClosed(Conflict):
    code = "registration_closed"
    default_detail = "Registration for this event is not open."


class SubstitutionClosed(InvalidState):
    default_detail = "The deadline for changing attendees has passed."


class AlreadyWaitlisted(Conflict):
    code = "already_waitlisted"
    default_detail = "This email address is already on the waiting list for this ticket type."


class TicketsAvailable(Conflict):
    code = "tickets_available"
    default_detail = "Tickets of this type are still available: register instead."
