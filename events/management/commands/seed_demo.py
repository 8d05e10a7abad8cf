from django.core.management.base import BaseCommand

from events.demo import seed_demo


class Command(BaseCommand):
    help = "Create the demo events (idempotent: running it twice changes nothing)."

    def handle(self, *args, **options) -> None:
        for event in seed_demo():
            self.stdout.write(f"{event.name}: {self.style.SUCCESS(event.get_absolute_url())}")
