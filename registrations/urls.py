"""Attendee pages, mounted at /registrations/ (see config/urls.py)."""

from django.urls import include, path

from registrations import attendee_views, billing_views, feeds, views, waitlist_views
from registrations.privacy import views as privacy_views

app_name = "registrations"

urlpatterns = [
    path("register/<slug:slug>/", views.register, name="register"),
    path("register/<slug:slug>/waitlist/", waitlist_views.waitlist_join_view, name="waitlist_join"),
    path("waitlist/<str:token>/", waitlist_views.waitlist_offer, name="waitlist_offer"),
    path("waitlist/sessions/<str:token>/", waitlist_views.session_offer, name="session_offer"),
    # Before "<token>/", which would take "find" or "attendee" for a token.
    path("find/", attendee_views.find_registration, name="find"),
    path("attendee/<str:token>/", attendee_views.attendee_own, name="attendee_own"),
    path("attendee/<str:token>/edit/", attendee_views.attendee_own_edit, name="attendee_own_edit"),
    path(
        "attendee/<str:token>/waitlist/",
        attendee_views.attendee_own_waitlist,
        name="attendee_own_waitlist",
    ),
    path(
        "attendee/<str:token>/certificate.pdf",
        attendee_views.attendee_own_certificate,
        name="attendee_own_certificate",
    ),
    path(
        "attendee/<str:token>/attestation/",
        attendee_views.attendee_own_attestation,
        name="attendee_own_attestation",
    ),
    path(
        "attendee/<str:token>/calendar.ics",
        attendee_views.attendee_own_calendar,
        name="attendee_own_calendar",
    ),
    path("<str:token>/", views.manage, name="manage"),
    path("<str:token>/attendees/<int:attendee_id>/", include("registrations.ce.urls")),
    path("<str:token>/attendees/<int:attendee_id>/", views.attendee_edit, name="attendee"),
    path(
        "<str:token>/attendees/<int:attendee_id>/waitlist/",
        waitlist_views.attendee_waitlist,
        name="attendee_waitlist",
    ),
    path("<str:token>/cancel/", views.cancel, name="cancel"),
    path("<str:token>/billing/", billing_views.billing_edit, name="billing"),
    path("<str:token>/calendar.ics", feeds.registration_calendar, name="calendar"),
    path(
        "<str:token>/personal-data.json",
        privacy_views.personal_data_download,
        name="personal_data",
    ),
]
