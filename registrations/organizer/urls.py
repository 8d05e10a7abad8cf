"""Organizer pages, mounted at /organizer/ (see config/urls.py)."""

from django.urls import path

from registrations.organizer import finance_views, setup_views, team_views, views

app_name = "organizer"

urlpatterns = [
    path("", views.index, name="index"),
    path("events/<slug:slug>/", views.dashboard, name="dashboard"),
    path("events/<slug:slug>/attendees/", views.attendee_list, name="attendees"),
    path(
        "events/<slug:slug>/attendees/<int:attendee_id>/substitute/",
        views.attendee_substitute,
        name="substitute",
    ),
    path(
        "events/<slug:slug>/registrations/<str:reference>/",
        views.registration_detail,
        name="registration",
    ),
    path(
        "events/<slug:slug>/registrations/<str:reference>/<slug:action>/",
        views.registration_action,
        name="registration_action",
    ),
    path("events/<slug:slug>/check-in/", views.check_in_page, name="check_in"),
    path("events/<slug:slug>/team/", team_views.team_page, name="team"),
    path("events/<slug:slug>/venue-needs/", views.venue_needs_page, name="venue_needs"),
    path("events/<slug:slug>/questions/", setup_views.questions_page, name="questions"),
    path("events/<slug:slug>/team-rates/", setup_views.team_rates_page, name="team_rates"),
    path("events/<slug:slug>/emails/", setup_views.email_texts_page, name="email_texts"),
    path("members/", setup_views.members_page, name="members"),
    path("events/<slug:slug>/finance/", finance_views.finance_page, name="finance"),
]
