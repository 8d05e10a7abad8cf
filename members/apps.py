from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = "Members"

    def ready(self) -> None:
        # The demo's members come with `seed_demo` (events imports no other app).
        from events.demo import on_seed_demo
        from members.demo import seed_demo_members

        on_seed_demo(seed_demo_members)
