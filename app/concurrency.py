"""Optimistic locking: strong ETags from a version number, and the If-Match check of updates."""

from app.errors import PreconditionFailed, PreconditionRequired


def etag(version: int) -> str:
    """The strong ETag of a record's version."""
    return f'"{version}"'


def check_if_match(*, current: str, if_match: str | None, what: str) -> None:
    """Refuse an update without If-Match (428) or made against another version (412).

    `current` is the record's ETag, `what` names it in the messages ("the incident"). `*` and
    comma-separated lists of ETags are accepted.
    """
    if not if_match:
        raise PreconditionRequired(
            f"Send If-Match with the ETag of {what} you are changing, to avoid lost updates."
        )
    tags = [t.strip() for t in if_match.split(",")]
    if "*" not in tags and current not in tags:
        raise PreconditionFailed(
            f"{what[:1].upper()}{what[1:]} changed in the meantime (current ETag {current}); "
            "fetch the current version and reapply your change."
        )
