"""Making a backup, checking one, and restoring one into an empty installation.

A backup is a directory: the database copy, the evidence objects under objects/<key>, and
manifest.json, written last. The database is copied first; then every object that copy
references is copied and its hash checked against the evidence row (objects written later
belong to a later backup).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, col, select

import app
from app import migrate
from app.audit import anchors as audit_anchors
from app.audit import keys as audit_keys
from app.audit import service as audit
from app.audit.keys import AuditKeys
from app.backup import database, objects
from app.config import ConfigurationError, Settings
from app.db import make_engine, utcnow
from app.errors import Unavailable
from app.evidence.models import Evidence
from app.evidence.service import check_object
from app.storage import ObjectMissing, ObjectStore, StorageError

FORMAT = "weerbaar-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
OBJECTS = "objects"


class BackupError(Exception):
    """The backup or restore cannot go on; the message says why and what to do."""


@dataclass
class Report:
    """What a backup, check or restore did (lines) and what is wrong (problems)."""

    lines: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when nothing is wrong."""
        return not self.problems


def _prepare_target(target: Path) -> Path:
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise BackupError(f"{target} exists and is not an empty directory; choose a new one.")
    target.parent.mkdir(parents=True, exist_ok=True)
    # Built beside the target and renamed at the end: a failed backup leaves no half directory.
    return Path(tempfile.mkdtemp(prefix=f".{target.name}.partial-", dir=target.parent))


def make_backup(settings: Settings, *, store: ObjectStore, target: Path) -> Report:
    """Copy the database, then every object it references, into the new directory target."""
    work = _prepare_target(target)
    report = Report()
    try:
        try:
            # Listed before the database copy: every one of these anchors holds heads the copy has.
            anchor_keys = audit_anchors.anchor_keys(store)
            snapshot = database.copy_out(settings.effective_database_url, work)
        except (StorageError, Unavailable) as exc:
            raise BackupError(f"The evidence store cannot be read: {exc}") from exc
        except (database.DatabaseCopyError, SQLAlchemyError, sqlite3.Error, OSError) as exc:
            raise BackupError(f"The database could not be copied: {exc}") from exc
        wanted: list[tuple[str, str, str, database.EvidenceRow | None]]
        wanted = [("evidence", row.key, row.content_type, row) for row in snapshot.evidence]
        wanted += [("audit-anchor", key, "application/json", None) for key in anchor_keys]
        entries = []
        for kind, key, content_type, row in wanted:
            try:
                copied = objects.copy_out(store, key, work / OBJECTS)
            except ObjectMissing:
                owner = f"evidence {row.evidence_id}" if row else "audit anchor"
                report.problems.append(f"{owner}: object {key} is missing from the store")
                continue
            except (StorageError, Unavailable, OSError) as exc:
                raise BackupError(f"The evidence store failed while copying {key}: {exc}") from exc
            if row is not None and (copied.sha256 != row.sha256 or copied.size != row.size):
                report.problems.append(
                    f"evidence {row.evidence_id}: object {key} does not match its recorded SHA-256 "
                    f"(expected {row.sha256}, found {copied.sha256}); copied as found"
                )
            entries.append(
                {
                    "key": key,
                    "kind": kind,
                    "size": copied.size,
                    "sha256": copied.sha256,
                    "contentType": content_type,
                }
            )
        db_file = objects.hash_file(work / snapshot.filename)
        manifest: dict[str, Any] = {
            "format": FORMAT,
            "formatVersion": FORMAT_VERSION,
            "createdAt": utcnow().isoformat(timespec="seconds"),
            "appVersion": app.__version__,
            "schemaRevision": snapshot.revision,
            "database": {
                "kind": snapshot.kind,
                "file": snapshot.filename,
                "size": db_file.size,
                "sha256": db_file.sha256,
            },
            "storeKind": settings.storage_backend,
            "objectCount": len(entries),
            "objectBytes": sum(e["size"] for e in entries),
            "objects": entries,
            "problems": report.problems,
        }
        _write_manifest(work / MANIFEST, manifest)
        os.replace(work, target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    report.lines.append(
        f"Backup written to {target}: {snapshot.kind} database at schema revision {snapshot.revision}, "
        f"{len(snapshot.evidence)} evidence object(s) and {len(anchor_keys)} audit anchor(s), "
        f"{manifest['objectBytes']} bytes."
    )
    return report


def _write_manifest(path: Path, manifest: dict[str, Any]) -> None:
    with open(path, "x", encoding="utf-8") as out:
        json.dump(manifest, out, indent=2)
        out.write("\n")
        out.flush()
        os.fsync(out.fileno())


def read_manifest(source: Path) -> dict[str, Any]:
    """The backup's manifest, after checking its shape and the database copy's hash."""
    try:
        manifest = json.loads((source / MANIFEST).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise BackupError(f"{source} holds no {MANIFEST}: not a (complete) backup.") from exc
    except (OSError, ValueError) as exc:
        raise BackupError(f"The manifest in {source} cannot be read: {exc}") from exc
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(f"{source} is not a Weerbaar backup.")
    if manifest.get("formatVersion") != FORMAT_VERSION:
        raise BackupError(f"Backup format version {manifest.get('formatVersion')} is not supported.")
    try:
        db = manifest["database"]
        for entry in manifest["objects"]:
            objects.backup_path(source / OBJECTS, entry["key"])
            int(entry["size"]), str(entry["sha256"]), str(entry["contentType"])
        db_path = source / Path(db["file"]).name
        found = objects.hash_file(db_path)
    except (KeyError, TypeError, ValueError) as exc:
        raise BackupError(f"The manifest in {source} is damaged: {exc}") from exc
    except OSError as exc:
        raise BackupError(f"The database copy in {source} cannot be read: {exc}") from exc
    if found.sha256 != db["sha256"]:
        raise BackupError(
            f"The database copy {db_path} does not match the manifest's SHA-256: it is damaged."
        )
    return manifest


def check_backup(source: Path) -> Report:
    """Check a backup against its manifest (every object's hash) without restoring anything."""
    manifest = read_manifest(source)
    report = Report()
    for entry in manifest["objects"]:
        _check_entry(source, entry, report)
    report.lines.append(
        f"Backup of {manifest['createdAt']} ({manifest['database']['kind']}, schema "
        f"{manifest['schemaRevision']}): database copy intact, "
        f"{len(manifest['objects']) - len(report.problems)} of {len(manifest['objects'])} object(s) intact."
    )
    return report


def _check_entry(source: Path, entry: dict[str, Any], report: Report) -> None:
    try:
        found = objects.hash_file(objects.backup_path(source / OBJECTS, entry["key"]))
    except FileNotFoundError:
        report.problems.append(f"object {entry['key']} is missing from the backup")
        return
    if found.sha256 != entry["sha256"] or found.size != entry["size"]:
        report.problems.append(f"object {entry['key']} in the backup does not match the manifest's SHA-256")


def _check_revision(url: str, revision: str | None) -> None:
    scripts = ScriptDirectory.from_config(migrate.alembic_config(url))
    try:
        if revision is None or scripts.get_revision(revision) is None:
            raise BackupError("The backup names no schema revision.")
    except CommandError as exc:
        raise BackupError(
            f"The backup is at schema revision {revision}, which this version of Weerbaar does not know "
            "(a newer release made it): restore it with that release or a later one."
        ) from exc


def restore(settings: Settings, *, store: ObjectStore, source: Path) -> Report:
    """Restore the backup into an empty installation, migrate it, and verify evidence and audit."""
    manifest = read_manifest(source)
    url = settings.effective_database_url
    kind = manifest["database"]["kind"]
    _check_revision(url, manifest["schemaRevision"])
    try:
        # Needed to verify the restored chains; checked before anything is written.
        keys = audit_keys.from_settings(settings)
    except (ConfigurationError, ValueError) as exc:
        raise BackupError(f"The audit key is not configured: {exc}") from exc
    try:
        if database.kind_of(url) != kind:
            raise BackupError(f"This is a {kind} backup: configure a {kind} database to restore it into.")
        busy = database.tables_with_rows(url)
        if busy:
            raise BackupError(
                f"The database is not empty (rows in {', '.join(busy[:5])}): restore only into an "
                "empty installation."
            )
    except (database.DatabaseCopyError, SQLAlchemyError) as exc:
        raise BackupError(f"The database cannot be read: {exc}") from exc
    try:
        empty_store = objects.store_is_empty(store)
    except OSError as exc:
        raise BackupError(f"The evidence store cannot be read: {exc}") from exc
    if not empty_store:
        raise BackupError("The evidence store is not empty: restore only into an empty installation.")
    try:
        database.copy_in(kind, source / manifest["database"]["file"], url)
        migrate.upgrade(url)
        revision = database.revision_of(url)
    except (database.DatabaseCopyError, SQLAlchemyError, sqlite3.Error, CommandError, OSError) as exc:
        raise BackupError(f"The database could not be restored: {exc}") from exc
    report = Report()
    shown_url = make_url(url).render_as_string(hide_password=True)
    report.lines.append(f"Database restored into {shown_url} ({kind}).")
    if revision != manifest["schemaRevision"]:
        report.lines.append(f"Schema upgraded from {manifest['schemaRevision']} to {revision}.")
    else:
        report.lines.append(f"Schema at revision {revision}.")
    _restore_objects(store, source, manifest, report)
    _verify_installation(settings, store, keys, report)
    return report


def _restore_objects(store: ObjectStore, source: Path, manifest: dict[str, Any], report: Report) -> None:
    restored = 0
    for entry in manifest["objects"]:
        key = entry["key"]
        try:
            copied = objects.copy_in(store, key, source / OBJECTS, content_type=entry["contentType"])
        except FileNotFoundError:
            report.problems.append(f"object {key} is missing from the backup")
            continue
        except (Unavailable, OSError) as exc:
            raise BackupError(
                f"The evidence store failed while restoring {key} ({exc}); empty the database and the "
                "store before trying again."
            ) from exc
        restored += 1
        if copied.sha256 != entry["sha256"]:
            report.problems.append(f"object {key} in the backup does not match the manifest's SHA-256")
    report.lines.append(f"Evidence: {restored} of {len(manifest['objects'])} object(s) restored.")


def _verify_installation(settings: Settings, store: ObjectStore, keys: AuditKeys, report: Report) -> None:
    """Re-read every live evidence object from the store against its row; verify the audit chains."""
    engine = make_engine(settings.effective_database_url)
    try:
        with Session(engine) as session:
            items = session.exec(
                select(Evidence).where(col(Evidence.storage_key).is_not(None)).order_by(col(Evidence.id))
            ).all()
            intact = 0
            for item in items:
                assert item.storage_key is not None
                check = check_object(store, key=item.storage_key, sha256=item.sha256)
                if check.result.value == "ok" and check.actual_size == item.size:
                    intact += 1
                    if item.legal_hold:
                        store.set_legal_hold(item.storage_key, True)
                    continue
                report.problems.append(
                    f"evidence {item.id} (incident {item.incident_id}): {check.result.value}; expected "
                    f"SHA-256 {item.sha256}, found {check.actual_sha256 or 'nothing'}"
                )
            report.lines.append(f"Evidence verified: {intact} of {len(items)} item(s) match their SHA-256.")
            _verify_audit(session, store, keys, report)
    finally:
        engine.dispose()


def _verify_audit(session: Session, store: ObjectStore, keys: AuditKeys, report: Report) -> None:
    result = audit.verify(session, keys=keys, store=store)
    for finding in result.findings:
        report.problems.append(f"audit chain {finding.chain}: {finding.kind.value}: {finding.detail}")
    if result.ok:
        against = (
            f"against the anchor of {result.anchor.at:%Y-%m-%d %H:%M} UTC" if result.anchor else "(no anchor)"
        )
        report.lines.append(
            f"Audit: {result.events} event(s) in {result.chains} chain(s) verified {against}."
        )
