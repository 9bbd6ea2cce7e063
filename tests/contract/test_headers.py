"""ETag is declared on exactly the responses that carry it; If-Match is required where it is."""

from __future__ import annotations

from typing import Any

from tests.contract.world import BODIES, World, contract, new_takedown, operations, resolve

# Operations that end the world's own session or need state the world does not have: sent last,
# or with a session of their own.
LAST = ("deleteCurrentSession",)
QUERY_VALUES = {"language": "nl", "reason": "contract check"}


def body_for(world: World, method: str, path: str, op: dict[str, Any], schema: dict[str, Any]) -> Any:
    """A valid body: the recipe, or for a replacement the resource as it is (its GET, trimmed)."""
    media = op.get("requestBody", {}).get("content", {}).get("application/json")
    if media is None:
        return None
    if op["operationId"] in BODIES:
        return BODIES[op["operationId"]](world)
    current = world.client.get(world.url(path), headers=world.headers, params=query_for(op))
    properties = resolve(schema, media["schema"]).get("properties", {})
    if current.status_code == 200 and isinstance(current.json(), dict):
        return {k: v for k, v in current.json().items() if k in properties}
    return {}


def query_for(op: dict[str, Any]) -> dict[str, str]:
    return {
        p["name"]: QUERY_VALUES[p["name"]]
        for p in op.get("parameters", [])
        if p["in"] == "query" and p.get("required") and p["name"] in QUERY_VALUES
    }


def call(
    world: World, method: str, path: str, op: dict[str, Any], schema: dict[str, Any], **extra: Any
) -> Any:
    """Send the operation as a client following the contract would (If-Match from the GET)."""
    headers = dict(world.headers)
    if any(p["name"] == "If-Match" for p in op.get("parameters", [])):
        headers["If-Match"] = world.client.get(
            world.url(path), headers=world.headers, params=query_for(op)
        ).headers.get("ETag", "")
    headers.update(extra.pop("headers", {}))
    body = body_for(world, method, path, op, schema)
    if op["operationId"] == "uploadEvidence":
        return world.client.post(
            world.url(path),
            files={"file": ("note.txt", b"a threat, kept as text", "text/plain")},
            data={"kind": "document"},
            headers=headers,
        )
    return world.client.request(
        method.upper(), world.url(path), json=body, headers=headers, params=query_for(op)
    )


def test_etag_is_declared_exactly_where_it_is_sent(world: World) -> None:
    schema = contract()
    world.ids["takedownRequestId"] = new_takedown(world)  # one that can still be changed
    mismatches: list[str] = []
    seen: set[str] = set()
    ordered = sorted(operations(schema), key=lambda o: o[2]["operationId"] in LAST)
    for method, path, op in ordered:
        if any(name not in world.ids for name in _path_names(path)):
            continue
        response = call(world, method, path, op, schema)
        code = str(response.status_code)
        if not code.startswith("2"):
            continue
        seen.add(op["operationId"])
        declared = op["responses"].get(code, {}).get("headers", {}).get("ETag")
        sent = "etag" in response.headers
        if sent and declared is None:
            mismatches.append(f"{op['operationId']} {code}: sends ETag, not declared")
        if declared and declared.get("required") and not sent:
            mismatches.append(f"{op['operationId']} {code}: ETag declared required, not sent")
    assert not mismatches, "\n".join(mismatches)
    with_etag = {
        op["operationId"]
        for _, _, op in operations(schema)
        if any("ETag" in r.get("headers", {}) for c, r in op["responses"].items() if c.startswith("2"))
    }
    assert len(with_etag) >= 25
    assert with_etag <= seen, f"not seen succeeding: {sorted(with_etag - seen)}"


def test_if_match_is_required_and_a_missing_one_is_428(world: World) -> None:
    schema = contract()
    guarded = [
        (method, path, op)
        for method, path, op in operations(schema)
        if any(p["name"] == "If-Match" for p in op.get("parameters", []))
    ]
    assert len(guarded) >= 10
    for method, path, op in guarded:
        declared = next(p for p in op["parameters"] if p["name"] == "If-Match")
        assert declared["required"] is True, op["operationId"]
        response = world.client.request(
            method.upper(),
            world.url(path),
            json=body_for(world, method, path, op, schema),
            headers=world.headers,
            params=query_for(op),
        )
        assert response.status_code == 428, (op["operationId"], response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["type"].endswith("/api/v1/problems/precondition-required")


def _path_names(path: str) -> list[str]:
    import re

    return re.findall(r"{(\w+)}", path)
