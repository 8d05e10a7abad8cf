"""What every form of the attendee pages shares: labels without a colon, a service's
errors put on the fields they name, and fields copied for each form without deepcopy."""

import copy

from django import forms
from django.core.exceptions import ValidationError

_FIELD_COPIES = {forms.Field.__deepcopy__, forms.ChoiceField.__deepcopy__}
_WIDGET_COPIES = {forms.Widget.__deepcopy__, forms.widgets.ChoiceWidget.__deepcopy__}


def field_copy(field: forms.Field) -> forms.Field:
    """What `copy.deepcopy(field)` makes of a field (Django's Field, ChoiceField, Widget
    and ChoiceWidget `__deepcopy__`: the field and its widget copied, their attrs, error
    messages, validators and choices lists their own; labels, which deepcopy shares too,
    shared), without deepcopy's memo and dispatch for each. A field or widget that
    copies itself otherwise is deep-copied."""
    widget = field.widget
    if (
        type(field).__deepcopy__ not in _FIELD_COPIES
        or type(widget).__deepcopy__ not in _WIDGET_COPIES
        or not isinstance(getattr(field, "_choices", []), list)
    ):
        return copy.deepcopy(field)
    result = copy.copy(field)
    result.widget = copy.copy(widget)
    result.widget.attrs = widget.attrs.copy()
    if type(widget).__deepcopy__ is forms.widgets.ChoiceWidget.__deepcopy__:
        result.widget.choices = copy.copy(widget.choices)
    result.error_messages = field.error_messages.copy()
    result.validators = field.validators[:]
    if "_choices" in field.__dict__:  # a group's own list of choices is copied too
        result._choices = [
            choice if not isinstance(choice[1], list | tuple) else copy.deepcopy(choice)
            for choice in field._choices
        ]
    return result


class _Fields(dict):
    """A form class's fields, which each form copies field by field (field_copy): on the
    purchase pages, deepcopy of the fields was 6 % of the CPU (17 forms a purchase;
    bench/profile_request.py purchase, `copy.deepcopy` under `BaseForm.__init__`)."""

    def __deepcopy__(self, memo) -> dict:
        return {name: field_copy(field) for name, field in self.items()}


class PageForm(forms.Form):
    """A form of these pages: labels without a trailing colon; services' errors placed."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        cls = type(self)
        if not isinstance(cls.__dict__.get("base_fields"), _Fields):
            cls.base_fields = _Fields(cls.base_fields)
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
