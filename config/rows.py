"""Model instances from hand-written SELECTs, for reads on every page view.

The ORM builds and compiles a query each time it runs one: reading a registration by
its token with its event, attendees, sessions and invoices (four queries) cost 4.5 ms of
CPU, nearly all of it compiling (`SQLCompiler.get_select`, `get_related_selections`,
`_order_by_pairs`; bench/profile_request.py purchase), more than the confirmation page's
template. Here a statement names its columns from the models' own metadata, is written
once per process, and is prepared by PostgreSQL once per connection
(config.database.prepared_cursor); its rows become instances as the ORM would make them
(`Model.from_db`, with each field's converters: JSON is decoded), with related objects and
prefetched lists attached where the ORM would keep them.
"""

from dataclasses import dataclass
from functools import cached_property

from django.db import connection, models


@dataclass(frozen=True)
class Columns:
    """The columns of `model` under the table alias `alias`, in a SELECT; `only`: just
    these fields (the others deferred, as `.only()` leaves them)."""

    model: type[models.Model]
    alias: str
    only: tuple[str, ...] = ()

    @cached_property
    def fields(self) -> list[models.Field]:
        fields = self.model._meta.concrete_fields
        if self.only:
            fields = [f for f in fields if f.name in self.only or f.primary_key]
        return list(fields)

    @cached_property
    def sql(self) -> str:
        quote = connection.ops.quote_name
        return ", ".join(f"{self.alias}.{quote(f.column)}" for f in self.fields)

    @cached_property
    def _converters(self) -> list[tuple[int, list]]:
        converters = []
        for index, field in enumerate(self.fields):
            found = connection.ops.get_db_converters(
                field.get_col(self.alias)
            ) + field.get_db_converters(connection)
            if found:
                converters.append((index, found))
        return converters

    @cached_property
    def _key(self) -> int:
        return next(i for i, f in enumerate(self.fields) if f.primary_key)

    @cached_property
    def _attnames(self) -> list[str]:
        return [f.attname for f in self.fields]

    def width(self) -> int:
        return len(self.fields)

    def build(self, row, start: int = 0) -> models.Model | None:
        """The instance in `row` from column `start` on; None when its key is NULL (the
        right side of a LEFT JOIN that found nothing)."""
        values = list(row[start : start + len(self.fields)])
        if values[self._key] is None:
            return None
        for index, converters in self._converters:
            for converter in converters:
                values[index] = converter(values[index], self.fields[index], connection)
        return self.model.from_db(connection.alias, self._attnames, values)


def keep_related(instance: models.Model, name: str, related: models.Model | None) -> None:
    """`instance.<name>` (a foreign key) served from `related`, as select_related keeps it."""
    instance._meta.get_field(name).set_cached_value(instance, related)


def attach_prefetched(instance: models.Model, relation: str, objects: list) -> None:
    """Serve `instance.<relation>.all()` from objects already in hand, as prefetch would."""
    queryset = getattr(instance, relation).all()
    queryset._result_cache = objects
    queryset._prefetch_done = True
    if not hasattr(instance, "_prefetched_objects_cache"):
        instance._prefetched_objects_cache = {}
    instance._prefetched_objects_cache[relation] = queryset
