from django.urls import path

from payments import views

app_name = "payments"

urlpatterns = [
    # /payments/stripe/webhook/ for Stripe; one URL per registered provider.
    path("<str:provider>/webhook/", views.provider_webhook, name="webhook"),
    path("<str:token>/pay/", views.pay, name="pay"),
    path("<str:token>/card/", views.pay_with_card, name="card"),
    path("<str:token>/return/", views.pay_return, name="return"),
    path("<str:token>/receipt.pdf", views.receipt, name="receipt"),
    path("<str:token>/invoice.pdf", views.invoice, name="invoice"),
]
