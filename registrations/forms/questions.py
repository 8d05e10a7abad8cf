"""The organizer's questions as form fields (register and manage pages): one field per
question, named `q_<id>`, its value turned into the answer the service checks."""

from datetime import date
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from events.countries import COUNTRIES
from events.models import Question
from events.questions import TEXT_LIMITS

YES_NO = [("yes", _("Yes")), ("no", _("No"))]
PREFIX = "q_"


def question_field(question: Question, *, ticket_names: list[str]) -> forms.Field:
    """The field asking `question`. Required in the form only when every attendee is
    asked it; a question of some ticket types says so, and the service decides."""
    kind = question.kind
    help_parts = [question.help_text] if question.help_text else []
    if ticket_names:
        help_parts.append(_("For %(tickets)s.") % {"tickets": ", ".join(ticket_names)})
        if question.required:
            help_parts.append(_("Required for those tickets."))
    options = {
        "label": question.label,
        "required": question.required and not ticket_names,
        "help_text": " ".join(str(p) for p in help_parts),
    }
    if kind in TEXT_LIMITS:
        widget = forms.Textarea(attrs={"rows": 3}) if kind == Question.Kind.LONG_TEXT else None
        return forms.CharField(max_length=TEXT_LIMITS[kind], widget=widget, **options)
    if kind == Question.Kind.CHOICE:
        return forms.ChoiceField(
            choices=[(c, c) for c in question.choices], widget=forms.RadioSelect, **options
        )
    if kind == Question.Kind.MULTIPLE_CHOICE:
        return forms.MultipleChoiceField(
            choices=[(c, c) for c in question.choices],
            widget=forms.CheckboxSelectMultiple,
            **options,
        )
    if kind == Question.Kind.BOOLEAN:
        return forms.ChoiceField(choices=YES_NO, widget=forms.RadioSelect, **options)
    if kind == Question.Kind.DATE:
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **options)
    return forms.ChoiceField(
        choices=[("", _("Choose a country"))] + sorted(COUNTRIES.items(), key=lambda c: c[1]),
        **options,
    )


def add_question_fields(form: forms.Form, questions: list[Question], ticket_names: dict) -> None:
    """Add a field per question to `form`; `form.question_kinds` remembers their kinds."""
    form.question_kinds = {}
    for question in questions:
        names = [ticket_names[t.id] for t in question.ticket_types.all() if t.id in ticket_names]
        form.fields[f"{PREFIX}{question.id}"] = question_field(question, ticket_names=names)
        form.question_kinds[f"{PREFIX}{question.id}"] = question.kind


def answers_from(form: forms.Form, *, blanks: bool = False) -> dict[str, Any]:
    """The form's answers keyed by question id, as the service takes them; blanks left
    out, or given as "" (`blanks`: a change that clears them)."""
    answers: dict[str, Any] = {}
    for name, kind in getattr(form, "question_kinds", {}).items():
        value = form.cleaned_data.get(name)
        if value in (None, "", []):
            if blanks:
                answers[name.removeprefix(PREFIX)] = ""
            continue
        if kind == Question.Kind.BOOLEAN:
            value = value == "yes"
        elif isinstance(value, date):
            value = value.isoformat()
        answers[name.removeprefix(PREFIX)] = value
    return answers


def initial_answers(answers: dict[str, Any]) -> dict[str, Any]:
    """Stored answers as the fields' initial values."""
    initial = {}
    for key, value in answers.items():
        if isinstance(value, bool):
            value = "yes" if value else "no"
        initial[f"{PREFIX}{key}"] = value
    return initial
