"""Organizer API for the event's own wording of its emails (API.md: email-texts)."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from events.permissions import IsOrganizer, Perm, organizer_event
from registrations.messaging.texts import (
    KIND_NAMES,
    LIMITS,
    PLACEHOLDERS,
    email_text_get,
    email_text_preview,
    email_text_set,
    kind_of,
)


class EmailTextSerializer(serializers.Serializer):
    subject = serializers.CharField(max_length=LIMITS["subject"], required=False, allow_blank=True)
    intro = serializers.CharField(
        max_length=LIMITS["intro"], required=False, allow_blank=True, trim_whitespace=False
    )
    closing = serializers.CharField(
        max_length=LIMITS["closing"], required=False, allow_blank=True, trim_whitespace=False
    )


class EmailTextOutputSerializer(EmailTextSerializer):
    kind = serializers.CharField()
    placeholders = serializers.ListField(child=serializers.CharField())


class EmailPreviewSerializer(serializers.Serializer):
    subject = serializers.CharField()
    text = serializers.CharField()
    html = serializers.CharField()


def _kind(name: str) -> str:
    try:
        return kind_of(name).value
    except KeyError:
        raise Http404 from None


def _answer(name: str, text) -> dict:
    return {
        "kind": name,
        "subject": text.subject if text else "",
        "intro": text.intro if text else "",
        "closing": text.closing if text else "",
        "placeholders": ["{" + p + "}" for p in PLACEHOLDERS],
    }


class EmailTextView(APIView):
    permission_classes = [IsOrganizer]

    @extend_schema(responses=EmailTextOutputSerializer)
    def get(self, request: Request, slug: str, kind: str) -> Response:
        event = organizer_event(request, slug, Perm.VIEW)
        return Response(_answer(kind, email_text_get(event=event, kind=_kind(kind))))

    @extend_schema(request=EmailTextSerializer, responses=EmailTextOutputSerializer)
    def put(self, request: Request, slug: str, kind: str) -> Response:
        """Save the wording; all three blank: back to the system's own."""
        event = organizer_event(request, slug, Perm.EVENT)
        outbox_kind = _kind(kind)
        data = EmailTextSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = {"subject": "", "intro": "", "closing": ""} | data.validated_data
        text = email_text_set(event=event, kind=outbox_kind, **values)
        return Response(_answer(kind, text))


class EmailTextPreviewView(APIView):
    permission_classes = [IsOrganizer]

    @extend_schema(responses=EmailPreviewSerializer)
    def get(self, request: Request, slug: str, kind: str) -> Response:
        event = organizer_event(request, slug, Perm.VIEW)
        return Response(email_text_preview(event=event, kind=_kind(kind)))


def email_text_kinds() -> list[str]:
    return list(KIND_NAMES)
