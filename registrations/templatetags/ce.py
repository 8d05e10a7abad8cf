"""{% attendee_ce attendee %}: the "Continuing education" part of an attendee on the manage
page: credited hours, the attestation form, the certificate link once released.

The group's CE data is read once per page render (three queries however many
attendees), then served to each attendee's block from the render context.
"""

from django import template
from django.utils import timezone

from events.models import Event
from registrations.ce.selectors import AttendeeCeOverview, ce_overview_for_registration
from registrations.ce.services import (
    CertificateNotAvailable,
    certificate_check_available,
)
from registrations.models import Attendee, Registration

register = template.Library()


def _overview(context: template.Context, registration: Registration) -> dict:
    key = f"ce-overview-{registration.pk}"
    overview = context.render_context.get(key)
    if overview is None:
        overview = ce_overview_for_registration(registration=registration, at=timezone.now())
        context.render_context[key] = overview
    return overview


@register.inclusion_tag("registrations/ce/_attendee_ce.html", takes_context=True)
def attendee_ce(context: template.Context, attendee: Attendee) -> dict:
    registration = attendee.registration
    event = registration.event
    confirmed = registration.effective_status == Registration.Status.CONFIRMED
    overview: AttendeeCeOverview | None = _overview(context, registration).get(attendee.id)
    if overview is None or not overview.awards_ce or not confirmed:
        return {"show": False}
    unavailable = None
    try:
        certificate_check_available(credits=overview.credits)
    except CertificateNotAvailable as exc:
        unavailable = exc.detail
    rule = event.ce_attendance_rule
    return {
        "show": True,
        "attendee": attendee,
        "registration": registration,
        "credits": overview.credits,
        "attestable": overview.attestable,
        "can_attest": rule != Event.CeAttendanceRule.CHECK_IN and overview.anything_to_attest,
        "rule": rule,
        "rule_label": Event.CeAttendanceRule(rule).label,
        "released": event.certificates_released_at is not None,
        "certificate_unavailable": unavailable,
        "csrf_token": context.get("csrf_token"),
    }
