"""Hostile letter templates: loading other templates, reaching for internals, fetching resources."""

from __future__ import annotations

import http.server
import threading
import uuid
from collections.abc import Iterator

import pytest
from sqlmodel import Session, select

from app.audit.models import AuditEvent
from app.takedown.models import LetterTemplate
from tests.fixtures.handling import PLATFORM_NOTICE, make_incident

pytestmark = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)

URL = "/api/v1/letter-templates/en"
PNG = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="

HOSTILE = [
    ("{% include 'letter_nl.html' %}", "template_include"),
    ("{% import 'macros.html' as m %}", "template_include"),
    ("{% from 'macros.html' import x %}", "template_include"),
    ("{% extends 'base.html' %}", "template_include"),
    ("{{ ''.__class__ }}", "template_unsafe"),
    ("{% if false %}{{ request.__class__.__init__.__globals__ }}{% endif %}", "template_unsafe"),
    ("{{ request['__class__'] }}", "template_unsafe"),
    ("{{ request|attr('__class__') }}", "template_unsafe"),
    ('{{ "{0.__class__}".format(request) }}', "template_unsafe"),
    ('{{ "{0.__class__.__base__}".format(incident.title) }}', "template_unsafe"),
    ("{{ request.urls.append('x') }}", "template_unsafe"),
    ("{{ 'x' * 100000000 }}", "template_unsafe"),
    ("{{ 2 ** 64 ** 64 ** 64 }}", "template_unsafe"),
    ("{{ 10 ** 100000 }}", "template_unsafe"),
    ("{{ lipsum(100000) }}", "template_render"),
    ("{{ 1 / 0 }}", "template_render"),
    ("{{ range(10000000) | list }}", "template_render"),
    ("{{ request.recipientName.nothing.deeper }}", "template_render"),
]


@pytest.fixture
def resource_server() -> Iterator[tuple[str, list[str]]]:
    """A local HTTP server that records every request (the letter must never reach it)."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            return None

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", hits
    server.shutdown()
    server.server_close()


def _put(client, org, body: str):
    current = client.get(URL, headers=org["admin"].headers)
    return client.put(
        URL, json={"body": body}, headers={**org["admin"].headers, "If-Match": current.headers["ETag"]}
    )


@pytest.mark.parametrize(
    ("body", "code"), HOSTILE, ids=[code + "-" + str(n) for n, (_, code) in enumerate(HOSTILE)]
)
def test_hostile_template_is_refused_on_save_with_a_named_problem(client, org, body, code):
    response = _put(client, org, f"<html><body>{body}</body></html>")
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert [(e["name"], e["code"]) for e in response.json()["errors"]] == [("body", code)]
    assert client.get(URL, headers=org["admin"].headers).json()["version"] == 1


def test_a_stored_hostile_template_gives_a_problem_when_a_letter_is_rendered(client, org, engine):
    incident = make_incident(client, org["case_handler"], behaviours=["threat"])
    takedown = client.post(
        f"/api/v1/incidents/{incident['id']}/takedown-requests",
        json=PLATFORM_NOTICE,
        headers=org["case_handler"].headers,
    ).json()
    letter = f"/api/v1/takedown-requests/{takedown['id']}/letter?language=en"
    client.get(URL, headers=org["admin"].headers)  # seeds the template
    # Saved before templates were checked on save: written straight into the database.
    for body, code in [
        ("{% include 'letter_nl.html' %}", "template_include"),
        ('{{ "{0.__class__}".format(request) }}', "template_unsafe"),
        ("{{ 1 / 0 }}", "template_render"),
    ]:
        with Session(engine) as session:
            stored = session.exec(select(LetterTemplate).where(LetterTemplate.language == "en")).one()
            stored.body = f"<html><body>{body}</body></html>"
            stored.version += 1  # an edited template (version 1 follows the shipped text)
            session.add(stored)
            session.commit()
        response = client.get(letter, headers=org["case_handler"].headers)
        assert response.status_code == 400, response.text
        assert response.headers["content-type"] == "application/problem+json"
        problem = response.json()
        assert problem["type"].endswith("letter-template-invalid")
        assert [e["code"] for e in problem["errors"]] == [code]
    with Session(engine) as session:
        assert session.exec(select(AuditEvent).where(AuditEvent.action == "takedown.letter")).all() == []


def test_images_and_stylesheets_are_never_fetched_only_data_uris_render(
    client, org, resource_server, tmp_path
):
    base, hits = resource_server
    secret = tmp_path / f"secret-{uuid.uuid4().hex}.png"
    secret.write_bytes(b"not for letters")
    body = (
        "<html><head><style>"
        f"@import url({base}/import.css); body {{ background: url({base}/background.png) }}"
        f"@font-face {{ font-family: x; src: url(file://{secret}) }}"
        f'</style><link rel="stylesheet" href="{base}/linked.css"></head><body>'
        f'<img src="{base}/logo.png"><img src="file://{secret}"><img src="data:image/png;base64,{PNG}">'
        "<p>Letter {{ incident.reference }}</p></body></html>"
    )
    saved = _put(client, org, body)
    assert saved.status_code == 200, saved.text
    incident = make_incident(client, org["case_handler"], behaviours=["threat"])
    takedown = client.post(
        f"/api/v1/incidents/{incident['id']}/takedown-requests",
        json=PLATFORM_NOTICE,
        headers=org["case_handler"].headers,
    ).json()
    response = client.get(
        f"/api/v1/takedown-requests/{takedown['id']}/letter?language=en", headers=org["case_handler"].headers
    )
    assert response.status_code == 200, response.text
    assert response.content.startswith(b"%PDF")
    assert b"/Image" in response.content  # the data: URI image is embedded
    assert hits == []
