"""axe-core (WCAG 2.1 A and AA) on the main pages: no violations."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.fixtures.postgres import unavailable
from tests.web.helpers import AXE, axe_violations, login, shoot

pytestmark = pytest.mark.slow

PAGES = (
    "/",
    "/incidents",
    "/incidents/new",
    "/recording-permissions",
    "/admin/users",
    "/admin/api-clients",
    "/admin/webhooks",
    "/audit",
    "/account",
    "/perpetrators",
    "/perpetrators/new",
    "/queues/unassigned",
    "/queues/police",
    "/legal/packs/nl",
    "/legal/packs/dk",
    "/admin/letter-templates/nl",
    "/recording-rules",
    "/notifications",
    "/account/notifications",
    "/admin/mail",
    "/preparedness",
    "/exports",
)


@pytest.fixture
def axe_page(browser):
    """A context that lets Playwright inject axe-core despite the strict CSP (only for this check)."""
    if not AXE.exists():
        unavailable(f"{AXE} is missing: run `npm ci`")
    context = browser.new_context(locale="nl-NL", bypass_csp=True, viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def test_login_page_has_no_violations(server, axe_page) -> None:
    axe_page.goto(f"{server.url}/login")
    assert axe_violations(axe_page) == []


def test_main_pages_have_no_violations(server, axe_page, artifacts: Path) -> None:
    login(axe_page, server.url, "coordinator@utrecht.example")
    axe_page.goto(f"{server.url}/incidents/new")
    axe_page.fill("#input-title", "Scheldpartij in reacties")
    axe_page.select_option("#input-platform", "instagram")
    axe_page.check("#behaviours-swearing")
    axe_page.click("text=Melding versturen")
    axe_page.wait_for_url(re.compile(r".*/incidents/[0-9a-f-]{36}$"))
    found = {}
    detail = axe_page.url.removeprefix(server.url)
    for path in (*PAGES, detail, f"{detail}/edit"):
        axe_page.goto(f"{server.url}{path}")
        violations = axe_violations(axe_page)
        if violations:
            found[path] = violations
    # The report form with its error messages shown.
    axe_page.goto(f"{server.url}/incidents/new")
    axe_page.fill("#input-title", "")
    axe_page.click("text=Melding versturen")
    axe_page.locator("#error-title p").wait_for()
    shoot(axe_page, artifacts, "10-report-errors")
    if violations := axe_violations(axe_page):
        found["/incidents/new (errors)"] = violations
    assert found == {}


@pytest.mark.parametrize("code", ["da", "en"])
def test_every_page_in_danish_and_english_has_no_violations(server, axe_page, code: str) -> None:
    login(axe_page, server.url, "coordinator@utrecht.example")
    axe_page.goto(f"{server.url}/language/{code}?next=/")
    found = {}
    for path in PAGES:
        axe_page.goto(f"{server.url}{path}")
        assert axe_page.evaluate("document.documentElement.lang") == code, path
        if violations := axe_violations(axe_page):
            found[path] = violations
    assert found == {}
