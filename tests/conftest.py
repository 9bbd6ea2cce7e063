"""Shared fixtures live in tests/fixtures/; this file only registers them."""

from tests.fixtures.tls import share_default_tls_context

share_default_tls_context()

pytest_plugins = [
    "tests.fixtures.databases",
    "tests.fixtures.app",
    "tests.fixtures.s3",
    "tests.fixtures.tsa",
]
