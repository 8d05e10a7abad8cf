"""Django's PostgreSQL backend, with two cuts found by profiling a registration
(bench/profile_request.py, bench/server_cpu.py):

- **The health check asks the socket first.** With CONN_HEALTH_CHECKS, Django sends
  `SELECT 1` before the first query of every request: a round trip per request. A
  PostgreSQL that restarts, or ends the backend (`pg_terminate_backend`, an idle timeout),
  tells the client first (an error message, then the socket closes), so the socket of a
  connection that is gone becomes readable. While it is quiet, the connection is used as
  it is; when it is not (or is closed, or broken), the `SELECT 1` decides as before and a
  dead connection is replaced before the request uses it. A server that vanishes without
  a word (a machine that loses power) would not be seen by either until the request's
  query fails: that request gets a 503 (config.resilience) and the connection is dropped.
- **`prepared_cursor()`** gives a cursor that binds parameters on the server, so that
  psycopg prepares a statement once it has run it a few times on the connection
  (`prepare_threshold`, 5) and PostgreSQL stops planning it. Django's own cursors bind on
  the client (every statement is new to the server): right for the ORM's many shapes,
  wasteful for the hot statements of a registration: `registrations.capacity.seat_state`
  (planned in 2 ms, run in 0.1-0.4) and the event lock (`capacity.lock_event`).
"""

import select
from contextlib import suppress

from django.db.backends.postgresql import base
from django.db.backends.postgresql.operations import DatabaseOperations as _Operations


def server_quiet(connection) -> bool:
    """The server has sent nothing since its last answer (and the connection is open)."""
    if connection.closed or connection.broken:
        return False
    try:
        poller = select.poll()
        poller.register(connection.fileno(), select.POLLIN)
        return not poller.poll(0)
    except (OSError, ValueError, AttributeError):  # no poll() here: the full check decides
        return False


class DatabaseOperations(_Operations):
    def last_executed_query(self, cursor, sql, params):
        """A statement bound on the server (prepared_cursor) is logged and captured
        (assertNumQueries, CaptureQueriesContext) with its values written in, as Django
        shows its own statements, rather than with `$1` placeholders."""
        if isinstance(cursor, base.ServerBindingCursor) and params is not None:
            with suppress(Exception):  # only for display: else as Django would show it
                return self.compose_sql(sql, params)
        return super().last_executed_query(cursor, sql, params)


class DatabaseWrapper(base.DatabaseWrapper):
    ops_class = DatabaseOperations

    def close_if_health_check_failed(self) -> None:
        if (
            self.connection is not None
            and self.health_check_enabled
            and not self.health_check_done
            and server_quiet(self.connection)
        ):
            self.health_check_done = True
            return
        super().close_if_health_check_failed()

    def prepared_cursor(self):
        """A cursor (Django's wrapper, so query logging and execute_wrapper see it) that
        binds parameters on the server: psycopg prepares what it runs repeatedly."""
        self.close_if_health_check_failed()
        self.ensure_connection()
        with self.wrap_database_errors:
            return self._prepare_cursor(base.ServerBindingCursor(self.connection))
