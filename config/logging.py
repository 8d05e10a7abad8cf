"""Structured logs: one JSON object per line, a request id on every line, no secrets.

- `request_id_var` holds the id of the request (or task) being handled; the middleware
  (config.middleware.RequestIdMiddleware) sets it per request, the Celery signal handlers
  below carry it from the request that queued a task into the worker that runs it.
- `RequestIdFilter` puts it on every record; `RedactFilter` takes registration and
  waiting-list tokens out of URL paths (`/registrations/[token]/`), email addresses and
  Stripe secrets out of messages, paths and tracebacks. Both are attached to the handler
  in settings.LOGGING, so they see records of every logger, Django's `django.request`
  (which logs 4xx/5xx with the full path) included.
- `JsonFormatter` writes time, level, logger, message, request_id and, for requests,
  method, path, status and duration_ms.
"""

import json
import logging
import re
from contextvars import ContextVar, Token
from datetime import UTC, datetime
from typing import Any

request_id_var: ContextVar[str | None] = ContextVar("request_id", default=None)

# A path segment after these prefixes is a secret token, except the keywords of the
# routes that share the prefix (register/, waitlist/, waitlist/sessions/, find/,
# stripe/webhook/); attendees' own links too (/registrations/attendee/, /api/v1/attendees/). Organizer URLs
# carry a registration's reference there, and admin URLs a model's name: neither is a
# secret, they are left alone.
_TOKEN_PATH = re.compile(
    r"(?P<keep>/admin|/organizer(?:/events/[^/\s?#]+)?)?"
    r"(?P<lead>/api/v1/attendees/|(?:/api/v1)?/(?:registrations/(?:waitlist/(?:sessions/)?|attendee/)?|payments/))"
    r"(?P<token>[^/?#&\s\"'<>]+)"
)
_NOT_TOKENS = frozenset({"register", "waitlist", "stripe", "find", "[token]"})
_TOKEN_PARAM = re.compile(r"(?P<lead>[?&](?:offer|token|client_secret)=)[^&#\s\"'<>]+")
_EMAIL = re.compile(r"[\w.+'-]+(?:@|%40)[\w-]+(?:\.[\w-]+)+")
_STRIPE_SECRET = re.compile(
    r"\b(?:(?:pi|seti)_\w+_secret_\w+|(?:sk|rk)_(?:live|test)_\w+|whsec_\w+)"
)

# Attributes a record may carry (as `extra`) that the JSON line shows.
REQUEST_FIELDS = ("method", "path", "status", "duration_ms")
EXTRA_FIELDS = ("task_id", "task_name")


def _token_path(match: re.Match) -> str:
    if match["keep"] or match["token"] in _NOT_TOKENS:
        return match[0]
    return f"{match['lead']}[token]"


def redact(text: str) -> str:
    """`text` without registration/offer tokens, email addresses or Stripe secrets."""
    if not text:
        return text
    text = _TOKEN_PATH.sub(_token_path, text)
    text = _TOKEN_PARAM.sub(r"\g<lead>[token]", text)
    text = _STRIPE_SECRET.sub("[secret]", text)
    return _EMAIL.sub("[email]", text)


def _request_of(record: logging.LogRecord):
    """The HttpRequest that Django's loggers (django.request, django.security) attach."""
    from django.http import HttpRequest

    request = getattr(record, "request", None)
    return request if isinstance(request, HttpRequest) else None


def request_id_of(record: logging.LogRecord) -> str | None:
    """The id of the request or task the record comes from.

    Django logs a request's 4xx/5xx (`django.request`) after the middleware has
    finished, so the id is also taken from the request the record carries.
    """
    request = _request_of(record)
    return request_id_var.get() or getattr(request, "request_id", None)


class RequestIdFilter(logging.Filter):
    """Adds `request_id` (None outside a request or task) to every record."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "request_id", None) is None:
            record.request_id = request_id_of(record)
        return True


class RedactFilter(logging.Filter):
    """Redacts the message (with its arguments), the path and the traceback of a record.

    The message is formatted here once and its arguments dropped, so no handler or
    formatter downstream can print an argument unredacted.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a bad format string: keep what there is, redacted
            message = f"{record.msg} {record.args}"
        record.msg = redact(message)
        record.args = ()
        request = _request_of(record)
        if request is not None:
            record.method = request.method
            record.path = redact(request.path)
        elif isinstance(getattr(record, "path", None), str):
            record.path = redact(record.path)
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


class JsonFormatter(logging.Formatter):
    """One JSON object per line."""

    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": redact(record.getMessage()),
            "request_id": getattr(record, "request_id", None) or request_id_of(record),
        }
        request = _request_of(record)
        if request is not None:
            line["method"] = request.method
            line["path"] = redact(request.path)
        if getattr(record, "status_code", None) is not None:  # django.request
            line["status"] = record.status_code
        for name in REQUEST_FIELDS + EXTRA_FIELDS:
            value = getattr(record, name, None)
            if value is not None:
                line[name] = redact(value) if isinstance(value, str) else value
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            line["exception"] = redact(record.exc_text)
        if record.stack_info:
            line["stack"] = redact(record.stack_info)
        return json.dumps(line, default=str, ensure_ascii=False)


class PlainFormatter(logging.Formatter):
    """For people reading a terminal (LOG_FORMAT=plain): time, level, request id, message."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        if getattr(record, "request_id", None) is None:
            record.request_id = request_id_of(record)
        return redact(super().format(record))


# --- Celery: the request id travels with the task -----------------------------------------

HEADER = "request_id"
_task_tokens: dict[str, Token] = {}


def add_request_id_to_task_headers(headers: dict | None = None, **kwargs: Any) -> None:
    """before_task_publish: the publishing request's id goes along in the message headers."""
    request_id = request_id_var.get()
    if request_id and headers is not None and HEADER not in headers:
        headers[HEADER] = request_id


def set_request_id_for_task(task_id: str | None = None, task: Any = None, **kwargs: Any) -> None:
    """task_prerun: the worker logs under the id of the request that queued the task.

    A task run in-process (eager) keeps the caller's id when it has none of its own.
    """
    request = getattr(task, "request", None)
    request_id = getattr(request, HEADER, None) or (getattr(request, "headers", None) or {}).get(
        HEADER
    )
    if task_id:
        _task_tokens[task_id] = request_id_var.set(request_id or request_id_var.get())


def clear_request_id_for_task(task_id: str | None = None, **kwargs: Any) -> None:
    """task_postrun: back to what was there before the task (None in a worker)."""
    token = _task_tokens.pop(task_id, None) if task_id else None
    if token is None:
        return
    try:
        request_id_var.reset(token)
    except ValueError:  # set in another context (another thread): just clear
        request_id_var.set(None)
