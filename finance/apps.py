from django.apps import AppConfig


class FinanceConfig(AppConfig):
    name = "finance"
    verbose_name = "Invoices and finance"
    default_auto_field = "django.db.models.BigAutoField"
