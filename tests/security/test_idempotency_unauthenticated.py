"""An anonymous upload with an Idempotency-Key: 401 before any of the body is read or spooled.

The request is driven straight through the ASGI interface with a lazy body, so the test sees how
many body chunks the server pulled before it answered (a test client would send the body first).
"""

from __future__ import annotations

import asyncio
import tempfile
from typing import Any

from sqlmodel import Session, select

from app.idempotency.models import IdempotencyKey
from tests.evidence.helpers import png
from tests.fixtures.factories import incident_body

CHUNK = 65_536
BODY_SIZE = 64 * CHUNK  # 4 MiB: past the in-memory spool, so spooling would create a temp file
BOUNDARY = "weerbaar-test-boundary"


def _multipart(content: bytes) -> bytes:
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="shot.png"\r\n'
        "Content-Type: image/png\r\n\r\n"
    ).encode()
    return head + content + f"\r\n--{BOUNDARY}--\r\n".encode()


def _post(app: Any, path: str, headers: dict[str, str], body: bytes) -> tuple[int, int, int]:
    """(status, body chunks pulled by the server, chunks offered) of one POST with a lazy body."""
    chunks = [body[i : i + CHUNK] for i in range(0, len(body), CHUNK)] or [b""]
    pulled = 0
    status = 0

    async def receive() -> dict[str, Any]:
        nonlocal pulled
        if pulled >= len(chunks):
            await asyncio.sleep(3600)  # the client stays connected, sending nothing more
        pulled += 1
        return {"type": "http.request", "body": chunks[pulled - 1], "more_body": pulled < len(chunks)}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [(k.lower().encode(), v.encode()) for k, v in headers.items()]
        + [(b"host", b"testserver"), (b"content-length", str(len(body)).encode())],
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 80),
    }
    asyncio.run(asyncio.wait_for(app(scope, receive, send), timeout=60))
    return status, pulled, len(chunks)


def test_anonymous_upload_with_idempotency_key_is_refused_before_the_body(
    app, client, engine, org, tmp_path, monkeypatch
):
    incident = client.post("/api/v1/incidents", json=incident_body(), headers=org["employee"].headers).json()
    path = f"/api/v1/incidents/{incident['id']}/evidence"
    spool_dir = tmp_path / "spool"
    spool_dir.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(spool_dir))  # where a spool would roll over to disk
    store_root = app.state.settings.data_dir
    stored_before = sorted(p for p in store_root.rglob("*") if p.is_file())
    large = _multipart(b"\0" * BODY_SIZE)
    content_type = f"multipart/form-data; boundary={BOUNDARY}"
    anonymous = ({}, {"Authorization": "Bearer wbs_forged-token"}, {"Authorization": "Basic eDp5"})
    for key in ({"Idempotency-Key": "upload-1"}, {}):  # and the same without the header
        for credentials in anonymous:
            headers = {"Content-Type": content_type, **key, **credentials}
            status, pulled, offered = _post(app, path, headers, large)
            assert status == 401, headers
            assert pulled == 0 and offered > 60, (headers, pulled)
    assert list(spool_dir.iterdir()) == []
    assert sorted(p for p in store_root.rglob("*") if p.is_file()) == stored_before
    with Session(engine) as session:
        assert session.exec(select(IdempotencyKey)).all() == []
    # The control: the same route with valid credentials reads the whole body and stores the file.
    status, pulled, offered = _post(
        app,
        path,
        {"Content-Type": content_type, "Idempotency-Key": "upload-2", **org["employee"].headers},
        _multipart(png()),
    )
    assert status == 201
    assert pulled == offered
