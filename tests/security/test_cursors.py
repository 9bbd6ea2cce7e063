"""Forged pagination cursors: every list of the contract answers 400 with a field error, never 500."""

from __future__ import annotations

import base64
import json
import re

import pytest

from tests.security.helpers import everyone, field_errors, path_ids


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _json(value: object) -> str:
    return _b64(json.dumps(value).encode())


ID = "0b4c0c4e-7a0b-4a8e-9d0e-000000000001"
FORGED = {
    "far-future-number-id": _json(["2099-01-01T00:00:00+00:00", 5]),
    "true-as-id": _json(["2099-01-01T00:00:00+00:00", True]),
    "number-as-time": _json([5, ID]),
    "null-pair": _json([None, None]),
    "time-without-zone": _json(["2026-01-01T00:00:00", ID]),
    "time-out-of-range": _json(["0001-01-01T00:00:00+14:00", ID]),
    "three-parts": _json(["2026-01-01T00:00:00+00:00", ID, ID]),
    "one-part": _json(["2026-01-01T00:00:00+00:00"]),
    "object": _json({"at": "2026-01-01T00:00:00+00:00", "id": ID}),
    "bare-string": _json("2026-01-01T00:00:00+00:00"),
    "nested-lists": _b64(b"[" * 60 + b"]" * 60),
    "not-json": _b64(b"\xff\xfe not json"),
    "garbage-base64": "!!!***",
    "non-ascii": "é" * 10,
    "huge-number": "9" * 30,
    "superscript-digit": "\u00b2",
}


def _lists(client) -> list[str]:
    """Every GET of the contract that takes a `cursor` (new lists are covered without a change here)."""
    contract = client.get("/api/v1/openapi.json").json()
    return sorted(
        path
        for path, operations in contract["paths"].items()
        if any(p.get("name") == "cursor" for p in operations.get("get", {}).get("parameters", []))
    )


@pytest.fixture
def settings(settings):
    """A webhook subscription on 127.0.0.1 is accepted (its delivery list is one of the lists)."""
    return settings.model_copy(update={"webhook_allow_private_targets": True})


def test_forged_cursors_are_refused_on_every_list(client, engine, org):
    member = everyone(engine, org)
    ids = path_ids(client, member)
    lists = _lists(client)
    assert len(lists) >= 13
    failures = []
    for path in lists:
        url = "/api/v1" + re.sub(r"{(\w+)}", lambda m: ids[m.group(1)], path)
        assert client.get(url, headers=member.headers).status_code == 200, url
        for name, cursor in FORGED.items():
            response = client.get(url, params={"cursor": cursor}, headers=member.headers)
            ok = (
                response.status_code == 400
                and response.headers["content-type"] == "application/problem+json"
                and field_errors(response) == {"cursor": "invalid_cursor"}
            )
            if not ok:
                failures.append(f"{path} {name}: {response.status_code} {response.text[:200]}")
    assert not failures, "\n".join(failures)
