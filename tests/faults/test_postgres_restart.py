"""PostgreSQL restarted under traffic (a fast stop, then a crash-like immediate stop): requests fail
fast with 503 problem+json and Retry-After, the server recovers by itself once the database is
back, and every write acknowledged with a 201 is in the database afterwards."""

from __future__ import annotations

import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import httpx
from pydantic import SecretStr
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from api.main import create_app
from app.config import Settings
from app.migrate import upgrade
from tests.faults.processes import Cluster, postgres_cluster, serving, wait_until
from tests.fixtures.factories import SECRET, incident_body, make_tenant

CLIENTS = 4


@dataclass
class Traffic:
    """Clients creating incidents in a loop, recording every answer."""

    url: str
    headers: dict[str, str]
    stop: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)
    acknowledged: list[str] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    unavailable: list[tuple[float, httpx.Response]] = field(default_factory=list)
    other: list[str] = field(default_factory=list)

    def client(self, number: int) -> None:
        with httpx.Client(timeout=30) as http:
            sequence = 0
            while not self.stop.is_set():
                sequence += 1
                started = time.monotonic()
                try:
                    response = http.post(
                        self.url,
                        json=incident_body(title=f"Client {number} #{sequence}"),
                        headers=self.headers,
                    )
                except httpx.HTTPError as exc:  # a dropped connection is a failure too
                    with self.lock:
                        self.other.append(f"{type(exc).__name__}: {exc}")
                    continue
                took = time.monotonic() - started
                with self.lock:
                    self.statuses[response.status_code] += 1
                    if response.status_code == 201:
                        self.acknowledged.append(response.json()["id"])
                    elif response.status_code == 503:
                        self.unavailable.append((took, response))
                    else:
                        self.other.append(f"{response.status_code}: {response.text[:300]}")
                if response.status_code == 503:
                    self.stop.wait(0.05)  # a client backing off (shorter than Retry-After, to stay quick)

    def count(self, status: int) -> int:
        with self.lock:
            return self.statuses[status]


def _outage(cluster: Cluster, traffic: Traffic, mode: str) -> None:
    """Stop the database under traffic, see 503s, start it again, see writes succeed again."""
    wait_until(lambda: traffic.count(201) >= 5, what="writes before the stop")
    cluster.stop(mode)
    before = traffic.count(503)
    wait_until(lambda: traffic.count(503) >= before + 2 * CLIENTS, what=f"503s after a {mode} stop")
    cluster.start()
    after = traffic.count(201)
    wait_until(lambda: traffic.count(201) >= after + 10, what=f"recovery after a {mode} stop")


def test_postgres_restarts_give_fast_503s_recover_by_themselves_and_lose_no_acknowledged_write(
    tmp_path: Path,
):
    with postgres_cluster() as cluster:
        admin = create_engine(cluster.url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("CREATE DATABASE weerbaar"))
        admin.dispose()
        url = make_url(cluster.url).set(database="weerbaar").render_as_string(False)
        upgrade(url)
        settings = Settings(
            data_dir=tmp_path / "var",
            database_url=url,
            secret_key=SecretStr(SECRET),
            run_jobs_in_process=False,
            create_demo=False,
        )
        app = create_app(settings)
        tenant = make_tenant(app.state.engine, slug="utrecht", roles=("case_handler",))
        with serving(app) as base:
            traffic = Traffic(url=f"{base}/api/v1/incidents", headers=tenant["case_handler"].headers)
            clients = [threading.Thread(target=traffic.client, args=(n,)) for n in range(CLIENTS)]
            for thread in clients:
                thread.start()
            try:
                _outage(cluster, traffic, "fast")
                _outage(cluster, traffic, "immediate")
            finally:
                traffic.stop.set()
                for thread in clients:
                    thread.join(30)
        app.state.engine.dispose()

        assert traffic.other == []
        for _took, response in traffic.unavailable:
            assert response.headers["content-type"] == "application/problem+json"
            assert int(response.headers["retry-after"]) >= 1
            assert response.json()["status"] == 503
        slowest = max(took for took, _ in traffic.unavailable)
        assert slowest < 5, f"a 503 took {slowest:.1f} s"
        check = create_engine(url)
        with check.connect() as conn:
            stored = {str(row[0]) for row in conn.execute(text("SELECT id FROM incident"))}
        check.dispose()
        missing = set(traffic.acknowledged) - stored
        assert not missing, f"{len(missing)} acknowledged incidents are missing"
        assert len(traffic.acknowledged) >= 25
