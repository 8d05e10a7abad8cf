"""Member-list API, mounted at /api/v1/ (see config/urls.py)."""

from django.urls import path

from members import api

urlpatterns = [
    path("organizer/members/import/", api.MemberImportView.as_view(), name="api-members-import"),
]
