"""Server CPU per request of the load benchmark's kinds, one client at a time.

    python -m bench.request_cost [--rounds 40] [--databases sqlite,postgresql]

The load benchmark (bench.load) is bound by the server's CPU on this 2-core machine. This
measures that cost directly and almost independently of the machine's other load: one staff
client makes the load benchmark's requests (create, upload, PATCH with If-Match, list) one after
the other, and the server process's own CPU time (user + system, /proc/<pid>/stat) is read
before and after each. Also one failed login (argon2) per round. Reported: the mean CPU
milliseconds per kind (the clock ticks in 10 ms steps, so only means over many rounds are
meaningful) and over the four staff requests.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path

import httpx

from bench.incidents_list import ROOT, _free_port, running, server_env
from bench.load import _upload_body, prepare
from tests.fixtures.factories import incident_body
from tests.fixtures.postgres import postgres_server

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """User + system CPU of the process (all its threads)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def measure(
    database: str, url: str, member_headers: dict[str, str], workdir: Path, rounds: int
) -> dict[str, float]:
    port = _free_port()
    cmd = [sys.executable, "-m", "uvicorn", "api.main:create_app", "--factory"]
    cmd += ["--host", "127.0.0.1", "--port", str(port), "--log-level", "warning", "--no-access-log"]
    env = {**server_env(url, workdir), "WEERBAAR_LOG_LEVEL": "warning"}
    costs: dict[str, list[float]] = defaultdict(list)
    with (workdir / "server.log").open("ab") as log:
        process = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=log)
        with (
            running(process, f"http://127.0.0.1:{port}") as base,
            httpx.Client(base_url=base, headers=member_headers, timeout=60) as client,
        ):

            def timed(kind: str, n: int, method: str, path: str, **kwargs: object) -> httpx.Response:
                before = cpu_seconds(process.pid)
                response = client.request(method, path, **kwargs)  # type: ignore[arg-type]
                if n >= 5:  # the first rounds warm up caches
                    costs[kind].append((cpu_seconds(process.pid) - before) * 1000)
                response.raise_for_status() if kind != "login" else None
                return response

            for n in range(rounds + 5):
                created = timed(
                    "create", n, "POST", "/api/v1/incidents", json=incident_body(title=f"Cost {n}")
                )
                incident_id, etag = created.json()["id"], created.headers["ETag"]
                body, content_type = _upload_body(str(n))
                timed(
                    "upload",
                    n,
                    "POST",
                    f"/api/v1/incidents/{incident_id}/evidence",
                    content=body,
                    headers={"Content-Type": content_type},
                )
                timed(
                    "patch",
                    n,
                    "PATCH",
                    f"/api/v1/incidents/{incident_id}",
                    json={"title": f"Cost {n} (checked)"},
                    headers={"If-Match": etag},
                )
                timed("list", n, "GET", "/api/v1/incidents", params={"limit": 25})
                timed(
                    "login",
                    n,
                    "POST",
                    "/api/v1/sessions",
                    json={"email": f"nobody{n}@elsewhere.example", "password": "not the password"},
                    headers={"X-Forwarded-For": f"203.0.113.{n % 250 + 1}"},
                )
    result = {kind: statistics.fmean(values) for kind, values in costs.items()}
    result["staff mean"] = statistics.fmean(
        v for kind in ("create", "upload", "patch", "list") for v in costs[kind]
    )
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.request_cost", description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--databases", default="sqlite,postgresql")
    args = parser.parse_args(argv)
    databases = [d.strip() for d in args.databases.split(",") if d.strip()]
    with tempfile.TemporaryDirectory(prefix="weerbaar-bench-cost-") as tmp, postgres_server() as pg_admin:
        for database in databases:
            if database == "postgresql" and pg_admin is None:
                print("PostgreSQL: no server; skipped")
                continue
            workdir = Path(tmp) / database
            workdir.mkdir()
            url, members = prepare(database, workdir, pg_admin, 24)
            result = measure(database, url, members[0].headers, workdir, args.rounds)
            figures = ", ".join(f"{kind} {ms:.1f}" for kind, ms in result.items())
            print(f"{database}: server CPU ms per request (mean): {figures}", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
