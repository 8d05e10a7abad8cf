"""Input parsing for the attendee pages: the group registration form, attendee changes,
session swaps and the waiting list. Import from the sub-module that owns each one:

- menu.py:     the catalogue as the forms show it (Menu, registration_menu)
- base.py:     PageForm, the base of every form here, and service_errors_to_form
- attendee.py: an attendee's details and continuing-education identifiers
- register.py: the register page (buyer, attendee blocks as a formset, order)
- manage.py:   the manage page's session swap
- waitlist.py: joining an event's waiting list

No business rules live here: the forms check the shape of the input (required fields,
email syntax, known choices) and turn it into the services' inputs; the services decide
everything else (members-only rates, clashes, capacity), and their errors are put back
on the fields they name.
"""
