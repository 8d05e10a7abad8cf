"""Catalogue API: public event list and detail; organizer writes (API.md)."""

from django.db import transaction
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import generics, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import Pagination, unpaginated
from events import selectors, services
from events.api import serializers as s
from events.models import Event, Session, TicketType
from events.permissions import (
    IsOrganizer,
    Perm,
    events_managed_by,
    organizer_event,
)


class EventListView(generics.ListAPIView):
    serializer_class = s.EventSummarySerializer

    def get_queryset(self):
        return selectors.event_list_published()


class EventDetailView(APIView):
    @extend_schema(responses=s.EventDetailSerializer)
    def get(self, request: Request, slug: str) -> Response:
        try:
            catalogue = selectors.event_catalogue_cached(slug=slug)
        except Event.DoesNotExist:
            return Response({"detail": "Not found."}, status=status.HTTP_404_NOT_FOUND)
        return Response(s.EventDetailSerializer(catalogue, context={"request": request}).data)


# --- Organizer -------------------------------------------------------------------------


def _event_response(event: Event, request: Request, code: int = status.HTTP_200_OK) -> Response:
    return Response(
        s.OrganizerEventSerializer(event, context={"request": request}).data, status=code
    )


class OrganizerEventListView(APIView):
    permission_classes = [IsOrganizer]

    @extend_schema(responses=s.OrganizerEventSerializer(many=True))
    def get(self, request: Request) -> Response:
        events = events_managed_by(request.user).select_related("venue").order_by("starts_at")
        paginator = Pagination()
        page = paginator.paginate_queryset(events, request, view=self)
        return paginator.get_paginated_response(
            s.OrganizerEventSerializer(page, many=True, context={"request": request}).data
        )

    @extend_schema(request=s.EventInputSerializer, responses={201: s.OrganizerEventSerializer})
    def post(self, request: Request) -> Response:
        data = s.EventInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        event = services.event_create(created_by=request.user, **data.validated_data)
        return _event_response(event, request, status.HTTP_201_CREATED)


class OrganizerEventDetailView(APIView):
    permission_classes = [IsOrganizer]

    @extend_schema(responses=s.OrganizerEventSerializer)
    def get(self, request: Request, slug: str) -> Response:
        return _event_response(organizer_event(request, slug, Perm.VIEW), request)

    @extend_schema(request=s.EventInputSerializer, responses=s.OrganizerEventSerializer)
    def patch(self, request: Request, slug: str) -> Response:
        event = organizer_event(request, slug, Perm.EVENT)
        data = s.EventInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        event = services.event_update(event=event, **data.validated_data)
        return _event_response(event, request)


class OrganizerTicketTypeListView(APIView):
    permission_classes = [IsOrganizer]

    @extend_schema(responses=s.TicketTypeOutputSerializer(many=True))
    def get(self, request: Request, slug: str) -> Response:
        event = organizer_event(request, slug, Perm.VIEW)
        ticket_types = event.ticket_types.select_related("event").prefetch_related("price_tiers")
        return Response(unpaginated([s.TicketTypeOutputSerializer(t).data for t in ticket_types]))

    @extend_schema(
        request=s.TicketTypeInputSerializer, responses={201: s.TicketTypeOutputSerializer}
    )
    def post(self, request: Request, slug: str) -> Response:
        event = organizer_event(request, slug, Perm.EVENT)
        data = s.TicketTypeInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        ticket_type = services.ticket_type_create(event=event, **data.validated_data)
        return Response(
            s.TicketTypeOutputSerializer(ticket_type).data, status=status.HTTP_201_CREATED
        )


class OrganizerTicketTypeDetailView(APIView):
    permission_classes = [IsOrganizer]

    @extend_schema(request=s.TicketTypeInputSerializer, responses=s.TicketTypeOutputSerializer)
    def patch(self, request: Request, slug: str, pk: int) -> Response:
        event = organizer_event(request, slug, Perm.EVENT)
        ticket_type = get_object_or_404(TicketType, event=event, pk=pk)
        data = s.TicketTypeInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        ticket_type = services.ticket_type_update(ticket_type=ticket_type, **data.validated_data)
        return Response(s.TicketTypeOutputSerializer(ticket_type).data)


class OrganizerSessionListView(APIView):
    permission_classes = [IsOrganizer]

    @extend_schema(responses=s.SessionOutputSerializer(many=True))
    def get(self, request: Request, slug: str) -> Response:
        event = organizer_event(request, slug, (Perm.VIEW, Perm.CHECK_IN))
        sessions = list(event.sessions.select_related("event"))
        return Response(unpaginated([s.SessionOutputSerializer(x).data for x in sessions]))

    @extend_schema(request=s.SessionInputSerializer, responses={201: s.SessionOutputSerializer})
    def post(self, request: Request, slug: str) -> Response:
        event = organizer_event(request, slug, Perm.EVENT)
        data = s.SessionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        session = services.session_create(event=event, **data.validated_data)
        return Response(s.SessionOutputSerializer(session).data, status=status.HTTP_201_CREATED)


class OrganizerSessionDetailView(APIView):
    permission_classes = [IsOrganizer]

    @extend_schema(request=s.SessionInputSerializer, responses=s.SessionOutputSerializer)
    def patch(self, request: Request, slug: str, pk: int) -> Response:
        event = organizer_event(request, slug, Perm.EVENT)
        session = get_object_or_404(Session, event=event, pk=pk)
        data = s.SessionInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        with transaction.atomic():
            session = services.session_update(session=session, **data.validated_data)
        return Response(s.SessionOutputSerializer(session).data)
