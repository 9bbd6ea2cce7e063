"""Shared building blocks of the API's JSON shapes: camelCase, UTC dates, pages."""

from __future__ import annotations

from collections.abc import Callable
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


def cannot_be_cleared(*fields: str) -> Callable[[dict[str, Any]], None]:
    """`json_schema_extra` of a merge patch: these fields may be left out but not sent as null.

    They are optional in Python (None: not sent) but have no empty value, so the contract declares
    them without null and the service answers a null with a 400 (`not_null`): a generated client
    then never offers to clear them.
    """
    names = {to_camel(f) for f in fields}

    def edit(schema: dict[str, Any]) -> None:
        for name, prop in schema.get("properties", {}).items():
            if name not in names:
                continue
            variants = [v for v in prop.pop("anyOf", []) if v.get("type") != "null"]
            if len(variants) == 1:
                prop.update(variants[0])
            elif variants:
                prop["anyOf"] = variants
            if "default" in prop and prop["default"] is None:
                del prop["default"]

    return edit


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
# The contract's pattern says what _http_url checks (an absolute http(s) URL with a host); the
# server still names the field in its own words when a URL is refused.
HTTP_URL_PATTERN = r"^[Hh][Tt][Tt][Pp][Ss]?://[^/?#\s\[\]]+"
HttpUrlStr = Annotated[
    str,
    Field(min_length=8, max_length=2048, json_schema_extra={"pattern": HTTP_URL_PATTERN}),
    AfterValidator(_http_url),
]
