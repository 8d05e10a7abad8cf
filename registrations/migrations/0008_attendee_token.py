"""Each attendee gets a secret link of their own: a token per existing attendee (each its
own random value), then unique and required. Registrations are found by the buyer's
address ("find my registration")."""

import secrets

from django.db import migrations, models

import registrations.models


def fill_tokens(apps, schema_editor):
    Attendee = apps.get_model("registrations", "Attendee")
    for attendee in Attendee.objects.filter(token__isnull=True).only("pk").iterator():
        Attendee.objects.filter(pk=attendee.pk).update(token=secrets.token_urlsafe(32))


class Migration(migrations.Migration):
    dependencies = [("registrations", "0007_outbox_claims")]

    operations = [
        migrations.AddField(
            model_name="attendee",
            name="token",
            field=models.CharField(max_length=64, null=True, editable=False),
        ),
        migrations.RunPython(fill_tokens, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="registration",
            index=models.Index(fields=["buyer_email"], name="registration_buyer_email_idx"),
        ),
        migrations.AlterField(
            model_name="attendee",
            name="token",
            field=models.CharField(
                default=registrations.models.new_token, editable=False, max_length=64, unique=True
            ),
        ),
    ]
