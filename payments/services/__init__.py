"""Payment writes, by sub-domain. Import from the module that owns each one:

- checkout.py:     the online payment of a registration (one intent, paid by card),
                   settling what the provider says was paid, cancelling stale intents
- webhooks.py:     taking in a provider's events, each at most once
- refunds.py:      refunds requested (organizer, policy, late payments); cancellation
                   with the policy's refund
- refund_sending.py: carrying a requested refund out at its provider, after commit
- intents.py:      cancelling intents nobody may pay any more
- offline.py:      money received for an invoice, recorded by the organizer

No function here calls a provider inside a database transaction: what must happen at the
provider is recorded first and carried out after commit (config.transactions).
"""
