"""Reads never queue for the write lock (SQLite): a GET runs in a snapshot and may not write."""

from __future__ import annotations

import time

import pytest
from sqlalchemy import text
from sqlmodel import Session

from app.db import ReadOnlyViolation, is_sqlite, make_engine, reading
from tests.fixtures.factories import incident_body


def test_a_get_answers_while_another_transaction_holds_the_write_lock(client, org, engine) -> None:
    headers = org["case_handler"].headers
    created = client.post("/api/v1/incidents", json=incident_body(), headers=headers)
    assert created.status_code == 201
    with engine.connect() as writer:
        held = writer.begin()  # on SQLite BEGIN IMMEDIATE: the write lock, as a long write holds it
        if not is_sqlite(engine):
            writer.exec_driver_sql("LOCK TABLE incident IN EXCLUSIVE MODE")  # writers wait, readers not
        began = time.monotonic()
        listed = client.get("/api/v1/incidents", headers=headers)
        single = client.get(f"/api/v1/incidents/{created.json()['id']}", headers=headers)
        waited = time.monotonic() - began
        held.rollback()
    assert listed.status_code == 200 and single.status_code == 200
    assert waited < 5, f"the reads waited {waited:.1f} s for the write lock"


def test_a_write_inside_a_read_transaction_is_refused(tmp_path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'guard.sqlite3'}")
    with engine.begin() as conn:
        conn.exec_driver_sql("CREATE TABLE note (body TEXT)")
    with Session(reading(engine)) as session, pytest.raises(ReadOnlyViolation):
        session.execute(text("SELECT body FROM note"))
        session.execute(text("INSERT INTO note (body) VALUES ('x')"))
    engine.dispose()


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
