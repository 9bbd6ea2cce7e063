"""Per mirrored collection: its feed, how to create an item and how to change one (through the API)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from fastapi.testclient import TestClient

from tests.evidence.helpers import png
from tests.fixtures.factories import Tenant, incident_body
from tests.fixtures.handling import SENDER_NOTICE
from tests.recording_permission.bodies import permission_body
from tests.sync.helpers import with_etag


@dataclass
class Collection:
    """One collection an integrator mirrors."""

    name: str
    url: str  # the change feed
    item_url: str  # the single resource, with {id}
    create: Callable[[int], str]
    change: Callable[[str, int], None]


def _ok(response: Any, status: int = 200) -> dict[str, Any]:
    assert response.status_code == status, response.text
    body: dict[str, Any] = response.json()
    return body


def collections(client: TestClient, org: Tenant) -> dict[str, Collection]:
    """Every mirrored collection, written by the organisation's case handler."""
    handler = org["case_handler"].headers
    incident = _ok(client.post("/api/v1/incidents", json=incident_body(), headers=handler), 201)
    incident_id = incident["id"]

    def patch(url: str, body: dict[str, Any]) -> None:
        _ok(client.patch(url, json=body, headers=with_etag(client, url, handler)))

    def create_incident(n: int) -> str:
        return _ok(
            client.post("/api/v1/incidents", json=incident_body(title=f"Incident {n}"), headers=handler), 201
        )["id"]

    def create_evidence(n: int) -> str:
        return _ok(
            client.post(
                f"/api/v1/incidents/{incident_id}/evidence",
                files={"file": ("capture.png", png(seed=n + 1), "image/png")},
                data={"kind": "screenshot", "description": f"Capture {n}"},
                headers=handler,
            ),
            201,
        )["id"]

    def change_evidence(item_id: str, n: int) -> None:
        if n % 2:
            _ok(
                client.put(
                    f"/api/v1/evidence/{item_id}/legal-hold",
                    json={"active": True, "reason": f"Police asked ({n})"},
                    headers=handler,
                )
            )
        else:
            patch(f"/api/v1/evidence/{item_id}", {"description": f"Changed {n}"})

    def create_action(n: int) -> str:
        return _ok(
            client.post(
                f"/api/v1/incidents/{incident_id}/actions",
                json={"kind": "consultation", "description": f"Consultation {n}"},
                headers=handler,
            ),
            201,
        )["id"]

    def create_takedown(n: int) -> str:
        return _ok(
            client.post(
                f"/api/v1/incidents/{incident_id}/takedown-requests",
                json={**SENDER_NOTICE, "recipientName": f"Sender {n}"},
                headers=handler,
            ),
            201,
        )["id"]

    def create_permission(n: int) -> str:
        return _ok(
            client.post(
                "/api/v1/recording-permissions", json=permission_body(place=f"Balie {n}"), headers=handler
            ),
            201,
        )["id"]

    def create_perpetrator(n: int) -> str:
        return _ok(
            client.post("/api/v1/perpetrators", json={"name": f"Perpetrator {n}"}, headers=handler), 201
        )["id"]

    def change_perpetrator(item_id: str, n: int) -> None:
        if n % 2:
            # Linking an incident changes the record's incident count: a change of its view.
            patch(f"/api/v1/incidents/{create_incident(100 + n)}", {"perpetratorId": item_id})
        else:
            patch(f"/api/v1/perpetrators/{item_id}", {"notes": f"Changed {n}"})

    return {
        "incidents": Collection(
            "incidents",
            "/api/v1/incidents",
            "/api/v1/incidents/{id}",
            create_incident,
            lambda i, n: patch(f"/api/v1/incidents/{i}", {"title": f"Changed {n}"}),
        ),
        "evidence": Collection(
            "evidence", "/api/v1/evidence", "/api/v1/evidence/{id}", create_evidence, change_evidence
        ),
        "incident-evidence": Collection(
            "incident-evidence",
            f"/api/v1/incidents/{incident_id}/evidence",
            "/api/v1/evidence/{id}",
            create_evidence,
            change_evidence,
        ),
        "actions": Collection(
            "actions",
            "/api/v1/actions",
            "/api/v1/actions/{id}",
            create_action,
            lambda i, n: patch(f"/api/v1/actions/{i}", {"description": f"Changed {n}"}),
        ),
        "incident-actions": Collection(
            "incident-actions",
            f"/api/v1/incidents/{incident_id}/actions",
            "/api/v1/actions/{id}",
            create_action,
            lambda i, n: patch(f"/api/v1/actions/{i}", {"status": "done", "outcome": f"Done {n}"}),
        ),
        "takedown-requests": Collection(
            "takedown-requests",
            "/api/v1/takedown-requests",
            "/api/v1/takedown-requests/{id}",
            create_takedown,
            lambda i, n: patch(f"/api/v1/takedown-requests/{i}", {"recipientName": f"Changed {n}"}),
        ),
        "incident-takedown-requests": Collection(
            "incident-takedown-requests",
            f"/api/v1/incidents/{incident_id}/takedown-requests",
            "/api/v1/takedown-requests/{id}",
            create_takedown,
            lambda i, n: patch(f"/api/v1/takedown-requests/{i}", {"status": "withdrawn"}),
        ),
        "recording-permissions": Collection(
            "recording-permissions",
            "/api/v1/recording-permissions",
            "/api/v1/recording-permissions/{id}",
            create_permission,
            lambda i, n: patch(f"/api/v1/recording-permissions/{i}", {"place": f"Changed {n}"}),
        ),
        "perpetrators": Collection(
            "perpetrators",
            "/api/v1/perpetrators",
            "/api/v1/perpetrators/{id}",
            create_perpetrator,
            change_perpetrator,
        ),
    }


NAMES = [
    "incidents",
    "evidence",
    "incident-evidence",
    "actions",
    "incident-actions",
    "takedown-requests",
    "incident-takedown-requests",
    "recording-permissions",
    "perpetrators",
]
