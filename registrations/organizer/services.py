"""Check-in: an attendee seen at the door of the event, or in a session's room.

A check-in is recorded once (a unique constraint per place); the second scan of the same
badge is answered with the first check-in, so the desk can say "already checked in at …".
"""

from django.contrib.auth.models import AbstractBaseUser
from django.db import IntegrityError, transaction
from django.utils import timezone

from audit.models import AuditEntry
from audit.services import audit_record
from config.errors import Conflict, InvalidState
from events.models import Event, Session
from registrations.models import Attendee, CheckIn, Registration, SessionChoice

BADGE_CODE_MAX_LENGTH = 16


class AlreadyCheckedIn(Conflict):
    code = "already_checked_in"
    default_detail = "This attendee is already checked in."

    def __init__(self, detail: str | None = None, *, check_in: CheckIn | None = None):
        self.check_in = check_in
        super().__init__(detail)


class SessionNotChosen(InvalidState):
    default_detail = "This attendee did not choose this session."


def normalise_badge_code(code: str) -> str:
    """Badge codes are upper case without spaces; a typed or scanned code is forgiven both."""
    return "".join(str(code or "").split()).upper()[:BADGE_CODE_MAX_LENGTH]


def attendee_by_badge(*, event: Event, code: str) -> Attendee:
    """The attendee of `event` wearing badge `code`. Raises Attendee.DoesNotExist."""
    code = normalise_badge_code(code)
    if not code:
        raise Attendee.DoesNotExist
    return Attendee.objects.select_related("registration", "ticket_type").get(
        registration__event=event, badge_code=code
    )


def _check_registration_live(attendee: Attendee) -> None:
    registration = attendee.registration
    status = registration.effective_status
    if status == Registration.Status.CONFIRMED:
        return
    reasons = {
        Registration.Status.PENDING_PAYMENT: "is awaiting payment",
        Registration.Status.EXPIRED: "expired unpaid",
        Registration.Status.CANCELLED: "was cancelled",
        Registration.Status.REFUNDED: "was refunded",
    }
    raise InvalidState(
        f"{attendee.full_name}: registration {registration.reference} "
        f"{reasons.get(status, f'is {status}')}; not admitted."
    )


def earlier_check_in(attendee: Attendee, session: Session | None) -> CheckIn | None:
    return CheckIn.objects.filter(attendee=attendee, session=session).first()


def _record(attendee: Attendee, session: Session | None, by: AbstractBaseUser | None) -> CheckIn:
    earlier = earlier_check_in(attendee, session)
    if earlier is None:
        try:
            with transaction.atomic():
                done = CheckIn.objects.create(
                    attendee=attendee,
                    session=session,
                    checked_in_at=timezone.now(),
                    checked_in_by=by if by is not None and by.is_authenticated else None,
                )
                audit_record(
                    action=AuditEntry.Action.CHECK_IN,
                    event=attendee.registration.event,
                    target=attendee.registration.reference,
                    details={"session": session.pk if session else None},
                )
                return done
        except IntegrityError:  # another desk scanned the same badge at the same moment
            earlier = earlier_check_in(attendee, session)
            if earlier is None:
                raise
    earlier.attendee, earlier.session = attendee, session  # already loaded
    local = earlier.checked_in_at.astimezone(attendee.registration.event.tzinfo)
    where = f"“{session.title}”" if session else "the door"
    raise AlreadyCheckedIn(
        f"{attendee.full_name} was already checked in at {where} at {local:%H:%M} "
        f"on {local:%a %d %b}.",
        check_in=earlier,
    )


def check_in(*, event: Event, code: str, by: AbstractBaseUser | None) -> CheckIn:
    """Record that the attendee with badge `code` came through the door of `event`.

    Raises Attendee.DoesNotExist (unknown code), InvalidState (registration not
    confirmed), AlreadyCheckedIn (a second time; it carries the first check-in).
    """
    attendee = attendee_by_badge(event=event, code=code)
    attendee.registration.event = event
    _check_registration_live(attendee)
    return _record(attendee, None, by)


def session_check_in(*, session: Session, code: str, by: AbstractBaseUser | None) -> CheckIn:
    """Record that the attendee with badge `code` was in the room of `session`.

    Only attendees who chose the session may check in to it, except for sessions
    everyone attends (not selectable, e.g. plenaries). Raises Attendee.DoesNotExist,
    InvalidState (SessionNotChosen), AlreadyCheckedIn.
    """
    event = session.event
    attendee = attendee_by_badge(event=event, code=code)
    attendee.registration.event = event
    _check_registration_live(attendee)
    if (
        session.selectable
        and not SessionChoice.objects.filter(attendee=attendee, session=session).exists()
    ):
        raise SessionNotChosen(f"{attendee.full_name} did not choose this session; not admitted.")
    return _record(attendee, session, by)
