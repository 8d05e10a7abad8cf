"""Organizer pages, mounted at /organizer/: the events index, an event's dashboard, the
attendee list, a registration with its actions, check-in, and the venue's needs.

Anonymous users are sent to the login page; signed-in users who are not organizers get
403; an event the user does not manage is a 404 (its existence is not revealed).
Actions end in a redirect with a message (Post/Redirect/Get).
"""

from collections.abc import Callable
from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from config.errors import Conflict
from config.money import money_text
from events.models import Event
from events.permissions import (
    Perm,
    check_permission,
    events_managed_by,
    permission_flags,
    user_is_organizer,
)
from events.questions import answer_rows
from members.selectors import user_can_import_members
from payments.services.offline import invoice_mark_paid
from payments.services.refunds import refund_create, registration_cancel_with_refund
from registrations.models import Attendee, CheckIn, Registration, SessionChoice
from registrations.organizer import charts, selectors
from registrations.organizer.forms import (
    AttendeeFilterForm,
    CheckInForm,
    MarkPaidForm,
    RefundForm,
    SubstituteForm,
)
from registrations.organizer.services import AlreadyCheckedIn, check_in, session_check_in
from registrations.organizer.stats import event_stats
from registrations.services.attendees import attendee_change
from registrations.services.upkeep import registration_resend_confirmation

PAGE_SIZE = 50
# What each action on a registration's page needs (events.permissions).
ACTION_PERMISSIONS = {
    "refund": Perm.MONEY,
    "mark-paid": Perm.MONEY,
    "cancel": Perm.REGISTRATIONS,
    "resend": Perm.REGISTRATIONS,
}
GET_ONLY = ["GET", "HEAD"]


def organizer_required(view: Callable) -> Callable:
    """Signed in (else the login page), and an organizer (else 403)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if not user_is_organizer(request.user):
            raise PermissionDenied
        return view(request, *args, **kwargs)

    return login_required(wrapper)


def managed_event(request: HttpRequest, slug: str, perm: Perm | tuple[Perm, ...]) -> Event:
    """The event if the user's role allows `perm` (events.permissions: 404 without a role,
    403 without the permission), with `can` (what they may do) for the templates."""
    event = get_object_or_404(Event.objects.select_related("venue"), slug=slug)
    check_permission(request.user, event, perm)
    event.can = permission_flags(request.user, event)
    return event


def _api_url(name: str, event: Event, query: dict | None = None, **kwargs) -> str:
    url = reverse(name, kwargs={"slug": event.slug, **kwargs})
    return f"{url}?{urlencode(query)}" if query else url


def _document_links(event: Event, query: dict | None = None) -> dict[str, str]:
    return {
        "csv": _api_url("api-org-attendees-csv", event, query),
        "xlsx": _api_url("api-org-attendees-xlsx", event, query),
        "badges": _api_url("api-org-badges", event, query),
        "stats": _api_url("api-org-stats", event),
        "venue_needs_csv": _api_url("api-org-venue-needs", event),
        # Built by the CE app; linked here by its documented address.
        "ce_report": f"/api/v1/organizer/events/{event.slug}/ce-report.csv",
    }


@organizer_required
@require_http_methods(GET_ONLY)
def index(request: HttpRequest) -> HttpResponse:
    events = list(events_managed_by(request.user).select_related("venue").order_by("-starts_at"))
    for event in events:
        event.can = permission_flags(request.user, event)
    context = {"events": events, "can_import_members": user_can_import_members(request.user)}
    return render(request, "registrations/organizer/index.html", context)


@organizer_required
@require_http_methods(GET_ONLY)
def dashboard(request: HttpRequest, slug: str) -> HttpResponse:
    event = managed_event(request, slug, Perm.VIEW)
    now = timezone.now()
    stats = event_stats(event=event, at=now)
    buckets = charts.buckets_over_time(
        [(day["date"], day["attendees"]) for day in stats["registrations_by_day"]]
    )
    running, over_time = 0, []
    for bucket in buckets:
        running += bucket.count
        over_time.append({"bucket": bucket, "total": running})

    def bars(rows: list[dict], label: str) -> list[charts.CapacityBar]:
        return [charts.CapacityBar(row[label], row["taken"], row["capacity"]) for row in rows]

    chosen_sessions = [row for row in stats["sessions"] if row["selectable"]]
    status_rows = [
        {
            "status": status,
            "label": label,
            "registrations": stats["registrations"]["by_status"][status],
            "attendees": stats["attendees"]["by_status"][status],
        }
        for status, label in Registration.Status.choices
    ]
    context = {
        "event": event,
        "now": now,
        "stats": stats,
        "status_rows": status_rows,
        "over_time": over_time,
        "registrations_chart": charts.registrations_chart(
            buckets, title=_("Attendees registered over time"), chart_id="chart-registrations"
        ),
        "ticket_types_chart": charts.capacity_chart(
            bars(stats["ticket_types"], "name"),
            title=_("Seats taken per ticket type"),
            chart_id="chart-ticket-types",
        ),
        "sessions_chart_lines": len(chosen_sessions),
        "sessions_chart": charts.capacity_chart(
            bars(chosen_sessions, "title"),
            title=_("Seats taken per session"),
            chart_id="chart-sessions",
        ),
        "links": _document_links(event),
    }
    return render(request, "registrations/organizer/dashboard.html", context)


@organizer_required
@require_http_methods(GET_ONLY)
def attendee_list(request: HttpRequest, slug: str) -> HttpResponse:
    event = managed_event(request, slug, Perm.ATTENDEES)
    form = AttendeeFilterForm(request.GET, event=event)
    context = {"event": event, "form": form, "page": None}
    if not form.is_valid():
        return render(request, "registrations/organizer/attendees.html", context, status=400)
    filters = form.filters()
    attendees = selectors.attendees_for_list(event=event, filters=filters, at=timezone.now())
    page = Paginator(attendees, PAGE_SIZE).get_page(request.GET.get("page"))
    labels = dict(Registration.Status.choices)
    for attendee in page.object_list:
        attendee.status_label = labels.get(attendee.effective_status, attendee.effective_status)
    query = filters.as_query()
    context |= {
        "page": page,
        "query": urlencode(query),
        "links": _document_links(event, query),
    }
    return render(request, "registrations/organizer/attendees.html", context)


def _registration(event: Event, reference: str) -> Registration:
    return get_object_or_404(
        Registration.objects.select_related("event").prefetch_related(
            Prefetch(
                "attendees",
                queryset=Attendee.objects.select_related("ticket_type").prefetch_related(
                    Prefetch(
                        "choices",
                        queryset=SessionChoice.objects.select_related("session").order_by(
                            "session__starts_at"
                        ),
                    ),
                    Prefetch("check_ins", queryset=CheckIn.objects.select_related("session")),
                ),
            ),
            "payments",
        ),
        event=event,
        reference=reference,
    )


@organizer_required
@require_http_methods(GET_ONLY)
def registration_detail(request: HttpRequest, slug: str, reference: str) -> HttpResponse:
    event = managed_event(request, slug, Perm.ATTENDEES)
    registration = _registration(event, reference)
    status = registration.effective_status
    attendees = list(registration.attendees.all())
    questions = list(event.questions.order_by("position", "id"))
    for attendee in attendees:
        attendee.answer_rows = answer_rows(attendee.answers, questions)
        attendee.substitute_form = SubstituteForm(
            prefix=f"a{attendee.id}",
            initial={
                "first_name": attendee.first_name,
                "last_name": attendee.last_name,
                "email": attendee.email,
            },
        )
    context = {
        "event": event,
        "registration": registration,
        "status": status,
        "status_label": Registration.Status(status).label,
        # Only what the user's role allows is offered (events.permissions decides).
        "refundable": registration.amount_paid - registration.amount_refunded
        if event.can["money"]
        else 0,
        "can_mark_paid": event.can["money"]
        and registration.payment_method == "invoice"
        and status != Registration.Status.CONFIRMED
        and registration.status != Registration.Status.CANCELLED,
        "can_cancel": event.can["registrations"] and registration.holds_seats,
        "payments": registration.payments.filter(status="succeeded").order_by("succeeded_at"),
        "refund_form": RefundForm(),
        "mark_paid_form": MarkPaidForm(prefix="paid"),
        "attendees": attendees,
    }
    return render(request, "registrations/organizer/registration.html", context)


def _form_errors(form) -> str:
    return " ".join(error for errors in form.errors.values() for error in errors)


def _run(request: HttpRequest, action: Callable[[], str]) -> None:
    """Run one service call; its outcome or its refusal becomes a message. (The service
    writes the audit log.)"""
    try:
        done = action()
    except Conflict as exc:
        messages.error(request, exc.detail)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, done)


def _refund(registration: Registration, amount, reason: str) -> str:
    refund = refund_create(
        registration=registration,
        amount=amount,
        reason=reason or _("Refunded by the organizer"),
    )
    return _("Refund of %(amount)s recorded.") % {
        "amount": money_text(refund.amount, registration.currency)
    }


def _mark_paid(registration: Registration, amount, paid_at, note: str) -> str:
    registration = invoice_mark_paid(
        registration=registration,
        amount=amount,
        paid_at=registration.event.start_of(paid_at) if paid_at else None,
        note=note,
    )
    if registration.status == Registration.Status.CONFIRMED:
        return _("Invoice paid in full: the registration is confirmed.")
    return _("Payment recorded; %(amount)s is still due.") % {
        "amount": money_text(registration.amount_due, registration.currency)
    }


def _resend(registration: Registration) -> str:
    registration_resend_confirmation(registration=registration)
    return _("The confirmation emails and calendar invites are on their way again.")


def _cancel(registration: Registration) -> str:
    registration = registration_cancel_with_refund(registration=registration)
    if registration.amount_refunded:
        return _("Registration cancelled; %(amount)s refunded.") % {
            "amount": money_text(registration.amount_refunded, registration.currency)
        }
    return _("Registration cancelled.")


@organizer_required
@require_POST
def registration_action(
    request: HttpRequest, slug: str, reference: str, action: str
) -> HttpResponse:
    if action not in ACTION_PERMISSIONS:
        raise Http404
    event = managed_event(request, slug, ACTION_PERMISSIONS[action])
    registration = get_object_or_404(Registration, event=event, reference=reference)
    if action == "refund":
        form = RefundForm(request.POST)
        if form.is_valid():
            _run(
                request,
                lambda: _refund(registration, **form.cleaned_data),
            )
        else:
            messages.error(request, _form_errors(form))
    elif action == "mark-paid":
        form = MarkPaidForm(request.POST, prefix="paid")
        if form.is_valid():
            _run(request, lambda: _mark_paid(registration, **form.cleaned_data))
        else:
            messages.error(request, _form_errors(form))
    elif action == "cancel":
        _run(
            request,
            lambda: _cancel(registration),
        )
    elif action == "resend":
        _run(
            request,
            lambda: _resend(registration),
        )
    else:
        raise Http404
    return redirect("organizer:registration", slug=event.slug, reference=reference)


def _substitute(attendee: Attendee, **identity) -> str:
    attendee_change(attendee=attendee, **identity)
    return _("Attendee details changed.")


@organizer_required
@require_POST
def attendee_substitute(request: HttpRequest, slug: str, attendee_id: int) -> HttpResponse:
    event = managed_event(request, slug, Perm.REGISTRATIONS)
    attendee = get_object_or_404(
        Attendee.objects.select_related("registration"), pk=attendee_id, registration__event=event
    )
    form = SubstituteForm(request.POST, prefix=f"a{attendee.id}")
    if form.is_valid():
        _run(
            request,
            lambda: _substitute(attendee, **form.cleaned_data),
        )
    else:
        messages.error(request, _form_errors(form))
    reference = attendee.registration.reference
    return redirect("organizer:registration", slug=event.slug, reference=reference)


@organizer_required
@require_http_methods(["GET", "HEAD", "POST"])
def check_in_page(request: HttpRequest, slug: str) -> HttpResponse:
    """The desk's page: type or scan a badge code, see who it is and whether they may go
    in; or search by name and check in or print the badge of whom it finds."""
    event = managed_event(request, slug, Perm.CHECK_IN)
    outcome = None
    if request.method == "POST":
        form = CheckInForm(request.POST, event=event)
        if form.is_valid():
            outcome = _check_in_outcome(event, form, request)
        session = form.cleaned_data.get("session") if form.is_valid() else None
        form = CheckInForm(initial={"session": session}, event=event)  # ready for the next
    else:
        session_id = request.GET.get("session", "")
        initial = {"session": session_id} if session_id.isdigit() else {}
        form = CheckInForm(initial=initial, event=event)
    context = {"event": event, "form": form, "outcome": outcome} | _desk_search(request, event)
    return render(request, "registrations/organizer/check_in.html", context)


DESK_RESULTS = 20


def _desk_search(request: HttpRequest, event: Event) -> dict:
    """The desk finds a person by name, email, reference or badge code (`q`), to check
    them in or print their badge: at most DESK_RESULTS, never the whole list."""
    q = request.GET.get("q", "").strip()[:100]
    if not q:
        return {"q": "", "found": None}
    filters = selectors.AttendeeFilters(q=q)
    attendees = selectors.attendees_for_list(event=event, filters=filters, at=timezone.now())
    found = list(attendees[: DESK_RESULTS + 1])
    for attendee in found[:DESK_RESULTS]:
        attendee.badge_url = _api_url("api-org-badges", event, {"q": attendee.badge_code})
    return {"q": q, "found": found[:DESK_RESULTS], "more": len(found) > DESK_RESULTS}


def _check_in_outcome(event: Event, form: CheckInForm, request: HttpRequest) -> dict:
    session, code = form.cleaned_data["session"], form.cleaned_data["code"]
    try:
        if session is None:
            done = check_in(event=event, code=code, by=request.user)
        else:
            done = session_check_in(session=session, code=code, by=request.user)
    except Attendee.DoesNotExist:
        return {"kind": "unknown", "code": code}
    except AlreadyCheckedIn as exc:
        return {"kind": "again", "check_in": exc.check_in, "detail": exc.detail}
    except Conflict as exc:
        return {"kind": "refused", "detail": exc.detail}
    return {"kind": "ok", "check_in": done}


@organizer_required
@require_http_methods(GET_ONLY)
def venue_needs_page(request: HttpRequest, slug: str) -> HttpResponse:
    event = managed_event(request, slug, Perm.ATTENDEES)
    at = timezone.now()
    context = {
        "event": event,
        "counts": selectors.venue_needs_counts(event=event, at=at),
        "rows": [
            dict(zip(selectors.VENUE_NEEDS_FIELDS, row, strict=True))
            for row in selectors.venue_needs(event=event, at=at)
        ],
        "links": _document_links(event),
    }
    return render(request, "registrations/organizer/venue_needs.html", context)
