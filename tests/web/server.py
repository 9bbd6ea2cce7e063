"""A real Weerbaar server (API and UI) in a thread, on a free port, for browser tests."""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import uvicorn
from pydantic import SecretStr
from sqlalchemy import Engine

from api.main import create_app
from app.config import Settings
from app.migrate import upgrade
from tests.fixtures.factories import SECRET, Tenant, add_member, make_tenant
from web.main import create_web


@dataclass
class LiveServer:
    """The running server, its database engine and its organisation."""

    url: str
    engine: Engine
    tenant: Tenant
    settings: Settings


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def live_server(
    data_dir: Path, *, max_upload_bytes: int = 2_000_000, template: Path | None = None
) -> Iterator[LiveServer]:
    """A fresh SQLite database (a copy of a migrated template, or migrated here), staff, served on
    127.0.0.1 until the block ends."""
    data_dir.mkdir(parents=True, exist_ok=True)
    settings = Settings(
        data_dir=data_dir,
        secret_key=SecretStr(SECRET),
        run_jobs_in_process=False,
        create_demo=False,
        max_evidence_bytes=max_upload_bytes,
        session_ttl_minutes=60,
    )
    if template is None:
        upgrade(settings.effective_database_url)
    else:
        shutil.copyfile(template, data_dir / "weerbaar.sqlite3")
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    web = create_web(
        api_url=f"{base}/api/v1", secret_key=settings.resolved_secret_key(), max_upload_bytes=max_upload_bytes
    )
    app = create_app(settings, web=web)
    engine: Engine = app.state.engine
    tenant = make_tenant(engine, slug="utrecht", roles=("employee", "auditor"))
    add_member(engine, tenant, key="coordinator", roles=["case_handler", "admin", "auditor"])
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, name="weerbaar-live-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    else:
        raise RuntimeError("the live server did not start")
    try:
        yield LiveServer(url=base, engine=engine, tenant=tenant, settings=settings)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        engine.dispose()
