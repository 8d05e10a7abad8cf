"""The Celery app, configured from Django settings (namespace CELERY)."""

import os

from celery import Celery
from celery.signals import before_task_publish, setup_logging, task_postrun, task_prerun
from django.db import close_old_connections

from config.broker import use_for_redis_urls
from config.logging import (
    add_request_id_to_task_headers,
    clear_request_id_for_task,
    set_request_id_for_task,
)

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
use_for_redis_urls()  # one Redis client per channel, not one per message (config/broker.py)

app = Celery("config")
app.config_from_object("django.conf:settings", namespace="CELERY")
# Each installed app's tasks.py, and messaging's delivery tasks (a package of registrations).
app.autodiscover_tasks()
app.autodiscover_tasks(["registrations.messaging"])

# A task logs under the request id of the request that queued it (config/logging.py).
before_task_publish.connect(add_request_id_to_task_headers, weak=False)
task_prerun.connect(set_request_id_for_task, weak=False)
task_postrun.connect(clear_request_id_for_task, weak=False)


@task_prerun.connect(weak=False)
@task_postrun.connect(weak=False)
def database_connections_as_for_requests(task=None, **kwargs) -> None:
    """Around every task, database connections are kept or closed as Django does around
    requests (CONN_MAX_AGE, CONN_HEALTH_CHECKS), instead of Celery's reconnecting for each
    task (settings.CELERY_DB_REUSE_MAX): a new PostgreSQL backend for every email."""
    if task is not None and not task.request.is_eager:  # eager: inside the caller's transaction
        close_old_connections()


@setup_logging.connect(weak=False)
def use_django_logging(**kwargs) -> None:
    """Workers and beat log as the web processes do: settings.LOGGING (JSON lines)."""
    from logging.config import dictConfig

    from django.conf import settings

    dictConfig(settings.LOGGING)
