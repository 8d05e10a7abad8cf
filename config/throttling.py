"""Rate limits per client IP, for the API (DRF throttles) and the HTML pages (middleware).

Scopes and their rates live in settings.THROTTLE_RATES (read on every request, so a test
can lower them); a scope missing there has no limit:

- `register`: registrations and waiting-list sign-ups created through the API;
- `token_lookup`: any API request addressed by a registration token;
- `token_miss`: requests for unknown tokens (404), API and pages together: guessing;
- `promo_miss`: registrations refused for their promo code, API and form together;
- `auth_failure`: organizer API requests with a wrong token;
- `register_page`: POSTs of the HTML registration and waiting-list forms;
- `find`: "find my registration" requests, API and form together (the emails are also
  limited per address: registrations.messaging.notify.notify_registration_links).

The throttles are DRF's DEFAULT_THROTTLE_CLASSES; each decides from the resolved URL
whether it applies, so the views need not know. Failures are counted after the fact:
`exception_handler` (DRF's EXCEPTION_HANDLER) records 404s and promo code refusals, and
answers 429 as `{"code": "throttled", "detail": ...}` with Retry-After.

The counters are in the cache; when it is unreachable, throttling fails open: the request
goes through and a warning is logged.
"""

import logging
import math
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication, get_authorization_header
from rest_framework.throttling import SimpleRateThrottle

from config.cache import CACHE_ERRORS, warn_cache_down

logger = logging.getLogger(__name__)

REGISTER_URL_NAMES = frozenset({"api-registration-create", "api-waitlist"})
FIND_URL_NAMES = frozenset({"api-registrations-find"})
PROMO_URL_NAMES = frozenset({"api-registration-create"})


def client_ip(request: HttpRequest) -> str:
    """The client's address: REMOTE_ADDR, or behind NUM_PROXIES trusted proxies the
    X-Forwarded-For entry the outermost of them appended (a client cannot forge that)."""
    remote_addr = request.META.get("REMOTE_ADDR", "") or ""
    proxies = getattr(settings, "NUM_PROXIES", 0) or 0
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies <= 0 or not forwarded:
        return remote_addr
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    return hops[-min(proxies, len(hops))] if hops else remote_addr


def _url_name(request) -> str | None:
    match = getattr(request, "resolver_match", None)
    return match.url_name if match else None


def has_token(request) -> bool:
    """The request is addressed by a registration (or offer) token in its URL."""
    match = getattr(request, "resolver_match", None)
    return bool(match and "token" in match.kwargs)


class RuleThrottle(SimpleRateThrottle):
    """A per-IP limit for one scope of settings.THROTTLE_RATES, applied where `applies`."""

    scope = ""

    def __init__(self) -> None:  # the rate is read per request, not once at import
        self.rate = self.get_rate()
        self.num_requests, self.duration = self.parse_rate(self.rate)

    def get_rate(self) -> str | None:
        return getattr(settings, "THROTTLE_RATES", {}).get(self.scope)

    @property
    def enabled(self) -> bool:
        return self.rate is not None

    def applies(self, request, view) -> bool:
        return True

    def get_cache_key(self, request, view=None) -> str:
        return self.cache_format % {"scope": self.scope, "ident": client_ip(request)}

    def allow_request(self, request, view) -> bool:
        if not self.enabled or not self.applies(request, view):
            return True
        try:
            return super().allow_request(request, view)
        except CACHE_ERRORS as exc:
            warn_cache_down(f"throttle {self.scope}", exc)
            return True

    def wait(self) -> float | None:
        """Seconds until the window holds fewer than `num_requests` entries again."""
        if not self.enabled or len(self.history) < self.num_requests:
            return None
        freed_at = self.history[self.num_requests - 1] + self.duration
        return max(1, math.ceil(freed_at - self.now))


class FailureThrottle(RuleThrottle):
    """Counts failures (recorded after a response) and refuses once `num_requests` of
    them fall within the window; requests that succeed never count."""

    def _load(self, request) -> None:
        self.key = self.get_cache_key(request)
        self.now = self.timer()
        history = self.cache.get(self.key, [])
        self.history = [t for t in history if t > self.now - self.duration]

    def exhausted(self, request) -> bool:
        if not self.enabled:
            return False
        try:
            self._load(request)
        except CACHE_ERRORS as exc:
            warn_cache_down(f"throttle {self.scope}", exc)
            return False
        return len(self.history) >= self.num_requests

    def record(self, request) -> None:
        if not self.enabled:
            return
        try:
            self._load(request)
            self.history.insert(0, self.now)
            self.cache.set(self.key, self.history, self.duration)
        except CACHE_ERRORS as exc:
            warn_cache_down(f"throttle {self.scope}", exc)

    def allow_request(self, request, view) -> bool:
        if not self.enabled or not self.applies(request, view):
            return True
        return not self.exhausted(request)


# --- The throttles of DEFAULT_THROTTLE_CLASSES --------------------------------------------


class RegisterThrottle(RuleThrottle):
    scope = "register"

    def applies(self, request, view) -> bool:
        return request.method == "POST" and _url_name(request) in REGISTER_URL_NAMES


class FindThrottle(RuleThrottle):
    scope = "find"

    def applies(self, request, view) -> bool:
        return request.method == "POST" and _url_name(request) in FIND_URL_NAMES


class TokenLookupThrottle(RuleThrottle):
    scope = "token_lookup"

    def applies(self, request, view) -> bool:
        return has_token(request)


class TokenMissThrottle(FailureThrottle):
    scope = "token_miss"

    def applies(self, request, view) -> bool:
        return has_token(request)


class PromoMissThrottle(FailureThrottle):
    """Refuses registrations that try a promo code once too many codes failed; without a
    code the buyer can still register."""

    scope = "promo_miss"

    def applies(self, request, view) -> bool:
        if request.method != "POST" or _url_name(request) not in PROMO_URL_NAMES:
            return False
        data = request.data
        return isinstance(data, dict) and bool(str(data.get("promo_code") or "").strip())


class AuthFailureThrottle(FailureThrottle):
    scope = "auth_failure"


class ThrottledTokenAuthentication(TokenAuthentication):
    """TokenAuthentication whose failures count per client IP: after too many wrong
    tokens the answer is 429, whatever token comes next, until the window has passed."""

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        limiter = AuthFailureThrottle()
        if limiter.exhausted(request):
            raise exceptions.Throttled(wait=limiter.wait())
        try:
            return super().authenticate(request)
        except exceptions.AuthenticationFailed:
            limiter.record(request)
            raise


# --- Counting failures, shaping 429 -------------------------------------------------------


def record_failure(request, status: int, data: Any = None) -> None:
    """Count a failed token lookup (404) or a refused promo code (400 on `promo_code`)."""
    if status == 404 and has_token(request):
        TokenMissThrottle().record(request)
    elif status == 400 and _url_name(request) in PROMO_URL_NAMES:
        errors = data.get("errors") if isinstance(data, dict) else None
        if isinstance(errors, dict) and "promo_code" in errors:
            PromoMissThrottle().record(request)


def exception_handler(exc: Exception, context: dict) -> Any:
    """config.api's handler, then: 429 as {"code": "throttled", "detail"}; failures counted."""
    # Imported here: config.api imports rest_framework.views, which imports the
    # authentication classes, ThrottledTokenAuthentication among them.
    from config.api import exception_handler as api_exception_handler

    response = api_exception_handler(exc, context)
    request = context.get("request")
    if response is None or request is None:
        return response
    if isinstance(exc, exceptions.Throttled):
        response.data = {"code": "throttled", "detail": str(exc.detail)}
    else:
        record_failure(request, response.status_code, getattr(response, "data", None))
    return response
