"""A worker killed mid-job: the job runs again once its lease has expired, and a webhook is
redelivered under the same `webhook-id` (Standard Webhooks: receivers deduplicate on it). A worker
also removes the temp files of interrupted uploads as it starts."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlmodel import Session, select
from standardwebhooks.webhooks import Webhook

from app.config import get_settings
from app.db import session_scope, utcnow
from app.jobs import service as jobs
from app.jobs.models import Job
from app.storage import TEMP_PREFIX
from app.webhook.delivery import DELIVER_JOB
from app.webhook.models import WebhookDelivery
from tests.faults.processes import start_worker, wait_until, weerbaar_env
from tests.fixtures.factories import SECRET, incident_body

LEASE_SECONDS = 1.0


@pytest.fixture(autouse=True)
def private_targets_allowed(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The receiver listens on 127.0.0.1."""
    monkeypatch.setenv("WEERBAAR_WEBHOOK_ALLOW_PRIVATE_TARGETS", "true")
    monkeypatch.setenv("WEERBAAR_SECRET_KEY", SECRET)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@dataclass
class SlowReceiver:
    """Hangs on the first request until released (the worker is killed meanwhile), then answers 204."""

    url: str = ""
    requests: list[tuple[dict[str, str], bytes]] = field(default_factory=list)
    first_arrived: threading.Event = field(default_factory=threading.Event)
    release: threading.Event = field(default_factory=threading.Event)


@contextmanager
def slow_receiver() -> Iterator[SlowReceiver]:
    receiver = SlowReceiver()

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length") or 0))
            receiver.requests.append(({k.lower(): v for k, v in self.headers.items()}, body))
            if len(receiver.requests) == 1:
                receiver.first_arrived.set()
                receiver.release.wait(30)
            self.send_response(204)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/hooks/weerbaar"
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield receiver
    finally:
        receiver.release.set()
        server.shutdown()
        server.server_close()


def _delivery_job(engine) -> Job:  # type: ignore[no-untyped-def]
    with Session(engine) as session:
        return session.exec(select(Job).where(Job.kind == DELIVER_JOB)).one()


# Workers run apart from the server in production, on PostgreSQL.
@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_webhook_job_of_a_killed_worker_is_redelivered_with_the_same_webhook_id(
    client, org, engine, settings, tmp_path, monkeypatch
):
    env = weerbaar_env(
        settings.data_dir,
        settings.effective_database_url,
        webhook_allow_private_targets="true",
        webhook_timeout_seconds=30,
        job_lease_seconds=LEASE_SECONDS,
        job_poll_seconds=0.05,
    )
    with slow_receiver() as receiver:
        created = client.post(
            "/api/v1/webhook-subscriptions",
            json={"url": receiver.url, "eventTypes": ["incident.created"], "description": "GIR"},
            headers=org["admin"].headers,
        )
        assert created.status_code == 201, created.text
        response = client.post("/api/v1/incidents", json=incident_body(), headers=org["case_handler"].headers)
        assert response.status_code == 201, response.text

        # Left by an upload cut off earlier: a worker removes it as it starts.
        abandoned = settings.data_dir / "evidence" / "org" / f"{TEMP_PREFIX}abandoned"
        abandoned.parent.mkdir(parents=True)
        abandoned.write_bytes(b"partial upload")
        first = start_worker(env, tmp_path / "worker-1.log")
        try:
            assert receiver.first_arrived.wait(30), first.output()
        finally:
            first.kill()
        assert not abandoned.exists()
        job = _delivery_job(engine)
        assert (job.status, job.attempts) == ("running", 1)
        assert job.locked_by is not None and job.locked_by.endswith(f":{first.popen.pid}")

        # Any worker takes it over once the lease has run out: here this process's job runner.
        monkeypatch.setenv("WEERBAAR_DATA_DIR", str(settings.data_dir))
        get_settings.cache_clear()

        def take_over() -> bool:
            jobs.run_one(engine, "w2", lease_seconds=LEASE_SECONDS)
            return _delivery_job(engine).status == "done"

        wait_until(take_over, timeout=15, what="the job to run again after its lease")
    job = _delivery_job(engine)
    assert (job.status, job.attempts) == ("done", 2)
    assert job.locked_by is None
    with Session(engine) as session:
        delivery = session.exec(select(WebhookDelivery)).one()
    assert delivery.status == "succeeded"
    assert len(receiver.requests) == 2
    (headers_1, body_1), (headers_2, body_2) = receiver.requests
    assert headers_1["webhook-id"] == headers_2["webhook-id"]
    assert body_1 == body_2
    verifier = Webhook(created.json()["secret"])
    assert verifier.verify(body_2, headers_2)["type"] == "incident.created"


def test_a_running_job_keeps_its_lease_while_its_worker_lives(engine):
    started, release, calls = threading.Event(), threading.Event(), []

    @jobs.handler("faults.slow")
    def _slow(session, payload):  # type: ignore[no-untyped-def]
        calls.append(payload)
        started.set()
        release.wait(10)

    with session_scope(engine) as session:
        job_id = jobs.enqueue(session, kind="faults.slow", payload={}).id
    # A lease of two seconds, renewed every two thirds of a second: room for a renewal delayed by a
    # machine busy with a parallel test run (a second was sometimes too short with three workers on
    # two cores; 0.3 s always was).
    lease = 2.0
    runner = threading.Thread(target=jobs.run_one, args=(engine, "w1"), kwargs={"lease_seconds": lease})
    runner.start()
    assert started.wait(10)
    # Two and a half leases long: the renewals keep the job from being taken by another worker.
    deadline = threading.Event()
    timer = threading.Timer(2.5 * lease, deadline.set)
    timer.start()
    while not deadline.is_set():
        assert jobs.run_one(engine, "w2", lease_seconds=lease) is False
        deadline.wait(0.2)
    release.set()
    runner.join(10)
    with Session(engine) as session:
        job = session.get(Job, job_id)
        assert job is not None and (job.status, job.attempts) == ("done", 1)
    assert len(calls) == 1


def test_a_job_abandoned_on_its_last_attempt_is_marked_failed(engine):
    with session_scope(engine) as session:
        job = jobs.enqueue(session, kind="faults.never", payload={})
        job.status, job.attempts, job.max_attempts = "running", 3, 3
        job.locked_by, job.locked_at = "gone:1", utcnow() - timedelta(minutes=5)
        job_id = job.id
    assert jobs.run_one(engine, "w1", lease_seconds=60) is False
    with Session(engine) as session:
        job = session.get(Job, job_id)
        assert job is not None and job.status == "failed"
        assert "stopped while running it" in (job.last_error or "")


def test_a_finish_after_the_lease_was_lost_does_not_override_the_new_owner(engine):
    with session_scope(engine) as session:
        job = jobs.enqueue(session, kind="faults.never", payload={})
        job.status, job.attempts, job.locked_by, job.locked_at = "running", 2, "new:2", utcnow()
        job_id = job.id
    jobs._finish(engine, (job_id, "old:1", 1), None)
    with Session(engine) as session:
        job = session.get(Job, job_id)
        assert job is not None and (job.status, job.locked_by) == ("running", "new:2")
