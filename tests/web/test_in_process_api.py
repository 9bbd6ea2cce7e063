"""The web UI mounted beside the API calls it in-process (web.client.InProcessTransport), on a real
uvicorn server: the browser's address still reaches the API, downloads still stream over the
network, and the API's answers (problems included) are the same as over a socket."""

from __future__ import annotations

import asyncio
import re

import httpx
from sqlalchemy import select
from sqlmodel import Session

from app.auth.models import AuthSession
from tests.fixtures.factories import PASSWORD, incident_body
from tests.web.helpers import png
from tests.web.server import LiveServer
from web.client import STREAMED, InProcessTransport

COORDINATOR = "coordinator@utrecht.example"


def web_login(server: LiveServer, *, forwarded_for: str) -> httpx.Client:
    """A browser-like client logged in through the form, seen by uvicorn as coming from forwarded_for."""
    client = httpx.Client(base_url=server.url, headers={"X-Forwarded-For": forwarded_for})
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert token, page.text[:300]
    answer = client.post(
        "/login", data={"email": COORDINATOR, "password": PASSWORD, "csrf_token": token.group(1)}
    )
    assert answer.status_code in (200, 303), answer.text[:300]
    return client


def test_the_api_sees_the_browsers_address_and_downloads_stream(server: LiveServer) -> None:
    api = httpx.Client(base_url=f"{server.url}/api/v1", headers=server.tenant["coordinator"].headers)
    incident = api.post("/incidents", json=incident_body()).json()
    image = png(shade=77)
    evidence = api.post(
        f"/incidents/{incident['id']}/evidence", files={"file": ("shot.png", image, "image/png")}
    ).json()

    browser = web_login(server, forwarded_for="203.0.113.7")
    with Session(server.engine) as session:
        origins = session.exec(select(AuthSession.origin)).scalars().all()
    # The login went in-process with the browser's address forwarded, as over the loopback.
    assert "203.0.113.7" in origins

    page = browser.get(f"/incidents/{incident['id']}")
    assert page.status_code == 200 and incident["reference"] in page.text
    # A download is the stored file itself (the network leg, where it streams).
    download = browser.get(f"/evidence/{evidence['id']}/content")
    assert download.status_code == 200
    assert download.content == image
    # An API problem reaches the page as it would over a socket: an unknown incident is a 404 page.
    missing = browser.get("/incidents/00000000-0000-0000-0000-000000000000")
    assert missing.status_code == 404


def test_in_process_calls_answer_like_the_api_and_streams_take_the_network() -> None:
    """Without a server: the in-process leg answers from the app; a streamed request goes to the network."""
    asyncio.run(_in_process_and_streamed())


async def _in_process_and_streamed() -> None:
    async def app(scope, receive, send) -> None:  # type: ignore[no-untyped-def]
        assert scope["client"][0] == "198.51.100.4"  # X-Forwarded-For from 127.0.0.1 is trusted
        await send(
            {"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/plain")]}
        )
        await send({"type": "http.response.body", "body": b"in-process"})

    transport = InProcessTransport(app)
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:9/api/v1/") as client:
        answer = await client.get("ping", headers={"X-Forwarded-For": "198.51.100.4"})
        assert answer.text == "in-process"
        request = client.build_request("GET", "ping", extensions={STREAMED: True})
        try:
            await client.send(request, stream=True)
        except httpx.ConnectError:
            pass  # nothing listens on port 9: the streamed request went to the network
        else:  # pragma: no cover
            raise AssertionError("a streamed request must not be answered in-process")
