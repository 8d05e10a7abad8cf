"""{% attendee_ce attendee %}: the "Continuing education" part of an attendee on the manage
page: credited hours, the attestation form, the certificate link once released.

The group's CE data is read once per page render (three queries however many
attendees), then served to each attendee's block from the render context.
"""

from django import template
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from events.models import Event
from registrations.ce.selectors import AttendeeCeOverview, ce_overview_for_registration
from registrations.ce.services import (
    CertificateNotAvailable,
    certificate_check_available,
)
from registrations.models import Attendee, Registration

register = template.Library()


def _overview(context: template.Context | dict, registration: Registration) -> dict:
    # Kept on the registration (its attendees share that one instance), since each
    # attendee's block is an included template with a render context of its own.
    overview = getattr(registration, "_ce_overview", None)
    if overview is None:
        overview = ce_overview_for_registration(registration=registration, at=timezone.now())
        registration._ce_overview = overview
    return overview


def _ce_urls(attendee: Attendee, own: bool) -> dict:
    """The certificate and attestation addresses: the buyer's link, or the attendee's own."""
    if own:
        kwargs: dict = {"token": attendee.token}
        names = ("registrations:attendee_own_certificate", "registrations:attendee_own_attestation")
    else:
        kwargs = {"token": attendee.registration.token, "attendee_id": attendee.id}
        names = ("registrations:ce_certificate", "registrations:ce_attestation")
    return {
        "certificate_url": reverse(names[0], kwargs=kwargs),
        "attestation_url": reverse(names[1], kwargs=kwargs),
    }


TEMPLATE = "registrations/ce/_attendee_ce.html"


@register.inclusion_tag(TEMPLATE, takes_context=True)
def attendee_ce(context: template.Context | dict, attendee: Attendee, own: bool = False) -> dict:
    """`own`: on the attendee's own page, whose links use the attendee's token."""
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
        **_ce_urls(attendee, own),
    }


def attendee_ce_html(attendee: Attendee, *, own: bool = False, csrf_token=None) -> SafeString:
    """The same part for the Jinja2 pages (config/jinja2.py): `attendee_ce(attendee)`."""
    context = attendee_ce({"csrf_token": csrf_token}, attendee, own)
    return mark_safe(render_to_string(TEMPLATE, context))  # noqa: S308 - the template's output
