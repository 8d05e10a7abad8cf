"""Building registration bodies for the API tests."""

from itertools import count

from finance.billing import BillingInput

_seq = count(1)


def attendee(ticket_type, sessions=(), **overrides) -> dict:
    n = next(_seq)
    return {
        "ticket_type": ticket_type.id if hasattr(ticket_type, "id") else ticket_type,
        "first_name": f"Ada{n}",
        "last_name": "Ng",
        "email": f"ada{n}@example.org",
        "organization": "Mercy General",
        "job_title": "Charge Nurse",
        "profession": "nurse",
        "sessions": [s.id if hasattr(s, "id") else s for s in sessions],
    } | overrides


BILLING = {
    "organization": "Mercy General Hospital",
    "email": "ap@mercy.example.org",
    "address_line1": "1 Hospital Way",
    "city": "Boston",
    "region": "MA",
    "postal_code": "02115",
    "country": "US",
    "po_number": "PO-4711",
}


# The same, as the registration services take them.
BILLING_INPUT = BillingInput(**BILLING)


def body(*attendees: dict, **overrides) -> dict:
    """A registration body; paid by invoice, with billing details unless given."""
    data = {
        "buyer": {"first_name": "Ada", "last_name": "Ng", "email": "buyer@example.org"},
        "attendees": list(attendees),
        "payment_method": "card",
    } | overrides
    if data["payment_method"] == "invoice" and "billing" not in overrides:
        data["billing"] = BILLING
    return data


def register(client, event, payload):
    return client.post(f"/api/v1/events/{event.slug}/registrations/", payload, format="json")


def run_beat_schedule() -> None:
    """Run every periodic task of the beat schedule (settings.CELERY_BEAT_SCHEDULE) once,
    as beat does when each is due; in unit tests tasks run in-process. The real beat
    process is tested in tests/integration/test_waitlist_sweep.py."""
    from importlib import import_module

    from django.conf import settings

    from config.celery import app

    for entry in settings.CELERY_BEAT_SCHEDULE.values():
        import_module(entry["task"].rpartition(".")[0])
        app.tasks[entry["task"]].delay()
