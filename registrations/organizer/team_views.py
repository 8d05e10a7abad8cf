"""The team page of the organizer workspace: owners give, change and take away roles
(events.team does it, audited; events.permissions decides who may)."""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from config.errors import Conflict
from events.models import EventRole
from events.permissions import ROLE_PERMISSIONS, Perm
from events.team import team_member_remove, team_member_set, team_of
from registrations.organizer.views import managed_event, organizer_required


class TeamMemberForm(forms.Form):
    username = forms.CharField(label=gettext_lazy("Username"), max_length=150)
    role = forms.ChoiceField(label=gettext_lazy("Role"), choices=EventRole.Role.choices)


def _role_rows() -> list[dict]:
    """The table of what each role may do, for the page."""
    return [
        {"role": label, "perms": [p.value for p in Perm if p in ROLE_PERMISSIONS[value]]}
        for value, label in EventRole.Role.choices
    ]


@organizer_required
@require_http_methods(["GET", "HEAD", "POST"])
def team_page(request: HttpRequest, slug: str) -> HttpResponse:
    event = managed_event(request, slug, Perm.TEAM)
    form = TeamMemberForm()
    status = 200
    if request.method == "POST":
        if request.POST.get("action") == "remove":
            try:
                team_member_remove(event=event, username=request.POST.get("username", ""))
            except EventRole.DoesNotExist:
                messages.error(request, _("This person is not in the team."))
            except Conflict as exc:
                messages.error(request, exc.detail)
            else:
                messages.success(request, _("Removed from the team."))
            return redirect("organizer:team", slug=event.slug)
        form = TeamMemberForm(request.POST)
        if form.is_valid():
            try:
                team_member_set(event=event, **form.cleaned_data)
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            except Conflict as exc:
                form.add_error(None, exc.detail)
            else:
                messages.success(request, _("The team has been updated."))
                return redirect("organizer:team", slug=event.slug)
        status = 400
    context = {
        "event": event,
        "form": form,
        "members": team_of(event=event),
        "roles": EventRole.Role.choices,
        "role_rows": _role_rows(),
        "perm_names": [p.value for p in Perm],
    }
    return render(request, "registrations/organizer/team.html", context, status=status)
