"""Done-when of the integrations: GIR pushes the same N incidents twice and there are N.

N is 120 in `make test` (enough for every race below to happen many times while the suite stays
within its time budget) and 1,000, the issue's figure, in the benchmark `make bench-gir-push`
(WEERBAAR_GIR_PUSH_INCIDENTS=1000), which takes about 80 s a database.

A real uvicorn server on 127.0.0.1 (on SQLite and on PostgreSQL) receives both pushes from
concurrent threads, in shuffled order, with Idempotency-Keys, retried requests (lost responses,
server-side 409s) and the second push racing the first. A webhook receiver on 127.0.0.1 that fails
at first gets every incident.created event once it recovers, each with a valid signature.
"""

from __future__ import annotations

import os
import random
import socket
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
import uvicorn
from sqlmodel import Session, col, func, select
from standardwebhooks.webhooks import Webhook

from api.main import create_app
from app.auth.actor import Scope
from app.config import get_settings
from app.incident.models import Incident
from app.integration.models import IncidentExternalReference
from tests.fixtures.factories import SECRET, incident_body, make_api_client, make_tenant
from tests.fixtures.receiver import running_receiver

pytestmark = pytest.mark.slow

INCIDENTS = int(os.environ.get("WEERBAAR_GIR_PUSH_INCIDENTS", "120"))
THREADS = 12
# Requests sent again with the same key, as after a lost response.
RETRIED = min(150, INCIDENTS // 2)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server(uvicorn.Server):
    def install_signal_handlers(self) -> None:  # running in a thread
        pass


@pytest.fixture
def live_server(settings, monkeypatch):
    """The whole application under uvicorn on 127.0.0.1, with the in-process job runner."""
    monkeypatch.setenv("WEERBAAR_WEBHOOK_ALLOW_PRIVATE_TARGETS", "true")
    monkeypatch.setenv("WEERBAAR_WEBHOOK_RETRY_BASE_SECONDS", "0.05")
    monkeypatch.setenv("WEERBAAR_SECRET_KEY", SECRET)
    get_settings.cache_clear()
    app = create_app(
        settings.model_copy(update={"run_jobs_in_process": True, "webhook_allow_private_targets": True})
    )
    port = _free_port()
    server = Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=30)
    get_settings.cache_clear()


def push(client: httpx.Client, headers: dict[str, str], number: int, key: str, outcomes: Counter) -> str:
    """Push one incident as GIR does: retry until it is created or known to exist; its location."""
    body = incident_body(
        title=f"Melding GIR-{number:05d}",
        externalReferences=[{"system": "GIR", "id": f"GIR-{number:05d}"}],
    )
    for _attempt in range(200):
        try:
            response = client.post(
                "/api/v1/incidents", json=body, headers={**headers, "Idempotency-Key": key}
            )
        except httpx.TransportError:
            outcomes["transport-retry"] += 1
            continue
        problem = response.json().get("type", "") if response.status_code >= 400 else ""
        if response.status_code == 201:
            outcomes["replayed" if response.headers.get("Idempotent-Replayed") else "created"] += 1
            return response.headers["Location"]
        if response.status_code == 409 and problem.endswith("duplicate-external-reference"):
            outcomes["exists"] += 1
            return response.headers["Location"]
        if response.status_code == 409 and problem.endswith("idempotency-key-in-progress"):
            outcomes["in-progress-retry"] += 1
            time.sleep(float(response.headers.get("Retry-After", "1")) / 10)
            continue
        if response.status_code in (429, 500, 502, 503):
            outcomes[f"retry-{response.status_code}"] += 1
            time.sleep(0.1)
            continue
        raise AssertionError(f"unexpected {response.status_code}: {response.text}")
    raise AssertionError(f"GIR-{number} never got through")


def test_gir_pushes_the_same_incidents_twice_and_there_are_as_many(live_server, engine):
    base_url = live_server
    org = make_tenant(engine, slug="gir-gemeente")
    headers = make_api_client(engine, org, scopes=[Scope.incidents_write, Scope.incidents_read])
    admin_token = make_api_client(engine, org, scopes=[Scope.webhooks_write, Scope.webhooks_read])

    rng = random.Random(20261120)
    tasks = [(n, f"first-{n}") for n in range(INCIDENTS)] + [(n, f"second-{n}") for n in range(INCIDENTS)]
    # A lost response: the same request with the same key sent again, sometimes at the same time.
    tasks += [(n, f"first-{n}") for n in rng.sample(range(INCIDENTS), RETRIED)]
    rng.shuffle(tasks)
    outcomes: Counter = Counter()
    locations: dict[int, set[str]] = {}
    lock = threading.Lock()

    with running_receiver(fail_first=40, fail_status=503) as receiver:
        with httpx.Client(base_url=base_url, timeout=60) as client:
            subscribed = client.post(
                "/api/v1/webhook-subscriptions",
                json={"url": receiver.url, "eventTypes": ["incident.created"]},
                headers=admin_token,
            )
            assert subscribed.status_code == 201, subscribed.text
            secret = subscribed.json()["secret"]

        def work(task: tuple[int, str]) -> None:
            number, key = task
            with httpx.Client(base_url=base_url, timeout=60) as client:
                location = push(client, headers, number, key, outcomes)
            with lock:
                locations.setdefault(number, set()).add(location)

        started = time.monotonic()
        with ThreadPoolExecutor(THREADS) as pool:
            list(pool.map(work, tasks))
        elapsed = time.monotonic() - started

        with Session(engine) as session:
            total = session.exec(
                select(func.count())
                .select_from(Incident)
                .where(Incident.organisation_id == org.organisation_id)
            ).one()
            references = session.exec(
                select(func.count())
                .select_from(IncidentExternalReference)
                .where(col(IncidentExternalReference.organisation_id) == org.organisation_id)
            ).one()
        assert total == INCIDENTS, (total, outcomes)
        assert references == INCIDENTS
        assert all(len(found) == 1 for found in locations.values()), "one incident per GIR number"
        assert outcomes["created"] == INCIDENTS, outcomes
        assert outcomes["exists"] >= INCIDENTS - RETRIED, outcomes

        with httpx.Client(base_url=base_url, timeout=60) as client:
            found = client.get(
                "/api/v1/incidents",
                params={"externalSystem": "GIR", "externalId": "GIR-00042"},
                headers=headers,
            ).json()["items"]
        assert [i["title"] for i in found] == ["Melding GIR-00042"]

        deadline = time.monotonic() + 240
        while time.monotonic() < deadline and len(receiver.received) < INCIDENTS:
            time.sleep(0.2)
        verifier = Webhook(secret)
        events = [verifier.verify(r.body, r.headers) for r in receiver.received]
    assert receiver.calls >= 40 + INCIDENTS
    assert len({r.headers["webhook-id"] for r in receiver.received}) == INCIDENTS
    assert {f"/api/v1/incidents/{e['data']['incidentId']}" for e in events} == set().union(
        *locations.values()
    )
    print(f"\n{2 * INCIDENTS + RETRIED} pushes in {elapsed:.1f}s on {engine.dialect.name}: {dict(outcomes)}")
