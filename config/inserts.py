"""`insert_new(objects)`: new rows of one model in one prepared INSERT ... RETURNING id.

What `bulk_create` does for the registration path, without building and compiling the
statement each time: a free registration spent 1.9 ms of its 5.2 ms of Python CPU in
three inserts (the registration, its attendees, its emails), most of it in
`SQLInsertCompiler.as_sql` and `Field.get_db_prep_save` for each of some 60 values
(bench/profile_request.py registration). Here the statement of a model and a number of
rows is written once per process, and PostgreSQL plans it once per connection
(config.database.prepared_cursor).

Values go to the driver as the model holds them where psycopg adapts them the same way
Django would (text, numbers, decimals, datetimes, booleans, keys); any other field (JSON,
for one) is prepared by the field itself. Like `bulk_create`, it sends no signals and
calls no `save()`; objects come back with their primary key and saved state set. On
another database (SQLite, in development) it is `bulk_create`, whose adapters differ.
"""

from functools import cache

from django.db import connection, models

from config.database import prepared_cursor

# Fields whose value psycopg adapts as the field's get_db_prep_save would.
_AS_IS = (
    models.CharField,  # EmailField, SlugField... too
    models.TextField,
    models.IntegerField,  # and the Big-, Small-, Positive- kinds
    models.BooleanField,
    models.DecimalField,
    models.DateTimeField,
    models.ForeignKey,  # its attname holds the key
)


@cache
def _plan(model: type[models.Model]) -> tuple[str, str, tuple]:
    """The table, its column list, and each column's (attname, field or None when the
    value goes as it is): what an INSERT of this model names."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    if any(getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False) for f in fields):
        raise TypeError(f"{model.__name__}: auto_now fields are not filled in here")
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    prepare = tuple((f.attname, None if isinstance(f, _AS_IS) else f) for f in fields)
    return quote(model._meta.db_table), columns, prepare


@cache
def _statement(model: type[models.Model], rows: int) -> str:
    table, columns, prepare = _plan(model)
    row = "(" + ", ".join(["%s"] * len(prepare)) + ")"
    pk = connection.ops.quote_name(model._meta.pk.column)
    # Names from the model's own metadata, quoted; values go as parameters.
    return f"INSERT INTO {table} ({columns}) VALUES {', '.join([row] * rows)} RETURNING {pk}"  # noqa: S608


def insert_new(objects: list[models.Model]) -> list[models.Model]:
    """Insert new instances of one model (no primary key yet), in order, in one statement;
    sets each one's primary key. Returns `objects`."""
    if not objects:
        return objects
    model = type(objects[0])
    if connection.vendor != "postgresql":  # SQLite (development): values as Django adapts them
        return model.objects.bulk_create(objects)
    _, _, prepare = _plan(model)
    values = []
    for obj in objects:
        for attname, field in prepare:
            value = getattr(obj, attname)
            values.append(value if field is None else field.get_db_prep_save(value, connection))
    with prepared_cursor() as cursor:
        cursor.execute(_statement(model, len(objects)), values)
        keys = cursor.fetchall()
    for obj, (key,) in zip(objects, keys, strict=True):
        obj.pk = key
        obj._state.adding = False
        obj._state.db = connection.alias
    return objects
