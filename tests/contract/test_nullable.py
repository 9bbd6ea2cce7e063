"""What the contract declares nullable in a request body accepts null, and null clears it."""

from __future__ import annotations

from typing import Any

from tests.contract.world import BODIES, World, contract, new_takedown, nullable, operations, resolve

PAST = "2026-03-02T10:00:00Z"
FUTURE = "2099-03-02T10:00:00Z"
EMPTY = (None, "", [], {}, False)
# Fields whose null means "the default of this change" and that only go with a status change.
CONTEXT: dict[tuple[str, str], dict[str, Any]] = {
    ("updateAction", "doneAt"): {"status": "done"},
    ("updateTakedownRequest", "sentAt"): {"status": "sent"},
    ("updateTakedownRequest", "response"): {"status": "acknowledged"},
}


def candidates(world: World, schema: dict[str, Any], name: str, node: dict[str, Any]) -> list[Any]:
    """Non-null values to fill a field with first, from its schema (none when it cannot be made up)."""
    variants = [resolve(schema, v) for v in node.get("anyOf", [node]) if v.get("type") != "null"]
    if not variants:
        return []
    variant = variants[0]
    if "enum" in variant:
        return [variant["enum"][0]]
    kind, fmt = variant.get("type"), variant.get("format")
    if kind == "boolean":
        return [True]
    if kind == "string" and fmt == "date-time":
        return [PAST, FUTURE]
    if kind == "string" and fmt == "uuid":
        known = {"perpetratorId": world.ids["perpetratorId"]}
        return [known.get(name, str(world.member.user_id))]
    if kind == "string" and (fmt == "email" or "mail" in name.lower()):
        return ["someone@example.org"]
    if kind == "string" and (fmt == "uri" or "url" in name.lower()):
        return ["https://example.org/page"]
    if kind == "string":
        return ["Filled in for the test"]
    return []


def send(world: World, method: str, path: str, op: dict[str, Any], body: dict[str, Any], **ids: str) -> Any:
    headers = dict(world.headers)
    if any(p["name"] == "If-Match" for p in op.get("parameters", [])):
        headers["If-Match"] = world.etag(path, **ids)
    return world.client.request(method.upper(), world.url(path, **ids), json=body, headers=headers)


def test_every_nullable_request_field_accepts_null_and_null_clears_it(world: World) -> None:
    schema = contract()
    refused: list[str] = []
    kept: list[str] = []
    cleared: list[str] = []
    checked = 0
    fresh = {"takedownRequestId": new_takedown(world)}  # sent, then acknowledged, on its own
    for method, path, op in operations(schema):
        media = op.get("requestBody", {}).get("content", {}).get("application/json")
        if media is None:
            continue  # multipart form fields have no null on the wire
        operation_id = op["operationId"]
        properties = resolve(schema, media["schema"]).get("properties", {})
        for name, node in properties.items():
            if not nullable(node):
                continue
            checked += 1
            filled = False
            if method in ("patch", "put"):
                for value in candidates(world, schema, name, node):
                    response = send(world, method, path, op, {**BODIES[operation_id](world), name: value})
                    if response.status_code == 200 and response.json().get(name) not in EMPTY:
                        filled = True
                        break
            context = CONTEXT.get((operation_id, name))
            body = {**BODIES[operation_id](world), **(context or {}), name: None}
            response = send(world, method, path, op, body, **(fresh if context else {}))
            where = f"{operation_id}.{name}"
            if response.status_code >= 400:
                refused.append(f"{where}: {response.status_code} {response.text[:200]}")
                continue
            shown = response.json().get(name, None) if response.content else None
            if context or method == "post":
                continue  # null: the default (of a new resource, or "now" with that status change)
            if shown not in EMPTY:
                kept.append(f"{where}: {shown!r}")
            elif filled:
                cleared.append(where)
    assert checked > 80
    assert not refused, "declared nullable but null is refused:\n" + "\n".join(refused)
    assert not kept, "null accepted but the value was kept:\n" + "\n".join(kept)
    # The clearing was seen on real values, not only on fields that were empty already.
    assert len(cleared) >= 20, cleared
    print(f"nullable fields checked: {checked}; cleared from a set value: {len(cleared)}")


def test_multipart_form_fields_are_not_nullable() -> None:
    schema = contract()
    forms = [
        resolve(schema, op["requestBody"]["content"]["multipart/form-data"]["schema"])
        for _, _, op in operations(schema)
        if "multipart/form-data" in op.get("requestBody", {}).get("content", {})
    ]
    assert forms
    for form in forms:
        assert not [name for name, node in form["properties"].items() if nullable(node)]
