"""Operational middleware: health answers, request ids and access lines, security headers,
and rate limits for the HTML pages (the API has DRF throttles: config.throttling).
"""

import logging
import re
import time
import uuid
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template import engines
from django.utils.translation import gettext as _

from config import health
from config.logging import redact, request_id_var
from config.throttling import FailureThrottle, RuleThrottle, has_token

access_logger = logging.getLogger("config.access")

Handler = Callable[[HttpRequest], HttpResponse]


class HealthCheckMiddleware:
    """Answers /healthz and /readyz before anything else runs.

    First in MIDDLEWARE, so a load balancer gets its answer over plain HTTP (no SSL
    redirect), whatever Host header it sends (no ALLOWED_HOSTS check: it calls by IP),
    without a session, and without an access line every few seconds.
    """

    VIEWS = {"/healthz": health.healthz, "/readyz": health.readyz}

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        view = self.VIEWS.get(request.path_info.rstrip("/"))
        if view is not None:
            return view(request)
        return self.get_response(request)


# A proxy's id is kept when it is a short token of safe characters; anything else (too
# long, spaces, quotes, control characters: log injection) is replaced by our own.
SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,99}")
REQUEST_ID_HEADER = "X-Request-ID"


def request_id_from(request: HttpRequest) -> str:
    incoming = request.headers.get(REQUEST_ID_HEADER, "")
    if SAFE_REQUEST_ID.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


class RequestIdMiddleware:
    """Gives each request an id (the proxy's X-Request-ID, or a new one), puts it in the
    response header and in the logs of everything the request does, and logs one line
    per request: method, path (tokens redacted), status and duration."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = request_id_from(request)
        request.request_id = request_id
        context_token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            response[REQUEST_ID_HEADER] = request_id
            duration_ms = round((time.perf_counter() - started) * 1000, 1)
            path = redact(request.path)
            access_logger.info(
                "%s %s %s",
                request.method,
                path,
                response.status_code,
                extra={
                    "method": request.method,
                    "path": path,
                    "status": response.status_code,
                    "duration_ms": duration_ms,
                },
            )
            return response
        finally:
            request_id_var.reset(context_token)


class PermissionsPolicyMiddleware:
    """Sets Permissions-Policy (settings.PERMISSIONS_POLICY) unless a view set its own."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        policy = getattr(settings, "PERMISSIONS_POLICY", "")
        if policy and "Permissions-Policy" not in response:
            response["Permissions-Policy"] = policy
        return response


# --- Rate limits of the HTML pages ---------------------------------------------------------


class RegisterPageThrottle(RuleThrottle):
    scope = "register_page"


class PageFindThrottle(RuleThrottle):
    scope = "find"  # one count with the API's


class PageTokenMissThrottle(FailureThrottle):
    scope = "token_miss"  # one count with the API's: guessing is guessing


class PagePromoMissThrottle(FailureThrottle):
    scope = "promo_miss"


REGISTER_VIEWS = frozenset({"registrations:register", "registrations:waitlist_join"})
FIND_VIEW = "registrations:find"
TOKEN_NAMESPACES = frozenset({"registrations", "payments"})
PROMO_FIELD = "order-promo_code"
# Django renders a field's errors with this id; the registration form's promo code
# field is the only one that has it.
PROMO_ERROR_MARKER = b'id="id_order-promo_code_error"'

TOO_MANY = """{% extends "base.html" %}{% load i18n %}
{% block title %}{{ title }}{% endblock %}
{% block content %}<h1>{{ title }}</h1>
<p>{{ explanation }}</p>
<p><a href="{{ request.path }}">{% translate "Try again" %}</a></p>{% endblock %}"""


class PageRateLimitMiddleware:
    """Per-IP limits for the attendee pages, the HTML side of config.throttling:

    - POSTs of the registration and waiting-list forms (`register_page`), and of the
      "find my registration" form (`find`, shared with the API);
    - unknown tokens: pages addressed by a token that answer 404 count, and once there
      were too many, those pages answer 429 (`token_miss`, shared with the API);
    - refused promo codes: a form post whose promo code was refused counts, and once
      there were too many, posts that carry a promo code answer 429 (`promo_miss`).

    429 pages carry Retry-After. When the cache is unreachable, requests go through.
    """

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code in (400, 404):
            self._count_failure(request, response)
        return response

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is None or match.namespace not in TOKEN_NAMESPACES:
            return None
        if request.method == "POST" and match.view_name == FIND_VIEW:
            limiter = PageFindThrottle()
            if not limiter.allow_request(request, None):
                return too_many(request, limiter.wait())
        if request.method == "POST" and match.view_name in REGISTER_VIEWS:
            limiter = RegisterPageThrottle()
            if not limiter.allow_request(request, None):
                return too_many(request, limiter.wait())
            if request.POST.get(PROMO_FIELD, "").strip():
                promo = PagePromoMissThrottle()
                if promo.exhausted(request):
                    return too_many(request, promo.wait(), promo=True)
        if has_token(request):
            misses = PageTokenMissThrottle()
            if misses.exhausted(request):
                return too_many(request, misses.wait())
        return None

    def _count_failure(self, request: HttpRequest, response: HttpResponse) -> None:
        match = request.resolver_match
        if match is None or match.namespace not in TOKEN_NAMESPACES:
            return
        if response.status_code == 404 and has_token(request):
            PageTokenMissThrottle().record(request)
        elif (
            response.status_code == 400
            and request.method == "POST"
            and match.view_name == "registrations:register"
            and request.POST.get(PROMO_FIELD, "").strip()
            and not response.streaming
            and PROMO_ERROR_MARKER in response.content
        ):
            PagePromoMissThrottle().record(request)


def too_many(request: HttpRequest, wait: float | None, *, promo: bool = False) -> HttpResponse:
    """The friendly 429 page, in the site's layout, with Retry-After."""
    seconds = int(wait or 60)
    if promo:
        explanation = _(
            "Too many promo codes were tried from your network. Please wait %(seconds)s "
            "seconds, or register without a promo code."
        ) % {"seconds": seconds}
    else:
        explanation = _(
            "Too many requests came from your network. Please wait %(seconds)s seconds and "
            "try again."
        ) % {"seconds": seconds}
    template = engines["django"].from_string(TOO_MANY)
    body = template.render(
        {"title": _("Please wait a moment"), "explanation": explanation}, request=request
    )
    response = HttpResponse(body, status=429)
    response["Retry-After"] = str(seconds)
    return response
