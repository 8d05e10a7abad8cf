"""Clean failures when a backing service drops out mid-request.

A database that restarts, or a connection that dies, raises OperationalError or
InterfaceError deep in a view. Instead of a 500, the client gets 503 with Retry-After
(JSON for the API, a short page otherwise), the broken connection is dropped, and the
next request reconnects.
"""

import logging

from django.db import InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse, JsonResponse

logger = logging.getLogger(__name__)

UNAVAILABLE = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = "5"


def unavailable_response(request: HttpRequest) -> HttpResponse:
    for connection in connections.all(initialized_only=True):
        connection.close_if_unusable_or_obsolete()
    if request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", ""):
        response: HttpResponse = JsonResponse(
            {"code": "unavailable", "detail": "The service is briefly unavailable. Please retry."},
            status=503,
        )
    else:
        response = HttpResponse(
            "<!doctype html><title>Briefly unavailable</title>"
            "<h1>We'll be right back</h1><p>The service is briefly unavailable. "
            "Nothing was lost: please try again in a few seconds.</p>",
            status=503,
        )
    response["Retry-After"] = RETRY_AFTER_SECONDS
    return response


class ServiceUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, UNAVAILABLE):
            logger.warning("database unavailable: %s", type(exception).__name__)
            return unavailable_response(request)
        return None
