"""Contract fuzzing: schemathesis 4 (its CLI, every check) over every operation of the committed
contract, every phase (examples, coverage, fuzzing, stateful), against the server on 127.0.0.1.

Authenticated as a staff user holding every role, with a fresh session per case (tests/integration/
fuzz_hooks.py), on a fresh SQLite database that already holds one resource of each kind. Webhook
URLs the fuzzer sends are never looked up or contacted: the server resolves hosts with a resolver that
knows only the literal 127.0.0.1 and refuses every other host (a 400, as for an unknown host), and it
runs no job runner, so nothing is delivered. The run is bounded by a time budget (WEERBAAR_FUZZ_SECONDS,
60 s) and examples per operation (WEERBAAR_FUZZ_EXAMPLES, 10), with a fixed seed (WEERBAAR_FUZZ_SEED);
`make fuzz` runs it long. schemathesis's report is kept in tests/artifacts/schemathesis.txt.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from pydantic import SecretStr
from schemathesis.config import SchemathesisConfig
from schemathesis.config._checks import _BUILTIN_CHECK_NAMES

from api.main import create_app
from app.config import Settings
from app.webhook import targets
from tests.evidence.helpers import png
from tests.fixtures.databases import fresh_sqlite
from tests.fixtures.factories import SECRET, add_member, incident_body, make_tenant
from tests.fixtures.handling import SENDER_NOTICE
from tests.integration.fuzz_hooks import mint_session

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
CONTRACT = ROOT / "openapi" / "openapi.json"
CONFIG = Path(__file__).with_name("schemathesis.toml")
SECONDS = int(os.environ.get("WEERBAAR_FUZZ_SECONDS", "25"))
EXAMPLES = int(os.environ.get("WEERBAAR_FUZZ_EXAMPLES", "10"))
SEED = os.environ.get("WEERBAAR_FUZZ_SEED", "15")
ALL_ROLES = ["employee", "manager", "case_handler", "privacy_officer", "legal", "admin", "auditor"]
LOOPBACK = "127.0.0.1"
PAST = "2026-03-02T10:00:00Z"
SPREAD_URL = "https://social.example/repost/1"
asked: list[str] = []


def loopback_only(host: str, port: int) -> list[str]:
    """The test resolver: the literal 127.0.0.1 only; any other host is unknown (never looked up)."""
    asked.append(host)
    if host != LOOPBACK:
        raise socket.gaierror(socket.EAI_NONAME, f"{host!r} is not resolved in the contract fuzzing")
    return [LOOPBACK]


class _Server(uvicorn.Server):
    def install_signal_handlers(self) -> None:  # running in a thread
        pass


@pytest.fixture
def fuzz_server(tmp_path: Path, sqlite_template: Path) -> Iterator[tuple[str, Settings, str]]:
    """The whole API on 127.0.0.1 with the loopback-only resolver: (origin, settings, all-roles user)."""
    settings = Settings(
        data_dir=tmp_path / "var",
        database_url=fresh_sqlite(sqlite_template, tmp_path),
        secret_key=SecretStr(SECRET),
        run_jobs_in_process=False,
        create_demo=False,
        webhook_allow_private_targets=True,
        # Limits stay on (their headers are part of the contract) but far above the run's pace.
        rate_limit_client_requests=1_000_000,
        rate_limit_address_requests=1_000_000,
    )
    app = create_app(settings)
    engine = app.state.engine
    tenant = make_tenant(engine, slug="fuzz")
    member = add_member(engine, tenant, key="everyone", roles=ALL_ROLES)
    with socket.socket() as sock:
        sock.bind((LOOPBACK, 0))
        port = int(sock.getsockname()[1])
    server = _Server(uvicorn.Config(app, host=LOOPBACK, port=port, log_level="critical", lifespan="on"))
    with targets.resolving_with(loopback_only):
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        deadline = time.monotonic() + 20
        while not server.started:
            assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
            time.sleep(0.02)
        origin = f"http://{LOOPBACK}:{port}"
        seed(origin, mint_session(engine, tenant.organisation_id, member.user_id))
        yield origin, settings, f"{tenant.organisation_id} {member.user_id}"
        server.should_exit = True
        thread.join(timeout=30)
    engine.dispose()


def seed(origin: str, token: str) -> None:
    """Real resources of every kind, so that generated requests also meet existing ones."""
    with httpx.Client(base_url=f"{origin}/api/v1", headers={"Authorization": f"Bearer {token}"}) as api:

        def made(response: httpx.Response) -> str:
            assert response.status_code == 201, response.text
            return str(response.json()["id"])

        incident = made(api.post("/incidents", json=incident_body()))
        made(
            api.post(
                f"/incidents/{incident}/evidence",
                files={"file": ("capture.png", png(), "image/png")},
                data={"sourceUrl": SENDER_NOTICE["urls"][0], "kind": "screenshot"},
            )
        )
        made(api.post(f"/incidents/{incident}/actions", json={"kind": "consultation"}))
        made(api.post(f"/incidents/{incident}/takedown-requests", json=SENDER_NOTICE))
        made(api.post("/perpetrators", json={"name": "X"}))
        made(api.post(f"/incidents/{incident}/witnesses", json={"name": "W"}))
        made(api.post(f"/incidents/{incident}/journal-entries", json={"happenedAt": PAST, "what": "A call"}))
        made(api.post(f"/incidents/{incident}/complaints", json={"subject": "A permit"}))
        made(api.post(f"/incidents/{incident}/tracing-requests", json={"channel": "specialist"}))
        made(api.post(f"/incidents/{incident}/spread-items", json={"url": SPREAD_URL, "kind": "copy"}))
        made(api.post(f"/incidents/{incident}/url-rechecks", json={"url": SENDER_NOTICE["urls"][0]}))
        first = {"If-Match": '"0"'}
        assessment = {
            "context": "A threat",
            "reach": "public",
            "impact": "considerable",
            "decision": "notify",
        }
        put = api.put(f"/incidents/{incident}/police-assessment", json=assessment, headers=first)
        assert put.status_code == 200, put.text
        claim = made(api.post(f"/incidents/{incident}/actions", json={"kind": "civil_claim"}))
        particulars = {
            "claimant": "organisation",
            "route": "civil_procedure",
            "damage": "material",
            "amount": "1250.00",
            "currency": "EUR",
        }
        put = api.put(f"/actions/{claim}/civil-claim", json=particulars, headers=first)
        assert put.status_code == 200, put.text
        made(api.post("/api-clients", json={"name": "GIR", "scopes": ["incidents:read"]}))
        made(
            api.post(
                "/webhook-subscriptions",
                json={"url": f"http://{LOOPBACK}:9/hook", "eventTypes": ["incident.created"]},
            )
        )


def configuration(target: Path) -> Path:
    """tests/integration/schemathesis.toml, and for every list: a made-up cursor is refused.

    The coverage phase sends boundary values for every parameter, also for `cursor`, which is opaque
    (only a page's `next` link has one; tests/security/test_cursors.py checks forged ones): there a
    400 answers a schema-valid request. The other phases leave cursors out (fuzz_hooks.map_query).
    """
    contract = json.loads(CONTRACT.read_text())
    lists = sorted(
        path
        for path, item in contract["paths"].items()
        if any(p.get("name") == "cursor" for p in item.get("get", {}).get("parameters", []))
    )
    entries = [
        "\n[[operations]]",
        # include-* options are alternatives: the method goes into the name (the operation's label).
        f"include-name-regex = {json.dumps('^GET (' + '|'.join(re.escape(p) for p in lists) + ')$')}",
        "phases.coverage.checks.positive_data_acceptance.expected-statuses = "
        '["2xx", "3xx", "400", "401", "403", "404", "409", "412", "429", "5xx"]',
    ]
    target.write_text(CONFIG.read_text() + "\n".join(entries) + "\n")
    return target


def test_schemathesis_finds_nothing_in_any_operation(fuzz_server, tmp_path: Path) -> None:
    origin, settings, user = fuzz_server
    report = tmp_path / "junit.xml"
    config = configuration(tmp_path / "schemathesis.toml")
    # Every check (as --checks all), which the configuration exempts for a single operation only.
    project = SchemathesisConfig.from_path(str(config)).projects.get_default()
    off = [name for name in _BUILTIN_CHECK_NAMES if not project.checks.get_by_name(name=name).enabled]
    assert off == ["max_response_time"], off  # that one needs a limit
    command = [
        str(BIN / "schemathesis"),
        "--config-file",
        str(config),
        "run",
        str(CONTRACT),
        "--url",
        f"{origin}/api/v1",
        "--phases",
        "examples,coverage,fuzzing,stateful",
        "--max-time",
        str(SECONDS),
        "--max-examples",
        str(EXAMPLES),
        "--seed",
        SEED,
        "--workers",
        "1",
        "--suppress-health-check",
        "all",
        "--request-timeout",
        "30",
        "--report",
        "junit",
        "--report-junit-path",
        str(report),
    ]
    done = subprocess.run(
        command,
        cwd=tmp_path,  # schemathesis keeps its cache (.schemathesis/) in the working directory
        capture_output=True,
        text=True,
        check=False,
        env={
            **os.environ,
            "SCHEMATHESIS_HOOKS": "tests.integration.fuzz_hooks",
            "WEERBAAR_FUZZ_DATABASE_URL": settings.database_url,
            "WEERBAAR_FUZZ_USER": user,
            "NO_COLOR": "1",
            "PYTHONPATH": str(ROOT),
        },
        timeout=SECONDS * 3 + 120,
    )
    said = done.stdout + done.stderr
    (ROOT / "tests" / "artifacts").mkdir(exist_ok=True)
    (ROOT / "tests" / "artifacts" / "schemathesis.txt").write_text(said)
    assert done.returncode == 0, said[-20000:]
    # The server resolved webhook hosts with the loopback-only resolver (the seeded subscription).
    assert LOOPBACK in asked
