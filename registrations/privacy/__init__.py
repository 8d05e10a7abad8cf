"""Personal data of a registration's people: download (export) and erasure.

services.py holds the rules; api.py and views.py reach them by the registration's token.
"""
