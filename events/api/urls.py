from django.urls import path

from events.api import team, views

urlpatterns = [
    path("events/", views.EventListView.as_view(), name="api-event-list"),
    path("events/<slug:slug>/", views.EventDetailView.as_view(), name="api-event-detail"),
    path("organizer/events/", views.OrganizerEventListView.as_view(), name="api-org-events"),
    path(
        "organizer/events/<slug:slug>/",
        views.OrganizerEventDetailView.as_view(),
        name="api-org-event",
    ),
    path("organizer/events/<slug:slug>/team/", team.TeamView.as_view(), name="api-org-team"),
    path(
        "organizer/events/<slug:slug>/team/<str:username>/",
        team.TeamMemberView.as_view(),
        name="api-org-team-member",
    ),
    path(
        "organizer/events/<slug:slug>/ticket-types/",
        views.OrganizerTicketTypeListView.as_view(),
        name="api-org-ticket-types",
    ),
    path(
        "organizer/events/<slug:slug>/ticket-types/<int:pk>/",
        views.OrganizerTicketTypeDetailView.as_view(),
        name="api-org-ticket-type",
    ),
    path(
        "organizer/events/<slug:slug>/sessions/",
        views.OrganizerSessionListView.as_view(),
        name="api-org-sessions",
    ),
    path(
        "organizer/events/<slug:slug>/sessions/<int:pk>/",
        views.OrganizerSessionDetailView.as_view(),
        name="api-org-session",
    ),
]
