"""What a request costs the server besides its own work: the operations are built once per process,
and a sync operation hops to a worker thread only where it does I/O."""

from __future__ import annotations

import functools
from typing import Any

import anyio.to_thread
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.main import _operations, create_app
from app.config import Settings
from tests.fixtures.factories import Tenant, incident_body
from web.main import create_web


def test_every_app_shares_the_operations_and_pages_built_once(settings: Settings) -> None:
    first, second = create_app(settings), create_app(settings)
    try:
        first_api, second_api = (_api_of(app) for app in (first, second))
        assert first_api is not second_api  # each app keeps its own state and middleware
        operations = {id(route) for route in _operations()}
        assert operations <= {id(route) for route in first_api.router.routes}
        assert operations <= {id(route) for route in second_api.router.routes}
        web_a = create_web(api_url="http://a/api/v1", secret_key="k" * 32)
        web_b = create_web(api_url="http://b/api/v1", secret_key="k" * 32)
        assert [id(r) for r in web_a.router.routes] == [id(r) for r in web_b.router.routes]
        assert web_a.state.templates is web_b.state.templates
        assert web_a.state.api_url != web_b.state.api_url
    finally:
        first.state.engine.dispose()
        second.state.engine.dispose()


def _api_of(app: FastAPI) -> FastAPI:
    mounted = next(r for r in app.routes if getattr(r, "path", "") == "/api/v1")
    api: FastAPI = mounted.app  # type: ignore[attr-defined]
    return api


@pytest.fixture
def hops(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the functions each request ran in a worker thread."""
    names: list[str] = []
    original = anyio.to_thread.run_sync

    async def counted(func: Any, *args: Any, **kwargs: Any) -> Any:
        named = func.keywords.get("function", func.func) if isinstance(func, functools.partial) else func
        names.append(getattr(named, "__qualname__", repr(named)))
        return await original(func, *args, **kwargs)

    monkeypatch.setattr(anyio.to_thread, "run_sync", counted)
    return names


def test_a_read_and_a_change_hop_to_a_worker_thread_only_for_io(
    app: FastAPI, client: TestClient, org: Tenant, hops: list[str]
) -> None:
    headers = org["case_handler"].headers
    incident = client.post("/api/v1/incidents", json=incident_body(), headers=headers).json()
    hops.clear()
    answer = client.get(f"/api/v1/incidents/{incident['id']}/witnesses", headers=headers)
    assert answer.status_code == 200, answer.text
    # The caller's token, the incident (need-to-know), the operation with its transaction's end,
    # and FastAPI's check of a sync operation's response; opening the session, the permission
    # check and the end of the transaction cost no hop of their own.
    assert len(hops) == 4, hops
    assert "_end" not in hops and "get_session" not in hops and "Permission.__call__" not in hops
    etag = client.get(f"/api/v1/incidents/{incident['id']}", headers=headers).headers["ETag"]
    hops.clear()
    changed = client.patch(
        f"/api/v1/incidents/{incident['id']}",
        json={"severity": "high"},
        headers={**headers, "If-Match": etag, "Content-Type": "application/merge-patch+json"},
    )
    assert changed.status_code == 200, changed.text
    assert len(hops) <= 4 and "_end" not in hops, hops
