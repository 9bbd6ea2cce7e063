"""Request bodies for the recording permission tests."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, func
from sqlmodel import Session, select

CONVERSATION_AT = "2026-03-02T09:30:00Z"
BEFORE = "2026-03-02T09:20:00Z"


def permission_body(**overrides: Any) -> dict[str, Any]:
    """A request to record audio, granted at the desk: the front-desk case."""
    body: dict[str, Any] = {
        "requester": {"name": "P. Jansen", "contact": "p.jansen@example.org"},
        "conversationAt": CONVERSATION_AT,
        "place": "Stadskantoor, balie 3",
        "kinds": ["audio"],
        "employees": [{"name": "Anna de Vries"}],
        "decision": "granted",
        "conditionsAccepted": True,
    }
    body.update(overrides)
    return body


def consenting(name: str, user_id: object = None) -> dict[str, Any]:
    """An employee who consented to images before the conversation."""
    employee: dict[str, Any] = {"name": name, "consent": "given", "consentAt": BEFORE}
    if user_id is not None:
        employee["userId"] = str(user_id)
    return employee


def violation_body(**overrides: Any) -> dict[str, Any]:
    """A publication of the recording on YouTube."""
    body: dict[str, Any] = {
        "kinds": ["publication", "editing"],
        "occurredAt": "2026-03-03T20:00:00Z",
        "description": "Edited fragment posted with insulting captions.",
        "urls": ["https://youtube.com/watch?v=abc123"],
        "behaviours": ["insult"],
        "platform": "youtube",
    }
    body.update(overrides)
    return body


def count(engine: Engine, model: Any) -> int:
    """Rows in the model's table."""
    with Session(engine) as session:
        return int(session.exec(select(func.count()).select_from(model)).one())


def names(response: Any) -> set[str]:
    """The field names of a problem's errors."""
    return {e["name"] for e in response.json().get("errors", [])}
