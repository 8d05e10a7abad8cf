"""Organizer API for the member list: the CSV import (API.md)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import permissions, serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from members.importer import members_import
from members.selectors import user_can_import_members

MAX_UPLOAD_BYTES = 50 * 1024 * 1024


class CanImportMembers(permissions.BasePermission):
    def has_permission(self, request, view) -> bool:
        return user_can_import_members(request.user)


class ImportInputSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="CSV: member_number,email,last_name,valid_until")


class RejectedRowSerializer(serializers.Serializer):
    line = serializers.IntegerField()
    reason = serializers.CharField()


class ImportReportSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    updated = serializers.IntegerField()
    removed = serializers.IntegerField()
    rejected_count = serializers.IntegerField()
    rejected = RejectedRowSerializer(many=True)


class MemberImportView(APIView):
    permission_classes = [CanImportMembers]
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": ImportInputSerializer},
        parameters=[OpenApiParameter("replace", bool, description="1: replace the whole list")],
        responses=ImportReportSerializer,
    )
    def post(self, request: Request) -> Response:
        data = ImportInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        upload = data.validated_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise serializers.ValidationError({"file": ["At most 50 MB."]})
        replace = request.query_params.get("replace", "").lower() in ("1", "true", "yes")
        report = members_import(source=upload, replace=replace)
        return Response(ImportReportSerializer(report).data)
