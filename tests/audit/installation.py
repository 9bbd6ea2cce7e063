"""A small installation for audit tests: a database, a store, keys, chains and raw-SQL tampering."""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from pathlib import Path

from pydantic import SecretStr
from sqlalchemy import Engine, text
from sqlmodel import Session, col, select

from app.audit import keys as audit_keys
from app.audit import service as audit
from app.audit.chain import canonical
from app.audit.models import AuditEvent
from app.config import Settings
from app.db import make_engine, session_scope
from app.organisation import service as organisations
from app.storage import ObjectStore, make_store
from tests.fixtures.factories import SECRET

AUDIT_KEY = "audit-key-for-tests-0123456789-abcdefghijklmnop"


@dataclass
class Installation:
    """Settings, engine and store of one test installation; chains by organisation slug."""

    settings: Settings
    engine: Engine
    store: ObjectStore
    chains: dict[str, str]

    def env(self) -> dict[str, str]:
        """The WEERBAAR_* variables that point the CLI at this installation."""
        s = self.settings
        env = {
            "WEERBAAR_DATA_DIR": str(s.data_dir),
            "WEERBAAR_DATABASE_URL": s.effective_database_url,
            "WEERBAAR_SECRET_KEY": SECRET,
            "WEERBAAR_AUDIT_KEY": s.resolved_audit_key(),
            "WEERBAAR_STORAGE_BACKEND": s.storage_backend,
            "WEERBAAR_CREATE_DEMO": "false",
        }
        if s.storage_backend == "s3":
            env |= {
                "WEERBAAR_S3_ENDPOINT": s.s3_endpoint,
                "WEERBAAR_S3_ACCESS_KEY": s.s3_access_key,
                "WEERBAAR_S3_SECRET_KEY": s.s3_secret_key.get_secret_value(),
                "WEERBAAR_S3_BUCKET": s.s3_bucket,
                "WEERBAAR_S3_SECURE": "false",
                "WEERBAAR_S3_OBJECT_LOCK": str(s.s3_object_lock).lower(),
            }
        return env


def audit_settings(
    database_url: str, tmp_path: Path, *, key: str = AUDIT_KEY, previous: str = ""
) -> Settings:
    """Settings with an explicit audit key and the filesystem store under tmp_path."""
    return Settings(
        data_dir=tmp_path / "var",
        database_url=database_url,
        secret_key=SecretStr(SECRET),
        audit_key=SecretStr(key),
        audit_previous_keys=SecretStr(previous) if previous else None,
        run_jobs_in_process=False,
        create_demo=False,
    )


def install(settings: Settings, slugs: tuple[str, ...], events_per_chain: int = 5) -> Installation:
    """Organisations with one chain each of `events_per_chain` keyed events."""
    audit_keys.configure(settings)
    engine = make_engine(settings.effective_database_url)
    chains: dict[str, str] = {}
    for slug in slugs:
        add_organisation(engine, slug, events_per_chain)
        with Session(engine) as session:
            chains[slug] = str(organisations.get_organisation_by_slug(session, slug=slug).id)
    return Installation(settings, engine, make_store(settings), chains)


def add_organisation(engine: Engine, slug: str, events: int) -> None:
    """An organisation (its creation is event #1) and events #2..#events."""
    with session_scope(engine) as session:
        org = organisations.create_organisation(session, name=slug.title(), slug=slug, country="NL")
        for n in range(2, events + 1):
            audit.record(
                session, action="test.event", organisation_id=org.id, actor_label="test", details={"n": n}
            )


def execute(engine: Engine, sql: str, **params: object) -> None:
    """Raw SQL, committed: what someone with database access can do."""
    with engine.begin() as conn:
        conn.execute(text(sql), params)


def rehash_from(engine: Engine, chain: str, seq: int, *, unkeyed: bool) -> None:
    """Edit event #seq and recompute every later hash and link without the audit key.

    With a guessed key (key ids kept), or as unkeyed SHA-256 events (the form before keying).
    """
    with Session(engine) as session:
        events = list(
            session.exec(
                select(AuditEvent).where(AuditEvent.chain == chain).order_by(col(AuditEvent.seq))
            ).all()
        )
        session.expunge_all()
    guess = b"a guessed key that is not the audit key"
    prev_hash = None
    for event in events:
        if event.seq < seq:
            prev_hash = event.hash
            continue
        if event.seq == seq:
            event.actor_label = "someone else"
        event.prev_hash = prev_hash or event.prev_hash
        if unkeyed:
            event.key_id = None
            event.hash = hashlib.sha256(canonical(event)).hexdigest()
        else:
            event.hash = hmac.new(guess, canonical(event), hashlib.sha256).hexdigest()
        execute(
            engine,
            "UPDATE audit_event SET actor_label = :label, prev_hash = :prev, hash = :hash, key_id = :key_id "
            "WHERE chain = :chain AND seq = :seq",
            label=event.actor_label,
            prev=event.prev_hash,
            hash=event.hash,
            key_id=event.key_id,
            chain=chain,
            seq=event.seq,
        )
        prev_hash = event.hash
