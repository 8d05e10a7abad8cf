"""The LOGGING setting: one JSON object per line (or plain text for a terminal), each with
the request id, tokens, email addresses and Stripe secrets redacted (config/logging.py
holds the filters and formatters). Kept apart from settings.py, which imports it."""


def logging_settings(*, log_format: str, level: str) -> dict:
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            "request_id": {"()": "config.logging.RequestIdFilter"},
            "redact": {"()": "config.logging.RedactFilter"},
        },
        "formatters": {
            "json": {"()": "config.logging.JsonFormatter"},
            "plain": {"()": "config.logging.PlainFormatter"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "plain" if log_format == "plain" else "json",
                "filters": ["request_id", "redact"],
            }
        },
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            # Django's defaults print some of these with their own handlers (full paths,
            # unredacted): everything goes through the one handler above instead.
            "django": {"handlers": [], "level": level, "propagate": True},
            "django.server": {"handlers": [], "level": level, "propagate": True},
            "django.db.backends": {"level": "WARNING"},
            "axes.apps": {"level": "WARNING"},  # its start-up banner on every command
            "gunicorn.error": {"handlers": [], "level": level, "propagate": True},
        },
    }
