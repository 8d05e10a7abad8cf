"""Periodic chores of registrations (Celery beat): ids in or none, then one service call.

Delivering emails is messaging's (registrations.messaging.tasks); these decide what
happens and whom to tell.
"""

from celery import shared_task

from registrations.messaging.notify import notify_expiring_holds, notify_reminders
from registrations.services.upkeep import registrations_expire_lapsed
from registrations.services.waitlist import waitlist_offers_pass_on


@shared_task(acks_late=True, ignore_result=True)
def expire_lapsed_holds() -> int:
    """Periodic (beat): record lapsed holds as expired and offer their seats onwards."""
    return registrations_expire_lapsed()


@shared_task(acks_late=True, ignore_result=True)
def send_reminders() -> int:
    """Periodic: the reminder a configurable number of days before each event."""
    return notify_reminders()


@shared_task(acks_late=True, ignore_result=True)
def warn_expiring_holds() -> int:
    """Periodic: tell buyers whose seat hold ends soon."""
    return notify_expiring_holds()


@shared_task(acks_late=True, ignore_result=True)
def pass_on_waitlist_offers() -> int:
    """Periodic: lapsed waiting-list offers closed, their seats offered to the next in line."""
    return waitlist_offers_pass_on()
