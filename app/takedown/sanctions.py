"""The Almere protocol: a sender who ignores the request to remove the content may have municipal
services suspended. A sanction action names the takedown request it follows."""

from __future__ import annotations

import uuid

from sqlmodel import Session

from app.errors import FieldError
from app.takedown.models import RecipientKind, TakedownRequest, TakedownStatus

# "Ignored": refused, or no answer by the due date (also after escalating it).
IGNORED = frozenset(
    {TakedownStatus.refused.value, TakedownStatus.no_response.value, TakedownStatus.escalated.value}
)


def check_link(
    session: Session, *, incident_id: uuid.UUID, kind: str, takedown_request_id: uuid.UUID | None
) -> list[FieldError]:
    """A sanction may follow an ignored request to the sender of the same incident; nothing else may."""
    if takedown_request_id is None:
        return []
    if kind != "sanction":
        return [
            FieldError(
                "takedownRequestId", "only a sanction follows a takedown request", code="not_applicable"
            )
        ]
    request = session.get(TakedownRequest, takedown_request_id)
    if request is None or request.incident_id != incident_id:
        return [
            FieldError("takedownRequestId", "no takedown request of this incident", code="unknown_takedown")
        ]
    if request.recipient_kind != RecipientKind.sender.value or request.status not in IGNORED:
        return [
            FieldError(
                "takedownRequestId",
                "the request to the sender must have been refused or left unanswered first",
                code="takedown_not_ignored",
            )
        ]
    return []
