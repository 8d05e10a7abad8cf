"""Waiting-list pages: join an event's waiting list for a sold-out ticket type, join a
full session's from the manage page, and the private pages of the offers they lead to.

Each view parses input, calls one service, then renders or redirects (with a message).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from config.errors import Conflict
from events.models import Event
from events.selectors import event_catalogue_cached_or_404
from registrations import selectors
from registrations.forms.base import service_errors_to_form
from registrations.forms.waitlist import SessionWaitlistForm, WaitlistJoinForm
from registrations.models import SessionWaitlistEntry, WaitlistEntry
from registrations.services.session_waitlist import (
    session_offer_accept,
    session_waitlist_join,
)
from registrations.services.waitlist import waitlist_join
from registrations.views import conflict_context

# Ticket types ---------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD"])
def waitlist_offer(request: HttpRequest, token: str) -> HttpResponse:
    try:
        entry = selectors.waitlist_offer_by_token(token=token)
    except WaitlistEntry.DoesNotExist as exc:
        raise Http404 from exc
    return render(request, "registrations/waitlist_offer.html", {"entry": entry})


@require_http_methods(["GET", "HEAD", "POST"])
def waitlist_join_view(request: HttpRequest, slug: str) -> HttpResponse:
    event = event_catalogue_cached_or_404(slug=slug).event
    if event.status != Event.Status.PUBLISHED:
        return render(request, "registrations/closed.html", {"event": event})
    if request.method != "POST":
        form = WaitlistJoinForm(
            initial={"ticket_type": request.GET.get("ticket_type")}, event=event
        )
        return render(request, "registrations/waitlist_join.html", {"event": event, "form": form})
    form = WaitlistJoinForm(request.POST, event=event)
    conflict = None
    if form.is_valid():
        try:
            entry = waitlist_join(**form.service_kwargs())
        except ValidationError as exc:
            service_errors_to_form(form, exc)
        except Conflict as exc:
            conflict = conflict_context(exc)
        else:
            messages.success(
                request,
                _(
                    "You are on the waiting list for %(ticket)s. If a seat frees up we will "
                    "email %(email)s an offer to register."
                )
                % {"ticket": entry.ticket_type.name, "email": entry.email},
            )
            return redirect(event)
    context = {"event": event, "form": form, "conflict": conflict}
    return render(
        request, "registrations/waitlist_join.html", context, status=409 if conflict else 400
    )


# Sessions ------------------------------------------------------------------------------


@require_POST
def attendee_waitlist(request: HttpRequest, token: str, attendee_id: int) -> HttpResponse:
    """Put the attendee on a full session's waiting list."""
    registration = selectors.registration_by_token_or_404(token=token)
    attendee = next((a for a in registration.attendees.all() if a.id == attendee_id), None)
    if attendee is None:
        raise Http404
    back = f"{registration.get_absolute_url()}#attendee-{attendee.id}"
    form = SessionWaitlistForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a session to wait for."))
        return redirect(back)
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
                "%(name)s is on the waiting list for “%(session)s”. If a seat frees up, we "
                "will email %(email)s an offer to add it."
            )
            % {
                "name": attendee.first_name,
                "session": entry.session.title,
                "email": attendee.email,
            },
        )
    return redirect(back)


@require_http_methods(["GET", "HEAD", "POST"])
def session_offer(request: HttpRequest, token: str) -> HttpResponse:
    """A session seat offered from its waiting list: GET shows it, POST adds the session."""
    try:
        entry = selectors.session_offer_by_token(token=token)
    except SessionWaitlistEntry.DoesNotExist as exc:
        raise Http404 from exc
    conflict = None
    if request.method == "POST":
        try:
            session_offer_accept(entry=entry)
        except Conflict as exc:
            conflict = conflict_context(exc)
        else:
            messages.success(
                request,
                _("“%(session)s” is now among the sessions of %(name)s; its invite is on its way.")
                % {"session": entry.session.title, "name": entry.attendee.first_name},
            )
            # The offer went to the attendee: back to their own page, not the buyer's.
            return redirect(entry.attendee.get_absolute_url())
    context = {"entry": entry, "event": entry.attendee.registration.event, "conflict": conflict}
    if entry.session.price > 0:
        context["fee_due"] = selectors.session_fee_due(entry=entry)
    return render(
        request, "registrations/session_offer.html", context, status=409 if conflict else 200
    )
