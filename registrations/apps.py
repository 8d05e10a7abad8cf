from django.apps import AppConfig


class RegistrationsConfig(AppConfig):
    name = "registrations"
    verbose_name = "Registrations"

    def ready(self) -> None:
        from events.changes import on_schedule_change
        from events.questions import on_question_answered_check
        from registrations import capacity  # noqa: F401  (registers the seat counter)
        from registrations.messaging.notify import notify_schedule_changed
        from registrations.selectors import question_has_answers

        on_schedule_change(notify_schedule_changed)
        on_question_answered_check(question_has_answers)
