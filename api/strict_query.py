"""Query strings as the contract declares them: unknown parameters and loose date-times are a 400.

A sync job with a typo in a filter must not get the whole unfiltered list, and a date-time filter
must mean one instant: RFC 3339 with its offset (`2026-03-01T09:00:00Z`), not a number of seconds
or a date alone. Runs as an app-wide dependency, before authentication, from the parameters each
route declares (including those of its dependencies), so a new parameter needs no change here.
"""

from __future__ import annotations

import datetime as dt
import re
import types
import typing
from typing import Any

from fastapi import Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from pydantic import AwareDatetime, BaseModel, FutureDatetime, NaiveDatetime, PastDatetime

from app.errors import FieldError, Invalid

RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")

_declared: dict[int, tuple[frozenset[str], frozenset[str]]] = {}


DATETIME_TYPES = (dt.datetime, AwareDatetime, NaiveDatetime, PastDatetime, FutureDatetime)


def _is_datetime(annotation: Any) -> bool:
    if annotation in DATETIME_TYPES or (isinstance(annotation, type) and issubclass(annotation, dt.datetime)):
        return True
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType, typing.Annotated):
        return any(_is_datetime(arg) for arg in typing.get_args(annotation))
    return False


def _query_fields(dependant: Dependant) -> dict[str, Any]:
    """Name -> annotation of every query parameter of the dependant and its dependencies."""
    fields: dict[str, Any] = {}
    for param in dependant.query_params:
        annotation = param.field_info.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):  # a query model
            for name, info in annotation.model_fields.items():
                fields[info.alias or name] = info.annotation
        else:
            fields[param.alias] = annotation
    for sub in dependant.dependencies:
        fields.update(_query_fields(sub))
    return fields


def declared_query(route: APIRoute) -> tuple[frozenset[str], frozenset[str]]:
    """The query parameter names the route declares, and those of them that are date-times."""
    found = _declared.get(id(route))
    if found is None:
        fields = _query_fields(route.dependant)
        stamps = frozenset(name for name, annotation in fields.items() if _is_datetime(annotation))
        found = _declared[id(route)] = (frozenset(fields), stamps)
    return found


async def strict_query(request: Request) -> None:
    """400 for a query parameter the operation does not declare or a date-time that is not RFC 3339.

    Async (it does no I/O): a sync dependency would cost every request a hop to a worker thread.
    """
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    names, stamps = declared_query(route)
    errors = [
        FieldError(name, "This operation has no such query parameter.", "unknown_parameter", "query")
        for name in dict.fromkeys(request.query_params.keys())
        if name not in names
    ]
    for name in stamps:
        for value in request.query_params.getlist(name):
            if not RFC3339.match(value):
                errors.append(
                    FieldError(
                        name,
                        "A date-time in RFC 3339 with its offset, e.g. 2026-03-01T09:00:00Z.",
                        "datetime_parsing",
                        "query",
                    )
                )
    if errors:
        raise Invalid(f"The request has {len(errors)} invalid field(s); see errors.", errors)
