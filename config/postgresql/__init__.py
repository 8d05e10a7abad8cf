"""Django's PostgreSQL backend with a cheaper health check and a prepared-statement cursor
(base.py). Settings select it for a `postgres://` DATABASE_URL."""
