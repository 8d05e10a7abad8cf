"""The organizer's view of an event's audit log (newest first, paginated)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from audit.models import AuditEntry
from audit.selectors import audit_entries_for_event
from config.api import Pagination
from events.permissions import IsOrganizer, Perm, organizer_event


class AuditFilterSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=AuditEntry.Action.choices, required=False)


class AuditActorSerializer(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True)
    username = serializers.CharField()


class AuditEntrySerializer(serializers.Serializer):
    id = serializers.IntegerField()
    created_at = serializers.DateTimeField()
    action = serializers.CharField()
    actor = serializers.SerializerMethodField()
    target = serializers.CharField()
    details = serializers.JSONField()
    ip_address = serializers.IPAddressField(allow_null=True)

    @extend_schema_field(AuditActorSerializer(allow_null=True))
    def get_actor(self, entry: AuditEntry) -> dict | None:
        """None for the system (or an attendee acting through their link)."""
        if entry.actor_id is None and not entry.actor_username:
            return None
        return {"id": entry.actor_id, "username": entry.actor_username}


class EventAuditLogView(APIView):
    permission_classes = [IsOrganizer]

    @extend_schema(
        parameters=[
            OpenApiParameter("action", str, enum=AuditEntry.Action.values),
            OpenApiParameter("page", int),
            OpenApiParameter("page_size", int),
        ],
        responses=AuditEntrySerializer(many=True),
    )
    def get(self, request: Request, slug: str) -> Response:
        event = organizer_event(request, slug, Perm.TEAM)
        filters = AuditFilterSerializer(data=request.query_params)
        filters.is_valid(raise_exception=True)
        entries = audit_entries_for_event(event=event, **filters.validated_data)
        paginator = Pagination()
        page = paginator.paginate_queryset(entries, request, view=self)
        return paginator.get_paginated_response(AuditEntrySerializer(page, many=True).data)
