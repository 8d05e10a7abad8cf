"""Organizer roles per event. The organizers list becomes EventRole, keeping its table and
rows: every existing organizer of an event becomes its `owner` (what they could do
before), so nobody loses access to an event they organized."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

ROLES = [
    ("owner", "Owner: everything, including the team"),
    ("finance", "Finance: refunds, payments, invoices, finance reports, exports"),
    ("registration", "Registration desk: attendees, exports, changes"),
    ("check_in", "Check-in: find, check in, print a badge"),
    ("viewer", "Viewer: read-only pages and stats"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("events", "0003_ce_calendar_reminders"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # The table Django made for the plain many-to-many, now described as a model.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="EventRole",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "event",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="roles",
                                to="events.event",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="event_roles",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "events_event_organizers",
                        "unique_together": {("event", "user")},
                    },
                ),
                migrations.AlterField(
                    model_name="event",
                    name="organizers",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="organized_events",
                        through="events.EventRole",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            database_operations=[],
        ),
        # Existing rows take the default: owner.
        migrations.AddField(
            model_name="eventrole",
            name="role",
            field=models.CharField(choices=ROLES, default="owner", max_length=12),
        ),
        migrations.AlterModelOptions(
            name="eventrole", options={"ordering": ["event", "role", "user"]}
        ),
        migrations.AlterModelTable(name="eventrole", table=None),
    ]
