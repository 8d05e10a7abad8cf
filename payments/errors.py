"""Payment errors the views and the API map to answers (config.errors: 409 with a code)."""

from config.errors import Conflict


class PaymentUnavailable(Conflict):
    code = "payment_unavailable"
    default_detail = "The payment service cannot be reached just now. Please try again."
