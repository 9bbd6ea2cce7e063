"""A request body that trickles in (slowloris) is answered 408 and leaves nothing behind."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn
from pydantic import SecretStr
from sqlmodel import Session, select

from app.config import Settings
from app.evidence.models import Evidence
from app.incident.models import Incident
from tests.fixtures.factories import SECRET, incident_body
from tests.fixtures.handling import make_incident
from tests.web.server import free_port

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

IDLE = 0.3
TOTAL = 1.0


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    """Short body timeouts, so that the test waits well under two seconds per case."""
    return Settings(
        data_dir=tmp_path / "var",
        database_url=database_url,
        secret_key=SecretStr(SECRET),
        run_jobs_in_process=False,
        create_demo=False,
        body_idle_timeout_seconds=IDLE,
        body_timeout_seconds=TOTAL,
        upload_body_timeout_seconds=TOTAL,
    )


@pytest.fixture
def port(app) -> Iterator[int]:
    """The app served by uvicorn on a free port (a real socket, as an attacker would use)."""
    number = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=number, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    yield number
    server.should_exit = True
    thread.join(timeout=5)


def _read_response(sock: socket.socket) -> tuple[int, dict[str, str], bytes]:
    """Read until the server closes the connection; the status, headers and body."""
    sock.settimeout(5)
    data = b""
    while chunk := sock.recv(65536):
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), {k.lower(): v for k, v in headers.items()}, body


def _slow_request(
    port: int, head: str, parts: list[bytes], pause: float
) -> tuple[int, dict[str, str], bytes, float]:
    """Send the head, then each part after `pause` seconds, until the server answers."""
    sock = socket.create_connection(("127.0.0.1", port))
    started = time.monotonic()
    sock.sendall(head.encode())
    try:
        for part in parts:
            sock.sendall(part)
            time.sleep(pause)
    except OSError:
        pass  # the server closed the connection: that is the point
    status, headers, body = _read_response(sock)
    sock.close()
    return status, headers, body, time.monotonic() - started


def _assert_timeout_problem(status: int, headers: dict[str, str], body: bytes) -> None:
    assert status == 408, body
    assert headers["content-type"] == "application/problem+json"
    assert headers["connection"] == "close"
    problem = json.loads(body)
    assert problem["status"] == 408 and problem["type"].endswith("request-timeout")


def test_stalled_and_trickling_json_bodies_get_408_and_nothing_is_written(port, org, engine):
    token = org["case_handler"].token
    payload = json.dumps(incident_body()).encode()
    head = (
        "POST /api/v1/incidents HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        f"Authorization: Bearer {token}\r\nContent-Length: {len(payload)}\r\n\r\n"
    )
    # Stalls after the first bytes: the idle timeout.
    status, headers, body, took = _slow_request(port, head, [payload[:20]], pause=0)
    _assert_timeout_problem(status, headers, body)
    assert IDLE <= took < TOTAL
    # One byte at a time, never idle for long, but too slow overall: the total limit.
    status, headers, body, took = _slow_request(
        port, head, [payload[i : i + 1] for i in range(len(payload) - 1)], pause=IDLE / 3
    )
    _assert_timeout_problem(status, headers, body)
    assert TOTAL <= took < TOTAL + 1
    with Session(engine) as session:
        assert session.exec(select(Incident)).all() == []


def test_a_stalled_upload_gets_408_and_leaves_no_temp_file_nor_record(port, org, engine, client, settings):
    incident = make_incident(client, org["case_handler"])
    boundary = "slowloris"
    start = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n'
        "Content-Type: image/png\r\n\r\n"
    ).encode()
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * (1024 * 1024 + 100)  # past one flush: a temp file exists
    head = (
        f"POST /api/v1/incidents/{incident['id']}/evidence HTTP/1.1\r\nHost: localhost\r\n"
        f"Content-Type: multipart/form-data; boundary={boundary}\r\n"
        f"Authorization: Bearer {org['case_handler'].token}\r\n"
        f"Content-Length: {len(start) + 5 * len(png)}\r\n\r\n"
    )
    status, headers, body, _took = _slow_request(port, head, [start + png], pause=0)
    _assert_timeout_problem(status, headers, body)
    store = settings.data_dir / "evidence"
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and [p for p in store.rglob("*") if p.is_file()]:
        time.sleep(0.05)  # the abort runs in a worker thread just after the answer
    assert [p for p in store.rglob("*") if p.is_file()] == []
    with Session(engine) as session:
        assert session.exec(select(Evidence)).all() == []


def test_a_body_sent_in_pieces_within_the_limits_is_accepted(port, org, client):
    payload = json.dumps(incident_body()).encode()
    head = (
        "POST /api/v1/incidents HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        f"Authorization: Bearer {org['case_handler'].token}\r\nContent-Length: {len(payload)}\r\n"
        "Connection: close\r\n\r\n"
    )
    status, _headers, body, _took = _slow_request(port, head, [payload[:10], payload[10:]], pause=IDLE / 3)
    assert status == 201, body
