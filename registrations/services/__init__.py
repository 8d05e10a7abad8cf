"""Registration writes. Import from the sub-module that owns each one:

- registration.py: registration_create, registration_cancel, registration_confirm, holds
- attendees.py:    attendee_update (details, substitution), attendee_sessions_change
- waitlist.py:     waitlist_join, waitlist_offer_next, waitlist offers lapsing
- promo.py:        promo_code_create, promo_code_resolve
- money.py:        refunds recorded, late payments, the cancellation policy, flags
"""
