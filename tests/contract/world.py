"""One of every resource, made through the API, and a valid request for every operation of the contract.

The contract tests walk openapi/openapi.json and send requests built here, so that each check
("null clears", "ETag as declared", "If-Match required") covers every operation, including ones
added later: an operation without a recipe fails the walk until it has one.
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from pydantic import SecretStr

from api.main import create_app
from app.config import Settings
from tests.evidence.helpers import png
from tests.fixtures.databases import fresh_sqlite
from tests.fixtures.factories import PASSWORD, SECRET, Member, add_member, incident_body, make_tenant
from tests.fixtures.handling import SENDER_NOTICE
from tests.recording_permission.bodies import permission_body, violation_body

CONTRACT = Path(__file__).resolve().parents[2] / "openapi" / "openapi.json"
ALL_ROLES = ["employee", "manager", "case_handler", "privacy_officer", "legal", "admin", "auditor"]
METHODS = ("get", "post", "put", "patch", "delete")
_serial = itertools.count()


def contract() -> dict[str, Any]:
    """The committed contract."""
    loaded: dict[str, Any] = json.loads(CONTRACT.read_text())
    return loaded


def operations(schema: dict[str, Any]) -> Iterator[tuple[str, str, dict[str, Any]]]:
    """(method, path, operation) of every operation, in contract order."""
    for path, item in schema["paths"].items():
        for method in METHODS:
            if method in item:
                yield method, path, item[method]


def resolve(schema: dict[str, Any], node: dict[str, Any]) -> dict[str, Any]:
    """A $ref'd schema, followed."""
    while "$ref" in node:
        node = schema["components"]["schemas"][node["$ref"].rsplit("/", 1)[1]]
    return node


def nullable(node: dict[str, Any]) -> bool:
    """Whether a property schema admits null."""
    return node.get("type") == "null" or any(a.get("type") == "null" for a in node.get("anyOf", []))


@dataclass
class World:
    """The app, an all-roles member, and the ids of one resource of every kind."""

    app: FastAPI
    client: TestClient
    member: Member
    ids: dict[str, str] = field(default_factory=dict)
    # Ids for one contract path only, where its parameter needs another resource of that kind
    # (the civil claim of an action needs an action of kind civil_claim).
    ids_of_path: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def headers(self) -> dict[str, str]:
        return self.member.headers

    def url(self, path: str, **ids: str) -> str:
        """The path with every {parameter} filled from the world (or from ids)."""
        known = {**self.ids, **self.ids_of_path.get(path, {}), **ids}
        return "/api/v1" + re.sub(r"{(\w+)}", lambda m: known[m.group(1)], path)

    def made(self, response: Any) -> str:
        assert response.status_code in (200, 201), response.text
        return str(response.json()["id"])

    def etag(self, path: str, **ids: str) -> str:
        """The current ETag of the resource at this contract path (its GET)."""
        response = self.client.get(self.url(path, **ids), headers=self.headers)
        assert response.status_code == 200, (path, response.text)
        return response.headers["ETag"]


POLICE_ASSESSMENT = {
    "context": "A threat after a refused permit, aimed at the case officer by name.",
    "reach": "public",
    "impact": "considerable",
    "decision": "notify",
}
CIVIL_CLAIM = {
    "claimant": "organisation",
    "route": "civil_procedure",
    "damage": "material",
    "amount": "1250.00",
    "currency": "EUR",
}


def new_url() -> str:
    """A URL not seen before (a copy, a page to re-check)."""
    return f"https://social.example/post/{next(_serial)}"


def new_user() -> dict[str, Any]:
    """A new user with a unique address."""
    return {
        "email": f"person{next(_serial)}@utrecht.example",
        "name": "New Person",
        "password": "a long enough password",
        "roles": ["employee"],
    }


# A valid body for each operation with a request body (JSON), as a function of the world, so that
# an operation can be sent many times (a new e-mail address for each new user).
BODIES: dict[str, Callable[[World], dict[str, Any]]] = {
    "createSession": lambda w: {"email": w.member.email, "password": PASSWORD},
    "updateCurrentUser": lambda w: {},
    "changeCurrentUserPassword": lambda w: {
        "currentPassword": PASSWORD,
        "newPassword": PASSWORD,
    },
    "createUser": lambda w: new_user(),
    "updateUser": lambda w: {},
    "resetUserPassword": lambda w: {"temporaryPassword": "a temporary password 1", "user": True},
    "createIncident": lambda w: incident_body(),
    "updateIncident": lambda w: {},
    "createRecordingPermission": lambda w: permission_body(),
    "updateRecordingPermission": lambda w: {},
    "createRecordingViolation": lambda w: violation_body(),
    "replaceRecordingRules": lambda w: {"title": "Opnemen", "body": "Opnemen mag met toestemming."},
    "updateEvidence": lambda w: {},
    "setEvidenceLegalHold": lambda w: {"active": True, "reason": "Court case"},
    "removeEvidence": lambda w: {"reason": "Retention period over"},
    "createIncidentAction": lambda w: {"kind": "consultation"},
    "updateAction": lambda w: {},
    "createTakedownRequest": lambda w: dict(SENDER_NOTICE),
    "updateTakedownRequest": lambda w: {},
    "createPerpetrator": lambda w: {"name": "X", "accountHandles": ["@x"]},
    "updatePerpetrator": lambda w: {},
    "createIncidentWitness": lambda w: {"name": "Anna Witness", "phone": "+31 6 1234 5678"},
    "createJournalEntry": lambda w: {"happenedAt": "2026-03-02T10:00:00Z", "what": "A new message came in."},
    "createIncidentComplaint": lambda w: {"subject": "The permit took too long."},
    "updateIncidentComplaint": lambda w: {},
    "createTracingRequest": lambda w: {"channel": "specialist", "reference": "A. Specialist"},
    "updateTracingRequest": lambda w: {},
    "createSpreadItem": lambda w: {"url": new_url(), "kind": "repost"},
    "updateSpreadItem": lambda w: {},
    "coverSpreadItem": lambda w: {"takedownRequestId": w.ids["takedownRequestId"]},
    "createUrlRecheck": lambda w: {"url": new_url()},
    "updateUrlRecheck": lambda w: {},
    "putPoliceAssessment": lambda w: dict(POLICE_ASSESSMENT),
    "putCivilClaim": lambda w: dict(CIVIL_CLAIM),
    "replaceLegalPack": lambda w: as_is(w, "/legal-packs/{country}"),
    "replacePreparednessPlan": lambda w: as_is(w, "/preparedness-plan"),
}


def as_is(world: World, path: str) -> dict[str, Any]:
    """The replacement of the resource at this contract path by itself (its GET, trimmed to the
    fields of its PUT)."""
    schema = contract()
    media = schema["paths"][path]["put"]["requestBody"]["content"]["application/json"]
    fields = resolve(schema, media["schema"]).get("properties", {})
    current = world.client.get(world.url(path), headers=world.headers)
    assert current.status_code == 200, (path, current.text)
    return {k: v for k, v in current.json().items() if k in fields}


def new_takedown(world: World) -> str:
    """A draft takedown request of a new incident, for changes that need a fresh workflow."""
    incident = world.made(world.client.post("/api/v1/incidents", json=incident_body(), headers=world.headers))
    world.made(
        world.client.post(
            f"/api/v1/incidents/{incident}/evidence",
            files={"file": ("capture.png", png(), "image/png")},
            data={"sourceUrl": SENDER_NOTICE["urls"][0], "kind": "screenshot"},
            headers=world.headers,
        )
    )
    return world.made(
        world.client.post(
            f"/api/v1/incidents/{incident}/takedown-requests", json=SENDER_NOTICE, headers=world.headers
        )
    )


def build(app: FastAPI) -> World:
    """An organisation, an all-roles member, and one resource of every kind, made through the API."""
    engine = app.state.engine
    tenant = make_tenant(engine, slug="utrecht")
    member = add_member(engine, tenant, key="everyone", roles=ALL_ROLES)
    client = TestClient(app, raise_server_exceptions=False)
    world = World(app=app, client=client, member=member)
    h = member.headers
    post = client.post
    incident = world.made(post("/api/v1/incidents", json=incident_body(), headers=h))
    world.ids.update(
        incidentId=incident,
        evidenceId=world.made(
            post(
                f"/api/v1/incidents/{incident}/evidence",
                files={"file": ("capture.png", png(), "image/png")},
                data={"sourceUrl": SENDER_NOTICE["urls"][0], "kind": "screenshot"},
                headers=h,
            )
        ),
        actionId=world.made(
            post(f"/api/v1/incidents/{incident}/actions", json={"kind": "consultation"}, headers=h)
        ),
        takedownRequestId=world.made(
            post(f"/api/v1/incidents/{incident}/takedown-requests", json=SENDER_NOTICE, headers=h)
        ),
        perpetratorId=world.made(
            post("/api/v1/perpetrators", json={"name": "X", "accountHandles": ["@x"]}, headers=h)
        ),
        recordingPermissionId=world.made(
            post("/api/v1/recording-permissions", json=permission_body(), headers=h)
        ),
        userId=world.made(post("/api/v1/users", json=new_user(), headers=h)),
        witnessId=world.made(post(f"/api/v1/incidents/{incident}/witnesses", json={"name": "W"}, headers=h)),
        complaintId=world.made(
            post(f"/api/v1/incidents/{incident}/complaints", json={"subject": "A permit"}, headers=h)
        ),
        tracingRequestId=world.made(
            post(f"/api/v1/incidents/{incident}/tracing-requests", json={"channel": "specialist"}, headers=h)
        ),
        spreadItemId=world.made(
            post(
                f"/api/v1/incidents/{incident}/spread-items",
                json={"url": new_url(), "kind": "copy"},
                headers=h,
            )
        ),
        urlRecheckId=world.made(
            post(f"/api/v1/incidents/{incident}/url-rechecks", json={"url": new_url()}, headers=h)
        ),
        organisationSlug="utrecht",
        country="nl",
        language="nl",
    )
    # Recorded once, so that reading and replacing them (with If-Match) can be exercised.
    put = client.put
    first = {**h, "If-Match": '"0"'}
    world.made(put(f"/api/v1/incidents/{incident}/police-assessment", json=POLICE_ASSESSMENT, headers=first))
    claim = world.made(post(f"/api/v1/incidents/{incident}/actions", json={"kind": "civil_claim"}, headers=h))
    world.ids_of_path["/actions/{actionId}/civil-claim"] = {"actionId": claim}
    assert put(f"/api/v1/actions/{claim}/civil-claim", json=CIVIL_CLAIM, headers=first).status_code == 200
    return world


@pytest.fixture
def world(tmp_path: Path, sqlite_template: Path) -> Iterator[World]:
    """The whole server on a fresh SQLite database, with one resource of every kind."""
    settings = Settings(
        data_dir=tmp_path / "var",
        database_url=fresh_sqlite(sqlite_template, tmp_path),
        secret_key=SecretStr(SECRET),
        run_jobs_in_process=False,
        create_demo=False,
    )
    app = create_app(settings)
    yield build(app)
    app.state.engine.dispose()
