"""The police-ready dossier: a sealed ZIP streamed with constant memory.

Contents: the evidence files under evidence/, each item's RFC 3161 token under timestamps/,
manifest.json (incident facts, each file's hash, size, capture data, timestamp and custody events),
report.pdf (PDF/A for the police, app/evidence/report.py), seal-certificate.pem, VERIFY.txt (how to
check everything with standard tools), SHA256SUMS over all of them (`sha256sum -c SHA256SUMS`), and
the organisation's detached CMS signatures SHA256SUMS.p7s and manifest.json.p7s; report.pdf carries
a PAdES signature (app/evidence/seal.py). The export is recorded in `prepare` (in the transaction);
rendering and signing happen in `seal`, after the commit.
"""

from __future__ import annotations

import hashlib
import json
import logging
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session

from app.audit import service as audit
from app.auth.actor import Actor
from app.config import Settings
from app.db import utcnow
from app.evidence import report, service, verify_text
from app.evidence import seal as sealing
from app.evidence.models import CustodyKind
from app.evidence.naming import download_name
from app.evidence.schemas import custody_public, evidence_public
from app.incident.models import Incident
from app.incident.schemas import to_public
from app.legal import service as legal
from app.organisation.models import Organisation
from app.storage import ObjectStore
from app.timestamp import service as timestamps

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rights:
    """What the caller may read besides the incident and its evidence; the dossier holds no more
    than the API would give the same caller."""

    timeline: bool  # the incident's timeline
    people: bool  # other users' names and e-mail addresses
    actions: bool = False  # the incident's actions (the police report and its reference)
    takedowns: bool = False  # its takedown requests and their answers
    perpetrators: bool = False  # the linked perpetrator record


@dataclass
class Entry:
    """One evidence file in the ZIP."""

    path: str
    key: str
    sha256: str


@dataclass
class Package:
    """Everything the stream needs; no database access happens while it is sent."""

    zip_name: str
    entries: list[Entry]
    manifest: bytes
    report_facts: dict[str, Any]  # what report.pdf shows, read in the export's transaction
    language: str = "en"
    # Written after the evidence by `seal`, once the export is committed: the report, the seal
    # certificate, VERIFY.txt, SHA256SUMS and the signatures, in this order.
    sealed: list[tuple[str, bytes]] = field(default_factory=list)
    wacz: list[str] = field(default_factory=list)  # paths of captured web pages (WACZ)
    # Comment lines for SHA256SUMS: items whose content failed verification and is withheld.
    withheld: list[str] = field(default_factory=list)
    # timestamps/<NNN>-<sha256>.tsr: each item's RFC 3161 token (app.timestamp), read in prepare.
    timestamps: list[tuple[str, bytes]] = field(default_factory=list)


def _iso(value: datetime | None) -> str | None:
    return value.replace(microsecond=0).isoformat().replace("+00:00", "Z") if value else None


def prepare(
    session: Session, *, incident: Incident, actor: Actor, reason: str | None, rights: Rights
) -> Package:
    """Record the export (custody per file, audit) and build the manifest and report."""
    items = service.live_items(session, incident=incident)
    # Content whose last verification found other bytes is not evidence: withheld, and said so.
    live = [i for i in items if i.storage_key is not None and not service.integrity_failed(i)]
    for item in live:
        service.custody(session, item=item, kind=CustodyKind.exported, actor=actor, reason=reason)
    audit.record(
        session,
        action="incident.dossier_export",
        organisation_id=incident.organisation_id,
        actor=actor,
        object_type="incident",
        object_id=incident.id,
        details={"files": len(live)} | ({"reason": reason} if reason else {}),
    )
    entries: list[Entry] = []
    withheld: list[str] = []
    files: list[dict[str, Any]] = []
    origins = service.sees_custody_origins(actor)
    stamps = timestamps.tokens_for(session, evidence_ids=[i.id for i in items])
    tokens: list[tuple[str, bytes]] = []
    for number, item in enumerate(items, start=1):
        record = evidence_public(item, timestamps=stamps).model_dump(mode="json", by_alias=True)
        stamp = stamps.get(item.id)
        if stamp is not None and stamp.token is not None:
            # `openssl ts -verify -digest <sha256> -in <this file>` checks it against the TSA's CA.
            record["timestamp"]["token"] = f"timestamps/{number:03d}-{item.sha256}.tsr"
            tokens.append((record["timestamp"]["token"], stamp.token))
        record["custodyEvents"] = [
            custody_public(e, with_origin=origins).model_dump(mode="json", by_alias=True)
            for e in service.all_custody(session, item=item)
        ]
        record["integrityFailed"] = service.integrity_failed(item)
        if item.storage_key is not None and record["integrityFailed"]:
            path = f"evidence/{number:03d}-{download_name(item.filename, item.content_type)}"
            record["contentWithheld"] = "failed verification: the stored content differs from sha256"
            withheld.append(
                f"FAILED VERIFICATION at {_iso(item.last_verified_at)}, content withheld: "
                f"{item.sha256}  {path}"
            )
        elif item.storage_key is not None:
            path = f"evidence/{number:03d}-{download_name(item.filename, item.content_type)}"
            entries.append(Entry(path=path, key=item.storage_key, sha256=item.sha256))
            record["path"] = path
        files.append(record)
    public = to_public(incident).model_dump(mode="json", by_alias=True)
    org = session.get(Organisation, incident.organisation_id)
    assert org is not None
    generated_at = utcnow()
    manifest = {
        "format": "weerbaar-dossier/1",
        "generatedAt": _iso(generated_at),
        "generatedBy": {"kind": actor.kind, "id": str(actor.actor_id), "label": actor.label},
        "organisation": {"name": org.name, "country": org.country},
        "incident": public,
        "evidence": files,
    }
    manifest_bytes = json.dumps(manifest, indent=2, ensure_ascii=False).encode() + b"\n"
    # The same articles as the incident's legal assessment: the organisation's (editable) legal pack.
    locale = org.default_locale if org.default_locale in ("nl", "da", "en") else "en"
    articles = [
        f"{a.code} — {getattr(a.title, locale)}"
        for a in legal.assess(session, incident=incident).suggested_articles
    ]
    facts = report.facts(
        session,
        organisation=org,
        incident=incident,
        public=public,
        items=items,
        files=files,
        stamps={i: s for i, s in stamps.items() if s.token is not None},
        actor=actor,
        rights=rights,
        articles=articles,
    )
    return Package(
        zip_name=f"{incident.reference}-dossier.zip",
        entries=entries,
        manifest=manifest_bytes,
        report_facts=facts,
        language=locale,
        withheld=withheld,
        timestamps=tokens,
        wacz=[e.path for e in entries if e.path.lower().endswith(".wacz")],
    )


def seal(package: Package, *, settings: Settings) -> None:
    """Render the report, sign it and the sums: after the export is committed (slow, and the PDF
    timestamp asks the TSA), never under the write lock."""
    key = sealing.for_settings(settings)
    rendered = report.render(
        package.report_facts,
        seal_subject=key.subject,
        self_signed=key.self_signed,
        tsa=bool(settings.tsa_url),
    )
    reason = f"{package.report_facts['t']['title']} {package.report_facts['reference']}"
    timestamped = bool(settings.tsa_url)
    try:
        signed = sealing.sign_pdf(
            key, rendered, tsa_url=settings.tsa_url, tsa_timeout=settings.tsa_timeout_seconds, reason=reason
        )
    except Exception as exc:  # pyHanko wraps a TSA that is down in several error types
        if not settings.tsa_url:
            raise
        log.warning("The report's signature timestamp failed, signed without it: %s", exc)
        signed = sealing.sign_pdf(key, rendered, reason=reason)
        timestamped = False
    certificates = key.certificates_pem()
    extras: list[tuple[str, bytes]] = []
    if (package.timestamps or timestamped) and settings.tsa_ca_file is not None:
        try:
            extras.append(("tsa-ca.pem", settings.tsa_ca_file.read_bytes()))
        except OSError as exc:
            log.warning("The TSA certificates are not in the dossier: %s", exc)
    verify = verify_text.text(
        verify_text.VerifyFacts(
            reference=str(package.report_facts["reference"]),
            language=package.language,
            subject=key.subject,
            fingerprint=key.fingerprint,
            not_after=key.not_after.strftime("%Y-%m-%d"),
            self_signed=key.self_signed,
            withheld=bool(package.withheld),
            pdf_timestamped=timestamped,
            timestamps=[
                (path, path.rsplit("-", 1)[-1].removesuffix(".tsr")) for path, _ in package.timestamps
            ],
            wacz=package.wacz,
            tsa_ca=bool(extras),
        )
    ).encode()
    covered = [
        *package.timestamps,
        *extras,
        ("manifest.json", package.manifest),
        ("report.pdf", signed),
        ("seal-certificate.pem", certificates),
        ("VERIFY.txt", verify),
    ]
    # sha256sum -c skips lines starting with #: the withheld items are named, never checked.
    sums = "".join(f"# {line}\n" for line in package.withheld)
    sums += "".join(f"{entry.sha256}  {entry.path}\n" for entry in package.entries)
    sums += "".join(f"{hashlib.sha256(data).hexdigest()}  {name}\n" for name, data in covered)
    package.sealed = [
        *covered,
        ("SHA256SUMS", sums.encode()),
        ("SHA256SUMS.p7s", sealing.sign_detached(key, sums.encode())),
        ("manifest.json.p7s", sealing.sign_detached(key, package.manifest)),
    ]


class _Buffer:
    """A write-only, non-seekable sink that the generator drains after each write."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        return None

    def close(self) -> None:
        return None

    def drain(self) -> bytes:
        out = b"".join(self.parts)
        self.parts.clear()
        return out


def stream(store: ObjectStore, package: Package) -> Iterator[bytes]:
    """The ZIP, chunk by chunk; evidence files are stored as they are (no recompression)."""
    sink = _Buffer()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
        for entry in package.entries:
            info = zipfile.ZipInfo(entry.path, date_time=utcnow().timetuple()[:6])
            info.compress_type = zipfile.ZIP_STORED
            with archive.open(info, "w", force_zip64=True) as target:
                for chunk in store.read(entry.key):
                    target.write(chunk)
                    yield sink.drain()
        for name, data in package.sealed:
            archive.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
            yield sink.drain()
    yield sink.drain()
