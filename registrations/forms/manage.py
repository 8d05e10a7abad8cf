"""The manage page's session swap: an attendee's sessions, changed after registering."""

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from registrations.forms.base import PageForm
from registrations.forms.menu import Menu, SessionOption, chosen_values


class SessionSwapForm(PageForm):
    def service_changes(self) -> dict:
        return dict(self.cleaned_data)

    sessions = forms.TypedMultipleChoiceField(
        label=_("Sessions"),
        coerce=int,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, menu: Menu, chosen: list[int], **kwargs):
        kwargs.setdefault("initial", {"sessions": chosen})
        super().__init__(*args, **kwargs)
        self.menu = menu
        self.already_chosen = set(chosen)
        self.fields["sessions"].choices = [(s.id, s.title) for s in menu.sessions]

    @property
    def session_days(self) -> list[tuple[date, list[tuple[SessionOption, bool, bool]]]]:
        """A full session stays choosable for who already has a seat in it."""
        chosen = chosen_values(self["sessions"].value())
        rows = []
        for day, options in self.menu.days:
            row = []
            for s in options:
                disabled = s.full and s.id not in self.already_chosen
                row.append((s, str(s.id) in chosen and not disabled, disabled))
            rows.append((day, row))
        return rows
