"""Temp files of uploads cut off by kill -9 are removed when the server (or a worker) starts, while
a live upload's temp file is never touched."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
from sqlalchemy import func
from sqlmodel import Session, select

from app.db import make_engine
from app.evidence.models import Evidence
from app.storage import TEMP_PREFIX, FilesystemStore
from tests.evidence.helpers import png
from tests.faults.processes import free_port, in_thread, start_server, wait_until, weerbaar_env
from tests.fixtures.databases import fresh_sqlite
from tests.fixtures.factories import incident_body, make_tenant

BOUNDARY = "weerbaar-faults-boundary"


def temp_files(root: Path) -> list[Path]:
    """Every upload temp file under the store's root."""
    return sorted(root.rglob(f"{TEMP_PREFIX}*")) if root.exists() else []


def test_clean_up_removes_abandoned_temp_files_but_not_a_live_upload(tmp_path):
    store = FilesystemStore(tmp_path / "evidence")
    live = store.writer("org/incident/live", content_type="image/png")
    live.write(b"still arriving")
    abandoned = tmp_path / "evidence" / "org" / "other" / f"{TEMP_PREFIX}0123"
    abandoned.parent.mkdir(parents=True)
    abandoned.write_bytes(b"left by a killed process")
    kept = tmp_path / "evidence" / "org" / "other" / "stored-object"
    kept.write_bytes(b"evidence")

    assert store.clean_stale_uploads() == 1
    assert not abandoned.exists() and kept.exists()
    assert len(temp_files(store.root)) == 1  # the live upload's
    live.write(b" and done")
    live.commit()
    assert b"".join(store.read("org/incident/live")) == b"still arriving and done"
    assert temp_files(store.root) == []


def _slow_upload(url: str, headers: dict[str, str], sent: threading.Event, hold: threading.Event) -> int:
    """A multipart upload that sends 3 MiB, then stalls until `hold` is set."""

    def body() -> Iterator[bytes]:
        yield (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n'
            "Content-Type: image/png\r\n\r\n"
        ).encode()
        yield png()
        for _ in range(3):
            yield b"\0" * (1024 * 1024)
        sent.set()
        hold.wait(30)
        yield f"\r\n--{BOUNDARY}--\r\n".encode()

    response = httpx.post(
        url,
        content=body(),
        headers={**headers, "Content-Type": f"multipart/form-data; boundary={BOUNDARY}"},
        timeout=30,
    )
    return response.status_code


def test_temp_file_of_a_server_killed_mid_upload_is_removed_at_the_next_start(tmp_path, sqlite_template):
    database_url = fresh_sqlite(sqlite_template, tmp_path)
    engine = make_engine(database_url)
    tenant = make_tenant(engine, slug="utrecht", roles=("case_handler",))
    data_dir = tmp_path / "var"
    env = weerbaar_env(data_dir, database_url)
    port = free_port()
    base = f"http://127.0.0.1:{port}/api/v1"
    headers = tenant["case_handler"].headers
    evidence_root = data_dir / "evidence"

    server = start_server(env, port, tmp_path / "server-1.log")
    sent, hold = threading.Event(), threading.Event()
    try:
        incident = httpx.post(f"{base}/incidents", json=incident_body(), headers=headers, timeout=10)
        assert incident.status_code == 201, incident.text
        url = f"{base}/incidents/{incident.json()['id']}/evidence"
        thread, _outcome = in_thread(lambda: _slow_upload(url, headers, sent, hold))
        assert sent.wait(20)
        # The server has written the first megabytes to its temp file: now the kill.
        wait_until(
            lambda: any(f.stat().st_size >= 1024 * 1024 for f in temp_files(evidence_root)),
            what="the upload's temp file",
        )
    finally:
        server.kill()
        hold.set()
    thread.join(10)
    left = temp_files(evidence_root)
    assert len(left) == 1 and left[0].stat().st_size >= 1024 * 1024

    server = start_server(env, port, tmp_path / "server-2.log")
    try:
        assert temp_files(evidence_root) == []
        # And the server works: the same upload, whole, is stored.
        files = {"file": ("a.png", png(), "image/png")}
        response = httpx.post(url, files=files, headers=headers, timeout=10)
        assert response.status_code == 201, response.text
    finally:
        server.stop()
    with Session(engine) as session:
        assert session.exec(select(func.count()).select_from(Evidence)).one() == 1
    engine.dispose()
    assert temp_files(evidence_root) == []
