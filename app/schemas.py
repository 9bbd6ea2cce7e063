"""Shared building blocks of the API's JSON shapes: camelCase, UTC dates, pages."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Generic, TypeVar
from urllib.parse import urlsplit

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel

T = TypeVar("T")

# Clocks differ a little between a reporting system and this server.
CLOCK_SKEW = timedelta(minutes=5)


class ApiModel(BaseModel):
    """Base of request and response bodies: lowerCamelCase on the wire, unknown keys refused."""

    model_config = ConfigDict(
        alias_generator=to_camel, populate_by_name=True, extra="forbid", from_attributes=True
    )


class Page(ApiModel, Generic[T]):
    """One page of a list; follow `next` for the following page (null on the last page)."""

    items: list[T]
    next: str | None = Field(default=None, description="URL of the next page, or null.")

    @classmethod
    def model_parametrized_name(cls, params: tuple[Any, ...]) -> str:
        """IncidentPage rather than Page[IncidentPublic] (schema names are UpperCamelCase)."""
        return f"{params[0].__name__.removesuffix('Public')}Page"


def _to_utc(value: datetime) -> datetime:
    return value.astimezone(UTC)


def _not_in_future(value: datetime) -> datetime:
    if value > datetime.now(UTC) + CLOCK_SKEW:
        raise ValueError("must not be in the future")
    return value


def _http_url(value: str) -> str:
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError("must be an absolute http(s) URL")
    return value


UtcDatetime = Annotated[AwareDatetime, AfterValidator(_to_utc)]
PastUtcDatetime = Annotated[AwareDatetime, AfterValidator(_to_utc), AfterValidator(_not_in_future)]
HttpUrlStr = Annotated[str, Field(min_length=8, max_length=2048), AfterValidator(_http_url)]
