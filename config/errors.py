"""Domain errors shared by every app.

Services raise these (named as nouns: SoldOut, SessionClash); the API maps them to
409 {"code", "detail"} in one place (config.api), the HTML views to a message.
Invalid input is django.core.exceptions.ValidationError, mapped to 400.
"""


class Conflict(Exception):
    """The request is well formed but the system's state refuses it."""

    code = "conflict"
    default_detail = "The request conflicts with the current state."

    def __init__(self, detail: str | None = None):
        self.detail = detail or self.default_detail
        super().__init__(self.detail)


class InvalidState(Conflict):
    code = "invalid_state"
    default_detail = "This action is not allowed in the current state."
