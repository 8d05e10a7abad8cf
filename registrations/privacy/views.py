"""The attendee's download of their personal data, from the manage page's private link."""

import json

from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_http_methods

from audit.models import AuditEntry
from audit.request import client_ip
from audit.services import audit_record
from registrations import selectors
from registrations.privacy.export import personal_data_export


@require_http_methods(["GET", "HEAD"])
def personal_data_download(request: HttpRequest, token: str) -> HttpResponse:
    """Everything held about the registration's people, as a JSON file to save."""
    registration = selectors.registration_by_token_or_404(token=token)
    data = personal_data_export(registration=registration)
    audit_record(
        actor=request.user,
        action=AuditEntry.Action.DATA_EXPORT,
        event=registration.event,
        target=registration.reference,
        details={"via": "download"},
        ip_address=client_ip(request),
    )
    response = HttpResponse(
        json.dumps(data, indent=2, ensure_ascii=False),
        content_type="application/json; charset=utf-8",
    )
    filename = f"personal-data-{registration.reference}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
