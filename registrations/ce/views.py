"""CE pages of one attendee: the certificate download and the attestation form's target.

The form itself is part of the manage page (templatetags/ce.py renders it per attendee).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from config.errors import Conflict
from registrations.ce.certificates import certificate_pdf_from_credits
from registrations.ce.selectors import attendee_by_token, credited_sessions
from registrations.ce.services import (
    CertificateNotAvailable,
    attestation_submit,
    certificate_check_available,
)
from registrations.models import Attendee


def _attendee_or_404(token: str, attendee_id: int) -> Attendee:
    try:
        return attendee_by_token(token=token, attendee_id=attendee_id)
    except Attendee.DoesNotExist as exc:
        raise Http404 from exc


def _back_to_manage_page(attendee: Attendee) -> HttpResponse:
    return redirect(f"{attendee.registration.get_absolute_url()}#attendee-{attendee.id}-ce")


@require_http_methods(["GET", "HEAD"])
def certificate(request: HttpRequest, token: str, attendee_id: int) -> HttpResponse:
    """The PDF once available; 409 `not_available` before (JSON to clients that ask)."""
    return certificate_response(request, _attendee_or_404(token, attendee_id))


def certificate_response(request: HttpRequest, attendee: Attendee) -> HttpResponse:
    """The certificate of `attendee` (found by the buyer's link or the attendee's own)."""
    credits = credited_sessions(attendee=attendee)
    try:
        certificate_check_available(credits=credits)
    except CertificateNotAvailable as exc:
        if request.get_preferred_type(["text/html", "application/json"]) == "application/json":
            return JsonResponse({"code": exc.code, "detail": exc.detail}, status=409)
        context = {"attendee": attendee, "code": exc.code, "detail": exc.detail}
        return render(request, "registrations/ce/not_available.html", context, status=409)
    response = HttpResponse(certificate_pdf_from_credits(credits), content_type="application/pdf")
    filename = f"ce-certificate-{attendee.registration.reference}-{attendee.id}.pdf"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


@require_POST
def attestation(request: HttpRequest, token: str, attendee_id: int) -> HttpResponse:
    """Attest the checked sessions, then back to the manage page with a message."""
    attendee = _attendee_or_404(token, attendee_id)
    attestation_submit_from_page(request, attendee)
    return _back_to_manage_page(attendee)


def attestation_submit_from_page(request: HttpRequest, attendee: Attendee) -> None:
    """Attest the sessions checked in the posted form; the outcome as a message."""
    try:
        created = attestation_submit(
            attendee=attendee, session_ids=request.POST.getlist("sessions")
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    except Conflict as exc:
        messages.error(request, exc.detail)
    else:
        if created:
            messages.success(
                request,
                ngettext(
                    "Thank you: your attendance of %(count)d session is recorded.",
                    "Thank you: your attendance of %(count)d sessions is recorded.",
                    len(created),
                )
                % {"count": len(created)},
            )
        else:
            messages.info(request, _("These sessions were already recorded."))
