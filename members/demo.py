"""Demo members (python manage.py seed_demo), named in the README so that a newcomer can
try the member price of the demo events."""

from datetime import date

from members.models import Member

# number, email, last name, valid until
DEMO_MEMBERS = [
    ("IHI-100001", "maria.lopez@example.org", "Lopez", date(2027, 12, 31)),
    ("IHI-100002", "james.chen@example.org", "Chen", date(2027, 12, 31)),
    ("IHI-100003", "priya.patel@example.org", "Patel", date(2027, 12, 31)),
    ("IHI-100004", "tom.baker@example.org", "Baker", date(2026, 6, 30)),  # lapsed
]


def seed_demo_members() -> None:
    """Create or refresh the demo members; a second run changes nothing."""
    for number, email, last_name, valid_until in DEMO_MEMBERS:
        values = {"email": email, "last_name": last_name, "valid_until": valid_until}
        member = Member.objects.filter(number=number).first()
        if member is None:
            Member.objects.create(number=number, **values)
        elif any(getattr(member, k) != v for k, v in values.items()):
            Member.objects.filter(pk=member.pk).update(**values)
