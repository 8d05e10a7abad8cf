import pytest

from tests.ce.helpers import CeEvent, make_ce_event


@pytest.fixture
def ce(db) -> CeEvent:
    return make_ce_event()
