"""Personal data of a registration's people: download (export) and erasure.

people.py   who the data is about and where else it is held (waiting list, emails);
            the placeholder addresses of erased people
export.py   personal_data_export: everything held, as a JSON-ready document
erasure.py  registration_erase: placeholders in, the records law and accreditors require kept
api.py, views.py  reach them by the registration's secret token (the attendee's own link)
"""
