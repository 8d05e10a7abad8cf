from django.urls import path

from payments.api import views

urlpatterns = [
    path(
        "registrations/<str:token>/payment/",
        views.RegistrationPaymentView.as_view(),
        name="api-registration-payment",
    ),
    path(
        "registrations/<str:token>/payment/card/",
        views.RegistrationCardView.as_view(),
        name="api-registration-card",
    ),
    path(
        "organizer/registrations/<str:reference>/refund/",
        views.OrganizerRefundView.as_view(),
        name="api-org-refund",
    ),
    path(
        "organizer/registrations/<str:reference>/mark-paid/",
        views.OrganizerMarkPaidView.as_view(),
        name="api-org-mark-paid",
    ),
]
