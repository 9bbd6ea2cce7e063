"""What the API adds for integrators: Idempotency-Key handling and 409 with Location for twins."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from api.idempotency import IdempotencyMiddleware
from api.problems import problem_response
from app.integration.external_references import ExternalReferenceConflict


def install(app: FastAPI) -> None:
    """Add the idempotency middleware and the duplicate-reference handler to the API app."""
    app.add_middleware(IdempotencyMiddleware)

    @app.exception_handler(ExternalReferenceConflict)
    async def _duplicate(request: Request, exc: ExternalReferenceConflict) -> JSONResponse:
        return problem_response(
            request,
            status=409,
            detail=exc.detail,
            title="Already registered",
            slug=exc.slug,
            errors=exc.errors,
            headers={"Location": exc.location},
        )
