"""Fixtures for the operations tests."""

import io
import json
import logging

import pytest

from config.logging import JsonFormatter


class Lines:
    """What the configured console handler wrote, one JSON object per line."""

    def __init__(self, stream: io.StringIO) -> None:
        self.stream = stream

    def all(self) -> list[dict]:
        return [json.loads(line) for line in self.stream.getvalue().splitlines() if line]

    def of(self, logger: str) -> list[dict]:
        return [line for line in self.all() if line["logger"] == logger]

    @property
    def text(self) -> str:
        return self.stream.getvalue()


@pytest.fixture
def log_lines():
    """The log output as production writes it: settings.LOGGING's console handler (its
    filters and the JSON formatter), written to a buffer for the test."""
    [handler] = [h for h in logging.getLogger().handlers if h.get_name() == "console"]
    stream = io.StringIO()
    previous_stream = handler.setStream(stream)
    previous_formatter = handler.formatter
    if not isinstance(previous_formatter, JsonFormatter):  # LOG_FORMAT=plain in this shell
        handler.setFormatter(JsonFormatter())
    yield Lines(stream)
    handler.setStream(previous_stream)
    handler.setFormatter(previous_formatter)


class Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def records():
    """The records reaching the root logger, before any handler's filters (as caplog)."""
    handler = Records()
    root = logging.getLogger()
    root.addHandler(handler)
    yield handler.records
    root.removeHandler(handler)
