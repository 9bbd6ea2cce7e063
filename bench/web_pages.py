"""Web pages benchmark: dashboard, incident page and incident list, as a case handler.

Seeds N incidents (bench.incidents_list's generator: four organisations, 90% in the measured one)
plus open police-report actions for the open death threats and a few late takedown requests, on
SQLite and PostgreSQL (a throwaway cluster); runs the real server with the web UI in front of the
API (as `make run` does: one uvicorn process, the UI calling the API over loopback HTTP), logs in
through the login form, and times each page (time to the full response on loopback, p50/p95).

    python -m bench.web_pages [--size 10000] [--repeat 50] [--databases sqlite,postgresql] [--readme]
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import insert, select, text

from app.action.models import Action
from app.db import make_engine
from app.incident.models import Incident
from app.takedown.models import TakedownRequest
from bench.incidents_list import ROOT, Target, _free_port, machine, running, seed, server_env
from tests.fixtures.factories import PASSWORD
from tests.fixtures.postgres import postgres_server

README = Path(__file__).resolve().parent / "README.md"
START, END = "<!-- web-pages:results -->", "<!-- /web-pages:results -->"
PAGES = ("dashboard", "incident", "list")
GOALS_MS = {"dashboard": 150, "incident": 120, "list": 80}
WARM_UP = 3


def add_handling(target: Target) -> int:
    """Open police reports (due in two days, some overdue) on open death threats; late takedowns."""
    engine = make_engine(target.url)
    org = target.orgs[0]
    handler = org.tenant["case_handler"].user_id
    now = datetime.now(UTC)
    with engine.begin() as conn:
        rows = conn.execute(
            select(Incident.id, Incident.behaviours, Incident.status).where(
                Incident.organisation_id == org.tenant.organisation_id, Incident.status != "closed"
            )
        ).all()
        threats = [r.id for r in rows if "death_threat" in (r.behaviours or [])]
        actions = [
            {
                "id": uuid.uuid4(),
                "organisation_id": org.tenant.organisation_id,
                "incident_id": ident,
                "kind": "police_report",
                "status": "open",
                "description": "",
                "assignee_id": handler if n % 3 == 0 else None,
                "due_at": now + timedelta(hours=48 - 12 * (n % 6)),
                "version": 1,
                "created_at": now - timedelta(minutes=n),
                "updated_at": now - timedelta(minutes=n),
            }
            for n, ident in enumerate(threats)
        ]
        if actions:
            conn.execute(insert(Action.__table__), actions)  # type: ignore[attr-defined]
        takedowns = [
            {
                "id": uuid.uuid4(),
                "organisation_id": org.tenant.organisation_id,
                "incident_id": row.id,
                "recipient_kind": "sender",
                "recipient_name": f"Sender {n}",
                "urls": [f"https://x.com/s/{n}"],
                "legal_ground": "",
                "good_faith": False,
                "status": "sent",
                "sent_at": now - timedelta(days=10),
                "due_at": now - timedelta(days=3) + timedelta(days=n % 5),
                "version": 1,
                "created_at": now - timedelta(days=10, minutes=n),
                "updated_at": now - timedelta(days=10, minutes=n),
            }
            for n, row in enumerate(rows[:40])
        ]
        conn.execute(insert(TakedownRequest.__table__), takedowns)  # type: ignore[attr-defined]
    engine.dispose()
    return len(actions)


@contextmanager
def web_server(url: str, workdir: Path) -> Iterator[str]:
    """`weerbaar serve` (API and web UI in one uvicorn process) on this database; its base URL."""
    port = _free_port()
    env = {**server_env(url, workdir), "WEERBAAR_LOG_LEVEL": "warning"}
    weerbaar = str(Path(sys.executable).with_name("weerbaar"))
    with (workdir / "server.log").open("ab") as log:
        process = subprocess.Popen(
            [weerbaar, "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=log,
        )
        with running(process, f"http://127.0.0.1:{port}") as base:
            yield base


def log_in(client: httpx.Client, email: str) -> None:
    """Through the login form, as a browser does."""
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token, page.text[:300]
    response = client.post(
        "/login", data={"email": email, "password": PASSWORD, "csrf_token": token.group(1)}
    )
    assert response.status_code == 303, response.text[:300]


def percentile(values: list[float], p: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[p - 1] if len(values) > 1 else values[0]


def measure(base: str, target: Target, repeat: int) -> dict[str, list[float]]:
    """Timed GETs of each page, round-robin, after a warm-up."""
    email = f"case_handler@{target.orgs[0].tenant.slug}.example"
    times: dict[str, list[float]] = {p: [] for p in PAGES}
    with httpx.Client(base_url=base, timeout=60, follow_redirects=False) as client:
        log_in(client, email)
        api = httpx.Client(base_url=base, headers=target.headers, timeout=60)
        # An open death threat with its police report: the incident page shows it all.
        listed = api.get(
            "/api/v1/incidents", params={"behaviour": "death_threat", "status": "in_progress"}
        ).json()
        incident_id = listed["items"][0]["id"]
        api.close()
        urls = {"dashboard": "/", "incident": f"/incidents/{incident_id}", "list": "/incidents"}
        for round_ in range(-WARM_UP, repeat):
            for name in PAGES:
                began = time.perf_counter()
                response = client.get(urls[name])
                elapsed = (time.perf_counter() - began) * 1000
                if response.status_code != 200:
                    raise RuntimeError(f"GET {urls[name]}: {response.status_code} {response.text[:300]}")
                if round_ >= 0:
                    times[name].append(elapsed)
    return times


def render(
    results: dict[str, dict[str, list[float]]],
    info: dict[str, str],
    size: int,
    repeat: int,
    extra: dict[str, int],
) -> str:
    lines = [
        START,
        f"Measured {info['date']} on {info['cpus']} CPUs ({info['cpu']}), {info['ram']} RAM, Python "
        f"{info['python']}, SQLite {info['sqlite']}, PostgreSQL {info.get('postgresql', 'not available')}; "
        f"load average {info['load']} at the start. {size:,} incidents; {repeat} timed requests per page "
        "after a warm-up; as the seeded case handler of the largest organisation.",
        "",
        "| database | page | p50 ms | p95 ms | goal p50 ms | met |",
        "|---|---|---|---|---|---|",
    ]
    for database, times in results.items():
        for page in PAGES:
            p50, p95 = percentile(times[page], 50), percentile(times[page], 95)
            met = "yes" if p50 <= GOALS_MS[page] else "no"
            lines.append(f"| {database} | {page} | {p50:.1f} | {p95:.1f} | {GOALS_MS[page]} | {met} |")
    lines += [
        "",
        "Seeded besides the incidents: "
        + ", ".join(f"{db}: {n} open police reports" for db, n in extra.items())
        + ", and 40 takedown requests whose answer is late, per database.",
        END,
    ]
    return "\n".join(lines)


def write_readme(block: str) -> None:
    current = README.read_text()
    if START in current:
        head, rest = current.split(START, 1)
        tail = rest.split(END, 1)[1]
        README.write_text(head + block + tail)
    else:
        README.write_text(current.rstrip("\n") + "\n\n## Web pages\n\n" + INTRO + "\n\n" + block + "\n")


INTRO = (
    "`python -m bench.web_pages` (`make bench-web`). The dashboard, an incident page (an open death "
    "threat with its police report) and the incident list, requested as a logged-in case handler from "
    "the real server (`weerbaar serve`: the web UI and the API in one uvicorn process, the UI calling "
    "the API over loopback HTTP, as `make run`), on SQLite and on PostgreSQL. Time is the full "
    "response as the client sees it on loopback (server time plus a negligible transfer). Goals: "
    "dashboard p50 <= 150 ms, incident page <= 120 ms, list <= 80 ms."
)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.web_pages", description=__doc__.split("\n")[0])
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=50)
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--readme", action="store_true")
    args = parser.parse_args(argv)
    databases = [d.strip() for d in args.databases.split(",") if d.strip()]
    info = machine()
    results: dict[str, dict[str, list[float]]] = {}
    extra: dict[str, int] = {}
    with (
        tempfile.TemporaryDirectory(prefix="weerbaar-bench-web-") as tmp,
        postgres_server() as pg_admin,
        ExitStack(),
    ):
        workdir = Path(tmp)
        if "postgresql" in databases:
            if pg_admin is None:
                print("PostgreSQL: no server; skipped")
                databases.remove("postgresql")
            else:
                engine = make_engine(pg_admin)
                with engine.connect() as conn:
                    info["postgresql"] = str(conn.execute(text("SHOW server_version")).scalar()).split()[0]
                engine.dispose()
        print(f"seeding {args.size} incidents on {', '.join(databases)} ...", flush=True)
        for target in seed(args.size, databases, workdir, pg_admin):
            extra[target.database] = add_handling(target)
            with web_server(target.url, workdir) as base:
                print(f"measuring {target.database} ...", flush=True)
                results[target.database] = measure(base, target, args.repeat)
    block = render(results, info, args.size, args.repeat, extra)
    print(block)
    if args.readme:
        write_readme(block)
        print(f"written to {README.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
