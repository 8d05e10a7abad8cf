from django.urls import path

from payments import session_fee_views, views

app_name = "payments"

urlpatterns = [
    # /payments/stripe/webhook/ for Stripe; one URL per registered provider.
    path("<str:provider>/webhook/", views.provider_webhook, name="webhook"),
    path("<str:token>/pay/", views.pay, name="pay"),
    # The fee of a session offered from its waiting list (the offer's token).
    path(
        "session-offers/<str:token>/pay/", session_fee_views.session_fee_pay, name="session_fee_pay"
    ),
    path(
        "session-offers/<str:token>/card/",
        session_fee_views.session_fee_card,
        name="session_fee_card",
    ),
    path(
        "session-offers/<str:token>/return/",
        session_fee_views.session_fee_return,
        name="session_fee_return",
    ),
    path("<str:token>/card/", views.pay_with_card, name="card"),
    path("<str:token>/return/", views.pay_return, name="return"),
    path("<str:token>/receipt.pdf", views.receipt, name="receipt"),
    path("<str:token>/invoice.pdf", views.invoice, name="invoice"),
]
