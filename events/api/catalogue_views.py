"""Organizer API for the event's own questions and team rates (API.md): read with any role
that sees the event, changed by those who may edit it (events.permissions.Perm.EVENT)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import unpaginated
from events import questions as services
from events.api import serializers as s
from events.models import GroupRate, Question
from events.permissions import IsOrganizer, Perm, organizer_event


class OrganizerQuestionListView(APIView):
    permission_classes = [IsOrganizer]

    @extend_schema(responses=s.QuestionOutputSerializer(many=True))
    def get(self, request: Request, slug: str) -> Response:
        event = organizer_event(request, slug, Perm.VIEW)
        questions = event.questions.prefetch_related("ticket_types")
        return Response(unpaginated([s.QuestionOutputSerializer(q).data for q in questions]))

    @extend_schema(request=s.QuestionInputSerializer, responses={201: s.QuestionOutputSerializer})
    def post(self, request: Request, slug: str) -> Response:
        event = organizer_event(request, slug, Perm.EVENT)
        data = s.QuestionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        question = services.question_create(event=event, **data.validated_data)
        return Response(s.QuestionOutputSerializer(question).data, status=status.HTTP_201_CREATED)


class OrganizerQuestionDetailView(APIView):
    permission_classes = [IsOrganizer]

    @extend_schema(request=s.QuestionInputSerializer, responses=s.QuestionOutputSerializer)
    def patch(self, request: Request, slug: str, pk: int) -> Response:
        event = organizer_event(request, slug, Perm.EVENT)
        question = get_object_or_404(Question, event=event, pk=pk)
        data = s.QuestionInputSerializer(data=request.data, partial=True)
        data.is_valid(raise_exception=True)
        question = services.question_update(question=question, **data.validated_data)
        return Response(s.QuestionOutputSerializer(question).data)

    @extend_schema(responses={204: None, 200: s.QuestionOutputSerializer})
    def delete(self, request: Request, slug: str, pk: int) -> Response:
        """204 when deleted; 200 with the question (`is_active` false) when it has
        answers and was deactivated instead."""
        event = organizer_event(request, slug, Perm.EVENT)
        question = get_object_or_404(Question, event=event, pk=pk)
        if services.question_remove(question=question):
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(s.QuestionOutputSerializer(question).data)


class OrganizerGroupRateListView(APIView):
    permission_classes = [IsOrganizer]

    @extend_schema(responses=s.GroupRateOutputSerializer(many=True))
    def get(self, request: Request, slug: str) -> Response:
        event = organizer_event(request, slug, Perm.VIEW)
        rates = event.group_rates.prefetch_related("ticket_types")
        return Response(unpaginated([s.GroupRateOutputSerializer(r).data for r in rates]))

    @extend_schema(request=s.GroupRateInputSerializer, responses={201: s.GroupRateOutputSerializer})
    def post(self, request: Request, slug: str) -> Response:
        event = organizer_event(request, slug, Perm.EVENT)
        data = s.GroupRateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        rate = services.group_rate_create(event=event, **data.validated_data)
        return Response(s.GroupRateOutputSerializer(rate).data, status=status.HTTP_201_CREATED)


class OrganizerGroupRateDetailView(APIView):
    permission_classes = [IsOrganizer]

    @extend_schema(responses={204: None})
    def delete(self, request: Request, slug: str, pk: int) -> Response:
        event = organizer_event(request, slug, Perm.EVENT)
        services.group_rate_delete(rate=get_object_or_404(GroupRate, event=event, pk=pk))
        return Response(status=status.HTTP_204_NO_CONTENT)
