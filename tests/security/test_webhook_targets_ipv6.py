"""IPv4 addresses hidden in IPv6 transition forms must not slip past the webhook target check (SSRF)."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from app.webhook.models import WebhookSubscription
from app.webhook.targets import is_public

# (address, public?) - every transition form with an internal IPv4 inside, and a public control.
TABLE = [
    ("64:ff9b::7f00:1", False),  # NAT64 well-known prefix -> 127.0.0.1
    ("64:ff9b::a9fe:a9fe", False),  # NAT64 -> 169.254.169.254 (cloud metadata)
    ("64:ff9b::c0a8:101", False),  # NAT64 -> 192.168.1.1
    ("64:ff9b:1::a00:1", False),  # NAT64 local-use prefix
    ("2002:7f00:1::1", False),  # 6to4 -> 127.0.0.1
    ("2002:a00:1::", False),  # 6to4 -> 10.0.0.1
    ("2002:a9fe:a9fe::1", False),  # 6to4 -> 169.254.169.254
    ("::7f00:1", False),  # IPv4-compatible -> 127.0.0.1
    ("::a00:1", False),  # IPv4-compatible -> 10.0.0.1
    ("::ffff:127.0.0.1", False),  # IPv4-mapped
    ("::ffff:a9fe:a9fe", False),  # IPv4-mapped -> 169.254.169.254
    ("::ffff:0:7f00:1", False),  # IPv4-translated -> 127.0.0.1
    ("2001:0:4136:e378:8000:63bf:80ff:fffe", False),  # Teredo, client 127.0.0.1
    ("2001:0:4136:e378:8000:63bf:3fff:fdd2", False),  # Teredo with a public client: still a tunnel
    ("::1", False),
    ("::", False),
    ("fe80::1", False),
    ("fc00::1", False),
    ("ff02::1", False),
    ("64:ff9b::808:808", True),  # NAT64 -> 8.8.8.8
    ("2002:808:808::1", True),  # 6to4 -> 8.8.8.8
    ("::ffff:8.8.8.8", True),
    ("2606:4700:4700::1111", True),
    ("8.8.8.8", True),
]


@pytest.mark.parametrize(("address", "public"), TABLE, ids=[a for a, _ in TABLE])
def test_embedded_ipv4_gets_the_same_rules(address: str, public: bool) -> None:
    assert is_public(address) is public


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_subscription_to_a_transition_address_is_refused_and_nothing_is_stored(client, org, engine):
    headers = org["admin"].headers
    for address in ("64:ff9b::7f00:1", "2002:a9fe:a9fe::1", "::a00:1", "::ffff:0:7f00:1"):
        response = client.post(
            "/api/v1/webhook-subscriptions",
            json={"url": f"http://[{address}]:8080/hook", "eventTypes": ["incident.created"]},
            headers=headers,
        )
        assert response.status_code == 400, (address, response.text)
        assert response.headers["content-type"] == "application/problem+json"
        assert [(e["name"], e["code"]) for e in response.json()["errors"]] == [("url", "target_not_public")]
    with Session(engine) as session:
        assert session.exec(select(WebhookSubscription)).all() == []
