"""Change feeds: a sync loop over every mirrored collection sees every create and every change."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest

from app.auth.actor import ALL_SCOPES
from tests.fixtures.factories import make_api_client
from tests.sync.collections import NAMES, collections
from tests.sync.helpers import Mirror, full_list


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def _position(item: dict[str, Any]) -> tuple[datetime, str]:
    return _at(item["updatedAt"]), item["id"]


def _ascending(delivered: list[dict[str, Any]]) -> None:
    positions = [_position(i) for i in delivered]
    assert positions == sorted(positions)
    assert len(set(positions)) == len(positions)  # no item twice in the same version


@pytest.mark.parametrize("name", NAMES)
def test_sync_loop_sees_every_create_and_change(client, engine, org, name):
    kit = collections(client, org)[name]
    integrator = make_api_client(engine, org, scopes=sorted(ALL_SCOPES))
    ids = [kit.create(n) for n in range(5)]
    mirror = Mirror(kit.url, integrator)

    def meanwhile(page: int) -> None:
        if page == 1:
            # One item already delivered and one still ahead change, one is created.
            kit.change(ids[0], 1)
            kit.change(ids[4], 2)
            ids.append(kit.create(5))

    delivered = mirror.sync(client, limit=2, between=meanwhile)
    _ascending(delivered)
    assert mirror.pages >= 3
    seen = [i["id"] for i in delivered]
    assert seen.count(ids[0]) == 2, "changed after delivery: delivered again on a later page"
    assert seen.count(ids[4]) == 1, "changed before delivery: delivered once, already changed"
    assert set(ids) <= set(seen)
    current = full_list(client, kit.url, integrator)
    assert mirror.items == current

    # The next sync starts at the last updatedAt seen: changes and creates, nothing older.
    boundary = mirror.since
    assert boundary is not None
    kit.change(ids[2], 3)
    ids.append(kit.create(6))
    delivered = mirror.sync(client, limit=2)
    _ascending(delivered)
    assert all(_at(i["updatedAt"]) >= _at(boundary) for i in delivered)
    assert {ids[2], ids[-1]} <= {i["id"] for i in delivered}
    assert mirror.items == full_list(client, kit.url, integrator)

    # Nothing changed: only the items at the inclusive boundary come again.
    boundary = mirror.since
    assert boundary is not None
    delivered = mirror.sync(client, limit=2)
    assert delivered and all(_at(i["updatedAt"]) == _at(boundary) for i in delivered)
