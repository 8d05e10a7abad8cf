# The application image: web (gunicorn), Celery workers and beat all run from it; see
# compose.yaml and README.md, "Production". The commands are those of the Procfile.
FROM python:3.13-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    DATA_DIR=/app/data \
    DEBUG=0

WORKDIR /app

# DejaVu Sans for invoices and receipts (Latin, Greek, Cyrillic; INVOICE_FONT_DIR).
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

# Dependencies first, from pyproject.toml alone: this layer is rebuilt only when they change.
# (psycopg[binary], reportlab and the rest ship wheels: no compiler needed.)
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

# The local Stripe stand-in (a development dependency), only for compose's local-stripe
# profile: docker build --build-arg WITH_LOCAL_STRIPE=1.
ARG WITH_LOCAL_STRIPE=0
RUN if [ "$WITH_LOCAL_STRIPE" = "1" ]; then \
        python -c "import tomllib; print(next(d for d in tomllib.load(open('pyproject.toml', 'rb'))['project']['optional-dependencies']['dev'] if d.startswith('localstripe')))" > /tmp/requirements.txt \
        && pip install -r /tmp/requirements.txt && rm /tmp/requirements.txt; \
    fi

COPY . .

# Static files, hashed and compressed for whitenoise. Settings need a secret to load;
# this one exists only for the build and is never used to sign anything.
RUN SECRET_KEY=collectstatic-only DATA_DIR=/tmp/build-data \
        python manage.py collectstatic --noinput \
    && rm -rf /tmp/build-data

RUN useradd --create-home --uid 10001 app \
    && mkdir -p /app/data \
    && chown -R app:app /app/data
USER app

EXPOSE 8000

# Web by default; workers and beat override the command (compose.yaml):
#   celery -A config worker --queues celery
#   celery -A config worker --queues email
#   celery -A config beat
# gunicorn's own access log is off: the app logs one JSON line per request, tokens redacted.
CMD ["sh", "-c", "exec gunicorn config.wsgi --bind 0.0.0.0:${PORT:-8000} --workers ${WEB_CONCURRENCY:-3} --graceful-timeout 30"]
