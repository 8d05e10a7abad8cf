"""The outbox's kinds live in registrations.messaging (a callable, so a new kind takes no
migration); the buyer's invoice email, sent before as an order confirmation, is its own
kind."""

from django.db import migrations, models

import registrations.messaging.models


def invoice_emails_their_own_kind(apps, schema_editor):
    OutboxMessage = apps.get_model("registrations", "OutboxMessage")
    OutboxMessage.objects.filter(
        kind="order_confirmation", dedupe_key__startswith="invoice:"
    ).update(kind="invoice")


def invoice_emails_back(apps, schema_editor):
    OutboxMessage = apps.get_model("registrations", "OutboxMessage")
    OutboxMessage.objects.filter(kind="invoice").update(kind="order_confirmation")


class Migration(migrations.Migration):
    dependencies = [
        ("registrations", "0004_seat_tally"),
    ]

    operations = [
        migrations.AlterField(
            model_name="outboxmessage",
            name="kind",
            field=models.CharField(
                choices=registrations.messaging.models.kind_choices, max_length=30
            ),
        ),
        migrations.RunPython(invoice_emails_their_own_kind, invoice_emails_back),
    ]
