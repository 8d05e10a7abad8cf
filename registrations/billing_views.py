"""The attendee's page for the billing details of a registration (its private link)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from config.errors import Conflict
from finance.services.billing import billing_change
from registrations import selectors
from registrations.forms.base import service_errors_to_form
from registrations.forms.register import BillingForm


@require_http_methods(["GET", "HEAD", "POST"])
def billing_edit(request: HttpRequest, token: str) -> HttpResponse:
    registration = selectors.registration_by_token_or_404(token=token)
    form = BillingForm(
        request.POST if request.method == "POST" else None, initial=registration.billing
    )
    if request.method == "POST" and form.is_valid():
        try:
            billing_change(registration=registration, billing=form.to_input())
        except ValidationError as exc:
            service_errors_to_form(form, _unprefixed(exc))
        except Conflict as exc:
            messages.error(request, exc.detail)
            return redirect(registration)
        else:
            messages.success(request, _("The billing details have been saved."))
            return redirect(f"{registration.get_absolute_url()}#billing-heading")
    status = 400 if form.errors else 200
    context = {
        "registration": registration,
        "form": form,
        "invoiced": registration.invoices.exists(),
    }
    return render(request, "registrations/billing.html", context, status=status)


def _unprefixed(exc: ValidationError) -> ValidationError:
    """`billing.city` -> `city`, the form's own field names."""
    return ValidationError(
        {key.removeprefix("billing."): errors for key, errors in exc.error_dict.items()}
    )
