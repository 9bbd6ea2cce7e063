"""Capturing a web address from the incident page: a refused address kept next to its field, then a
capture whose progress the page polls until its three evidence items are linked; nl, then en and da."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app.config import get_settings
from app.jobs import service as job_runner
from tests.capture.pages import serve_pages
from tests.fixtures.factories import incident_body
from tests.web.helpers import axe_violations, login

pytestmark = pytest.mark.slow

COORDINATOR = "coordinator@utrecht.example"


@pytest.fixture
def page(browser):
    """A fresh Dutch browser context; CSP bypassed only so that axe-core can be injected."""
    context = browser.new_context(locale="nl-NL", bypass_csp=True, viewport={"width": 1280, "height": 900})
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


@pytest.fixture
def pages(server, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """The test pages, and captures allowed to reach them (the server's settings and the job's)."""
    with serve_pages(tmp_path) as served:
        monkeypatch.setattr(server.settings, "capture_allowed_networks", "127.0.0.0/8")
        monkeypatch.setenv("WEERBAAR_DATA_DIR", str(server.settings.data_dir))
        monkeypatch.setenv("WEERBAAR_CAPTURE_ALLOWED_NETWORKS", "127.0.0.0/8")
        monkeypatch.setenv("WEERBAAR_CAPTURE_CA_FILE", str(served.ca_file))
        get_settings.cache_clear()
        yield served
    get_settings.cache_clear()


def run_due_jobs(engine) -> None:
    """What a worker does: every due job (the capture among them), until none is left."""
    while job_runner.run_one(engine, "test-worker"):
        pass


def section_shots(page, artifacts: Path, name: str) -> None:
    """The capture section at desktop and phone width (the page is long); nothing sticks out sideways."""
    for width, height in ((1280, 900), (390, 844)):
        page.set_viewport_size({"width": width, "height": height})
        assert page.evaluate("document.documentElement.scrollWidth") <= width, (name, width)
        page.locator("#captures").screenshot(path=str(artifacts / f"{name}-{width}.png"))
    page.set_viewport_size({"width": 1280, "height": 900})


def test_capture_form_refuses_an_internal_address_then_shows_progress_and_the_evidence(
    server, page, pages, artifacts: Path
) -> None:
    with httpx.Client(base_url=f"{server.url}/api/v1", headers=server.tenant["coordinator"].headers) as api:
        incident = (
            api.post("/incidents", json=incident_body(behaviours=["swearing"])).raise_for_status().json()
        )
    login(page, server.url, COORDINATOR)
    page.goto(f"{server.url}/incidents/{incident['id']}#captures")
    form = page.locator(f"form[action='/incidents/{incident['id']}/captures']")

    # Not a web address: the error is next to the field, in Dutch, and the typed text stays.
    page.fill("#capture-input-url", "ftp://files.example/post")
    form.locator("button[type=submit]").click()
    error = page.locator("#capture-error-url")
    error.locator("p").wait_for()
    assert "https://" in error.inner_text()
    assert page.input_value("#capture-input-url") == "ftp://files.example/post"
    # An internal address is refused the same way.
    page.fill("#capture-input-url", "http://169.254.169.254/latest/meta-data/")
    form.locator("button[type=submit]").click()
    page.locator("#capture-error-url p", has_text="intern netwerk").wait_for()
    assert page.input_value("#capture-input-url") == "http://169.254.169.254/latest/meta-data/"
    section_shots(page, artifacts, "capture-refused")

    # A real page that refreshes itself to an address that redirects: queued, then the page polls
    # the capture until it is done, at the page it ended at.
    url = f"{pages.https}/refresh.html"
    for address in ("http://no-such-host.invalid/post", url):  # the first one fails in the job
        page.fill("#capture-input-url", address)
        with page.expect_navigation():
            form.locator("button[type=submit]").click()
    card = page.locator("[data-testid=capture]").first
    assert card.get_attribute("data-status") == "queued"
    assert "In de wachtrij" in card.inner_text()
    worker = threading.Thread(target=run_due_jobs, args=(server.engine,))
    worker.start()
    page.locator("[data-testid=capture][data-status=done]").wait_for(timeout=60_000)
    worker.join()
    card = page.locator("[data-testid=capture]").first
    text = card.inner_text()
    assert "Vastgelegd" in text and f"{pages.https}/page.html" in text
    links = card.locator("[data-testid=capture-evidence] a")
    assert links.count() == 3
    failed = page.locator("[data-testid=capture][data-status=failed]")
    failed.wait_for()
    assert "De naam van de website is niet gevonden" in failed.inner_text()
    page.reload()
    assert page.locator("[data-testid=evidence]").count() == 3  # and listed under Evidence
    links = page.locator("[data-testid=capture] [data-testid=capture-evidence] a")
    assert axe_violations(page) == []
    assert page.errors == []
    section_shots(page, artifacts, "capture-done")

    # English and Danish: the section and the capture in their words, no Dutch left.
    detail = f"/incidents/{incident['id']}"
    for language, words, dutch in (
        ("en", ("Web captures", "Captured", "Web archive (WACZ)", "name could not be found"), "Vastgelegd"),
        ("da", ("Gem websider", "Gemt", "Webarkiv (WACZ)", "navn blev ikke fundet"), "Captured"),
    ):
        page.goto(f"{server.url}/language/{language}?next={detail}")
        section = page.locator("#captures").inner_text()
        assert all(word in section for word in words), (language, section)
        assert dutch not in section and "Vastgelegd" not in section, (language, section)
    section_shots(page, artifacts, "capture-done-da")

    # The screenshot link leads to the evidence item with its hash and custody log.
    links.nth(1).click()
    page.wait_for_url("**/evidence/*")
    assert "sha" in page.locator("main").inner_text().lower()
