from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("events.api.urls")),
    path("api/v1/", include("registrations.api.urls")),
    path("api/v1/", include("payments.api.urls")),
    path("api/v1/", include("registrations.ce.api_urls")),
    path("api/v1/", include("registrations.organizer.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("registrations/", include("registrations.urls")),
    path("payments/", include("payments.urls")),
    path("organizer/", include("registrations.organizer.urls")),
    path("", include("events.urls")),
]
