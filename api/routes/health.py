"""Liveness and readiness, for load balancers and orchestrators (no login)."""

from __future__ import annotations

import logging

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from sqlalchemy import text

from api.deps import TransactionRoute
from api.problems import problem_response

router = APIRouter(include_in_schema=False, route_class=TransactionRoute)
log = logging.getLogger("weerbaar.health")


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is alive."""
    return {"status": "ok"}


@router.get("/readyz")
def readyz(request: Request) -> JSONResponse:
    """The database and the object store are reachable; a 503 problem when not."""
    failures = []
    try:
        with request.app.state.engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure means not ready
        log.warning("readiness: database: %s", type(exc).__name__)
        failures.append("database")
    try:
        request.app.state.store.check()
    except Exception as exc:  # noqa: BLE001
        log.warning("readiness: storage: %s", type(exc).__name__)
        failures.append("storage")
    if failures:
        return problem_response(
            request,
            status=503,
            detail=f"Not ready: {', '.join(failures)} not reachable.",
            slug="unavailable",
        )
    return JSONResponse({"status": "ready", "database": "ok", "storage": "ok"})
