"""Reads of the member list: whether a number entitles an attendee to a member rate."""

from datetime import date

from members.models import Member, normalize_number


def member_rate_refusal(*, number: str, email: str, last_name: str, on: date) -> str:
    """Why `number` does not give this person a member rate on `on`, or "" when it does:
    the number is on the list, valid through `on`, and its email or its last name is the
    attendee's (either matches: people change jobs or names, rarely both at once)."""
    member = Member.objects.filter(number=normalize_number(number)).first()
    if member is None:
        return "This member number is not on the member list."
    if member.valid_until < on:
        return f"This membership ended on {member.valid_until:%Y-%m-%d}, before the event."
    same_email = member.email and member.email.casefold() == email.strip().casefold()
    same_name = member.last_name and member.last_name.casefold() == last_name.strip().casefold()
    if not (same_email or same_name):
        return "This member number belongs to someone else: the email or last name must match."
    return ""


def members_count() -> int:
    return Member.objects.count()


def user_can_import_members(user) -> bool:
    """The member list is the institute's: superusers, and staff granted the permission."""
    return bool(
        user
        and user.is_authenticated
        and user.is_active
        and user.is_staff
        and (user.is_superuser or user.has_perm("members.import_members"))
    )
