from django.apps import AppConfig


class RegistrationsConfig(AppConfig):
    name = "registrations"
    verbose_name = "Registrations"

    def ready(self) -> None:
        from registrations import capacity  # noqa: F401  (registers the seat counter)
