"""The committed contract is the app's contract, and it is served without login."""

from __future__ import annotations

import json
from pathlib import Path

from api.contract import contract, render

COMMITTED = Path(__file__).resolve().parents[2] / "openapi" / "openapi.json"


def test_committed_contract_matches_the_app():
    assert COMMITTED.read_text() == render(contract()), (
        "openapi/openapi.json is out of date: run `make openapi` and commit the result"
    )


def test_contract_is_served_without_login(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.headers["API-Version"] == "1.0.0"
    served = response.json()
    assert served["paths"].keys() == json.loads(COMMITTED.read_text())["paths"].keys()


def test_every_operation_documents_problems_and_version_header():
    schema = contract()
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            responses = operation["responses"]
            assert "422" not in responses, (method, path)
            assert "400" in responses, (method, path)
            for code, response in responses.items():
                assert "API-Version" in response["headers"], (method, path, code)
                if code[0] in "45":
                    assert "application/problem+json" in response["content"], (method, path, code)
