"""The team endpoint (API.md): owners give users a role on the event, list and remove them.
The service (events.team) keeps an owner and tells the audit log."""

from django.http import Http404
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import unpaginated
from events.models import EventRole
from events.permissions import IsOrganizer, Perm, organizer_event
from events.team import team_member_remove, team_member_set, team_of


class TeamMemberSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    role = serializers.ChoiceField(choices=EventRole.Role.choices)


def _member_data(member: EventRole) -> dict:
    return {"username": member.user.get_username(), "role": member.role}


class TeamView(APIView):
    permission_classes = [IsOrganizer]

    @extend_schema(responses=TeamMemberSerializer(many=True))
    def get(self, request: Request, slug: str) -> Response:
        event = organizer_event(request, slug, Perm.TEAM)
        return Response(unpaginated([_member_data(m) for m in team_of(event=event)]))

    @extend_schema(request=TeamMemberSerializer, responses={201: TeamMemberSerializer})
    def post(self, request: Request, slug: str) -> Response:
        """Give `username` `role` (a new member: 201; a change of role: 200)."""
        event = organizer_event(request, slug, Perm.TEAM)
        data = TeamMemberSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        existed = EventRole.objects.filter(
            event=event, user__username=data.validated_data["username"]
        ).exists()
        member = team_member_set(event=event, **data.validated_data)
        code = status.HTTP_200_OK if existed else status.HTTP_201_CREATED
        return Response(_member_data(member), status=code)


class TeamMemberView(APIView):
    permission_classes = [IsOrganizer]

    @extend_schema(request=None, responses={204: None})
    def delete(self, request: Request, slug: str, username: str) -> Response:
        event = organizer_event(request, slug, Perm.TEAM)
        try:
            team_member_remove(event=event, username=username)
        except EventRole.DoesNotExist as exc:
            raise Http404 from exc
        return Response(status=status.HTTP_204_NO_CONTENT)
