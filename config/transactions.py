"""Keeping network calls out of database transactions.

A provider or SMTP call inside a transaction holds row locks and a connection for as long
as the other side takes, and a rollback after it acted forgets what it did. Functions that
call out say so with `outside_transactions()`; the transactions that must not be nested
in another say `transaction.atomic(durable=True)`.
"""

from django.db import connection


def outside_transactions() -> None:
    """Raise RuntimeError when called inside a database transaction (a test case's own
    wrapping transaction excepted, as Django's durable atomic blocks allow it)."""
    blocks = connection.atomic_blocks
    if blocks and not all(getattr(block, "_from_testcase", False) for block in blocks):
        raise RuntimeError("A network call must not run inside a database transaction.")
