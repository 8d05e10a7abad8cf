"""Registration API: register, look up and change by token, cancel, waiting list, promo codes."""

from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import unpaginated
from events.models import Event, TicketType
from events.permissions import IsOrganizer, Perm, organizer_event
from events.selectors import event_catalogue_cached_or_404
from finance.billing import BillingInput
from finance.services.billing import billing_change
from payments.errors import PaymentUnavailable
from payments.selectors import checkout_data
from payments.services.checkout import payment_for_registration
from payments.services.refunds import registration_cancel_with_refund
from registrations import selectors
from registrations.api import serializers as s
from registrations.models import Registration
from registrations.services.attendees import attendee_change
from registrations.services.find import registration_links_request
from registrations.services.promo import promo_code_create, promo_codes_with_uses
from registrations.services.registration import registration_create
from registrations.services.session_waitlist import session_waitlist_join
from registrations.services.waitlist import waitlist_join

REGISTRATION_RESPONSE = OpenApiResponse(description="The registration (see API.md).")
FIND_ANSWER = "If this address has registrations, an email with their links is on its way to it."


def _public_event(slug: str) -> Event:
    """The event with its ticket types, tiers and sessions, from the cached catalogue."""
    return event_catalogue_cached_or_404(slug=slug).event


def registration_or_404(token: str) -> Registration:
    return selectors.registration_by_token_or_404(token=token)


def registration_reloaded(registration: Registration) -> Registration:
    return selectors.registration_detail_queryset().get(pk=registration.pk)


class RegistrationCreateView(APIView):
    @extend_schema(request=s.RegistrationInputSerializer, responses={201: REGISTRATION_RESPONSE})
    def post(self, request: Request, slug: str) -> Response:
        event = _public_event(slug)
        data = s.RegistrationInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        registration = registration_create(event=event, **data.service_kwargs())
        payment, payment_error = None, None
        try:
            payment = payment_for_registration(registration=registration)
        except PaymentUnavailable as exc:  # the registration stands; payment can resume
            payment_error = exc.detail
        body = s.registration_data(
            registration,  # as created, attendees and choices attached: no read-back
            request,
            with_token=True,
            payment=checkout_data(payment),
        )
        if payment_error:
            body["payment_error"] = payment_error
        return Response(body, status=status.HTTP_201_CREATED)


class RegistrationDetailView(APIView):
    @extend_schema(responses=REGISTRATION_RESPONSE)
    def get(self, request: Request, token: str) -> Response:
        return Response(s.registration_data(registration_or_404(token), request))


class AttendeeDetailView(APIView):
    @extend_schema(request=s.AttendeeChangeSerializer, responses=REGISTRATION_RESPONSE)
    def patch(self, request: Request, token: str, attendee_id: int) -> Response:
        registration = registration_or_404(token)
        attendee = next((a for a in registration.attendees.all() if a.id == attendee_id), None)
        if attendee is None:
            raise Http404
        data = s.AttendeeChangeSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        attendee_change(attendee=attendee, **data.validated_data)
        return Response(s.registration_data(registration_reloaded(registration), request))


class RegistrationBillingView(APIView):
    @extend_schema(request=s.BillingSerializer, responses=REGISTRATION_RESPONSE)
    def patch(self, request: Request, token: str) -> Response:
        """Change the billing details (fields given replace those stored). After an
        invoice is issued, it is credited and a new one issued to the new details."""
        registration = registration_or_404(token)
        data = s.BillingSerializer(data=request.data)
        if not data.is_valid():  # keys as in the registration body: billing.country
            raise ValidationError({"billing": data.errors})
        merged = {**registration.billing, **data.validated_data}
        billing_change(registration=registration, billing=BillingInput.from_dict(merged))
        return Response(s.registration_data(registration_reloaded(registration), request))


class RegistrationCancelView(APIView):
    @extend_schema(request=None, responses=REGISTRATION_RESPONSE)
    def post(self, request: Request, token: str) -> Response:
        registration = registration_cancel_with_refund(registration=registration_or_404(token))
        return Response(s.registration_data(registration_reloaded(registration), request))


class WaitlistJoinView(APIView):
    @extend_schema(request=s.WaitlistJoinSerializer, responses={201: s.WaitlistJoinSerializer})
    def post(self, request: Request, slug: str) -> Response:
        event = _public_event(slug)
        data = s.WaitlistJoinSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        ticket_type = TicketType.objects.filter(event=event, pk=fields.pop("ticket_type")).first()
        if ticket_type is None:
            return Response(
                {"errors": {"ticket_type": ["Unknown ticket type for this event."]}},
                status=status.HTTP_400_BAD_REQUEST,
            )
        entry = waitlist_join(ticket_type=ticket_type, **fields)
        position = selectors.waitlist_position(entry=entry)
        return Response(
            {
                "email": entry.email,
                "first_name": entry.first_name,
                "last_name": entry.last_name,
                "ticket_type": ticket_type.id,
                "status": entry.status,
                "position": position,
            },
            status=status.HTTP_201_CREATED,
        )


class AttendeeWaitlistView(APIView):
    @extend_schema(
        request=s.SessionWaitlistJoinSerializer,
        responses={201: s.SessionWaitlistEntrySerializer},
    )
    def post(self, request: Request, token: str, attendee_id: int) -> Response:
        """Wait for a seat in a full session; when one frees, the attendee is emailed an
        offer that adds it."""
        registration = registration_or_404(token)
        attendee = next((a for a in registration.attendees.all() if a.id == attendee_id), None)
        if attendee is None:
            raise Http404
        data = s.SessionWaitlistJoinSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry = session_waitlist_join(attendee=attendee, session_id=data.validated_data["session"])
        entry.position = selectors.session_waitlist_position(entry=entry)
        return Response(
            s.SessionWaitlistEntrySerializer(entry).data, status=status.HTTP_201_CREATED
        )


class RegistrationFindView(APIView):
    """Find my registration: 202 with the same answer whether or not the address is
    known; the links go to the address by email. Throttled per client (`find`) and per
    address (a few emails an hour, however many requests)."""

    @extend_schema(request=s.FindInputSerializer, responses={202: s.FindInputSerializer})
    def post(self, request: Request) -> Response:
        data = s.FindInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        registration_links_request(email=data.validated_data["email"])
        return Response({"detail": FIND_ANSWER}, status=status.HTTP_202_ACCEPTED)


class OrganizerPromoCodeListView(APIView):
    permission_classes = [IsOrganizer]

    @extend_schema(responses=s.PromoCodeSerializer(many=True))
    def get(self, request: Request, slug: str) -> Response:
        event = organizer_event(request, slug, Perm.VIEW)
        codes = promo_codes_with_uses(event=event, at=timezone.now())
        results = s.PromoCodeSerializer(codes, many=True).data
        return Response(unpaginated(results))

    @extend_schema(request=s.PromoCodeInputSerializer, responses={201: s.PromoCodeSerializer})
    def post(self, request: Request, slug: str) -> Response:
        event = organizer_event(request, slug, Perm.EVENT)
        data = s.PromoCodeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        promo = promo_code_create(event=event, **data.validated_data)
        promo = promo_codes_with_uses(event=event, at=timezone.now()).get(pk=promo.pk)
        return Response(s.PromoCodeSerializer(promo).data, status=status.HTTP_201_CREATED)
