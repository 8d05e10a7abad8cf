from django.apps import AppConfig


class RegistrationsConfig(AppConfig):
    name = "registrations"
    verbose_name = "Registrations"

    def ready(self) -> None:
        from events.changes import on_schedule_change
        from registrations import capacity  # noqa: F401  (registers the seat counter)
        from registrations.messaging.notify import notify_schedule_changed

        on_schedule_change(notify_schedule_changed)
