"""The organizer workspace: dashboard, attendee list and exports, badges, check-in.

selectors.py  reads (attendee list and export querysets, rosters, venue needs)
stats.py      event stats for the dashboard and the stats API, one helper per section
services.py   writes (check-in at the door and in a session's room)
forms.py      input parsing shared by the pages and the API (filters, actions)
exports.py    CSV and XLSX writers; cells are neutralised so none runs as a formula
badges.py     the printable badge sheet (PDF); charts.py: server-side SVG charts
api.py, api_urls.py (under /api/v1/), views.py, urls.py (under /organizer/)
"""
