from django.urls import path

from payments import views

app_name = "payments"

urlpatterns = [
    path("stripe/webhook/", views.stripe_webhook, name="stripe_webhook"),
    path("<str:token>/pay/", views.pay, name="pay"),
    path("<str:token>/card/", views.pay_with_card, name="card"),
    path("<str:token>/return/", views.pay_return, name="return"),
    path("<str:token>/receipt.pdf", views.receipt, name="receipt"),
    path("<str:token>/invoice.pdf", views.invoice, name="invoice"),
]
