"""Shared fixtures live in tests/fixtures/; this file only registers them."""

import pytest

from tests.fixtures.tls import share_default_tls_context

share_default_tls_context()

pytest_plugins = [
    "tests.fixtures.databases",
    "tests.fixtures.app",
    "tests.fixtures.s3",
    "tests.fixtures.tsa",
]

# The longest single test (about half a minute of contract fuzzing) starts first, then the slow ones
# (marked slow) and the web UI's, so that none of them becomes the tail of a parallel run;
# each module's tests stay together (they share a server and a browser).
FIRST = ("tests/integration/test_contract_fuzzing.py",)


def _order(item: pytest.Item) -> int:
    if item.nodeid.startswith(FIRST):
        return 0
    return 1 if item.get_closest_marker("slow") or item.nodeid.startswith("tests/web/") else 2


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    items.sort(key=_order)
