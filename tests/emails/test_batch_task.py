"""The emails of a new registration travel as one task; one that fails for a passing
reason goes on alone, with its own retries, and does not hold the others back."""

from registrations.messaging import tasks
from registrations.messaging.delivery import TransientEmailError


def test_a_transient_failure_is_handed_to_the_single_message_task(monkeypatch):
    delivered, handed_on = [], []

    def deliver(*, message_id):
        if message_id == 2:
            raise TransientEmailError("SMTP server busy")
        delivered.append(message_id)

    monkeypatch.setattr(tasks, "outbox_deliver", deliver)
    monkeypatch.setattr(tasks.send_outbox_message, "delay", handed_on.append)
    tasks.send_outbox_messages([1, 2, 3])
    assert delivered == [1, 3]
    assert handed_on == [2]
