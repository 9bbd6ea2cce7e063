"""Health and readiness checks, without login."""

from __future__ import annotations

from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.main import create_app


def test_healthz_and_readyz(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    ready = client.get("/readyz")
    assert ready.status_code == 200
    assert ready.json()["database"] == "ok"


def test_readyz_is_503_problem_when_database_is_unreachable(settings, tmp_path):
    broken = settings.model_copy(
        update={"database_url": "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=1"}
    )
    client = TestClient(create_app(broken))
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    assert "database" in response.json()["detail"]


def test_readyz_is_503_when_storage_is_unusable(settings, tmp_path):
    blocker = tmp_path / "blocked"
    blocker.write_text("a file where the data directory should be")
    # The audit key comes from the settings here, as in production: only the store is unusable.
    audit_key = SecretStr(settings.resolved_audit_key())
    broken = settings.model_copy(update={"data_dir": blocker, "audit_key": audit_key})
    client = TestClient(create_app(broken))
    response = client.get("/readyz")
    assert response.status_code == 503
    assert "storage" in response.json()["detail"]
