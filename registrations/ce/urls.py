"""CE pages of one attendee, included under /registrations/<token>/attendees/<id>/ by
registrations/urls.py (so within the `registrations` namespace)."""

from django.urls import path

from registrations.ce import views

urlpatterns = [
    path("certificate.pdf", views.certificate, name="ce_certificate"),
    path("attestation/", views.attestation, name="ce_attestation"),
]
