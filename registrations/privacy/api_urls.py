"""Personal-data API, mounted at /api/v1/ (see config/urls.py)."""

from django.urls import path

from registrations.privacy import api

urlpatterns = [
    path(
        "registrations/<str:token>/personal-data/",
        api.PersonalDataView.as_view(),
        name="api-registration-personal-data",
    ),
    path(
        "registrations/<str:token>/erase/",
        api.ErasureView.as_view(),
        name="api-registration-erase",
    ),
]
