"""API conventions in one place: pagination and the error shapes of API.md."""

import logging
from copy import deepcopy

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, serializers, status
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from config.errors import Conflict
from config.resilience import UNAVAILABLE, unavailable_response

logger = logging.getLogger(__name__)


class MoneyField(serializers.DecimalField):
    """Money in and out of the API: a decimal string with two places, not negative
    unless said otherwise."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_digits", 10)
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("min_value", 0)
        super().__init__(**kwargs)


class InputSerializer(serializers.Serializer):
    """A serializer for input on hot paths: its fields are built once per class.

    DRF deep-copies every declared field for every serializer it makes (each field is
    made again from its arguments), which on the registration API cost more CPU than
    validating the input (bench/profile_request.py: `copy.deepcopy` under
    `Serializer.fields`). Here the class keeps one deep copy, and each instance gets a
    shallow copy of each of its fields (their own attributes, and their own list of
    validators), bound to it as DRF binds them; nested serializers and the fields that
    hold another (list and dict fields) are copied the same way, all the way down.
    Declare fields as usual.
    """

    def get_fields(self) -> dict:
        cls = type(self)
        prototypes = cls.__dict__.get("_field_prototypes")
        if prototypes is None:
            prototypes = deepcopy(self._declared_fields)
            cls._field_prototypes = prototypes
        return {name: _field_copy(field) for name, field in prototypes.items()}


def _field_copy(field: serializers.Field) -> serializers.Field:
    """A field of its own for one serializer: a shallow copy, with its own validators; a
    nested serializer builds its own fields again (from its class's prototypes, when it
    is an InputSerializer), and a field holding another (a list of attendees, a dict of
    answers) gets its own copy of that one, bound to it."""
    copy = object.__new__(type(field))
    copy.__dict__.update(field.__dict__)
    copy.__dict__.pop("fields", None)  # a serializer's fields, made when first read
    if "_validators" in copy.__dict__:
        copy._validators = list(copy._validators)
    child = copy.__dict__.get("child")
    if child is not None:
        copy.child = _field_copy(child)
        copy.child.parent = copy
    return copy


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 500

    def paginate_queryset(self, queryset, request, view=None):
        try:
            return super().paginate_queryset(queryset, request, view)
        except exceptions.NotFound:
            raise  # an out-of-range page is a 404, as DRF answers
        except ValueError as exc:  # pragma: no cover - defensive
            raise exceptions.ValidationError({"page": [str(exc)]}) from exc


def unpaginated(results: list) -> dict:
    """A short list (an event's ticket types, sessions, codes) in the paginated shape
    every list endpoint answers with."""
    return {"count": len(results), "next": None, "previous": None, "results": results}


def flatten_errors(detail, prefix: str = "") -> dict[str, list[str]]:
    """Turn DRF's nested error detail into {"attendees.1.email": ["..."]}."""
    flat: dict[str, list[str]] = {}
    if isinstance(detail, dict):
        for key, value in detail.items():
            if key in ("__all__", "non_field_errors"):
                path = prefix or "non_field_errors"  # errors of the object itself
            else:
                path = f"{prefix}.{key}" if prefix else str(key)
            flat.update(flatten_errors(value, path))
    elif isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            if detail:
                flat[prefix or "non_field_errors"] = [str(item) for item in detail]
        else:
            for index, item in enumerate(detail):
                flat.update(flatten_errors(item, f"{prefix}.{index}" if prefix else str(index)))
    else:
        flat[prefix or "non_field_errors"] = [str(detail)]
    return flat


def django_errors(exc: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(exc, "error_dict"):
        return {
            ("non_field_errors" if field == "__all__" else field): [
                message for error in errors for message in error.messages
            ]
            for field, errors in exc.error_dict.items()
        }
    return {"non_field_errors": exc.messages}


def exception_handler(exc, context):
    if isinstance(exc, Conflict):
        return Response({"code": exc.code, "detail": exc.detail}, status=status.HTTP_409_CONFLICT)
    if isinstance(exc, DjangoValidationError):
        return Response({"errors": django_errors(exc)}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, UNAVAILABLE):  # the database dropped out: retry, not a 500
        logger.warning("database unavailable: %s", type(exc).__name__)
        return unavailable_response(context["request"])
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = {"errors": flatten_errors(exc.detail)}
    elif isinstance(exc, exceptions.ParseError):
        response.data = {"errors": {"non_field_errors": [str(exc.detail)]}}
    return response
