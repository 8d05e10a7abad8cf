"""What every form of the attendee pages shares: labels without a colon, and a
service's errors put on the fields they name."""

from django import forms
from django.core.exceptions import ValidationError


class PageForm(forms.Form):
    """A form of these pages: labels without a trailing colon; services' errors placed."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)

    def add_service_error(self, field: str | None, messages: list[str]) -> None:
        """Put a service's error on `field`, or on the form when it shows no such field."""
        visible = field in self.fields and not self.fields[field].widget.is_hidden
        self.add_error(field if visible else None, messages)


def service_errors_to_form(form: forms.Form, error: ValidationError) -> None:
    """A service's errors on a single form: known field keys on the field, the rest on top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for key, errors in error.error_dict.items():
        messages = [message for item in errors for message in item.messages]
        if key.startswith("answers."):  # answers.12 -> the question's field, q_12
            key = "q_" + key.removeprefix("answers.")
        form.add_service_error(None if key == "__all__" else key, messages)
