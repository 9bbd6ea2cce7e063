"""Shared fixtures live in tests/fixtures/; this file only registers them."""

from tests.fixtures.tls import share_default_tls_context

share_default_tls_context()

pytest_plugins = [
    "tests.fixtures.databases",
    "tests.fixtures.app",
    "tests.fixtures.s3",
    "tests.fixtures.tsa",
]

# The longest single test (about a minute of contract fuzzing) starts first, so that it does not
# become the tail of a parallel run.
FIRST = ("tests/integration/test_contract_fuzzing.py",)


def pytest_collection_modifyitems(items: list) -> None:
    items.sort(key=lambda item: not item.nodeid.startswith(FIRST))
