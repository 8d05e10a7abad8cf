"""The floor for bench/rush.py: the least a registration can cost through the same stack.

A minimal Django WSGI app (same gunicorn, same PostgreSQL) whose one view does a
conditional `UPDATE ... SET sold = sold + 1 WHERE sold < capacity` and one INSERT, in one
transaction, and answers 201 or 409 in JSON.
"""

import os

import django
from django.conf import settings

if not settings.configured:
    import environ

    settings.configure(
        DEBUG=False,
        SECRET_KEY="bench-floor",  # noqa: S106 - a local benchmark
        ALLOWED_HOSTS=["*"],
        ROOT_URLCONF=__name__,
        # Persistent connections, as the project's: the floor pays no connection per request.
        DATABASES={
            "default": environ.Env().db_url_config(os.environ["DATABASE_URL"])
            | {"CONN_MAX_AGE": 600}
        },
        INSTALLED_APPS=[],
        MIDDLEWARE=[],
        USE_TZ=True,
    )
    django.setup()

from django.core.handlers.wsgi import WSGIHandler  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.http import JsonResponse  # noqa: E402
from django.urls import path  # noqa: E402
from django.views.decorators.csrf import csrf_exempt  # noqa: E402

SCHEMA = """
CREATE TABLE IF NOT EXISTS floor_inventory (id int PRIMARY KEY, sold int NOT NULL, capacity int NOT NULL);
CREATE TABLE IF NOT EXISTS floor_registration (id bigserial PRIMARY KEY, body text, created_at timestamptz DEFAULT now());
"""


def reset(capacity: int) -> None:
    with connection.cursor() as cursor:
        cursor.execute(SCHEMA)
        cursor.execute("TRUNCATE floor_registration")
        cursor.execute("DELETE FROM floor_inventory")
        cursor.execute("INSERT INTO floor_inventory VALUES (1, 0, %s)", [capacity])


@csrf_exempt
def register(request, slug: str):
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            "UPDATE floor_inventory SET sold = sold + 1 WHERE id = 1 AND sold < capacity"
        )
        if cursor.rowcount == 0:
            return JsonResponse({"code": "sold_out"}, status=409)
        cursor.execute(
            "INSERT INTO floor_registration (body) VALUES (%s) RETURNING id",
            [request.body.decode()],
        )
        registration_id = cursor.fetchone()[0]
    return JsonResponse({"id": registration_id}, status=201)


def hello(request):
    return JsonResponse({"ok": True})


urlpatterns = [
    path("api/v1/events/<slug:slug>/registrations/", register),
    path("api/v1/events/", hello),
]

application = WSGIHandler()
