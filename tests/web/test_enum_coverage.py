"""Every value the API accepts in a request body has a label in the UI, so a form can offer it.

An enumeration added to the contract (or a value added to one) without its UI vocabulary fails here;
the browser test of each area then proves the form for it (every action kind, recipient kind and
recording decision is walked through its form in tests/web/test_*_browser.py).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from web import vocabulary as v
from web.aftercare import SPREAD_KINDS
from web.i18n import LANGUAGE_NAMES
from web.notifications import DELIVERIES, NOTIFICATION_KINDS
from web.routes.legal import COUNTRIES

ROOT = Path(__file__).resolve().parents[2]
CONTRACT = json.loads((ROOT / "openapi" / "openapi.json").read_text())
SCHEMAS = CONTRACT["components"]["schemas"]

# The vocabulary the UI offers for each enumeration a request body may carry.
UI_ENUMS: dict[str, Any] = {
    "ActionKind": v.ACTION_KINDS,
    "ActionStatus": v.ACTION_STATUSES,
    "Behaviour": v.BEHAVIOURS,
    "Classification": v.CLASSIFICATIONS,
    "ComplaintOutcome": v.COMPLAINT_OUTCOMES,
    "Confidentiality": v.CONFIDENTIALITIES,
    "Consent": v.CONSENTS,
    "Country": {c.upper() for c in COUNTRIES},
    "Decision": v.DECISIONS,
    "Delivery": DELIVERIES,
    "Employment": v.EMPLOYMENTS,
    "EventType": v.EVENT_TYPES,
    "FiledBy": v.FILED_BY,
    "EvidenceKind": v.EVIDENCE_KINDS,
    "Frequency": v.FREQUENCIES,
    "GirCategory": v.GIR_CATEGORIES,
    "Locale": LANGUAGE_NAMES,
    "LocationKind": v.LOCATION_KINDS,
    "NotificationKind": NOTIFICATION_KINDS,
    "PerpetratorRelation": v.RELATIONS,
    "Platform": v.PLATFORMS,
    "Punishable": v.PUNISHABLE,
    "RemovalGate": v.REMOVAL_GATES,
    "ReportLevel": v.REPORT_LEVELS,
    "RecipientKind": v.RECIPIENT_KINDS,
    "RecordingKind": v.RECORDING_KINDS,
    "RefusalGround": v.REFUSAL_GROUNDS,
    "ResponseChannel": v.RESPONSE_CHANNELS,
    "RestrictionForm": v.RESTRICTION_FORMS,
    "SafetynetCategory": v.SAFETYNET_CATEGORIES,
    "Role": v.ROLES,
    "Scope": v.SCOPES,
    "Severity": v.SEVERITIES,
    "SpreadKind": SPREAD_KINDS,
    "Status": v.STATUSES,
    "TakedownStatus": v.TAKEDOWN_STATUSES,
    "Target": v.TARGETS,
    "TracingChannel": v.TRACING_CHANNELS,
    "TracingOutcome": v.TRACING_OUTCOMES,
    "ViolationKind": v.VIOLATION_KINDS,
    "ViolationStep": v.VIOLATION_STEPS,
    "Reach": v.REACHES,
    "Impact": v.IMPACTS,
    "PoliceDecision": v.POLICE_DECISIONS,
    "Claimant": v.CLAIMANTS,
    "ClaimRoute": v.CLAIM_ROUTES,
    "DamageKind": v.DAMAGE_KINDS,
    "Currency": v.CURRENCIES,
}


def _referenced(node: Any, found: set[str]) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str):
            name = ref.rsplit("/", 1)[-1]
            if name not in found:
                found.add(name)
                _referenced(SCHEMAS[name], found)
        for value in node.values():
            _referenced(value, found)
    elif isinstance(node, list):
        for value in node:
            _referenced(value, found)


def request_enums() -> set[str]:
    """The named enumerations that some POST, PUT or PATCH body can carry."""
    found: set[str] = set()
    for operations in CONTRACT["paths"].values():
        for method, operation in operations.items():
            if method in ("post", "put", "patch") and "requestBody" in operation:
                _referenced(operation["requestBody"], found)
    return {name for name in found if "enum" in SCHEMAS[name]}


def test_every_enumeration_a_form_can_send_has_a_ui_vocabulary() -> None:
    missing = sorted(request_enums() - set(UI_ENUMS))
    assert missing == [], f"no UI vocabulary (and so no form option) for {missing}"


def test_every_value_of_those_enumerations_has_a_label() -> None:
    wrong = {
        name: sorted(set(SCHEMAS[name]["enum"]) ^ set(labels))
        for name, labels in UI_ENUMS.items()
        if name in SCHEMAS and set(SCHEMAS[name]["enum"]) != set(labels)
    }
    assert wrong == {}
