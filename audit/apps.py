from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "audit"
    verbose_name = "Audit log"

    def ready(self) -> None:
        # `events` imports no other app: it tells its listeners what organizers edited.
        from audit.services import audit_event_edited, audit_team_changed
        from events.changes import on_event_edited, on_team_changed

        on_event_edited(audit_event_edited)
        on_team_changed(audit_team_changed)
