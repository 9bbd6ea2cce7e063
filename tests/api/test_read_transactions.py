"""Reads never queue for the write lock (SQLite): a GET runs in a snapshot and may not write."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import text
from sqlmodel import Session

from app.db import ReadOnlyViolation, is_sqlite, reading
from tests.fixtures.factories import incident_body


def test_a_get_answers_while_another_transaction_holds_the_write_lock(client, org, engine) -> None:
    if not is_sqlite(engine):
        pytest.skip("the write lock is SQLite's")
    headers = org["case_handler"].headers
    created = client.post("/api/v1/incidents", json=incident_body(), headers=headers)
    assert created.status_code == 201
    with engine.connect() as writer:
        held = writer.begin()  # BEGIN IMMEDIATE: the write lock, as a long write would hold it
        began = time.monotonic()
        listed = client.get("/api/v1/incidents", headers=headers)
        single = client.get(f"/api/v1/incidents/{created.json()['id']}", headers=headers)
        waited = time.monotonic() - began
        held.rollback()
    assert listed.status_code == 200 and single.status_code == 200
    assert waited < 5, f"the reads waited {waited:.1f} s for the write lock"


def test_a_write_inside_a_read_transaction_is_refused(engine) -> None:
    if not is_sqlite(engine):
        pytest.skip("the read-only guard is SQLite's")
    with Session(reading(engine)) as session, pytest.raises(ReadOnlyViolation):
        session.execute(text("SELECT 1"))
        session.execute(text("UPDATE organisation SET name = name"))


def test_first_reads_of_the_legal_pack_and_letter_template_seed_them(client, org) -> None:
    headers = org["legal"].headers
    first = client.get("/api/v1/legal-packs/nl", headers=headers)
    second = client.get("/api/v1/legal-packs/nl", headers=headers)
    assert first.status_code == second.status_code == 200
    assert first.json() == second.json()
    admin = org["admin"].headers
    template = client.get("/api/v1/letter-templates/nl", headers=admin)
    assert template.status_code == 200
    assert client.get("/api/v1/letter-templates/nl", headers=admin).json() == template.json()
