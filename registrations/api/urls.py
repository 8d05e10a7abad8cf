from django.urls import path

from registrations.api import attendee_own, payments, views

urlpatterns = [
    path(
        "events/<slug:slug>/registrations/",
        views.RegistrationCreateView.as_view(),
        name="api-registration-create",
    ),
    path("events/<slug:slug>/waitlist/", views.WaitlistJoinView.as_view(), name="api-waitlist"),
    # Before "registrations/<token>/", which would take "find" for a token.
    path(
        "registrations/find/", views.RegistrationFindView.as_view(), name="api-registrations-find"
    ),
    path("attendees/<str:token>/", attendee_own.AttendeeOwnView.as_view(), name="api-attendee-own"),
    path(
        "attendees/<str:token>/waitlist/",
        attendee_own.AttendeeOwnWaitlistView.as_view(),
        name="api-attendee-own-waitlist",
    ),
    path(
        "attendees/<str:token>/attestation/",
        attendee_own.AttendeeOwnAttestationView.as_view(),
        name="api-attendee-own-attestation",
    ),
    path(
        "registrations/<str:token>/",
        views.RegistrationDetailView.as_view(),
        name="api-registration",
    ),
    path(
        "registrations/<str:token>/attendees/<int:attendee_id>/",
        views.AttendeeDetailView.as_view(),
        name="api-attendee",
    ),
    path(
        "registrations/<str:token>/attendees/<int:attendee_id>/waitlist/",
        views.AttendeeWaitlistView.as_view(),
        name="api-attendee-waitlist",
    ),
    path(
        "registrations/<str:token>/payment/",
        payments.RegistrationPaymentView.as_view(),
        name="api-registration-payment",
    ),
    path(
        "registrations/<str:token>/payment/card/",
        payments.RegistrationCardView.as_view(),
        name="api-registration-card",
    ),
    path(
        "registrations/<str:token>/billing/",
        views.RegistrationBillingView.as_view(),
        name="api-registration-billing",
    ),
    path(
        "registrations/<str:token>/cancel/",
        views.RegistrationCancelView.as_view(),
        name="api-registration-cancel",
    ),
    path(
        "organizer/events/<slug:slug>/promo-codes/",
        views.OrganizerPromoCodeListView.as_view(),
        name="api-org-promo-codes",
    ),
]
