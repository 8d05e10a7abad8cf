from django.urls import path

from events.api import catalogue_views, team, views

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
    path(
        "organizer/events/<slug:slug>/questions/",
        catalogue_views.OrganizerQuestionListView.as_view(),
        name="api-org-questions",
    ),
    path(
        "organizer/events/<slug:slug>/questions/<int:pk>/",
        catalogue_views.OrganizerQuestionDetailView.as_view(),
        name="api-org-question",
    ),
    path(
        "organizer/events/<slug:slug>/group-rates/",
        catalogue_views.OrganizerGroupRateListView.as_view(),
        name="api-org-group-rates",
    ),
    path(
        "organizer/events/<slug:slug>/group-rates/<int:pk>/",
        catalogue_views.OrganizerGroupRateDetailView.as_view(),
        name="api-org-group-rate",
    ),
]
