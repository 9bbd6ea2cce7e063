"""Small helpers for the browser tests: logging in, images, screenshots, axe-core."""

from __future__ import annotations

import re
import struct
import zlib
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from tests.fixtures.factories import PASSWORD

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


def png(width: int = 40, height: int = 30, shade: int = 200) -> bytes:
    """A small valid PNG image."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    rows = b"".join(b"\x00" + bytes([shade, 80, 80]) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def login(page: Any, base: str, email: str, password: str = PASSWORD) -> None:
    """Log in through the form and wait for the dashboard."""
    page.goto(f"{base}/login")
    page.fill("#input-email", email)
    page.fill("#input-password", password)
    page.click("form[action='/login'] button[type=submit]")
    page.wait_for_url(f"{base}/")


def shoot(page: Any, artifacts: Path, name: str) -> Path:
    """A full-page screenshot kept as a test artifact."""
    path = artifacts / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def at_both_widths(page: Any, artifacts: Path, name: str) -> None:
    """Screenshots at desktop and phone width; nothing may be wider than the phone's window."""
    shoot(page, artifacts, f"{name}-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    width = page.evaluate("document.documentElement.scrollWidth")
    shoot(page, artifacts, f"{name}-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    assert width <= 390, f"{name}: the page is {width}px wide at 390px"


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """Run axe-core (WCAG 2.1 A and AA rules) on the current page."""
    page.add_script_tag(path=str(AXE))
    result: dict[str, Any] = page.evaluate(
        """async () => await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"""
    )
    return [
        {"id": v["id"], "help": v["help"], "nodes": [n["target"] for n in v["nodes"]][:5]}
        for v in result["violations"]
    ]


def csrf_of(client: TestClient, path: str = "/login") -> str:
    """The CSRF token of the session, as the page's forms carry it."""
    page = client.get(path)
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found, page.text[:500]
    return found.group(1)


def log_in(client: TestClient, email: str = "coordinator@utrecht.example") -> str:
    """Log in through the form without a browser; the CSRF token."""
    token = csrf_of(client)
    response = client.post("/login", data={"email": email, "password": PASSWORD, "csrf_token": token})
    assert response.status_code == 303, response.text[:500]
    return token
