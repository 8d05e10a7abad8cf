"""Fixtures for the security tests."""

import ipaddress
import logging
import random

import pytest


@pytest.fixture
def ip() -> str:
    """A client address of the test's own (10.x.y.z), so the throttling counters, kept in
    the cache (a Redis that other runs may share), start from zero."""
    return str(ipaddress.IPv4Address((10 << 24) | random.getrandbits(24)))


@pytest.fixture
def other_ip(ip) -> str:
    address = ipaddress.IPv4Address(ip)
    return str(address + 1 if int(address) & 0xFF != 0xFF else address - 1)


class Records(logging.Handler):
    """Collects the log records that reach the root logger."""

    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def messages(self, logger: str = "") -> list[str]:
        return [r.getMessage() for r in self.records if r.name.startswith(logger)]


@pytest.fixture
def records():
    """Log records of the test (works with or without pytest's logging plugin)."""
    handler = Records()
    root = logging.getLogger()
    root.addHandler(handler)
    yield handler
    root.removeHandler(handler)
