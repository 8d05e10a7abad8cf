"""Payment pages (the provider's checkout page, return page), providers' webhooks,
receipts and invoices."""

import json
import logging

from django.contrib import messages
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from config.errors import Conflict
from finance.pdf import invoice_pdf_kept
from finance.selectors import open_invoice
from payments import documents
from payments.errors import PaymentUnavailable
from payments.providers import UnknownProvider, get_provider, provider_for_method
from payments.providers.base import CardDeclined, ProviderError, SignatureInvalid
from payments.services.checkout import (
    payment_for_registration,
    payment_pay_with_card,
    payment_sync,
)
from payments.services.webhooks import payment_apply_event
from registrations import selectors
from registrations.models import Registration

logger = logging.getLogger(__name__)


def _registration(token: str) -> Registration:
    return selectors.registration_by_token_or_404(token=token)


@require_GET
def pay(request: HttpRequest, token: str) -> HttpResponse:
    registration = _registration(token)
    if registration.effective_status != Registration.Status.PENDING_PAYMENT:
        return redirect(registration.get_absolute_url())
    provider = provider_for_method(registration.payment_method)
    if not provider.online or not provider.checkout_template:  # paid elsewhere, or by API
        return redirect(registration.get_absolute_url())
    context = {"registration": registration, "provider": provider, "payment": None}
    try:
        context["payment"] = payment_for_registration(registration=registration)
    except PaymentUnavailable as exc:
        context["error"] = exc.detail
    if context["payment"] is None and "error" not in context:
        return redirect(registration.get_absolute_url())
    return render(request, provider.checkout_template, context)


def posted_card_token(request: HttpRequest) -> str:
    """The card Stripe.js tokenised, as the card page's script posts it ("" if none)."""
    try:
        card_token = str(json.loads(request.body or b"{}").get("payment_method", ""))
    except (ValueError, AttributeError):
        return ""
    return card_token if len(card_token) <= 100 else ""


@require_POST
def pay_with_card(request: HttpRequest, token: str) -> JsonResponse:
    """Called by the card page's script with the card Stripe.js tokenised."""
    registration = _registration(token)
    card_token = posted_card_token(request)
    if not card_token:
        return JsonResponse({"error": _("Enter your card details.")}, status=400)
    return_url = reverse("payments:return", kwargs={"token": token})
    try:
        intent = payment_pay_with_card(registration=registration, card_token=card_token)
    except CardDeclined as exc:
        return JsonResponse({"error": str(exc)}, status=402)
    except Conflict as exc:
        return JsonResponse({"error": exc.detail}, status=409)
    return JsonResponse(
        {"status": intent.status, "client_secret": intent.client_secret, "next": return_url}
    )


@require_GET
def pay_return(request: HttpRequest, token: str) -> HttpResponse:
    """Where the page goes after paying: asks the provider too, so a lost webhook never
    leaves a paid registration unconfirmed. Shows "processing" (and polls) meanwhile."""
    registration = _registration(token)
    try:
        status = payment_sync(registration=registration)
    except PaymentUnavailable:
        status = "unknown"
    registration = _registration(token)
    if registration.status == Registration.Status.CONFIRMED:
        messages.success(request, _("Payment received: your registration is confirmed."))
        return redirect(registration.get_absolute_url())
    if status in ("processing", "unknown", "requires_capture"):
        return render(request, "payments/processing.html", {"registration": registration})
    if registration.amount_refunded:
        messages.warning(
            request,
            _(
                "Your payment arrived after your seats were released, so it has been refunded in full."
            ),
        )
        return redirect(registration.get_absolute_url())
    messages.error(request, _("The payment did not go through. Please try again."))
    return redirect(reverse("payments:pay", kwargs={"token": token}))


@csrf_exempt
@require_POST
def provider_webhook(request: HttpRequest, provider: str) -> HttpResponse:
    """A provider's event: verified by the provider, then taken in at most once."""
    try:
        receiver = get_provider(provider)
    except UnknownProvider:
        raise Http404 from None
    if not receiver.receives_webhooks:
        raise Http404
    try:
        provider_event = receiver.parse_webhook(payload=request.body, headers=request.headers)
    except (SignatureInvalid, ProviderError):
        return HttpResponseBadRequest("invalid signature")
    try:
        outcome = payment_apply_event(provider=receiver.name, provider_event=provider_event)
    except Conflict as exc:
        logger.warning("webhook %s not applied: %s", provider_event.event_id, exc.code)
        return JsonResponse({"outcome": exc.code}, status=503)
    return JsonResponse({"outcome": outcome})


@require_GET
def receipt(request: HttpRequest, token: str) -> HttpResponse:
    registration = _registration(token)
    if registration.amount_paid <= 0:
        raise Http404
    return _pdf(documents.receipt_pdf(registration), f"receipt-{registration.reference}.pdf")


@require_GET
def invoice(request: HttpRequest, token: str) -> HttpResponse:
    """The invoice in force (as issued; every document has its own URL too)."""
    registration = _registration(token)
    current = open_invoice(registration)
    if current is None:
        raise Http404
    return _pdf(invoice_pdf_kept(current), f"{current.number}.pdf")


def _pdf(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response
