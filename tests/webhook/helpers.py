"""Shared by the webhook tests: settings for a receiver on 127.0.0.1, the contract's schemas."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from standardwebhooks.webhooks import Webhook

from tests.fixtures.receiver import Received

CONTRACT: dict[str, Any] = json.loads(
    (Path(__file__).resolve().parents[2] / "openapi" / "openapi.json").read_text()
)


def payload_validator(contract: dict[str, Any], event_type: str) -> Draft202012Validator:
    """A validator for the body of this event type, from the contract's `webhooks` section."""
    operation = contract["webhooks"][event_type]["post"]
    ref = operation["requestBody"]["content"]["application/json"]["schema"]["$ref"]
    schema = {"$ref": ref, "components": contract["components"]}
    validator = Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)
    return validator


def verified(received: list[Received], secret: str) -> list[dict[str, Any]]:
    """Every received body, checked with the Standard Webhooks library under this secret."""
    verifier = Webhook(secret)
    return [verifier.verify(r.body, r.headers) for r in received]
