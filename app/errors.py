"""Domain errors. Services raise these; api/ maps them to problem+json, web/ to messages."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class FieldError:
    """One invalid input: where it is and what is wrong with it."""

    field: str
    detail: str
    code: str = "invalid"
    location: str = "body"


@dataclass
class DomainError(Exception):
    """Base of every error a service may raise on purpose."""

    detail: str
    errors: list[FieldError] = field(default_factory=list)
    status: int = 400
    title: str = "Bad request"
    slug: str = "bad-request"
    # True when the writes made before the error must still be committed (e.g. an audited
    # failed login); the request transaction is rolled back otherwise.
    keep_writes = False

    def __str__(self) -> str:
        return self.detail


class Invalid(DomainError):
    """Input that is well-formed but breaks a rule (400)."""

    def __init__(self, detail: str, errors: list[FieldError] | None = None) -> None:
        super().__init__(detail, errors or [], 400, "Invalid input", "invalid-input")


class Unauthenticated(DomainError):
    """No valid credentials (401)."""

    def __init__(self, detail: str = "Authentication is required.") -> None:
        super().__init__(detail, [], 401, "Unauthorized", "unauthenticated")


class Forbidden(DomainError):
    """Authenticated but not allowed (403)."""

    def __init__(self, detail: str = "You are not allowed to do this.") -> None:
        super().__init__(detail, [], 403, "Forbidden", "forbidden")


class NotFound(DomainError):
    """Unknown, or belonging to another organisation, or outside need-to-know (404)."""

    def __init__(self, what: str) -> None:
        super().__init__(f"{what} was not found.", [], 404, "Not found", "not-found")


class Conflict(DomainError):
    """The request conflicts with the current state (409)."""

    def __init__(self, detail: str, errors: list[FieldError] | None = None) -> None:
        super().__init__(detail, errors or [], 409, "Conflict", "conflict")


class InvalidState(DomainError):
    """A transition that the workflow does not allow (409)."""

    def __init__(self, detail: str, errors: list[FieldError] | None = None) -> None:
        super().__init__(detail, errors or [], 409, "Invalid state transition", "invalid-state")


class PreconditionFailed(DomainError):
    """If-Match does not match the current version (412)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail, [], 412, "Precondition failed", "precondition-failed")


class PreconditionRequired(DomainError):
    """An update without If-Match (428)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail, [], 428, "Precondition required", "precondition-required")


class TooManyRequests(DomainError):
    """Throttled (429); retry_after in seconds."""

    def __init__(self, detail: str, retry_after: int) -> None:
        super().__init__(detail, [], 429, "Too many requests", "too-many-requests")
        self.retry_after = retry_after


class Unavailable(DomainError):
    """A dependency (database, storage) is not reachable (503)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail, [], 503, "Service unavailable", "unavailable")
