"""Attendee pages: register a group (form, review, confirm), manage a registration from
its private link (the waiting lists' pages are in waitlist_views.py). Plain HTML forms,
no JavaScript needed.

Each view parses input, calls one service (or, for the review step, one read), then
renders or redirects; changes end in a redirect with a message (Post/Redirect/Get).
"""

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from config.errors import Conflict
from events.fragments import catalogue_fragment
from events.models import Event
from events.questions import questions_for
from events.selectors import event_catalogue_cached, event_catalogue_cached_or_404
from payments.services.refunds import registration_cancel_with_refund
from registrations import selectors
from registrations.forms.attendee import AttendeeDetailsForm
from registrations.forms.base import service_errors_to_form
from registrations.forms.manage import SessionSwapForm
from registrations.forms.menu import Menu, SessionOption, registration_menu
from registrations.forms.questions import add_question_fields, initial_answers
from registrations.forms.register import RegistrationForms
from registrations.models import (
    Attendee,
    PaymentMethod,
    Registration,
    SessionWaitlistEntry,
    WaitlistEntry,
)
from registrations.preview import registration_preview
from registrations.services.attendees import DETAIL_FIELDS, IDENTITY_FIELDS, attendee_change
from registrations.services.money import cancellation_refund_due
from registrations.services.registration import registration_create

# A headline per conflict; the service's detail says what exactly (which session, ...).
CONFLICT_TITLES = {
    "sold_out": gettext_lazy("Not enough seats left"),
    "session_full": gettext_lazy("A session is full"),
    "session_clash": gettext_lazy("Two sessions at the same time"),
    "already_registered": gettext_lazy("Already registered"),
    "registration_closed": gettext_lazy("Registration is not open"),
    "already_waitlisted": gettext_lazy("Already on the waiting list"),
    "tickets_available": gettext_lazy("Tickets are still available"),
    "invalid_state": gettext_lazy("This cannot be changed now"),
}
EDITABLE_FIELDS = DETAIL_FIELDS | IDENTITY_FIELDS


def conflict_context(exc: Conflict) -> dict:
    """A conflict as the pages show it: its code, a headline, the service's detail."""
    return {"code": exc.code, "title": CONFLICT_TITLES.get(exc.code, ""), "detail": exc.detail}


def _live_offer(event: Event, token: str) -> WaitlistEntry | None:
    if not token:
        return None
    try:
        entry = selectors.waitlist_offer_by_token(token=token)
    except WaitlistEntry.DoesNotExist:
        return None
    return entry if entry.event_id == event.id and entry.offer_is_live else None


# Register ------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def register(request: HttpRequest, slug: str) -> HttpResponse:
    catalogue = event_catalogue_cached_or_404(slug=slug)
    event = catalogue.event
    now = timezone.now()
    if request.method == "POST":
        offer_token = request.POST.get("order-waitlist_offer", "")
    else:
        offer_token = request.GET.get("offer", "")
    offer = _live_offer(event, offer_token)
    if event.status != Event.Status.PUBLISHED or not (event.registration_open_at(now) or offer):
        return render(request, "registrations/closed.html", {"event": event})
    menu = registration_menu(
        catalogue,
        offer_ticket_type_id=offer.ticket_type_id if offer else None,
    )
    if request.method != "POST":
        forms = RegistrationForms(menu=menu, initial=_initial(offer))
        return _form_page(request, event, forms, offer=offer, stale_offer=bool(offer_token))

    forms = RegistrationForms(menu=menu, data=request.POST)
    if not forms.is_intact:
        forms = forms.resized(0)
        forms.page_errors.append(_("The form arrived incomplete: please check it and try again."))
        return _form_page(request, event, forms, offer=offer, status=400)
    action = request.POST.get("action", "review")
    if action in ("add", "remove", "edit"):
        change = {"add": 1, "remove": -1}.get(action, 0)
        return _form_page(request, event, forms.resized(change), offer=offer)
    if not forms.is_valid():
        return _form_page(request, event, forms, offer=offer, status=400)
    if action == "confirm":
        return _confirm(request, event, forms, offer)
    return _review(request, event, forms, offer)


def _initial(offer: WaitlistEntry | None) -> dict | None:
    """The form filled in for the holder of a waiting-list offer; None: a blank form."""
    if offer is None:
        return None
    person = {"first_name": offer.first_name, "last_name": offer.last_name, "email": offer.email}
    return {
        "buyer": person,
        "attendees": [{**person, "ticket_type": offer.ticket_type_id}],
        "order": {"payment_method": "card", "waitlist_offer": offer.offer_token},
    }


def _form_page(
    request: HttpRequest,
    event: Event,
    forms: RegistrationForms,
    *,
    offer: WaitlistEntry | None = None,
    stale_offer: bool = False,
    conflict: Conflict | None = None,
    status: int = 200,
) -> HttpResponse:
    context = {
        "event": event,
        "forms": forms,
        "menu": forms.menu,
        "offer": offer,
        "stale_offer": stale_offer and offer is None,
        "conflict": conflict_context(conflict) if conflict else None,
    }
    # The blank form (a first visit) is the same for everyone: kept per catalogue.
    stamp = forms.menu.stamp if forms.is_blank else ""
    template = "registrations/_register_form.html"
    context["form_body"] = catalogue_fragment(event, stamp, template, context)
    return page(request, "registrations/register.html", context, event, status=status)


def page(
    request: HttpRequest, template: str, context: dict, event: Event, *, status: int = 200
) -> HttpResponse:
    """A page of the purchase (a Jinja2 template: config/jinja2.py), in the event's zone."""
    with timezone.override(event.timezone):
        return render(request, template, context, status=status, using="jinja2")


def _review(
    request: HttpRequest, event: Event, forms: RegistrationForms, offer: WaitlistEntry | None
) -> HttpResponse:
    try:
        price = registration_preview(event=event, at=timezone.now(), **forms.preview_kwargs())
    except ValidationError as exc:
        forms.add_service_errors(exc)
        return _form_page(request, event, forms, offer=offer, status=400)
    except Conflict as exc:
        return _form_page(request, event, forms, offer=offer, conflict=exc, status=409)
    context = {
        "event": event,
        "forms": forms,
        "preview": price,
        "offer": offer,
        "payment_method": PaymentMethod(forms.order.cleaned_data["payment_method"]).label,
    }
    return page(request, "registrations/review.html", context, event)


def _confirm(
    request: HttpRequest, event: Event, forms: RegistrationForms, offer: WaitlistEntry | None
) -> HttpResponse:
    try:
        registration = registration_create(event=event, **forms.service_kwargs())
    except ValidationError as exc:
        forms.add_service_errors(exc)
        return _form_page(request, event, forms, offer=offer, status=400)
    except Conflict as exc:
        return _form_page(request, event, forms, offer=offer, conflict=exc, status=409)
    messages.success(
        request,
        _("Thank you! Your registration %(reference)s has been received.")
        % {"reference": registration.reference},
    )
    return redirect(registration)


# Manage --------------------------------------------------------------------------------


@dataclass
class SessionWait:
    """A full session the attendee has not chosen: their place on its waiting list
    (`entry`, with its `position`), or whether they may join it."""

    option: SessionOption
    entry: SessionWaitlistEntry | None
    can_join: bool


@dataclass
class AttendeeBlock:
    """One attendee on a page: the buyer's (every attendee, their forms posting to the
    buyer's link) or the attendee's own (`own`: forms posting to the attendee's link)."""

    attendee: Attendee
    details: AttendeeDetailsForm
    sessions: SessionSwapForm | None
    waits: list[SessionWait]
    edit_url: str = ""
    waitlist_url: str = ""
    own: bool = False


def _registration_or_404(token: str) -> Registration:
    return selectors.registration_by_token_or_404(token=token)


def _details_form(attendee: Attendee, questions: list, data=None) -> AttendeeDetailsForm:
    """The attendee's details, and their answers to the questions asked of their ticket."""
    form = AttendeeDetailsForm(
        data,
        prefix=f"attendee-{attendee.id}",
        initial={name: getattr(attendee, name) for name in EDITABLE_FIELDS}
        | attendee.credentials
        | initial_answers(attendee.answers),
    )
    add_question_fields(form, questions_for(questions, attendee.ticket_type_id), {})
    return form


def _questions(registration: Registration) -> list:
    return list(registration.event.questions.prefetch_related("ticket_types"))


def _sessions_form(attendee: Attendee, menu: Menu | None, data=None) -> SessionSwapForm | None:
    if menu is None or not menu.sessions:
        return None
    chosen = [choice.session_id for choice in attendee.choices.all()]
    return SessionSwapForm(data, prefix=f"sessions-{attendee.id}", menu=menu, chosen=chosen)


def _manage_menu(registration: Registration) -> Menu | None:
    """Seats left for session swaps, only while the registration can still change."""
    if not registration.holds_seats or timezone.now() >= registration.event.ends_at:
        return None
    try:
        return registration_menu(event_catalogue_cached(slug=registration.event.slug))
    except Event.DoesNotExist:
        return None


def _session_waits(
    attendee: Attendee, menu: Menu | None, entries: list[SessionWaitlistEntry], confirmed: bool
) -> list[SessionWait]:
    """Full sessions the attendee has not chosen and that have not started, and sessions
    they wait for (an offer holds a seat: its session may no longer read as full). Only
    attendees of a confirmed registration wait for sessions."""
    if menu is None or not confirmed:
        return []
    chosen = {choice.session_id for choice in attendee.choices.all()}
    by_session = {entry.session_id: entry for entry in entries}
    now = timezone.now()
    return [
        SessionWait(
            option=option,
            entry=by_session.get(option.id),
            can_join=not option.price and option.id not in by_session,
        )
        for option in menu.sessions
        if option.id not in chosen
        and option.starts_at > now
        and (option.full or option.id in by_session)
    ]


def _manage_page(
    request: HttpRequest,
    registration: Registration,
    *,
    bound: AttendeeDetailsForm | SessionSwapForm | None = None,
    bound_attendee_id: int | None = None,
    status: int = 200,
) -> HttpResponse:
    menu = _manage_menu(registration)
    confirmed = registration.status == Registration.Status.CONFIRMED
    waits = selectors.session_waits_of(registration=registration) if confirmed else {}
    blocks = []
    # The menu's questions are the catalogue's (active, ticket types prefetched): what
    # the details forms ask, without reading them again.
    questions = list(menu.questions) if menu is not None else _questions(registration)
    for attendee in registration.attendees.all():
        details = _details_form(attendee, questions)
        sessions = _sessions_form(attendee, menu)
        if attendee.id == bound_attendee_id:
            if isinstance(bound, SessionSwapForm):
                sessions = bound
            elif bound is not None:
                details = bound
        url_kwargs = {"token": registration.token, "attendee_id": attendee.id}
        blocks.append(
            AttendeeBlock(
                attendee=attendee,
                details=details,
                sessions=sessions,
                waits=_session_waits(attendee, menu, waits.get(attendee.id, []), confirmed),
                edit_url=reverse("registrations:attendee", kwargs=url_kwargs),
                waitlist_url=reverse("registrations:attendee_waitlist", kwargs=url_kwargs),
            )
        )
    event = registration.event
    context = {
        "registration": registration,
        "event": event,
        "status_label": Registration.Status(registration.effective_status).label,
        "blocks": blocks,
        "changeable": menu is not None,
        "substitution_deadline": event.substitution_deadline or event.starts_at,
    }
    return page(request, "registrations/manage.html", context, event, status=status)


@require_http_methods(["GET", "HEAD"])
def manage(request: HttpRequest, token: str) -> HttpResponse:
    return _manage_page(request, _registration_or_404(token))


@require_POST
def attendee_edit(request: HttpRequest, token: str, attendee_id: int) -> HttpResponse:
    """Change one attendee: details (action "details") or session choices ("sessions")."""
    registration = _registration_or_404(token)
    attendee = next((a for a in registration.attendees.all() if a.id == attendee_id), None)
    if attendee is None:
        raise Http404
    form: AttendeeDetailsForm | SessionSwapForm | None
    if request.POST.get("action") == "sessions":
        form = _sessions_form(attendee, _manage_menu(registration), request.POST)
        if form is None:
            messages.error(request, _("The sessions of this registration cannot change now."))
            return redirect(registration)
    else:
        form = _details_form(attendee, _questions(registration), request.POST)
    if not form.is_valid():
        return _manage_page(
            request, registration, bound=form, bound_attendee_id=attendee.id, status=400
        )
    try:
        attendee_change(attendee=attendee, **form.service_changes())
    except ValidationError as exc:
        service_errors_to_form(form, exc)
        return _manage_page(
            request, registration, bound=form, bound_attendee_id=attendee.id, status=400
        )
    except Conflict as exc:
        messages.error(request, exc.detail)
        return redirect(f"{registration.get_absolute_url()}#attendee-{attendee.id}")
    if isinstance(form, SessionSwapForm):
        done = _("The sessions of %(name)s have been updated.")
    else:
        done = _("The details of %(name)s have been saved.")
    name = form.cleaned_data.get("first_name") or attendee.first_name
    messages.success(request, done % {"name": name})
    return redirect(f"{registration.get_absolute_url()}#attendee-{attendee.id}")


@require_http_methods(["GET", "HEAD", "POST"])
def cancel(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks "are you sure?"; POST cancels."""
    registration = _registration_or_404(token)
    if request.method != "POST":
        refund_due = cancellation_refund_due(registration=registration)
        return render(
            request,
            "registrations/cancel.html",
            {"registration": registration, "refund_due": refund_due},
        )
    try:
        registration_cancel_with_refund(registration=registration)
    except Conflict as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(
            request,
            _("Your registration %(reference)s has been cancelled.")
            % {"reference": registration.reference},
        )
    return redirect(registration)
