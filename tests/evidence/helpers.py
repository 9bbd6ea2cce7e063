"""Building blocks of the evidence tests: incidents, uploads and checks that nothing was kept."""

from __future__ import annotations

import struct
import zlib
from typing import Any

from sqlmodel import Session, select

from app.evidence.models import Evidence
from app.storage import FilesystemStore, S3Store
from tests.fixtures.factories import incident_body


def png(width: int = 4, height: int = 3, seed: int = 0) -> bytes:
    """A small valid PNG; different seeds give different bytes."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\x00" + bytes([(seed + x) % 256 for x in range(width * 3)]) for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    body = chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + body


def create_incident(client, member, **overrides: Any) -> dict[str, Any]:
    """A new incident, created by the member."""
    response = client.post("/api/v1/incidents", json=incident_body(**overrides), headers=member.headers)
    assert response.status_code == 201, response.text
    return response.json()


def upload(
    client,
    incident_id: str,
    member_or_headers,
    content: bytes | None = None,
    *,
    filename: str = "screenshot.png",
    content_type: str = "image/png",
    fields: dict[str, str] | None = None,
):
    """POST one file to the incident's evidence."""
    headers = getattr(member_or_headers, "headers", member_or_headers)
    return client.post(
        f"/api/v1/incidents/{incident_id}/evidence",
        files={"file": (filename, png() if content is None else content, content_type)},
        data=fields or {},
        headers=headers,
    )


def visible_objects(store) -> list[str]:
    """Keys of every visible object in the store."""
    if isinstance(store, FilesystemStore):
        if not store.root.exists():
            return []
        return [str(p.relative_to(store.root)) for p in store.root.rglob("*") if p.is_file()]
    assert isinstance(store, S3Store)
    if not store.client.bucket_exists(store.bucket):
        return []
    return [o.object_name for o in store.client.list_objects(store.bucket, recursive=True)]


def assert_nothing_stored(app, engine) -> None:
    """No evidence row in the database and no object in the store."""
    with Session(engine) as session:
        assert session.exec(select(Evidence)).all() == []
    assert visible_objects(app.state.store) == []


def assert_problem(response, status: int, field: str | None = None) -> dict[str, Any]:
    """A problem+json response with the status (and the field among its errors)."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    if field is not None:
        assert field in [e["name"] for e in body.get("errors", [])], body
    return body
