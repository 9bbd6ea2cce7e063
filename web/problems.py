"""The API's problem+json answers as an exception the UI turns into messages."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import httpx


@dataclass(frozen=True)
class FieldProblem:
    """One invalid input as the API names it (body field path, query key ...)."""

    location: str
    name: str
    code: str
    detail: str


@dataclass
class ApiError(Exception):
    """A problem+json answer of the API (or an unreachable API, status 503)."""

    status: int
    detail: str
    title: str = ""
    errors: list[FieldProblem] = field(default_factory=list)
    # The problem type's slug (the last segment of its URI .../problems/<slug>), e.g. invalid-state.
    type: str = ""

    def __str__(self) -> str:
        return self.detail

    @classmethod
    def from_response(cls, response: httpx.Response) -> ApiError:
        """Read a problem+json body; anything else becomes a generic error of that status."""
        try:
            body = response.json()
        except (json.JSONDecodeError, UnicodeDecodeError):
            body = {}
        if not isinstance(body, dict):
            body = {}
        errors = [
            FieldProblem(
                location=str(e.get("in", "body")),
                name=str(e.get("name", "")),
                code=str(e.get("code", "invalid")),
                detail=str(e.get("detail", "")),
            )
            for e in body.get("errors") or []
            if isinstance(e, dict)
        ]
        return cls(
            status=response.status_code,
            detail=str(body.get("detail") or response.reason_phrase),
            title=str(body.get("title") or ""),
            errors=errors,
            type=str(body.get("type") or "").rpartition("/")[2].rpartition(":")[2],
        )
