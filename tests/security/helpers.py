"""Building blocks of the attack tests: a user holding every role and real resources of each kind."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.evidence.helpers import png
from tests.fixtures.factories import Member, Tenant, add_member, incident_body
from tests.recording_permission.bodies import permission_body

ALL_ROLES = ["employee", "manager", "case_handler", "privacy_officer", "legal", "admin", "auditor"]


def everyone(engine: Any, org: Tenant) -> Member:
    """A user with every role: no list is refused for lack of a role."""
    return add_member(engine, org, key="everyone", roles=ALL_ROLES)


def path_ids(client: TestClient, member: Member) -> dict[str, str]:
    """One real resource per path parameter of the lists (the ids a forged cursor is sent with)."""

    def made(response: Any) -> str:
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    headers = member.headers
    incident = made(client.post("/api/v1/incidents", json=incident_body(), headers=headers))
    evidence = made(
        client.post(
            f"/api/v1/incidents/{incident}/evidence",
            files={"file": ("capture.png", png(), "image/png")},
            headers=headers,
        )
    )
    return {
        "incidentId": incident,
        "evidenceId": evidence,
        "recordingPermissionId": made(
            client.post("/api/v1/recording-permissions", json=permission_body(), headers=headers)
        ),
        "webhookSubscriptionId": made(
            client.post(
                "/api/v1/webhook-subscriptions",
                json={"url": "http://127.0.0.1:9/hook", "eventTypes": ["incident.created"]},
                headers=headers,
            )
        ),
    }


def field_errors(response: Any) -> dict[str, str]:
    """The problem's field errors, name -> code."""
    return {e["name"]: e["code"] for e in response.json().get("errors", [])}
