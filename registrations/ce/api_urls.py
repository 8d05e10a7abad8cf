"""CE API, mounted at /api/v1/ (see config/urls.py)."""

from django.urls import path

from registrations.ce import api

urlpatterns = [
    path(
        "registrations/<str:token>/attendees/<int:attendee_id>/attestation/",
        api.AttestationView.as_view(),
        name="api-ce-attestation",
    ),
    path(
        "organizer/events/<slug:slug>/certificates/release/",
        api.CertificatesReleaseView.as_view(),
        name="api-ce-certificates-release",
    ),
    path(
        "organizer/events/<slug:slug>/ce-report.csv",
        api.CeReportView.as_view(),
        name="api-ce-report",
    ),
]
