"""Who is acting: the request being served, so that services write the audit log with
the request's user and address whatever path called them (page, API, admin). Outside a
request (a task, a command) the actor is the system."""

from collections.abc import Callable
from contextvars import ContextVar

from django.http import HttpRequest, HttpResponse

_current_request: ContextVar[HttpRequest | None] = ContextVar("audit_request", default=None)


def current_request() -> HttpRequest | None:
    return _current_request.get()


class AuditActorMiddleware:
    """Makes the request known to audit_record for as long as it is served. (The API's
    token user is known too: DRF sets it on this request once it authenticates.)"""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        token = _current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            _current_request.reset(token)
