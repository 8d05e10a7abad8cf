"""The organizer's finance page: the event's money figures (finance.report) and the
invoice register's downloads."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from events.permissions import Perm
from finance.report import finance_report
from payments.services.fees import payment_fees_collect
from registrations.organizer.views import GET_ONLY, managed_event, organizer_required


@organizer_required
@require_http_methods(GET_ONLY)
def finance_page(request: HttpRequest, slug: str) -> HttpResponse:
    event = managed_event(request, slug, Perm.MONEY)
    payment_fees_collect(event_id=event.pk)
    links = {
        name.replace("-", "_"): reverse(f"api-org-{name}", kwargs={"slug": event.slug})
        for name in ("finance", "invoices-csv", "invoices-xlsx")
    }
    context = {"event": event, "report": finance_report(event=event), "links": links}
    return render(request, "registrations/organizer/finance.html", context)
