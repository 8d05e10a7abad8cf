"""The attendee's own pages, from their own secret link (/registrations/attendee/<token>/):
their ticket, sessions, invites, CE credit and certificate; they change their own details,
credentials and sessions and join a full session's waiting list. They never see the other
attendees or the buyer, and cannot cancel or pay: that is the buyer's link.

Also "find my registration" (/registrations/find/): the links of an address, emailed to it.

Each view parses input, calls one service, then renders or redirects with a message.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from config.errors import Conflict
from events.questions import questions_for
from registrations import selectors
from registrations.ce.views import attestation_submit_from_page, certificate_response
from registrations.forms.attendee import AttendeeOwnDetailsForm
from registrations.forms.base import service_errors_to_form
from registrations.forms.manage import SessionSwapForm
from registrations.forms.questions import add_question_fields, initial_answers
from registrations.forms.waitlist import SessionWaitlistForm
from registrations.invites import attendee_feed
from registrations.models import Attendee, Registration
from registrations.services.attendees import DETAIL_FIELDS, attendee_own_change
from registrations.services.find import registration_links_request
from registrations.services.session_waitlist import session_waitlist_join
from registrations.views import (
    AttendeeBlock,
    _manage_menu,
    _session_waits,
    _sessions_form,
    page,
)

OWN_FIELDS = DETAIL_FIELDS | {"first_name", "last_name"}


def _attendee_or_404(token: str) -> Attendee:
    return selectors.attendee_by_own_token_or_404(token=token)


def _details_form(attendee: Attendee, data=None) -> AttendeeOwnDetailsForm:
    """Their own details, and their answers to the questions asked of their ticket."""
    initial = (
        {name: getattr(attendee, name) for name in OWN_FIELDS}
        | attendee.credentials
        | initial_answers(attendee.answers)
    )
    form = AttendeeOwnDetailsForm(data, prefix=f"attendee-{attendee.id}", initial=initial)
    questions = attendee.registration.event.questions.prefetch_related("ticket_types")
    add_question_fields(form, questions_for(list(questions), attendee.ticket_type_id), {})
    return form


def _back(attendee: Attendee, anchor: str = "") -> HttpResponse:
    return redirect(f"{attendee.get_absolute_url()}{anchor}")


def _own_page(
    request: HttpRequest,
    attendee: Attendee,
    *,
    bound: AttendeeOwnDetailsForm | SessionSwapForm | None = None,
    status: int = 200,
) -> HttpResponse:
    registration = attendee.registration
    event = registration.event
    menu = _manage_menu(registration)
    confirmed = registration.status == Registration.Status.CONFIRMED
    waits = selectors.session_waits_of(registration=registration) if confirmed else {}
    details = bound if isinstance(bound, AttendeeOwnDetailsForm) else _details_form(attendee)
    sessions = bound if isinstance(bound, SessionSwapForm) else _sessions_form(attendee, menu)
    block = AttendeeBlock(
        attendee=attendee,
        details=details,
        sessions=sessions,
        waits=_session_waits(attendee, menu, waits.get(attendee.id, []), confirmed),
        edit_url=reverse("registrations:attendee_own_edit", kwargs={"token": attendee.token}),
        waitlist_url=reverse(
            "registrations:attendee_own_waitlist", kwargs={"token": attendee.token}
        ),
        own=True,
    )
    context = {
        "attendee": attendee,
        "own_block": block,
        "registration": registration,
        "event": event,
        "status_label": Registration.Status(registration.effective_status).label,
        "changeable": menu is not None,
        "substitution_deadline": event.substitution_deadline or event.starts_at,
    }
    return page(request, "registrations/attendee_own.html", context, event, status=status)


@require_http_methods(["GET", "HEAD"])
def attendee_own(request: HttpRequest, token: str) -> HttpResponse:
    return _own_page(request, _attendee_or_404(token))


@require_POST
def attendee_own_edit(request: HttpRequest, token: str) -> HttpResponse:
    """Change one's own details (action "details") or sessions ("sessions")."""
    attendee = _attendee_or_404(token)
    form: AttendeeOwnDetailsForm | SessionSwapForm | None
    if request.POST.get("action") == "sessions":
        form = _sessions_form(attendee, _manage_menu(attendee.registration), request.POST)
        if form is None:
            messages.error(request, _("Your sessions cannot change now."))
            return _back(attendee)
    else:
        form = _details_form(attendee, request.POST)
    if not form.is_valid():
        return _own_page(request, attendee, bound=form, status=400)
    try:
        attendee_own_change(attendee=attendee, **form.service_changes())
    except ValidationError as exc:
        service_errors_to_form(form, exc)
        return _own_page(request, attendee, bound=form, status=400)
    except Conflict as exc:
        messages.error(request, exc.detail)
        return _back(attendee)
    if isinstance(form, SessionSwapForm):
        messages.success(request, _("Your sessions have been updated."))
    else:
        messages.success(request, _("Your details have been saved."))
    return _back(attendee)


@require_POST
def attendee_own_waitlist(request: HttpRequest, token: str) -> HttpResponse:
    """Join a full session's waiting list."""
    attendee = _attendee_or_404(token)
    form = SessionWaitlistForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a session to wait for."))
        return _back(attendee)
    try:
        entry = session_waitlist_join(attendee=attendee, session_id=form.cleaned_data["session"])
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except Conflict as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(
            request,
            _(
                "You are on the waiting list for “%(session)s”. If a seat frees up, we will "
                "email %(email)s an offer to add it."
            )
            % {"session": entry.session.title, "email": attendee.email},
        )
    return _back(attendee)


@require_http_methods(["GET", "HEAD"])
def attendee_own_certificate(request: HttpRequest, token: str) -> HttpResponse:
    return certificate_response(request, _attendee_or_404(token))


@require_POST
def attendee_own_attestation(request: HttpRequest, token: str) -> HttpResponse:
    attendee = _attendee_or_404(token)
    attestation_submit_from_page(request, attendee)
    return _back(attendee, f"#attendee-{attendee.id}-ce")


class FindForm(forms.Form):
    email = forms.EmailField(label=gettext_lazy("Your email address"), max_length=254)


@require_http_methods(["GET", "HEAD", "POST"])
def find_registration(request: HttpRequest) -> HttpResponse:
    """Find my registration: the links go to the address by email; the page says the
    same whether or not the address registered."""
    if request.method != "POST":
        return render(request, "registrations/find.html", {"form": FindForm()})
    form = FindForm(request.POST)
    if not form.is_valid():
        return render(request, "registrations/find.html", {"form": form}, status=400)
    registration_links_request(email=form.cleaned_data["email"])
    return render(request, "registrations/find.html", {"form": None, "sent": True})


@require_GET
def attendee_own_calendar(request: HttpRequest, token: str) -> HttpResponse:
    """The attendee's own calendar: the event and their sessions."""
    attendee = _attendee_or_404(token)
    response = HttpResponse(attendee_feed(attendee), content_type="text/calendar; charset=utf-8")
    filename = f"{attendee.registration.reference}-{attendee.id}.ics"
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "private, max-age=300"
    return response
