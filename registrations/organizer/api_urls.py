"""Organizer API, mounted at /api/v1/ (see config/urls.py)."""

from django.urls import path

from registrations.organizer import api, email_texts_api, payments_api

EVENT = "organizer/events/<slug:slug>/"

urlpatterns = [
    path(
        "organizer/registrations/<str:reference>/refund/",
        payments_api.OrganizerRefundView.as_view(),
        name="api-org-refund",
    ),
    path(
        "organizer/registrations/<str:reference>/mark-paid/",
        payments_api.OrganizerMarkPaidView.as_view(),
        name="api-org-mark-paid",
    ),
    path(f"{EVENT}attendees/", api.AttendeeListView.as_view(), name="api-org-attendees"),
    path(
        f"{EVENT}attendees/export.csv",
        api.AttendeeExportCsvView.as_view(),
        name="api-org-attendees-csv",
    ),
    path(
        f"{EVENT}attendees/export.xlsx",
        api.AttendeeExportXlsxView.as_view(),
        name="api-org-attendees-xlsx",
    ),
    path(f"{EVENT}badges.pdf", api.BadgesPdfView.as_view(), name="api-org-badges"),
    path(f"{EVENT}stats/", api.EventStatsView.as_view(), name="api-org-stats"),
    path(f"{EVENT}check-in/", api.EventCheckInView.as_view(), name="api-org-check-in"),
    path(
        f"{EVENT}sessions/<int:pk>/roster.csv",
        api.SessionRosterCsvView.as_view(),
        name="api-org-session-roster",
    ),
    path(f"{EVENT}venue-needs.csv", api.VenueNeedsCsvView.as_view(), name="api-org-venue-needs"),
    path(
        "organizer/sessions/<int:pk>/check-in/",
        api.SessionCheckInView.as_view(),
        name="api-org-session-check-in",
    ),
    path(
        f"{EVENT}email-texts/<str:kind>/",
        email_texts_api.EmailTextView.as_view(),
        name="api-org-email-text",
    ),
    path(
        f"{EVENT}email-texts/<str:kind>/preview/",
        email_texts_api.EmailTextPreviewView.as_view(),
        name="api-org-email-text-preview",
    ),
]
