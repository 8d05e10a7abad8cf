"""What an audit entry takes from the HTTP request: the client's address."""

from ipaddress import ip_address

from django.conf import settings
from django.http import HttpRequest


def _valid(address: str) -> str | None:
    try:
        return str(ip_address(address.strip()))
    except ValueError:
        return None


def client_ip(request: HttpRequest) -> str | None:
    """The client's IP address: REMOTE_ADDR, or behind NUM_PROXIES trusted proxies the
    X-Forwarded-For entry the outermost of them appended (a client cannot forge that),
    the same client the rate limits see. None when that is not a valid address."""
    proxies = getattr(settings, "NUM_PROXIES", 0) or 0
    hops = [h.strip() for h in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    hops = [h for h in hops if h]
    if proxies > 0 and hops:
        return _valid(hops[-min(proxies, len(hops))])
    return _valid(request.META.get("REMOTE_ADDR", "") or "")
