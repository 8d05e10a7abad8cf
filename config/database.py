"""Database helpers for hot statements."""

from django.db import connection


def prepared_cursor():
    """A cursor whose statements PostgreSQL plans once per connection, not on every run
    (config.postgresql); elsewhere (SQLite in development) an ordinary cursor."""
    make = getattr(connection, "prepared_cursor", None)
    return make() if make is not None else connection.cursor()
