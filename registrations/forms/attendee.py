"""An attendee's details as the register and manage pages take them, with the
continuing-education identifiers each profession's accreditor asks for."""

from django import forms
from django.utils.translation import gettext_lazy as _

from registrations.forms.base import PageForm
from registrations.forms.questions import answers_from
from registrations.models import Profession

CREDENTIAL_FIELDS = ("npi", "license_number", "license_state", "nabp_eprofile_id", "birth_mmdd")


class AttendeeDetailsForm(PageForm):
    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    email = forms.EmailField(label=_("Email"), max_length=254)
    organization = forms.CharField(label=_("Organization"), max_length=200, required=False)
    job_title = forms.CharField(label=_("Job title"), max_length=200, required=False)
    profession = forms.ChoiceField(
        label=_("Profession"),
        choices=[("", _("Choose (for continuing-education credit)"))] + Profession.choices,
        required=False,
    )
    member_number = forms.CharField(
        label=_("Member number"),
        max_length=40,
        required=False,
        help_text=_("Needed for member rates."),
    )
    dietary_needs = forms.CharField(label=_("Dietary needs"), max_length=300, required=False)
    accessibility_needs = forms.CharField(
        label=_("Accessibility needs"), max_length=300, required=False
    )
    # Continuing-education identifiers (registrations.ce.credentials checks them against
    # the profession): only what accreditors ask of that profession.
    npi = forms.CharField(
        label=_("NPI (physicians)"),
        max_length=10,
        required=False,
        help_text=_("10 digits; for CME credit."),
    )
    license_number = forms.CharField(
        label=_("Licence number (nurses)"), max_length=30, required=False
    )
    license_state = forms.CharField(
        label=_("Licence state (nurses)"),
        max_length=2,
        required=False,
        help_text=_("Two letters, e.g. MA."),
    )
    nabp_eprofile_id = forms.CharField(
        label=_("NABP e-Profile ID (pharmacists)"), max_length=10, required=False
    )
    birth_mmdd = forms.CharField(
        label=_("Birth month and day (pharmacists)"),
        max_length=4,
        required=False,
        help_text=_("MMDD, e.g. 0415: CPE Monitor asks for it."),
    )

    def credentials(self) -> dict[str, str]:
        return {
            name: self.cleaned_data[name]
            for name in CREDENTIAL_FIELDS
            if self.cleaned_data.get(name)
        }

    def service_changes(self) -> dict:
        """Keyword arguments of attendee_change for these details (and answers, when the
        form asks the event's questions: registrations.forms.questions)."""
        questions = getattr(self, "question_kinds", {})
        data = {
            k: v
            for k, v in self.cleaned_data.items()
            if k not in CREDENTIAL_FIELDS and k not in questions
        }
        if questions:
            data["answers"] = answers_from(self, blanks=True)
        return data | {"credentials": self.credentials()}


class AttendeeOwnDetailsForm(AttendeeDetailsForm):
    """The details an attendee changes from their own link: everything but the email.
    A new email hands the seat to another person: that is the buyer's decision."""

    email = None
