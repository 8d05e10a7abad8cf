"""Invoice documents, mounted at /registrations/ beside the attendee pages."""

from django.urls import path

from finance import views

app_name = "finance"

urlpatterns = [
    path("<str:token>/invoices/<str:number>.pdf", views.document, name="document"),
]
