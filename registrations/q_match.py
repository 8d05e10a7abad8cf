"""A Q object evaluated on a model instance in memory, as the database would decide.

registrations.models states the held-seat rule once, as Q objects; the instance
properties (`holds_seats`, `offer_is_live`, `effective_status`) evaluate those same Q
objects here rather than restating them in Python.
"""

import operator

from django.db import models
from django.db.models import Q

_COMPARISONS = {
    "exact": operator.eq,
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
}


def q_matches(q: Q, instance: models.Model) -> bool:
    """Whether `instance`, as it is in memory, passes `q`, as the ORM would decide: a
    comparison with NULL never passes, and a negation passes where the comparison does
    not. Only what the seat rule uses: comparisons of the instance's own fields."""
    passed = (
        q_matches(child, instance) if isinstance(child, Q) else _compare(*child, instance)
        for child in q.children
    )
    result = all(passed) if q.connector == Q.AND else any(passed)
    return not result if q.negated else result


def _compare(lookup: str, value, instance: models.Model) -> bool:
    field, _, kind = lookup.partition("__")
    compare = _COMPARISONS.get(kind or "exact")
    if compare is None or value is None:
        raise ValueError(f"{lookup}={value!r} cannot be evaluated in memory")
    current = getattr(instance, field)
    return current is not None and compare(current, value)
