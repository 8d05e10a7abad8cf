"""Celery tasks of registrations: ids in, fetch, guard, call a service."""

from celery import shared_task

from registrations.services.registration import registrations_expire_lapsed


@shared_task(acks_late=True, ignore_result=True)
def expire_lapsed_holds() -> int:
    """Periodic (beat): record lapsed holds as expired and offer their seats onwards."""
    return registrations_expire_lapsed()
