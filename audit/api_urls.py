"""Audit API, mounted at /api/v1/ (see config/urls.py)."""

from django.urls import path

from audit import api

urlpatterns = [
    path(
        "organizer/events/<slug:slug>/audit/",
        api.EventAuditLogView.as_view(),
        name="api-org-audit",
    ),
]
