"""Load benchmark: staff at work while failed logins arrive, on SQLite and PostgreSQL.

A busy Monday morning (issue 11): STAFF case handlers work at once, each repeating ROUNDS times
create an incident, upload an evidence file (multipart, random bytes behind a PNG header, so no
two uploads are the same), PATCH the incident with If-Match and list the incidents; meanwhile
LOGINS failed logins arrive (wrong passwords for staff accounts and unknown addresses, each from
its own client address through X-Forwarded-For, which uvicorn trusts from 127.0.0.1, so each one
costs a full argon2 verification and none is throttled away), and USER_LOGINS users log in with
the right password from addresses of their own, spread over the attack.

The clients run in one event loop (httpx.AsyncClient, one per client and login): the benchmark
shares the machine's cores with the server, and 70 client threads cost more CPU than one loop.

The real server runs as `make run` runs it in production terms (one uvicorn process, or
`weerbaar serve --api-only --workers N`), on SQLite and on PostgreSQL (a throwaway cluster, as
the tests use). Reported: requests in all, failures by status (a staff request that does not get
its 2xx, a login that does not get its 401 or 429, a user's login without its 201, or a dropped
connection), requests per second over the wall time, staff latency p50/p95/max, the logins'
latency, the benchmark's own CPU, and the load average (the machine is shared).

    python -m bench.load [--staff 24] [--rounds 10] [--logins 40] [--databases sqlite,postgresql]
                         [--user-logins 8] [--workers 1] [--label after] [--json FILE]

Goal (issue 11): 0 failed requests, staff p95 under 1 s, at least 40 requests/s on SQLite and
80 on PostgreSQL.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import text

from app.db import make_engine
from app.migrate import upgrade
from bench.incidents_list import (
    ROOT,
    _free_port,
    create_postgres_database,
    machine,
    percentile,
    running,
    server_env,
)
from tests.fixtures.factories import PASSWORD, Member, add_member, incident_body, make_tenant
from tests.fixtures.postgres import postgres_server

GOAL_RPS = {"sqlite": 40, "postgresql": 80}
GOAL_P95_S = 1.0
UPLOAD_BYTES = 64 * 1024
PNG_HEADER = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
BOUNDARY = "weerbaar-load-boundary"
TIMEOUT_S = 120.0


@dataclass
class Sample:
    """One request: what, its status (or the error's name) and how long it took."""

    kind: str
    status: int | str
    seconds: float
    ok: bool


@dataclass
class Run:
    """The samples of one run against one database."""

    database: str
    workers: int
    samples: list[Sample] = field(default_factory=list)
    wall_seconds: float = 0.0
    load_before: str = ""
    load_after: str = ""
    client_cpu_seconds: float = 0.0  # this benchmark's own CPU while the clients ran

    def add(self, sample: Sample) -> None:
        self.samples.append(sample)

    def summary(self) -> dict[str, Any]:
        staff = [s.seconds for s in self.samples if s.kind not in ("login", "user login")]
        logins = [s.seconds for s in self.samples if s.kind == "login"]
        users = [s.seconds for s in self.samples if s.kind == "user login"]
        failures = Counter(f"{s.kind} {s.status}" for s in self.samples if not s.ok)
        return {
            "database": self.database,
            "workers": self.workers,
            "requests": len(self.samples),
            "failed": sum(failures.values()),
            "failures": dict(sorted(failures.items())),
            "statuses": dict(sorted(Counter(f"{s.kind} {s.status}" for s in self.samples).items())),
            "wall_s": round(self.wall_seconds, 2),
            "req_per_s": round(len(self.samples) / self.wall_seconds, 1) if self.wall_seconds else 0,
            "staff_p50_s": round(percentile(staff, 50), 3) if staff else None,
            "staff_p95_s": round(percentile(staff, 95), 3) if staff else None,
            "staff_max_s": round(max(staff), 3) if staff else None,
            "login_p50_s": round(percentile(logins, 50), 3) if logins else None,
            "login_max_s": round(max(logins), 3) if logins else None,
            "user_login_p50_s": round(percentile(users, 50), 3) if users else None,
            "user_login_p95_s": round(percentile(users, 95), 3) if users else None,
            "client_cpu_s": round(self.client_cpu_seconds, 1),
            "load_before": self.load_before,
            "load_after": self.load_after,
        }


def _load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


async def _timed(
    run: Run, kind: str, expected: tuple[int, ...], call: Any, *args: Any, **kwargs: Any
) -> httpx.Response | None:
    began = time.perf_counter()
    try:
        response: httpx.Response = await call(*args, **kwargs)
    except httpx.HTTPError as exc:
        run.add(Sample(kind, type(exc).__name__, time.perf_counter() - began, ok=False))
        return None
    elapsed = time.perf_counter() - began
    run.add(Sample(kind, response.status_code, elapsed, ok=response.status_code in expected))
    return response if response.status_code in expected else None


def _upload_body(n: str) -> tuple[bytes, str]:
    data = PNG_HEADER + os.urandom(UPLOAD_BYTES - len(PNG_HEADER))
    body = (
        (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nscreenshot\r\n'
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="shot-{n}.png"\r\n'
            "Content-Type: image/png\r\n\r\n"
        ).encode()
        + data
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={BOUNDARY}"


async def staff_client(base: str, member: Member, rounds: int, run: Run, start: asyncio.Event) -> None:
    """Create, upload, patch and list, `rounds` times; a failed step ends that round."""
    async with httpx.AsyncClient(base_url=base, headers=member.headers, timeout=TIMEOUT_S) as client:
        await client.get("/healthz")  # connected before the start
        await start.wait()
        for n in range(rounds):
            tag = f"{member.email.split('@')[0]}-{n}"
            created = await _timed(
                run,
                "create",
                (201,),
                client.post,
                "/api/v1/incidents",
                json=incident_body(title=f"Load {tag}"),
            )
            if created is None:
                continue
            incident_id, etag = created.json()["id"], created.headers["ETag"]
            body, content_type = _upload_body(tag)
            uploaded = await _timed(
                run,
                "upload",
                (201,),
                client.post,
                f"/api/v1/incidents/{incident_id}/evidence",
                content=body,
                headers={"Content-Type": content_type},
            )
            if uploaded is None:
                continue
            patched = await _timed(
                run,
                "patch",
                (200,),
                client.patch,
                f"/api/v1/incidents/{incident_id}",
                json={"title": f"Load {tag} (checked)"},
                headers={"If-Match": etag},
            )
            if patched is None:
                continue
            await _timed(run, "list", (200,), client.get, "/api/v1/incidents", params={"limit": 25})


async def login(
    base: str,
    kind: str,
    email: str,
    password: str,
    address: str,
    delay: float,
    run: Run,
    start: asyncio.Event,
) -> None:
    """One login from its own address, after `delay` seconds: a failed one (401 or 429 expected)
    or a user's with the right password (201)."""
    expected = (201,) if kind == "user login" else (401, 429)
    async with httpx.AsyncClient(base_url=base, timeout=TIMEOUT_S) as client:
        await client.get("/healthz")
        await start.wait()
        await asyncio.sleep(delay)
        await _timed(
            run,
            kind,
            expected,
            client.post,
            "/api/v1/sessions",
            json={"email": email, "password": password},
            headers={"X-Forwarded-For": address},
        )


@contextmanager
def load_server(url: str, workdir: Path, workers: int) -> Iterator[str]:
    """The real server (uvicorn, `workers` processes) on this database; its base URL."""
    port = _free_port()
    cmd = [sys.executable, "-m", "uvicorn", "api.main:create_app", "--factory"]
    cmd += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning", "--no-access-log"]
    if workers > 1:  # as production runs several processes (PostgreSQL only)
        cmd = [sys.executable, "-m", "api.cli", "serve", "--api-only", "--workers", str(workers)]
        cmd += ["--host", "127.0.0.1", "--port", str(port)]
    env = {**server_env(url, workdir), "WEERBAAR_LOG_LEVEL": "warning"}
    with (workdir / "server.log").open("ab") as log:
        process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=log)
        try:
            with running(process, f"http://127.0.0.1:{port}") as base:
                yield base
        except RuntimeError:
            print((workdir / "server.log").read_text()[-3000:], file=sys.stderr)
            raise


def prepare(database: str, workdir: Path, pg_admin: str | None, staff: int) -> tuple[str, list[Member]]:
    """A fresh, migrated database with one municipality and `staff` case handlers."""
    if database == "sqlite":
        url = f"sqlite:///{workdir / 'load.sqlite3'}"
    else:
        assert pg_admin is not None
        url = create_postgres_database(pg_admin, "bench_load")
    upgrade(url)
    engine = make_engine(url)
    tenant = make_tenant(engine, slug="utrecht")
    members = [add_member(engine, tenant, key=f"handler{n}", roles=["case_handler"]) for n in range(staff)]
    engine.dispose()
    return url, members


def run_load(
    database: str, url: str, members: list[Member], workdir: Path, args: argparse.Namespace
) -> dict[str, Any]:
    """Start the server, let everyone loose at once, and summarise."""
    run = Run(database, args.workers)
    with load_server(url, workdir, args.workers) as base:
        cpu = time.process_time()
        asyncio.run(_clients(base, members, args, run))
        run.client_cpu_seconds = time.process_time() - cpu
    return run.summary()


async def _clients(base: str, members: list[Member], args: argparse.Namespace, run: Run) -> None:
    """Every client in one event loop (cheaper on the shared cores than a thread per client)."""
    start = asyncio.Event()
    clients = [staff_client(base, m, args.rounds, run, start) for m in members]
    for n in range(args.logins):
        email = members[n % len(members)].email if n % 2 == 0 else f"nobody{n}@elsewhere.example"
        address = f"203.0.113.{n % 250 + 1}" if n < 250 else f"198.51.100.{n % 250 + 1}"
        wrong = "not the password at all"
        clients.append(login(base, "login", email, wrong, address, n * args.login_interval, run, start))
    # Users logging in (right password, each from an address of its own network) during the attack.
    attack = max(args.logins * args.login_interval, 1.0)
    for n in range(args.user_logins):
        member = members[n % len(members)]
        delay = attack * (n + 1) / (args.user_logins + 1)
        address = f"192.0.{n % 250 + 2}.10"
        clients.append(login(base, "user login", member.email, PASSWORD, address, delay, run, start))
    tasks = [asyncio.create_task(c) for c in clients]
    await asyncio.sleep(1.0)  # every client connected and waiting
    run.load_before = _load()
    began = time.perf_counter()
    start.set()
    await asyncio.gather(*tasks)
    run.wall_seconds = time.perf_counter() - began
    run.load_after = _load()


def render(results: list[dict[str, Any]], info: dict[str, str], args: argparse.Namespace) -> str:
    lines = [
        f"Measured {info['date']} on {info['cpus']} CPUs ({info['cpu']}), {info['ram']} RAM, "
        f"Python {info['python']}, SQLite {info['sqlite']}, PostgreSQL {info.get('postgresql', '-')}; "
        f"{args.staff} staff x {args.rounds} rounds of 4 requests, {args.logins} failed logins "
        f"(one every {args.login_interval} s), {args.user_logins} users logging in meanwhile; "
        f"label: {args.label}.",
        "",
        "| database | workers | requests | failed | req/s | staff p50 s | staff p95 s | staff max s "
        "| failed login p50 s | user login p50 / p95 s | load avg before / after | failures by status |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        failures = ", ".join(f"{k}: {v}" for k, v in r["failures"].items()) or "none"
        lines.append(
            f"| {r['database']} | {r['workers']} | {r['requests']} | {r['failed']} | {r['req_per_s']} "
            f"| {r['staff_p50_s']} | {r['staff_p95_s']} | {r['staff_max_s']} | {r['login_p50_s']} "
            f"| {r['user_login_p50_s']} / {r['user_login_p95_s']} "
            f"| {r['load_before']} / {r['load_after']} | {failures} |"
        )
    lines.append("")
    for r in results:
        rps_ok = r["req_per_s"] >= GOAL_RPS[r["database"]]
        p95_ok = r["staff_p95_s"] is not None and r["staff_p95_s"] < GOAL_P95_S
        met = "met" if (r["failed"] == 0 and rps_ok and p95_ok) else "NOT met"
        goal = f"0 failed, p95 < {GOAL_P95_S} s, >= {GOAL_RPS[r['database']]} req/s"
        lines.append(f"- {r['database']}: goal ({goal}) {met}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.load", description=__doc__.split("\n")[0])
    parser.add_argument("--staff", type=int, default=24)
    parser.add_argument(
        "--rounds", type=int, default=10, help="create/upload/patch/list rounds per staff client"
    )
    parser.add_argument("--logins", type=int, default=40)
    parser.add_argument("--login-interval", type=float, default=0.1, help="seconds between failed logins")
    parser.add_argument(
        "--user-logins",
        type=int,
        default=8,
        help="users logging in with the right password during the attack",
    )
    parser.add_argument("--databases", default="sqlite,postgresql")
    parser.add_argument("--workers", type=int, default=1, help="uvicorn worker processes")
    parser.add_argument("--label", default="current")
    parser.add_argument("--json", type=Path, help="also write the results as JSON to this file")
    parser.add_argument("--server-log", type=Path, help="keep each server's log here (<database>.log)")
    args = parser.parse_args(argv)
    databases = [d.strip() for d in args.databases.split(",") if d.strip()]
    info = machine()
    results = []
    with tempfile.TemporaryDirectory(prefix="weerbaar-bench-load-") as tmp, postgres_server() as pg_admin:
        if "postgresql" in databases:
            if pg_admin is None:
                print("PostgreSQL: no server; skipped")
                databases.remove("postgresql")
            else:
                engine = make_engine(pg_admin)
                with engine.connect() as conn:
                    info["postgresql"] = str(conn.execute(text("SHOW server_version")).scalar()).split()[0]
                engine.dispose()
        for database in databases:
            workdir = Path(tmp) / database
            workdir.mkdir()
            url, members = prepare(database, workdir, pg_admin, args.staff)
            print(f"{database}: {args.staff} staff, {args.logins} failed logins ...", flush=True)
            summary = run_load(database, url, members, workdir, args)
            print(json.dumps(summary, indent=2), flush=True)
            results.append(summary)
            if args.server_log:
                args.server_log.mkdir(parents=True, exist_ok=True)
                shutil.copy(workdir / "server.log", args.server_log / f"{database}.log")
    block = render(results, info, args)
    print(block)
    if args.json:
        args.json.write_text(json.dumps({"machine": info, "label": args.label, "runs": results}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
