"""The card page of a session's fee, offered from its waiting list (the offer's token
identifies it): pay, then the return page, which adds the session once paid."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from config.errors import Conflict
from payments.errors import PaymentUnavailable
from payments.providers import provider_for_method
from payments.providers.base import CardDeclined
from payments.services.session_fees import (
    session_fee_pay_with_card,
    session_fee_payment,
    session_fee_sync,
)
from payments.views import posted_card_token
from registrations import selectors
from registrations.models import SessionWaitlistEntry


def _entry(token: str) -> SessionWaitlistEntry:
    try:
        return selectors.session_offer_by_token(token=token)
    except SessionWaitlistEntry.DoesNotExist as exc:
        raise Http404 from exc


@require_GET
def session_fee_pay(request: HttpRequest, token: str) -> HttpResponse:
    entry = _entry(token)
    if entry.status == SessionWaitlistEntry.Status.REDEEMED or entry.session.price <= 0:
        return redirect(entry.get_absolute_url())
    context = {"entry": entry, "provider": provider_for_method("card"), "payment": None}
    try:
        context["payment"] = session_fee_payment(entry=entry)
        context["fee_due"] = context["payment"].amount
    except PaymentUnavailable as exc:  # (a Conflict too: caught first)
        context["error"] = exc.detail
        context["fee_due"] = selectors.session_fee_due(entry=entry)
    except Conflict as exc:  # the offer lapsed, or the session clashes: said on the offer
        messages.error(request, exc.detail)
        return redirect(entry.get_absolute_url())
    return render(request, "payments/session_fee_pay.html", context)


@require_POST
def session_fee_card(request: HttpRequest, token: str) -> JsonResponse:
    """Called by the card page's script with the card Stripe.js tokenised."""
    entry = _entry(token)
    card_token = posted_card_token(request)
    if not card_token:
        return JsonResponse({"error": _("Enter your card details.")}, status=400)
    try:
        intent = session_fee_pay_with_card(entry=entry, card_token=card_token)
    except CardDeclined as exc:
        return JsonResponse({"error": str(exc)}, status=402)
    except Conflict as exc:
        return JsonResponse({"error": exc.detail}, status=409)
    return JsonResponse(
        {
            "status": intent.status,
            "client_secret": intent.client_secret,
            "next": reverse("payments:session_fee_return", kwargs={"token": token}),
        }
    )


@require_GET
def session_fee_return(request: HttpRequest, token: str) -> HttpResponse:
    """After paying: asks the provider too (a lost webhook never leaves a paid fee without
    its session); "processing" meanwhile; then the offer's page says what happened."""
    entry = _entry(token)
    try:
        status = session_fee_sync(entry=entry)
    except PaymentUnavailable:
        status = "unknown"
    entry = _entry(token)
    paid = entry.payments.filter(status="succeeded").order_by("-succeeded_at").first()
    if entry.status == SessionWaitlistEntry.Status.REDEEMED and paid:
        messages.success(
            request,
            _("Payment received: “%(session)s” is now among your sessions.")
            % {"session": entry.session.title},
        )
        return redirect(entry.get_absolute_url())
    if status in ("processing", "unknown", "requires_capture"):
        return render(
            request,
            "payments/processing.html",
            {"registration": entry.attendee.registration, "back_url": entry.get_absolute_url()},
        )
    if paid:  # paid, but the session could no longer be added: refunded
        messages.warning(
            request,
            _("The session could no longer be added, so your payment has been refunded in full."),
        )
        return redirect(entry.get_absolute_url())
    messages.error(request, _("The payment did not go through. Please try again."))
    return redirect(reverse("payments:session_fee_pay", kwargs={"token": token}))
