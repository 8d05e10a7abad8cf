import base64
import hashlib
import re
from functools import wraps

from django.conf import settings
from django.contrib import admin
from django.template import TemplateDoesNotExist
from django.template.loader import get_template
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config import health


def _swagger_ui_style_hash() -> str | None:
    """The CSP hash of the one inline <style> of drf-spectacular's Swagger page."""
    try:
        source = get_template("drf_spectacular/swagger_ui.html").template.source
    except TemplateDoesNotExist:
        return None
    style = re.search(r"<style>(.*?)</style>", source, re.DOTALL)
    if style is None:
        return None
    digest = hashlib.sha256(style.group(1).encode()).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def _swagger_docs(view):
    """The Swagger UI under the site's CSP: its script comes from a URL (the split view),
    and its small inline <style> is allowed by hash, on this page only."""
    style_hash = _swagger_ui_style_hash()

    @wraps(view)
    def docs(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if style_hash and settings.SECURE_CSP:
            policy = dict(settings.SECURE_CSP)
            policy["style-src"] = [*policy.get("style-src", []), style_hash]
            response._csp_config = policy  # as django.views.decorators.csp.csp_override
        return response

    return docs


urlpatterns = [
    # Answered by config.middleware.HealthCheckMiddleware before routing; here for reverse().
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("events.api.urls")),
    path("api/v1/", include("registrations.api.urls")),
    path("api/v1/", include("registrations.ce.api_urls")),
    path("api/v1/", include("registrations.privacy.api_urls")),
    path("api/v1/", include("audit.api_urls")),
    path("api/v1/", include("members.api_urls")),
    path("api/v1/", include("registrations.organizer.api_urls")),
    path("api/v1/", include("finance.api_urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/docs/",
        _swagger_docs(SpectacularSwaggerSplitView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
    path("registrations/", include("finance.urls")),
    path("registrations/", include("registrations.urls")),
    path("payments/", include("payments.urls")),
    path("organizer/", include("registrations.organizer.urls")),
    path("", include("events.urls")),
]
