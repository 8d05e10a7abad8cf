"""Provider-neutral payments: a payment names any registered provider, and the record of
provider events already processed is no longer Stripe's (same rows, renamed)."""

from django.db import migrations, models

import payments.providers


class Migration(migrations.Migration):
    dependencies = [
        ("payments", "0001_initial"),
    ]

    operations = [
        migrations.RenameModel(old_name="StripeEvent", new_name="ProcessedProviderEvent"),
        migrations.AlterField(
            model_name="processedproviderevent",
            name="provider",
            field=models.CharField(max_length=20),
        ),
        migrations.AlterField(
            model_name="payment",
            name="provider",
            field=models.CharField(choices=payments.providers.provider_choices, max_length=20),
        ),
        migrations.AlterField(
            model_name="payment",
            name="provider_ref",
            field=models.CharField(
                blank=True,
                help_text="The provider's id of the intent (pi_… at Stripe).",
                max_length=100,
            ),
        ),
        migrations.AlterField(
            model_name="refund",
            name="status",
            field=models.CharField(
                choices=[
                    ("pending", "Requested"),
                    ("succeeded", "Succeeded"),
                    ("failed", "Failed"),
                ],
                default="pending",
                max_length=10,
            ),
        ),
    ]
