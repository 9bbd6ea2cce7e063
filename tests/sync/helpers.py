"""A mirror as an integrator writes it: page a change feed, keep the last updatedAt, de-duplicate by id."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from fastapi.testclient import TestClient


@dataclass
class Mirror:
    """The copy an integrator keeps of one collection, and where its next sync starts."""

    url: str
    headers: dict[str, str]
    items: dict[str, dict[str, Any]] = field(default_factory=dict)
    since: str | None = None
    pages: int = 0

    def sync(
        self, client: TestClient, *, limit: int = 2, between: Callable[[int], None] | None = None
    ) -> list[dict[str, Any]]:
        """One sync: every page of the feed from `since`; `between(n)` runs after page n.

        Returns what the feed delivered, in order (an item may come twice when it changed while
        paging; the later copy wins).
        """
        params: dict[str, Any] = {"sort": "updatedAt", "limit": limit}
        if self.since is not None:
            params["updatedSince"] = self.since
        response = client.get(self.url, params=params, headers=self.headers)
        delivered: list[dict[str, Any]] = []
        page = 0
        while True:
            assert response.status_code == 200, response.text
            body = response.json()
            page += 1
            delivered.extend(body["items"])
            for item in body["items"]:
                self.items[item["id"]] = item
            if body["items"]:
                self.since = body["items"][-1]["updatedAt"]
            if between is not None:
                between(page)
            if not body["next"]:
                break
            response = client.get(body["next"], headers=self.headers)
        self.pages += page
        return delivered


def full_list(client: TestClient, url: str, headers: dict[str, str]) -> dict[str, dict[str, Any]]:
    """The collection as it is now, by id (the default order, every page)."""
    found: dict[str, dict[str, Any]] = {}
    response = client.get(url, params={"limit": 100}, headers=headers)
    while True:
        assert response.status_code == 200, response.text
        body = response.json()
        found.update({item["id"]: item for item in body["items"]})
        if not body["next"]:
            return found
        response = client.get(body["next"], headers=headers)


def with_etag(client: TestClient, url: str, headers: dict[str, str]) -> dict[str, str]:
    """Headers with If-Match set to the resource's current ETag."""
    current = client.get(url, headers=headers)
    assert current.status_code == 200, current.text
    return {**headers, "If-Match": current.headers["ETag"]}
