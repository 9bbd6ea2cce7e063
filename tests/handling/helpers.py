"""Arranging incidents, evidence and handling steps for the handling tests."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, update
from sqlmodel import SQLModel

import app.models  # noqa: F401  (every table in the metadata)
from tests.evidence.helpers import png
from tests.fixtures.factories import Member, incident_body

PLATFORM_NOTICE = {
    "recipientKind": "platform",
    "recipientName": "Meta Platforms Ireland",
    "recipientEmail": "legal@meta.example",
    "urls": ["https://facebook.com/posts/1", "https://facebook.com/posts/2"],
    "legalGround": "Art. 285 Sr",
    "illegalityExplanation": "The post threatens a named municipal employee with violence.",
    "notifierName": "A. Coordinator",
    "notifierEmail": "coordinator@utrecht.example",
    "goodFaith": True,
}

SENDER_NOTICE = {
    "recipientKind": "sender",
    "recipientName": "J. Jansen",
    "urls": ["https://x.com/jansen/status/1"],
}


def later(**delta: float) -> str:
    """An RFC 3339 moment relative to now."""
    return (datetime.now(UTC) + timedelta(**delta)).isoformat().replace("+00:00", "Z")


def make_incident(client: TestClient, member: Member, **overrides: Any) -> dict[str, Any]:
    """A registered incident, as the API returned it."""
    response = client.post("/api/v1/incidents", json=incident_body(**overrides), headers=member.headers)
    assert response.status_code == 201, response.text
    body: dict[str, Any] = response.json()
    return body


def add_evidence(client: TestClient, member: Member, *, incident_id: str, url: str, seed: int = 0) -> str:
    """Upload an evidence item with this source URL through the evidence API; its id."""
    response = client.post(
        f"/api/v1/incidents/{incident_id}/evidence",
        files={"file": ("capture.png", png(seed=seed), "image/png")},
        data={"sourceUrl": url, "kind": "screenshot"},
        headers=member.headers,
    )
    assert response.status_code == 201, response.text
    evidence_id: str = response.json()["id"]
    return evidence_id


def set_column(engine: Engine, table: str, row_id: str, **values: Any) -> None:
    """Change a row directly (to put a due date in the past, for example)."""
    target = SQLModel.metadata.tables[table]
    with engine.begin() as conn:
        conn.execute(update(target).where(target.c.id == uuid.UUID(row_id)).values(**values))


def patch(client: TestClient, url: str, body: dict[str, Any], member: Member) -> Any:
    """PATCH with the current ETag."""
    current = client.get(url, headers=member.headers)
    assert current.status_code == 200, current.text
    return client.patch(url, json=body, headers={**member.headers, "If-Match": current.headers["ETag"]})
