"""Phone-sized screens: no page pushes sideways at 360 px, and a double click sends a form once."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest

from tests.fixtures.factories import PASSWORD
from tests.web.helpers import login, shoot

pytestmark = pytest.mark.slow

LONG_URL = "https://www.facebook.com/groups/1234567890/posts/" + "9" * 60 + "?comment_id=" + "1" * 40
PAGES = (
    "/",
    "/incidents",
    "/incidents/new",
    "/recording-permissions",
    "/admin/users",
    "/admin/api-clients",
    "/admin/webhooks",
    "/audit",
    "/notifications",
    "/account/notifications",
    "/admin/mail",
)


def test_pages_fit_a_360_px_screen(server, browser, artifacts: Path) -> None:
    context = browser.new_context(locale="nl-NL", viewport={"width": 360, "height": 740})
    page = context.new_page()
    login(page, server.url, "coordinator@utrecht.example")
    page.goto(f"{server.url}/incidents/new")
    page.fill("#input-title", "Doodsbedreiging met adres van medewerker")
    page.select_option("#input-platform", "facebook")
    page.check("#behaviours-death_threat")
    page.check("#behaviours-doxxing")
    page.fill("#input-urls", LONG_URL)
    page.click("form[action='/incidents'] button[type=submit]")
    page.wait_for_url(re.compile(r".*/incidents/[0-9a-f-]{36}$"))
    detail = page.url.removeprefix(server.url)
    wide = {}
    for path in (*PAGES, detail, f"{detail}/edit"):
        page.goto(f"{server.url}{path}")
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        if overflow > 0:
            wide[path] = overflow
        shoot(page, artifacts, "phone-" + (path.strip("/").replace("/", "-")[:48] or "dashboard"))
    context.close()
    assert wide == {}


def test_a_double_click_registers_one_incident(server, page) -> None:
    login(page, server.url, "coordinator@utrecht.example")
    page.goto(f"{server.url}/incidents/new")
    page.fill("#input-title", "Dubbel verstuurd")
    page.select_option("#input-platform", "x")
    page.check("#behaviours-insult")
    page.dblclick("form[action='/incidents'] button[type=submit]")
    page.wait_for_url(re.compile(r".*/incidents/[0-9a-f-]{36}$"))
    token = httpx.post(
        f"{server.url}/api/v1/sessions",
        json={"email": "coordinator@utrecht.example", "password": PASSWORD},
    )
    assert token.status_code in (200, 201), token.text
    found = httpx.get(
        f"{server.url}/api/v1/incidents",
        params={"q": "Dubbel verstuurd"},
        headers={"Authorization": f"Bearer {token.json()['token']}"},
    )
    assert len(found.json()["items"]) == 1
