"""The API application: /api/v1 with problem+json errors, plus health checks and the web UI."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from functools import cache

import anyio.to_thread
from fastapi import APIRouter, Depends, FastAPI
from starlette.routing import BaseRoute
from starlette.types import ASGIApp

from api import integration, openapi, problem_types, problems
from api.admission import AdmissionMiddleware, route_pattern
from api.body_timeout import BodyTimeoutMiddleware, BodyTimeouts
from api.deps import WRITING_READS
from api.middleware import ApiHeadersMiddleware, RequestGuardMiddleware
from api.negotiation import OctetStreamMiddleware
from api.ratelimit import Limiter, Limits, Policy, RateLimitMiddleware
from api.routes import (
    actions,
    api_clients,
    audit_events,
    captures,
    casework,
    evidence,
    exports,
    health,
    incidents,
    legal_packs,
    notifications,
    oauth,
    perpetrators,
    preparedness,
    proceedings,
    public,
    recording_permissions,
    sessions,
    spread,
    statistics,
    takedown_requests,
    timeline,
    users,
    webhook_subscriptions,
    worklists,
)
from api.strict_query import strict_query
from app import API_VERSION
from app.audit import anchors as audit_anchors
from app.audit import keys as audit_keys
from app.config import Settings, get_settings
from app.db import make_engine
from app.evidence import seal
from app.jobs import service as jobs
from app.jobs.handlers import register_all
from app.storage import clean_stale_uploads, make_store

log = logging.getLogger("weerbaar")

UPLOAD_PATHS = (r"^/api/v1/incidents/[^/]+/evidence$",)
# The web UI's evidence upload, when it is mounted at / beside the API.
WEB_UPLOAD_PATHS = (r"^/incidents/[^/]+/evidence$",)


def body_timeouts(settings: Settings) -> BodyTimeouts:
    """The request body timeouts from the settings."""
    return BodyTimeouts(
        idle=settings.body_idle_timeout_seconds,
        total=settings.body_timeout_seconds,
        upload_total=settings.upload_body_timeout_seconds,
    )


# Operations without a caller yet, limited per client address (api.ratelimit).
ADDRESS_LIMITED = (r"^/sessions$", r"^/oauth/token$")


def rate_limits(settings: Settings) -> Limits:
    """The rate limits from the settings, with a fresh in-process store."""
    window = settings.rate_limit_window_seconds
    return Limits(
        limiter=Limiter(),
        client=Policy("client", settings.rate_limit_client_requests, window),
        address=Policy("address", settings.rate_limit_address_requests, window),
        enabled=settings.rate_limit_enabled,
    )


@cache
def _operations() -> tuple[BaseRoute, ...]:
    """The API's operations, built once per process and shared by every API app it creates.

    FastAPI builds an included router's operations (their dependencies, parameter and response
    models) at the first request of each app that includes it: some 150 ms for this API. An app
    of its own per test (fresh settings and database) paid that every time; these are built once.
    The operations hold nothing of an app: its settings, engine and store are read from the
    request's app (request.app.state) at each call.
    """
    router = APIRouter(dependencies=[Depends(strict_query)])
    router.include_router(problem_types.router)
    for module in (sessions, users, incidents, audit_events, recording_permissions, evidence):
        router.include_router(module.router)
    router.include_router(captures.router)
    for module in (legal_packs, actions, takedown_requests, perpetrators, timeline, proceedings):
        router.include_router(module.router)
    for module in (api_clients, webhook_subscriptions, exports, statistics, worklists, notifications):
        router.include_router(module.router)
    router.include_router(casework.router)
    router.include_router(oauth.router)
    router.include_router(spread.router)
    router.include_router(preparedness.router)
    return tuple(router.routes)


def create_api(settings: Settings) -> FastAPI:
    """The versioned JSON API, mounted at /api/v1."""
    api = FastAPI(
        title="Weerbaar API",
        version=API_VERSION,
        openapi_url="/openapi.json",
        docs_url=None,
        redoc_url=None,
        redirect_slashes=False,
    )
    api.state.settings = settings
    api.router.routes.extend(_operations())
    problems.install(api)
    integration.install(api)
    api.add_middleware(
        AdmissionMiddleware,
        limit=settings.write_concurrency,
        wait_seconds=settings.write_queue_seconds,
        writing_reads=[route_pattern(path) for path in WRITING_READS],
        passing=(r"/sessions$", *UPLOAD_PATHS),  # short transactions of their own
    )
    api.state.limits = rate_limits(settings)
    api.add_middleware(RateLimitMiddleware, limits=api.state.limits, address_paths=ADDRESS_LIMITED)
    api.add_middleware(OctetStreamMiddleware)
    openapi.install(api)

    return api


def create_app(settings: Settings | None = None, *, web: ASGIApp | None = None) -> FastAPI:
    """The whole server: API at /api/v1, /healthz and /readyz, and optionally the web UI at /."""
    settings = settings or get_settings()
    engine = make_engine(
        settings.effective_database_url,
        threads=settings.request_threads,
        pool_timeout=settings.db_pool_timeout_seconds,
        busy_timeout_ms=settings.sqlite_busy_timeout_ms,
    )
    store = make_store(settings)
    secret_key = settings.resolved_secret_key()
    audit_keys.configure(settings)  # a missing audit key in production stops the start here
    if settings.environment == "production":
        seal.for_settings(settings)  # so does a missing, unreadable or expired seal certificate

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # Sync endpoints run in anyio's thread pool: as many at once as the database pool serves.
        anyio.to_thread.current_default_thread_limiter().total_tokens = settings.request_threads
        clean_stale_uploads(store)
        stop = threading.Event()
        runner = None
        if settings.run_jobs_in_process:
            register_all()
            audit_anchors.schedule(engine)
            runner = threading.Thread(
                target=jobs.run_forever,
                args=(engine, stop, settings.job_poll_seconds),
                kwargs={"lease_seconds": settings.job_lease_seconds},
                name="weerbaar-jobs",
                daemon=True,
            )
            runner.start()
        try:
            yield
        finally:
            stop.set()
            if runner:
                runner.join(timeout=10)
            if web_connections is not None:
                await web_connections.aclose()
            engine.dispose()

    # The web UI's connections to the API are closed when the server stops.
    web_connections = web.state.api_connections if isinstance(web, FastAPI) else None
    root = FastAPI(docs_url=None, redoc_url=None, openapi_url=None, redirect_slashes=False, lifespan=lifespan)
    api = create_api(settings)
    for target in (root, api):
        target.state.settings = settings
        target.state.engine = engine
        target.state.store = store
        target.state.secret_key = secret_key
    root.include_router(health.router)
    root.include_router(public.router)
    problems.install(root)
    root.mount("/api/v1", api)
    if web is not None:
        root.mount("/", web)
    # Only the API is limited to JSON and multipart uploads; the web UI takes HTML form posts.
    api.add_middleware(
        RequestGuardMiddleware,
        json_limit=settings.max_json_body_bytes,
        upload_limit=settings.max_evidence_bytes + 1024 * 1024,
        upload_paths=UPLOAD_PATHS,
        form_paths=(r"^/api/v1/oauth/token$",),
    )
    # On the root: times out slow bodies of the API and of the web UI mounted beside it.
    root.add_middleware(
        BodyTimeoutMiddleware,
        timeouts=body_timeouts(settings),
        upload_paths=(*UPLOAD_PATHS, *WEB_UPLOAD_PATHS),
    )
    root.add_middleware(ApiHeadersMiddleware, production=settings.environment == "production")
    if isinstance(web, FastAPI):
        # The web UI mounted here reaches this API in-process (web.client.InProcessTransport).
        web.state.in_process_api = root
    return root
