"""Browser fixtures: a live server and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.main import create_app
from app.config import Settings
from tests.fixtures.factories import Tenant, add_member, make_tenant
from tests.fixtures.postgres import unavailable
from tests.web.server import LiveServer, live_server
from web.main import create_web

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
# Screenshots are for people to look at: taken locally, left out in CI (a full-page one costs the
# browser about half a second) unless WEERBAAR_TEST_SCREENSHOTS=1. The layout assertions run either way.
SCREENSHOTS = (
    os.environ.get("WEERBAAR_TEST_SCREENSHOTS", "0" if os.environ.get("CI") == "true" else "1") == "1"
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[LiveServer]:
    """One live server per test module (starting it costs a few seconds), on a copy of the
    worker's migrated database."""
    with live_server(tmp_path_factory.mktemp("live") / "var", template=sqlite_template) as running:
        yield running


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    """Chromium, headless; skipped locally without it, a failure in CI."""
    if not os.path.exists(CHROMIUM):
        unavailable(f"{CHROMIUM} is not installed")
    from playwright.sync_api import sync_playwright

    if not SCREENSHOTS:
        from playwright.sync_api import Locator, Page

        mp = pytest.MonkeyPatch()
        mp.setattr(Page, "screenshot", lambda self, **kwargs: b"")
        mp.setattr(Locator, "screenshot", lambda self, **kwargs: b"")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield instance
        instance.close()
    if not SCREENSHOTS:
        mp.undo()


@pytest.fixture
def page(browser, request: pytest.FixtureRequest):
    """A fresh browser context (no cookies) in Dutch, with console errors collected."""
    context = browser.new_context(locale="nl-NL", viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.errors = []
    tab.on("pageerror", lambda exc: tab.errors.append(str(exc)))
    tab.on(
        "console",
        lambda msg: (
            tab.errors.append(msg.text) if msg.type == "error" and "status of 4" not in msg.text else None
        ),
    )
    yield tab
    context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """Where screenshots are kept for people to look at (gitignored)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


# Without a browser: API and UI in one ASGI app, on both databases.


@pytest.fixture
def web_app(settings: Settings) -> Iterator[FastAPI]:
    """API and UI in one app; the UI reaches the API in-process through an ASGI transport."""
    web = create_web(api_url="http://testserver/api/v1", secret_key=settings.resolved_secret_key())
    application = create_app(settings, web=web)
    web.state.transport = httpx.ASGITransport(app=application)
    yield application
    application.state.engine.dispose()


@pytest.fixture
def browser_client(web_app: FastAPI) -> TestClient:
    """A client that acts like a browser: it keeps cookies and does not follow redirects."""
    return TestClient(web_app, raise_server_exceptions=False, follow_redirects=False)


@pytest.fixture
def tenant(web_app: FastAPI) -> Tenant:
    """An organisation with an employee and a coordinator (case handler and admin)."""
    tenant = make_tenant(web_app.state.engine, slug="utrecht", roles=("employee",))
    add_member(web_app.state.engine, tenant, key="coordinator", roles=["case_handler", "admin"])
    return tenant
