"""The contract's rules on the wire: Allow on 405, unknown and loose query parameters, binary
downloads, titles, and problem types that resolve to their pages."""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

from api.problem_types import BY_STATUS, TYPES
from tests.contract.world import METHODS, World, contract, operations

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_ID = "00000000-0000-4000-8000-000000000000"


def concrete(path: str) -> str:
    return "/api/v1" + re.sub(r"{\w+}", SAMPLE_ID, path)


def _routed_elsewhere(schema: dict[str, Any], path: str, method: str) -> bool:
    """Whether another path of the contract takes this method here (PATCH /notifications/read-all
    is PATCH /notifications/{notificationId} with a malformed id: a 400, not a 405)."""
    url = concrete(path)
    for other, item in schema["paths"].items():
        pattern = "/api/v1" + re.sub(r"{\w+}", "[^/]+", other)
        if other != path and method.lower() in item and re.fullmatch(pattern, url):
            return True
    return False


def test_405_lists_every_method_of_the_path(world: World) -> None:
    schema = contract()
    for path, item in schema["paths"].items():
        declared = {m.upper() for m in item if m in METHODS}
        for method in sorted({m.upper() for m in METHODS} - declared):
            if _routed_elsewhere(schema, path, method):
                continue
            response = world.client.request(method, concrete(path), headers=world.headers)
            assert response.status_code == 405, (method, path, response.status_code)
            allowed = {m.strip() for m in response.headers["Allow"].split(",")}
            assert allowed == declared, (method, path, allowed)
            assert response.headers["content-type"] == "application/problem+json"
            assert response.json()["type"].endswith("/problems/method-not-allowed")


def test_an_unknown_query_parameter_is_a_400_on_every_operation(world: World) -> None:
    schema = contract()
    for method, path, op in operations(schema):
        response = world.client.request(
            method.upper(), concrete(path), params={"sortt": "-updatedAt"}, headers=world.headers
        )
        assert response.status_code == 400, (op["operationId"], response.status_code)
        errors = response.json()["errors"]
        assert {"in": "query", "name": "sortt", "code": "unknown_parameter"} in [
            {k: e[k] for k in ("in", "name", "code")} for e in errors
        ], (op["operationId"], errors)
    # Declared ones pass, even without a token (then it is the 401).
    assert world.client.get("/api/v1/incidents", params={"limit": "5"}).status_code == 401


def _date_time_parameters(schema: dict[str, Any]) -> list[tuple[str, str]]:
    found = []
    for method, path, op in operations(schema):
        for param in op.get("parameters", []):
            variants = param["schema"].get("anyOf", [param["schema"]])
            if param["in"] == "query" and any(v.get("format") == "date-time" for v in variants):
                found.append((path if method == "get" else "", param["name"]))
    return [f for f in found if f[0]]


def test_date_time_query_parameters_are_rfc_3339_with_an_offset(world: World) -> None:
    schema = contract()
    parameters = _date_time_parameters(schema)
    assert len(parameters) >= 8
    for path, name in parameters:
        url = concrete(path)
        for loose in ("1767225600", "2026-03-01", "2026-03-01T09:00:00", "2026-03-01 09:00:00Z"):
            response = world.client.get(url, params={name: loose}, headers=world.headers)
            assert response.status_code == 400, (path, name, loose)
            codes = {(e["name"], e["code"]) for e in response.json()["errors"]}
            assert (name, "datetime_parsing") in codes, (path, name, loose, codes)
        for strict in ("2026-03-01T09:00:00Z", "2026-03-01T10:00:00.5+01:00"):
            response = world.client.get(url, params={name: strict}, headers=world.headers)
            assert response.status_code != 400, (path, name, strict, response.text)


def test_binary_responses_are_declared_as_downloads(world: World) -> None:
    schema = contract()
    binary = {}
    for _, _, op in operations(schema):
        for code, response in op["responses"].items():
            content = response.get("content", {})
            if code.startswith("2") and any(
                m.get("schema", {}).get("format") == "binary" for m in content.values()
            ):
                binary[op["operationId"]] = list(content)
                assert next(iter(content)) == "application/octet-stream", op["operationId"]
                assert not any("json" in t for t in content), op["operationId"]
                assert "*/*" not in content, op["operationId"]
    assert binary["getIncidentDossier"] == ["application/octet-stream", "application/zip"]
    assert binary["getRecordingPermissionReceipt"] == ["application/octet-stream", "application/pdf"]
    assert binary["getTakedownRequestLetter"] == ["application/octet-stream", "application/pdf"]
    assert "image/png" in binary["getEvidenceContent"]
    # The same bytes come in their own type, or as application/octet-stream when asked.
    url = f"/api/v1/evidence/{world.ids['evidenceId']}/content"
    own = world.client.get(url, headers=world.headers)
    assert own.headers["content-type"] == "image/png"
    octets = world.client.get(url, headers={**world.headers, "Accept": "application/octet-stream"})
    assert octets.headers["content-type"] == "application/octet-stream"
    assert octets.content == own.content
    both = world.client.get(
        url, headers={**world.headers, "Accept": "image/png, application/octet-stream;q=0.5"}
    )
    assert both.headers["content-type"] == "image/png"


def test_no_generated_titles_below_the_named_schemas() -> None:
    schema = contract()
    generated = []

    def walk(node: Any, where: str, top: bool) -> None:
        if isinstance(node, dict):
            if (
                not top
                and isinstance(node.get("title"), str)
                and "properties" not in where.rsplit("/", 1)[-1]
            ):
                generated.append(f"{where}: {node['title']}")
            for key, value in node.items():
                walk(value, f"{where}/{key}", False)
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{where}/{i}", False)

    for name, component in schema["components"]["schemas"].items():
        walk(component, name, True)
    for method, path, op in operations(schema):
        walk(op.get("parameters", []), f"{method} {path}", False)
        walk(op.get("requestBody", {}), f"{method} {path}", False)
    assert not generated, generated[:20]


def _emitted_slugs() -> dict[str, str]:
    """Problem type slugs the code names: slug= arguments, DomainError constructors, self.slug."""
    found: dict[str, str] = {}
    for folder in ("app", "api"):
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                values: list[ast.expr] = []
                if isinstance(node, ast.Call):
                    values += [k.value for k in node.keywords if k.arg == "slug"]
                    name = getattr(node.func, "attr", getattr(node.func, "id", ""))
                    args = node.args
                    if args and isinstance(args[0], ast.Name) and args[0].id == "self":
                        args = args[1:]  # DomainError.__init__(self, ...)
                    if name in ("__init__", "_problem") and len(args) >= 5:
                        values.append(args[4])
                if isinstance(node, ast.Assign) and any(
                    isinstance(t, ast.Attribute) and t.attr == "slug" for t in node.targets
                ):
                    values.append(node.value)
                for value in values:
                    if isinstance(value, ast.Constant) and isinstance(value.value, str):
                        found[value.value] = f"{path.relative_to(ROOT)}:{node.lineno}"
    return found


def test_every_problem_type_the_code_can_emit_resolves_to_its_page(world: World) -> None:
    emitted = _emitted_slugs()
    assert len(emitted) > 15
    missing = {slug: where for slug, where in emitted.items() if slug not in TYPES}
    assert not missing, f"add these to api/problem_types.py TYPES: {missing}"
    assert set(BY_STATUS.values()) <= set(TYPES)
    listing = world.client.get("/api/v1/problems", headers={"Accept": "application/json"})
    assert listing.status_code == 200
    listed = {entry["slug"]: entry for entry in listing.json()}
    assert set(listed) == set(TYPES)
    for slug, entry in listed.items():
        path = "/api/v1/problems/" + slug
        assert entry["type"].endswith(path)
        page = world.client.get(path)  # no login: documentation
        assert page.status_code == 200, slug
        assert page.headers["content-type"].startswith("text/html")
        assert TYPES[slug].title in page.text
        as_json = world.client.get(path, headers={"Accept": "application/json"}).json()
        assert as_json["title"] == TYPES[slug].title
    assert world.client.get("/api/v1/problems/no-such-problem").status_code == 404
    # A problem on the wire points at its page.
    problem = world.client.get("/api/v1/incidents").json()
    assert re.fullmatch(r"https?://[^/]+/api/v1/problems/unauthenticated", problem["type"])
    assert (
        world.client.get(problem["type"].split("://", 1)[1].split("/", 1)[1].join(["/", ""])).status_code
        == 200
    )
