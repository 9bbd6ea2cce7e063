"""The typed HTTP client of the Weerbaar API: the only module of the UI that knows API URLs."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import ssl
import time
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from functools import cache
from http.cookiejar import DefaultCookiePolicy
from typing import IO, Any, TypeVar, cast

import httpx
from pydantic import BaseModel, TypeAdapter
from starlette.types import ASGIApp, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from web.aftercare import PreparednessPlan, RecheckResult, SpreadItem, UrlRecheck
from web.captures import Capture
from web.models import (
    Action,
    ApiClientView,
    AuditEvent,
    CivilClaim,
    Complaint,
    CurrentUser,
    CustodyEvent,
    Evidence,
    Incident,
    JournalEntry,
    LegalAssessment,
    LegalPack,
    LetterTemplate,
    Login,
    Page,
    PerpetratorRecord,
    PoliceAssessment,
    RecordingPermission,
    RecordingRules,
    RecordingViolation,
    Statistics,
    Takedown,
    Timeline,
    TracingRequest,
    User,
    Verification,
    WebhookDelivery,
    WebhookView,
    Witness,
)
from web.notifications import Notification, NotificationPage, OutboxMail, Preference
from web.problems import ApiError, FieldProblem

M = TypeVar("M", bound=BaseModel)
TIMEOUT = httpx.Timeout(30.0, connect=5.0)
UPLOAD_TIMEOUT = httpx.Timeout(600.0, connect=5.0)


@dataclass(frozen=True)
class Upload:
    """A file to send as multipart form data."""

    filename: str
    content_type: str
    stream: IO[bytes]


@dataclass(frozen=True)
class Download:
    """A streamed response of the API (evidence content, a dossier)."""

    response: httpx.Response

    @property
    def headers(self) -> Mapping[str, str]:
        return self.response.headers

    async def chunks(self) -> AsyncIterator[bytes]:
        """The body in pieces; the connection closes at the end."""
        try:
            async for chunk in self.response.aiter_bytes():
                yield chunk
        finally:
            await self.response.aclose()


class Api:
    """One user's (or an anonymous) view of the API; one instance per web request."""

    def __init__(self, http: httpx.AsyncClient, token: str | None = None, language: str = "nl") -> None:
        self._http = http
        self._headers = {"Accept-Language": language, "Accept": "application/json"}
        if token:
            self._headers["Authorization"] = f"Bearer {token}"

    def as_user(self, token: str) -> Api:
        """The same connection pool, with a user's token."""
        return Api(self._http, token=token, language=self._headers["Accept-Language"])

    async def _send(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, str] | list[tuple[str, str]] | None = None,
        body: Any = None,
        headers: Mapping[str, str] | None = None,
        files: Mapping[str, tuple[str, IO[bytes], str]] | None = None,
        data: Mapping[str, str] | None = None,
        timeout: httpx.Timeout = TIMEOUT,
    ) -> httpx.Response:
        try:
            response = await self._http.request(
                method,
                path,
                params=_query(params),
                json=body,
                headers={**self._headers, **(headers or {})},
                files=files,
                data=data,
                timeout=timeout,
            )
        except httpx.HTTPError as exc:
            raise ApiError(status=503, detail="The API is not reachable.", title="unavailable") from exc
        if response.status_code >= 400:
            raise ApiError.from_response(response)
        return response

    async def _get(self, path: str, model: type[M], **kwargs: Any) -> M:
        response = await self._send("GET", path, **kwargs)
        return model.model_validate(response.json())

    async def _get_versioned(self, path: str, model: type[M]) -> tuple[M, str]:
        response = await self._send("GET", path)
        return model.model_validate(response.json()), response.headers.get("ETag", "")

    async def _merge_patch(self, path: str, model: type[M], body: dict[str, Any], *, etag: str) -> M:
        response = await self._send(
            "PATCH",
            path,
            body=body,
            headers={"If-Match": etag, "Content-Type": "application/merge-patch+json"},
        )
        return model.model_validate(response.json())

    @staticmethod
    def _next_cursor(page: Page[Any]) -> str | None:
        if not page.next:
            return None
        cursor = httpx.URL(page.next).params.get("cursor")
        return str(cursor) if cursor else None

    # Sessions and users

    async def login(
        self, *, email: str, password: str, organisation: str | None = None, client_address: str | None = None
    ) -> Login:
        """Log in; the token is kept by the web session, never shown to the browser.

        The browser's address goes along (X-Forwarded-For, which the API's uvicorn trusts from
        the web's address): the API throttles failed logins per client address, and every
        login through the UI would otherwise count against the web server's own address.
        """
        body = {"email": email, "password": password}
        if organisation:
            body["organisation"] = organisation
        headers = {"X-Forwarded-For": client_address} if client_address else None
        response = await self._send("POST", "sessions", body=body, headers=headers)
        return Login.model_validate(response.json())

    async def logout(self) -> None:
        """End the API session."""
        await self._send("DELETE", "sessions/current")

    async def current_user(self) -> CurrentUser:
        """The logged-in user, with their organisation (its language and time zone)."""
        return await self._get("users/current", CurrentUser)

    async def list_users(self) -> list[User]:
        """The organisation's users."""
        response = await self._send("GET", "users")
        return TypeAdapter(list[User]).validate_python(response.json())

    async def create_user(self, body: dict[str, Any]) -> User:
        """Create a staff user (admin)."""
        response = await self._send("POST", "users", body=body)
        return User.model_validate(response.json())

    async def update_user(self, user_id: str, body: dict[str, Any], *, etag: str) -> User:
        """Change a user's name, roles, language or active state (admin)."""
        return await self._merge_patch(f"users/{user_id}", User, body, etag=etag)

    async def reset_password(self, user_id: str) -> tuple[User, str]:
        """A temporary password for the user (admin); shown once."""
        response = await self._send("POST", f"users/{user_id}/password-resets")
        data = response.json()
        return User.model_validate(data["user"]), str(data["temporaryPassword"])

    async def update_current_user(self, body: dict[str, Any]) -> User:
        """Change the logged-in user's own name or language preference."""
        response = await self._send(
            "PATCH", "users/current", body=body, headers={"Content-Type": "application/merge-patch+json"}
        )
        return User.model_validate(response.json())

    async def change_password(self, *, current: str, new: str) -> None:
        """Change the logged-in user's password (the current one proves it is them)."""
        await self._send(
            "POST", "users/current/password", body={"currentPassword": current, "newPassword": new}
        )

    # Incidents

    async def list_incidents(
        self, *, filters: list[tuple[str, str]], cursor: str | None = None, limit: int = 25
    ) -> tuple[list[Incident], str | None]:
        """One page of incidents matching the filters, and the cursor of the next page."""
        params = [*filters, ("limit", str(limit))]
        if cursor:
            params.append(("cursor", cursor))
        page = await self._get("incidents", Page[Incident], params=params)
        return page.items, self._next_cursor(page)

    async def create_incident(self, body: dict[str, Any]) -> Incident:
        """Register an incident."""
        response = await self._send("POST", "incidents", body=body)
        return Incident.model_validate(response.json())

    async def get_incident(self, incident_id: str) -> tuple[Incident, str]:
        """An incident and its ETag."""
        return await self._get_versioned(f"incidents/{incident_id}", Incident)

    async def update_incident(self, incident_id: str, body: dict[str, Any], *, etag: str) -> Incident:
        """Change an incident; a stale ETag gives ApiError 412."""
        return await self._merge_patch(f"incidents/{incident_id}", Incident, body, etag=etag)

    # Perpetrator records

    async def list_perpetrators(
        self, *, q: str = "", cursor: str | None = None, limit: int = 50
    ) -> tuple[list[PerpetratorRecord], str | None]:
        """One page of the organisation's perpetrator records, newest first."""
        params = {"limit": str(limit)}
        if q:
            params["q"] = q
        if cursor:
            params["cursor"] = cursor
        page = await self._get("perpetrators", Page[PerpetratorRecord], params=params)
        return page.items, self._next_cursor(page)

    async def get_perpetrator(self, perpetrator_id: str) -> tuple[PerpetratorRecord, str]:
        """A perpetrator record and its ETag."""
        return await self._get_versioned(f"perpetrators/{perpetrator_id}", PerpetratorRecord)

    async def create_perpetrator(self, body: dict[str, Any]) -> PerpetratorRecord:
        """Add a perpetrator record."""
        response = await self._send("POST", "perpetrators", body=body)
        return PerpetratorRecord.model_validate(response.json())

    async def update_perpetrator(
        self, perpetrator_id: str, body: dict[str, Any], *, etag: str
    ) -> PerpetratorRecord:
        """Correct a perpetrator record (If-Match)."""
        return await self._merge_patch(f"perpetrators/{perpetrator_id}", PerpetratorRecord, body, etag=etag)

    async def perpetrator_incidents(self, perpetrator_id: str) -> list[Incident]:
        """The incidents linked to a perpetrator that the user may see."""
        page = await self._get(f"perpetrators/{perpetrator_id}/incidents", Page[Incident])
        return page.items

    async def legal_assessment(self, incident_id: str) -> LegalAssessment:
        """The classification's legal basis: punishable behaviours and suggested articles."""
        return await self._get(f"incidents/{incident_id}/legal-assessment", LegalAssessment)

    # Evidence

    async def list_evidence(self, incident_id: str) -> list[Evidence]:
        """The evidence of an incident."""
        response = await self._send("GET", f"incidents/{incident_id}/evidence")
        body = response.json()
        items = body["items"] if isinstance(body, dict) else body
        return TypeAdapter(list[Evidence]).validate_python(items)

    async def upload_evidence(self, incident_id: str, upload: Upload, fields: Mapping[str, str]) -> Evidence:
        """Add a file as evidence; the API hashes and sniffs it."""
        response = await self._send(
            "POST",
            f"incidents/{incident_id}/evidence",
            files={"file": (upload.filename, upload.stream, upload.content_type)},
            data={k: v for k, v in fields.items() if v},
            timeout=UPLOAD_TIMEOUT,
        )
        return Evidence.model_validate(response.json())

    async def store_evidence(
        self, incident_id: str, upload: Upload, fields: Mapping[str, str]
    ) -> tuple[Evidence, bool]:
        """Add a file as evidence; False when the incident already held this file (the existing item)."""
        response = await self._send(
            "POST",
            f"incidents/{incident_id}/evidence",
            files={"file": (upload.filename, upload.stream, upload.content_type)},
            data={k: v for k, v in fields.items() if v},
            timeout=UPLOAD_TIMEOUT,
        )
        return Evidence.model_validate(response.json()), response.status_code == 201

    async def get_evidence(self, evidence_id: str) -> tuple[Evidence, str]:
        """One evidence item and its ETag."""
        return await self._get_versioned(f"evidence/{evidence_id}", Evidence)

    async def update_evidence(self, evidence_id: str, body: dict[str, Any], *, etag: str) -> Evidence:
        """Change an item's details (source URL, capture time, account, description, kind)."""
        return await self._merge_patch(f"evidence/{evidence_id}", Evidence, body, etag=etag)

    async def set_legal_hold(self, evidence_id: str, *, active: bool, reason: str) -> Evidence:
        """Set or release the legal hold, with the reason."""
        response = await self._send(
            "PUT", f"evidence/{evidence_id}/legal-hold", body={"active": active, "reason": reason}
        )
        return Evidence.model_validate(response.json())

    async def remove_evidence(self, evidence_id: str, *, reason: str) -> Evidence:
        """Remove the content at the end of retention (admins); a tombstone stays."""
        response = await self._send("POST", f"evidence/{evidence_id}/removals", body={"reason": reason})
        return Evidence.model_validate(response.json())

    async def custody_events(self, evidence_id: str) -> list[CustodyEvent]:
        """The item's chain of custody, oldest first (the first 200 events)."""
        page = await self._get(
            f"evidence/{evidence_id}/custody-events", Page[CustodyEvent], params={"limit": "200"}
        )
        return page.items

    async def verify_evidence(self, evidence_id: str) -> Verification:
        """Re-read the stored file and compare its hash."""
        response = await self._send("POST", f"evidence/{evidence_id}/verifications")
        return Verification.model_validate(response.json())

    async def open_download(self, path: str, params: Mapping[str, str] | None = None) -> Download:
        """Start a streamed download; the caller streams Download.chunks() to the browser."""
        request = self._http.build_request(
            "GET", path, params=params, headers=self._headers, extensions={STREAMED: True}
        )
        try:
            response = await self._http.send(request, stream=True)
        except httpx.HTTPError as exc:
            raise ApiError(status=503, detail="The API is not reachable.", title="unavailable") from exc
        if response.status_code >= 400:
            await response.aread()
            await response.aclose()
            raise ApiError.from_response(response)
        return Download(response)

    async def evidence_content(self, evidence_id: str) -> Download:
        """The stored file of an evidence item (audited by the API as a download)."""
        return await self.open_download(f"evidence/{evidence_id}/content")

    async def evidence_timestamp(self, evidence_id: str) -> Download:
        """The item's RFC 3161 timestamp token, DER (audited by the API)."""
        return await self.open_download(f"evidence/{evidence_id}/timestamp")

    async def dossier(self, incident_id: str) -> Download:
        """The police-ready ZIP of an incident (a custody event for every file)."""
        return await self.open_download(f"incidents/{incident_id}/dossier")

    async def register_export(self, register: str, fmt: str, params: Mapping[str, str]) -> Download:
        """A register export (gir or safetynet) as CSV for a spreadsheet or as JSON (audited by the API)."""
        return await self.open_download(
            f"exports/{register}.csv" if fmt == "csv" else f"exports/{register}", params
        )

    # Handling: actions, takedown requests, timeline

    async def list_incident_actions(self, incident_id: str) -> list[Action]:
        """An incident's handling steps."""
        page = await self._get(f"incidents/{incident_id}/actions", Page[Action], params={"limit": "100"})
        return page.items

    async def list_actions(self, params: Mapping[str, str]) -> list[Action]:
        """Actions across incidents (a worklist), e.g. open ones of one assignee."""
        page = await self._get("actions", Page[Action], params={**params, "limit": "100"})
        return page.items

    async def create_action(self, incident_id: str, body: dict[str, Any]) -> Action:
        """Add a handling step."""
        response = await self._send("POST", f"incidents/{incident_id}/actions", body=body)
        return Action.model_validate(response.json())

    async def get_action(self, action_id: str) -> tuple[Action, str]:
        """One action and its ETag."""
        return await self._get_versioned(f"actions/{action_id}", Action)

    async def update_action(self, action_id: str, body: dict[str, Any], *, etag: str) -> Action:
        """Change an action (e.g. mark it done)."""
        return await self._merge_patch(f"actions/{action_id}", Action, body, etag=etag)

    async def police_assessment(self, incident_id: str) -> tuple[PoliceAssessment, str] | None:
        """The incident's police decision and its ETag; None until one is recorded."""
        try:
            return await self._get_versioned(f"incidents/{incident_id}/police-assessment", PoliceAssessment)
        except ApiError as exc:
            if exc.status == 404:
                return None
            raise

    async def put_police_assessment(self, incident_id: str, body: dict[str, Any], *, etag: str) -> None:
        """Record or replace the police decision (If-Match: its ETag, "0" for the first one)."""
        headers = {"If-Match": etag or '"0"'}
        await self._send("PUT", f"incidents/{incident_id}/police-assessment", body=body, headers=headers)

    async def list_civil_claims(self, incident_id: str) -> list[CivilClaim]:
        """The recorded particulars of an incident's civil claims."""
        response = await self._send("GET", f"incidents/{incident_id}/civil-claims")
        return [CivilClaim.model_validate(item) for item in response.json()]

    async def put_civil_claim(self, action_id: str, body: dict[str, Any], *, etag: str) -> None:
        """Record or replace a civil claim's particulars (If-Match: its ETag, "0" for the first)."""
        headers = {"If-Match": etag or '"0"'}
        await self._send("PUT", f"actions/{action_id}/civil-claim", body=body, headers=headers)

    async def list_captures(self, incident_id: str) -> list[Capture]:
        """An incident's web captures, newest first."""
        page = await self._get(f"incidents/{incident_id}/captures", Page[Capture], params={"limit": "50"})
        return page.items

    async def create_capture(self, incident_id: str, url: str) -> Capture:
        """Ask the server's browser to capture a URL as evidence."""
        response = await self._send("POST", f"incidents/{incident_id}/captures", body={"url": url})
        return Capture.model_validate(response.json())

    async def get_capture(self, capture_id: str) -> Capture:
        """One web capture (its progress)."""
        return await self._get(f"captures/{capture_id}", Capture)

    async def list_takedowns(self, incident_id: str) -> list[Takedown]:
        """An incident's takedown requests, oldest first."""
        page = await self._get(
            f"incidents/{incident_id}/takedown-requests", Page[Takedown], params={"limit": "100"}
        )
        return page.items

    async def create_takedown(self, incident_id: str, body: dict[str, Any]) -> Takedown:
        """Draft a takedown request."""
        response = await self._send("POST", f"incidents/{incident_id}/takedown-requests", body=body)
        return Takedown.model_validate(response.json())

    async def get_takedown(self, takedown_id: str) -> tuple[Takedown, str]:
        """One takedown request and its ETag."""
        return await self._get_versioned(f"takedown-requests/{takedown_id}", Takedown)

    async def update_takedown(self, takedown_id: str, body: dict[str, Any], *, etag: str) -> Takedown:
        """Send, record a response, escalate or withdraw (a status change), or edit a draft."""
        return await self._merge_patch(f"takedown-requests/{takedown_id}", Takedown, body, etag=etag)

    async def takedown_letter(self, takedown_id: str, language: str) -> Download:
        """The letter as PDF."""
        return await self.open_download(f"takedown-requests/{takedown_id}/letter", {"language": language})

    async def timeline(self, incident_id: str) -> Timeline:
        """Changes, evidence, actions and takedown events, oldest first."""
        return await self._get(f"incidents/{incident_id}/timeline", Timeline)

    async def statistics(self, *, occurred_from: str, occurred_to: str) -> Statistics:
        """Organisation-wide counts for incidents that occurred in [occurred_from, occurred_to)."""
        params = {"occurredFrom": occurred_from, "occurredTo": occurred_to}
        return await self._get("statistics", Statistics, params=params)

    async def worklist(
        self, path: str, model: type[M], params: list[tuple[str, str]], *, limit: int = 100
    ) -> tuple[list[M], bool]:
        """One page of a cross-incident list (incidents, actions, takedown-requests, evidence) and
        whether more match."""
        page = await self._get(path, Page[model], params=[*params, ("limit", str(limit))])  # type: ignore[valid-type]
        return page.items, page.next is not None

    # Recording permissions

    async def list_recording_permissions(
        self, *, filters: list[tuple[str, str]], cursor: str | None = None
    ) -> tuple[list[RecordingPermission], str | None]:
        """Requests to record conversations, newest first."""
        params = [*filters, ("limit", "25")] + ([("cursor", cursor)] if cursor else [])
        page = await self._get("recording-permissions", Page[RecordingPermission], params=params)
        return page.items, self._next_cursor(page)

    async def create_recording_permission(self, body: dict[str, Any]) -> RecordingPermission:
        """Register a request to record, with its decision."""
        response = await self._send("POST", "recording-permissions", body=body)
        return RecordingPermission.model_validate(response.json())

    async def get_recording_permission(self, permission_id: str) -> RecordingPermission:
        """One request to record."""
        return await self._get(f"recording-permissions/{permission_id}", RecordingPermission)

    async def recording_receipt(self, permission_id: str, language: str) -> Download:
        """The receipt for the citizen, as PDF."""
        return await self.open_download(
            f"recording-permissions/{permission_id}/receipt", {"language": language}
        )

    async def get_recording_permission_versioned(self, permission_id: str) -> tuple[RecordingPermission, str]:
        """One request to record and its ETag (needed to decide it)."""
        return await self._get_versioned(f"recording-permissions/{permission_id}", RecordingPermission)

    async def update_recording_permission(
        self, permission_id: str, body: dict[str, Any], *, etag: str
    ) -> RecordingPermission:
        """Change a request or record its decision (If-Match)."""
        return await self._merge_patch(
            f"recording-permissions/{permission_id}", RecordingPermission, body, etag=etag
        )

    async def create_recording_violation(
        self, permission_id: str, body: dict[str, Any]
    ) -> RecordingViolation:
        """Register a breach of the conditions; the API opens a linked incident."""
        response = await self._send("POST", f"recording-permissions/{permission_id}/violations", body=body)
        return RecordingViolation.model_validate(response.json())

    async def list_recording_violations(self, permission_id: str) -> list[RecordingViolation]:
        """The breaches of a permission, newest first (the first 100)."""
        page = await self._get(
            f"recording-permissions/{permission_id}/violations",
            Page[RecordingViolation],
            params={"limit": "100"},
        )
        return page.items

    async def organisation_slug(self) -> str:
        """The slug of the logged-in user's organisation (its public pages are under it)."""
        response = await self._send("GET", "users/current")
        return str((response.json().get("organisation") or {}).get("slug", ""))

    async def get_recording_rules(self, slug: str, language: str) -> tuple[RecordingRules, str]:
        """The organisation's house rules on recordings in one language, and their ETag."""
        response = await self._send(
            "GET", f"organisations/{slug}/recording-rules", params={"language": language}
        )
        return RecordingRules.model_validate(response.json()), response.headers.get("ETag", "")

    async def replace_recording_rules(
        self, slug: str, language: str, body: dict[str, Any], *, etag: str
    ) -> RecordingRules:
        """Replace the house rules in one language (admins; If-Match)."""
        response = await self._send(
            "PUT",
            f"organisations/{slug}/recording-rules",
            params={"language": language},
            body=body,
            headers={"If-Match": etag},
        )
        return RecordingRules.model_validate(response.json())

    # Administration

    async def contract_enum(self, schema: str) -> list[str]:
        """The values of an enumeration in the API's published contract (e.g. Scope, EventType).

        The contract changes only when the API is deployed again: its enumerations are read once
        per API and kept for CONTRACT_SECONDS, not fetched and parsed on every page.
        """
        api = str(self._http.base_url)
        read_at, enums = _CONTRACT_ENUMS.get(api, (0.0, {}))
        if time.monotonic() - read_at > CONTRACT_SECONDS:
            response = await self._send("GET", "openapi.json")
            schemas = response.json().get("components", {}).get("schemas", {})
            enums = {
                name: [str(v) for v in found["enum"]] for name, found in schemas.items() if "enum" in found
            }
            _CONTRACT_ENUMS[api] = (time.monotonic(), enums)
        return enums.get(schema, [])

    async def create_api_client(self, body: dict[str, Any]) -> tuple[ApiClientView, str]:
        """Create an API client; its token and its secret (client_secret) are in this answer only."""
        response = await self._send("POST", "api-clients", body=body)
        return ApiClientView.model_validate(response.json()), str(response.json().get("token", ""))

    async def revoke_api_client(self, client_id: str) -> None:
        """Revoke an API client's token."""
        await self._send("DELETE", f"api-clients/{client_id}")

    async def list_webhooks(self) -> list[WebhookView]:
        """The organisation's webhook subscriptions."""
        response = await self._send("GET", "webhook-subscriptions")
        return TypeAdapter(list[WebhookView]).validate_python(response.json())

    async def create_webhook(self, body: dict[str, Any]) -> tuple[WebhookView, str]:
        """Subscribe a URL to events; the signing secret is in this answer only."""
        response = await self._send("POST", "webhook-subscriptions", body=body)
        return WebhookView.model_validate(response.json()), str(response.json().get("secret", ""))

    async def delete_webhook(self, subscription_id: str) -> None:
        """End a subscription."""
        await self._send("DELETE", f"webhook-subscriptions/{subscription_id}")

    async def rotate_api_client(self, client_id: str) -> tuple[ApiClientView, str]:
        """Give an API client a new token (in this answer only); the old one stops working."""
        response = await self._send("POST", f"api-clients/{client_id}/rotations")
        return ApiClientView.model_validate(response.json()), str(response.json().get("token", ""))

    async def rotate_api_client_secret(self, client_id: str, overlap_minutes: int | None) -> ApiClientView:
        """Give an API client a new secret (in this answer only); the old one works for the overlap."""
        body = {} if overlap_minutes is None else {"overlapMinutes": overlap_minutes}
        response = await self._send("POST", f"api-clients/{client_id}/secret-rotations", body=body)
        return ApiClientView.model_validate(response.json())

    async def get_api_client(self, client_id: str) -> ApiClientView:
        """One API client (never its token)."""
        return await self._get(f"api-clients/{client_id}", ApiClientView)

    async def get_webhook(self, subscription_id: str) -> WebhookView:
        """One webhook subscription (never its secret)."""
        return await self._get(f"webhook-subscriptions/{subscription_id}", WebhookView)

    async def list_webhook_deliveries(
        self, subscription_id: str, *, cursor: str | None = None, limit: int = 25
    ) -> tuple[list[WebhookDelivery], str | None]:
        """One page of a subscription's delivery log, newest first, and the next page's cursor."""
        params = {"limit": str(limit), **({"cursor": cursor} if cursor else {})}
        page = await self._get(
            f"webhook-subscriptions/{subscription_id}/deliveries", Page[WebhookDelivery], params=params
        )
        return page.items, self._next_cursor(page)

    async def ping_webhook(self, subscription_id: str) -> WebhookDelivery:
        """Queue a test message (webhook.ping) to one subscription; the queued delivery."""
        response = await self._send("POST", f"webhook-subscriptions/{subscription_id}/pings")
        return WebhookDelivery.model_validate(response.json())

    async def redeliver_webhook(self, subscription_id: str, delivery_id: str) -> WebhookDelivery:
        """Send a delivery again (same message id), now."""
        response = await self._send(
            "POST", f"webhook-subscriptions/{subscription_id}/deliveries/{delivery_id}/redeliveries"
        )
        return WebhookDelivery.model_validate(response.json())

    async def rotate_webhook_secret(self, subscription_id: str) -> tuple[WebhookView, str]:
        """A new signing secret (in this answer only); the previous one signs as well for a while."""
        response = await self._send("POST", f"webhook-subscriptions/{subscription_id}/secret-rotations")
        return WebhookView.model_validate(response.json()), str(response.json().get("secret", ""))

    async def get_legal_pack(self, country: str) -> tuple[LegalPack, dict[str, Any], str]:
        """A legal pack (typed, and as sent, to send back changed) and its ETag."""
        response = await self._send("GET", f"legal-packs/{country}")
        raw = response.json()
        return LegalPack.model_validate(raw), raw, response.headers.get("ETag", "")

    async def legal_pack_handling(self, country: str) -> dict[str, Any] | None:
        """The handling rules of a legal pack as sent (who files, aftercare, checklist), or None."""
        response = await self._send("GET", f"legal-packs/{country}")
        handling: dict[str, Any] | None = response.json().get("handling")
        return handling

    async def replace_legal_pack(self, country: str, content: dict[str, Any], *, etag: str) -> LegalPack:
        """Replace the whole pack (legal staff); a stale ETag gives ApiError 412."""
        response = await self._send("PUT", f"legal-packs/{country}", body=content, headers={"If-Match": etag})
        return LegalPack.model_validate(response.json())

    async def get_letter_template(self, language: str) -> tuple[LetterTemplate, str]:
        """The takedown letter template in a language, and its ETag."""
        return await self._get_versioned(f"letter-templates/{language}", LetterTemplate)

    async def replace_letter_template(self, language: str, body: str, *, etag: str) -> LetterTemplate:
        """Replace a letter template; syntax errors come back as a field error on `body`."""
        response = await self._send(
            "PUT", f"letter-templates/{language}", body={"body": body}, headers={"If-Match": etag}
        )
        return LetterTemplate.model_validate(response.json())

    async def list_api_clients(self) -> list[ApiClientView]:
        """The organisation's API clients."""
        response = await self._send("GET", "api-clients")
        body = response.json()
        items = body["items"] if isinstance(body, dict) else body
        return TypeAdapter(list[ApiClientView]).validate_python(items)

    # Notifications and mail

    async def notifications(
        self, *, unread: bool = False, cursor: str | None = None, limit: int = 25
    ) -> tuple[NotificationPage, str | None]:
        """One page of the user's notices (newest first), with the unread count and the next cursor."""
        params = {"limit": str(limit), **({"unread": "true"} if unread else {})}
        if cursor:
            params["cursor"] = cursor
        page = await self._get("notifications", NotificationPage, params=params)
        return page, self._next_cursor(page)

    async def unread_count(self) -> int:
        """How many notices the user has not read (one small request)."""
        page = await self._get("notifications", NotificationPage, params={"unread": "true", "limit": "1"})
        return page.unread_count

    async def mark_notification(self, notification_id: str, *, read: bool) -> Notification:
        """Mark one notice read or unread."""
        response = await self._send("PATCH", f"notifications/{notification_id}", body={"read": read})
        return Notification.model_validate(response.json())

    async def mark_all_notifications_read(self) -> None:
        """Mark every unread notice of the user read."""
        await self._send("POST", "notifications/read-all")

    async def notification_preferences(self) -> list[Preference]:
        """How the user hears of each kind of notice."""
        response = await self._send("GET", "users/current/notification-preferences")
        return TypeAdapter(list[Preference]).validate_python(response.json()["items"])

    async def replace_notification_preferences(self, items: list[dict[str, str]]) -> list[Preference]:
        """Save how the user hears of each kind; mandatory kinds cannot be turned off."""
        response = await self._send("PUT", "users/current/notification-preferences", body={"items": items})
        return TypeAdapter(list[Preference]).validate_python(response.json()["items"])

    async def failed_mails(self, *, cursor: str | None = None) -> tuple[list[OutboxMail], str | None]:
        """Mails that could not be sent after their retries (admins)."""
        params = {"status": "failed", "limit": "50", **({"cursor": cursor} if cursor else {})}
        page = await self._get("mail-outbox", Page[OutboxMail], params=params)
        return page.items, self._next_cursor(page)

    async def retry_mail(self, mail_id: str) -> None:
        """Queue a failed mail again (admins)."""
        await self._send("POST", f"mail-outbox/{mail_id}/retries")

    # How widely a post spread, re-checks of removed URLs, the preparedness plan

    async def list_spread_items(self, incident_id: str) -> list[SpreadItem]:
        """An incident's copies and reposts, oldest first, with their takedown coverage."""
        page = await self._get(
            f"incidents/{incident_id}/spread-items", Page[SpreadItem], params={"limit": "100"}
        )
        return page.items

    async def create_spread_item(self, incident_id: str, body: dict[str, Any]) -> SpreadItem:
        """Record a copy or repost."""
        response = await self._send("POST", f"incidents/{incident_id}/spread-items", body=body)
        return SpreadItem.model_validate(response.json())

    async def update_spread_item(self, item_id: str, body: dict[str, Any]) -> SpreadItem:
        """Correct a copy or repost (reads its ETag first)."""
        _current, etag = await self._get_versioned(f"spread-items/{item_id}", SpreadItem)
        return await self._merge_patch(f"spread-items/{item_id}", SpreadItem, body, etag=etag)

    async def cover_spread_item(self, item_id: str, takedown_id: str) -> SpreadItem:
        """Add a copy's URL to a draft takedown request."""
        response = await self._send(
            "POST", f"spread-items/{item_id}/takedown-coverage", body={"takedownRequestId": takedown_id}
        )
        return SpreadItem.model_validate(response.json())

    async def list_url_rechecks(self, incident_id: str) -> list[UrlRecheck]:
        """An incident's re-checks of removed URLs, with their latest results."""
        page = await self._get(
            f"incidents/{incident_id}/url-rechecks", Page[UrlRecheck], params={"limit": "100"}
        )
        return page.items

    async def create_url_recheck(self, incident_id: str, body: dict[str, Any]) -> UrlRecheck:
        """Start re-checking a removed URL."""
        response = await self._send("POST", f"incidents/{incident_id}/url-rechecks", body=body)
        return UrlRecheck.model_validate(response.json())

    async def update_url_recheck(self, recheck_id: str, body: dict[str, Any]) -> UrlRecheck:
        """Stop, resume or re-time a re-check (reads its ETag first)."""
        _current, etag = await self._get_versioned(f"url-rechecks/{recheck_id}", UrlRecheck)
        return await self._merge_patch(f"url-rechecks/{recheck_id}", UrlRecheck, body, etag=etag)

    async def check_url_now(self, recheck_id: str) -> RecheckResult:
        """Check a removed URL now."""
        response = await self._send("POST", f"url-rechecks/{recheck_id}/results")
        return RecheckResult.model_validate(response.json())

    async def preparedness_plan(self) -> tuple[PreparednessPlan, str]:
        """The organisation's preparedness plan and its ETag."""
        return await self._get_versioned("preparedness-plan", PreparednessPlan)

    async def replace_preparedness_plan(self, body: dict[str, Any], *, etag: str) -> PreparednessPlan:
        """Save the whole plan."""
        response = await self._send("PUT", "preparedness-plan", body=body, headers={"If-Match": etag})
        return PreparednessPlan.model_validate(response.json())

    # Audit log

    async def list_audit_events(
        self, *, filters: Mapping[str, str], cursor: str | None = None, limit: int = 50
    ) -> tuple[list[AuditEvent], str | None]:
        """One page of the audit log, newest first."""
        params = {**{k: v for k, v in filters.items() if v}, "limit": str(limit)}
        if cursor:
            params["cursor"] = cursor
        page = await self._get("audit-events", Page[AuditEvent], params=params)
        return page.items, self._next_cursor(page)

    # The incident's own records: witnesses, journal, the complaint step, tracing the sender

    async def list_witnesses(self, incident_id: str) -> list[Witness]:
        """The incident's witnesses (phone numbers only where the API shows them)."""
        page = await self._get(f"incidents/{incident_id}/witnesses", Page[Witness], params={"limit": "100"})
        return page.items

    async def create_witness(self, incident_id: str, body: dict[str, Any]) -> Witness:
        """Record a witness."""
        response = await self._send("POST", f"incidents/{incident_id}/witnesses", body=body)
        return Witness.model_validate(response.json())

    async def delete_witness(self, incident_id: str, witness_id: str) -> None:
        """Remove a witness."""
        await self._send("DELETE", f"incidents/{incident_id}/witnesses/{witness_id}")

    async def list_journal(self, incident_id: str) -> list[JournalEntry]:
        """The journal entries the user may read, in the order written."""
        page = await self._get(
            f"incidents/{incident_id}/journal-entries", Page[JournalEntry], params={"limit": "100"}
        )
        return page.items

    async def create_journal_entry(self, incident_id: str, body: dict[str, Any]) -> JournalEntry:
        """Write a journal entry."""
        response = await self._send("POST", f"incidents/{incident_id}/journal-entries", body=body)
        return JournalEntry.model_validate(response.json())

    async def list_complaints(self, incident_id: str) -> list[Complaint]:
        """The incident's complaint steps."""
        page = await self._get(
            f"incidents/{incident_id}/complaints", Page[Complaint], params={"limit": "100"}
        )
        return page.items

    async def create_complaint(self, incident_id: str, body: dict[str, Any]) -> Complaint:
        """Open the complaint step."""
        response = await self._send("POST", f"incidents/{incident_id}/complaints", body=body)
        return Complaint.model_validate(response.json())

    async def update_complaint(
        self, incident_id: str, complaint_id: str, body: dict[str, Any], *, etag: str
    ) -> Complaint:
        """Record the conversation and the outcome."""
        return await self._merge_patch(
            f"incidents/{incident_id}/complaints/{complaint_id}", Complaint, body, etag=etag
        )

    async def list_tracing(self, incident_id: str) -> list[TracingRequest]:
        """The incident's tracing requests."""
        page = await self._get(
            f"incidents/{incident_id}/tracing-requests", Page[TracingRequest], params={"limit": "100"}
        )
        return page.items

    async def create_tracing(self, incident_id: str, body: dict[str, Any]) -> TracingRequest:
        """Ask the police or a specialist to trace the sender."""
        response = await self._send("POST", f"incidents/{incident_id}/tracing-requests", body=body)
        return TracingRequest.model_validate(response.json())

    async def update_tracing(
        self, incident_id: str, request_id: str, body: dict[str, Any], *, etag: str
    ) -> TracingRequest:
        """Record a tracing request's outcome."""
        return await self._merge_patch(
            f"incidents/{incident_id}/tracing-requests/{request_id}", TracingRequest, body, etag=etag
        )


def _query(params: Mapping[str, str] | list[tuple[str, str]] | None) -> httpx.QueryParams:
    pairs = list(params.items()) if isinstance(params, Mapping) else list(params or [])
    query = httpx.QueryParams()
    for key, value in pairs:
        query = query.add(key, value)
    return query


# The enumerations of each API's contract and when they were read (see Api.contract_enum).
CONTRACT_SECONDS = 300.0
_CONTRACT_ENUMS: dict[str, tuple[float, dict[str, list[str]]]] = {}


@cache
def _tls() -> ssl.SSLContext:
    """One TLS context for every request's client (building one costs milliseconds each time)."""
    return ssl.create_default_context()


# Idle connections to the API are dropped before the API's server would close them (uvicorn: 5 s),
# so that a request never goes out on a connection the server is closing.
LIMITS = httpx.Limits(max_connections=100, max_keepalive_connections=20, keepalive_expiry=2.0)


def make_http(api_url: str, transport: httpx.AsyncBaseTransport | None = None) -> httpx.AsyncClient:
    """An HTTP client for the API at api_url (a transport replaces the network in tests).

    It keeps no cookies: the API sets none, and a client shared by every user must never carry one
    user's cookie into another user's request.
    """
    client = httpx.AsyncClient(
        base_url=api_url.rstrip("/") + "/",
        transport=transport,
        timeout=TIMEOUT,
        verify=_tls(),
        limits=LIMITS,
    )
    client.cookies.jar.set_policy(DefaultCookiePolicy(allowed_domains=[]))
    return client


# A request extension: the response is a download, streamed to the browser as it arrives.
STREAMED = "weerbaar.streamed"
logger = logging.getLogger("weerbaar.web")


class InProcessTransport(httpx.AsyncBaseTransport):
    """The API of this same process, called without a socket (the web UI mounted beside the API).

    The calls stay the API's HTTP calls (method, path, headers, JSON bodies, status codes and
    problem details, every API middleware); only the network is left out, which took a page of
    some twenty API calls about a third of its CPU. The API sees the web UI as a client on
    127.0.0.1 that may forward the browser's address (X-Forwarded-For), as uvicorn lets it over
    the loopback. Downloads keep the network, where their body streams: an in-process response is
    held in memory whole.
    """

    def __init__(self, app: ASGIApp) -> None:
        # uvicorn's own middleware, typed with its own ASGI types
        trusted = cast(ASGIApp, ProxyHeadersMiddleware(cast(Any, app), trusted_hosts="127.0.0.1"))

        async def logged(scope: Scope, receive: Receive, send: Send) -> None:
            try:
                await trusted(scope, receive, send)
            except Exception:  # uvicorn would log it; the caller gets the 500 the API sent
                logger.exception("Exception in the API, called by the web UI")
                raise

        self._asgi = httpx.ASGITransport(app=logged, raise_app_exceptions=False, client=("127.0.0.1", 0))
        self._network = httpx.AsyncHTTPTransport(verify=_tls(), limits=LIMITS)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.extensions.get(STREAMED):
            return await self._network.handle_async_request(request)
        return await self._asgi.handle_async_request(request)

    async def aclose(self) -> None:
        await self._network.aclose()


class ApiConnections:
    """The web UI's connections to the API, shared by its requests and kept open between them.

    A client per request would open (and close) a TCP connection for each of a page's API calls;
    one client per event loop reuses them. Every request still sends its own user's token.
    """

    def __init__(self) -> None:
        self._client: httpx.AsyncClient | None = None
        self._key: tuple[asyncio.AbstractEventLoop, str, object, object] | None = None

    def client(
        self, api_url: str, transport: httpx.AsyncBaseTransport | None, in_process: ASGIApp | None = None
    ) -> httpx.AsyncClient:
        """The client for this event loop, API address and transport (a new one when any changed).

        in_process: the application that serves api_url in this process, called without a socket.
        """
        key = (asyncio.get_running_loop(), api_url, transport, in_process)
        if self._client is None or self._key != key:
            # A client of another event loop cannot be closed from this one: its connections go with it.
            if transport is None and in_process is not None:
                transport = InProcessTransport(in_process)
            self._client = make_http(api_url, transport)
            self._key = key
        return self._client

    async def aclose(self) -> None:
        """Close the connections (when the server stops)."""
        client, self._client, self._key = self._client, None, None
        if client is not None:
            with contextlib.suppress(RuntimeError):  # opened in an event loop that has ended
                await client.aclose()


__all__ = [
    "Api",
    "ApiConnections",
    "ApiError",
    "Download",
    "FieldProblem",
    "InProcessTransport",
    "Upload",
    "make_http",
]
