"""Shared fixtures live in tests/fixtures/; this file only registers them."""

pytest_plugins = [
    "tests.fixtures.databases",
    "tests.fixtures.app",
    "tests.fixtures.s3",
]
