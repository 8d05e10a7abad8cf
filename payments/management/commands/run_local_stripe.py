"""Development: run the local Stripe-compatible server and point its webhooks here."""

import subprocess
import sys
import time
from urllib.parse import urlparse

import requests
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Run localstripe on STRIPE_API_BASE's port and register this site's webhook."

    def handle(self, *args, **options) -> None:
        base = urlparse(settings.STRIPE_API_BASE)
        if base.hostname not in ("127.0.0.1", "localhost"):
            raise CommandError("STRIPE_API_BASE is not local: nothing to run.")
        port = base.port or 8420
        server = subprocess.Popen([sys.executable, "-m", "localstripe", "--port", str(port)])  # noqa: S603
        try:
            self._register_webhook(settings.STRIPE_API_BASE)
            server.wait()
        except KeyboardInterrupt:
            pass
        finally:
            server.terminate()

    def _register_webhook(self, base: str) -> None:
        url = f"{settings.SITE_URL}/payments/stripe/webhook/"
        for _ in range(100):
            try:
                requests.post(
                    f"{base}/_config/webhooks/local",
                    data={"url": url, "secret": settings.STRIPE_WEBHOOK_SECRET},
                    timeout=2,
                ).raise_for_status()
                self.stdout.write(f"local Stripe server at {base}, webhooks to {url}")
                return
            except requests.RequestException:
                time.sleep(0.2)
        raise CommandError("the local Stripe server did not start")
