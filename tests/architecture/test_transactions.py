"""Network calls stay out of database transactions: the guard that says so works."""

import pytest
from django.db import transaction

from config.transactions import outside_transactions


@pytest.mark.django_db(transaction=True)
def test_the_guard_refuses_a_call_inside_a_transaction():
    outside_transactions()  # autocommit: fine
    with transaction.atomic(), pytest.raises(RuntimeError):
        outside_transactions()


@pytest.mark.django_db(transaction=True)
def test_a_refund_sent_inside_a_transaction_is_refused():
    from payments.services.refund_sending import refund_submit

    with transaction.atomic(), pytest.raises(RuntimeError):
        refund_submit(refund_id=1)  # refused before it reads anything
