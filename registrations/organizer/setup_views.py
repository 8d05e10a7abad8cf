"""The organizer's set-up pages: questions, team rates, the emails' wording, and the
institute's member list. Each parses a form, calls one service, and shows the outcome;
a refusal is shown on the form (400)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from events import questions as catalogue
from events.models import GroupRate, Question
from events.permissions import Perm
from members.importer import members_import
from members.selectors import members_count, user_can_import_members
from registrations.messaging.texts import (
    KIND_NAMES,
    PLACEHOLDERS,
    email_text_get,
    email_text_preview,
    email_text_set,
    kind_of,
)
from registrations.organizer.setup_forms import (
    EmailTextForm,
    GroupRateForm,
    MemberImportForm,
    QuestionForm,
)
from registrations.organizer.views import managed_event, organizer_required

PAGE_METHODS = ["GET", "HEAD", "POST"]


def _errors_onto(form, error: ValidationError) -> None:
    """A service's field errors on the form's fields; the rest on the form."""
    for key, messages_ in getattr(error, "message_dict", {"__all__": error.messages}).items():
        form.add_error(key if key in form.fields else None, messages_)


def _posted_id(request: HttpRequest, name: str) -> int:
    """The id of a row to remove, as posted; anything but a number is 404."""
    value = request.POST.get(name, "")
    if not value.isdigit():
        raise Http404
    return int(value)


def _add_or_remove(request: HttpRequest, event, form, *, page: str, remove, add, added: str):
    """The POST of a page that lists rows, adds one with `form` and removes one by its
    posted id: `remove()` removes (and says what it did), `add(**values)` adds. A redirect
    to `page` when done, or None when the form has errors (the page is shown again)."""
    if request.POST.get("action") == "remove":
        messages.success(request, remove())
        return redirect(page, slug=event.slug)
    if form.is_valid():
        try:
            add(**form.service_kwargs())
        except ValidationError as exc:
            _errors_onto(form, exc)
        else:
            messages.success(request, added)
            return redirect(page, slug=event.slug)
    return None


@organizer_required
@require_http_methods(PAGE_METHODS)
def questions_page(request: HttpRequest, slug: str) -> HttpResponse:
    event = managed_event(request, slug, Perm.EVENT)
    form = QuestionForm(request.POST if request.POST.get("action") == "add" else None, event=event)
    status = 200
    if request.method == "POST":

        def remove() -> str:
            question = get_object_or_404(Question, event=event, pk=_posted_id(request, "question"))
            if catalogue.question_remove(question=question):
                return _("The question was deleted.")
            return _("The question has answers: it is off the form, and its answers are kept.")

        done = _add_or_remove(
            request,
            event,
            form,
            page="organizer:questions",
            remove=remove,
            add=lambda **values: catalogue.question_create(event=event, **values),
            added=_("The question is on the registration form."),
        )
        if done:
            return done
        status = 400
    questions = event.questions.prefetch_related("ticket_types")
    context = {"event": event, "form": form, "questions": questions}
    return render(request, "registrations/organizer/questions.html", context, status=status)


@organizer_required
@require_http_methods(PAGE_METHODS)
def team_rates_page(request: HttpRequest, slug: str) -> HttpResponse:
    event = managed_event(request, slug, Perm.EVENT)
    form = GroupRateForm(request.POST if request.POST.get("action") == "add" else None, event=event)
    status = 200
    if request.method == "POST":

        def remove() -> str:
            rate = get_object_or_404(GroupRate, event=event, pk=_posted_id(request, "rate"))
            catalogue.group_rate_delete(rate=rate)
            return _("The team rate was removed.")

        done = _add_or_remove(
            request,
            event,
            form,
            page="organizer:team_rates",
            remove=remove,
            add=lambda **values: catalogue.group_rate_create(event=event, **values),
            added=_("The team rate applies from now on."),
        )
        if done:
            return done
        status = 400
    rates = event.group_rates.prefetch_related("ticket_types")
    context = {"event": event, "form": form, "rates": rates}
    return render(request, "registrations/organizer/team_rates.html", context, status=status)


@organizer_required
@require_http_methods(PAGE_METHODS)
def email_texts_page(request: HttpRequest, slug: str) -> HttpResponse:
    event = managed_event(request, slug, Perm.EVENT)
    name = request.POST.get("kind") or request.GET.get("kind") or "confirmation"
    if name not in KIND_NAMES:
        name = "confirmation"
    kind = kind_of(name).value
    status = 200
    if request.method == "POST":
        form = EmailTextForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                email_text_set(
                    event=event,
                    kind=kind,
                    subject=data["subject"],
                    intro=data["intro"],
                    closing=data["closing"],
                )
            except ValidationError as exc:
                _errors_onto(form, exc)
            else:
                messages.success(request, _("The wording is saved; the next emails use it."))
                url = reverse("organizer:email_texts", kwargs={"slug": event.slug})
                return redirect(f"{url}?kind={name}")
        status = 400
    else:
        text = email_text_get(event=event, kind=kind)
        form = EmailTextForm(
            initial={
                "kind": name,
                "subject": text.subject,
                "intro": text.intro,
                "closing": text.closing,
            }
        )
    context = {
        "event": event,
        "form": form,
        "kind": name,
        "kinds": list(KIND_NAMES),
        "placeholders": ["{" + p + "}" for p in PLACEHOLDERS],
        "preview": email_text_preview(event=event, kind=kind) if status == 200 else None,
    }
    return render(request, "registrations/organizer/email_texts.html", context, status=status)


@organizer_required
@require_http_methods(PAGE_METHODS)
def members_page(request: HttpRequest) -> HttpResponse:
    if not user_can_import_members(request.user):
        raise PermissionDenied
    form = MemberImportForm(request.POST or None, request.FILES or None)
    report, status = None, 200
    if request.method == "POST":
        if form.is_valid():
            try:
                report = members_import(
                    source=form.cleaned_data["file"], replace=form.cleaned_data["replace"]
                )
            except ValidationError as exc:
                _errors_onto(form, exc)
                status = 400
        else:
            status = 400
    context = {"form": form, "report": report, "count": members_count()}
    return render(request, "registrations/organizer/members.html", context, status=status)
