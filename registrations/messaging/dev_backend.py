"""Development email backend: each message as an .eml file a person can open."""

import re
import threading
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

_lock = threading.Lock()
_counter = 0


class EmlFileBackend(BaseEmailBackend):
    """Writes data/emails/<time>-<n>-<subject>.eml (open in any mail client or calendar)."""

    def send_messages(self, email_messages) -> int:
        global _counter
        folder = Path(settings.EMAIL_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        sent = 0
        for message in email_messages:
            with _lock:
                _counter += 1
                number = _counter
            slug = re.sub(r"[^A-Za-z0-9]+", "-", message.subject)[:60].strip("-")
            name = f"{timezone.now():%Y%m%d-%H%M%S-%f}-{number}-{slug}.eml"
            (folder / name).write_bytes(message.message().as_bytes())
            sent += 1
        return sent
