"""The police-ready dossier: a ZIP streamed with constant memory.

Contents: the evidence files under evidence/, manifest.json (incident facts, each file's hash,
size, capture data and custody events), report.pdf (who, what, where, with what, how, when, why;
classification with the suggested legal articles; timeline; evidence list with hashes) and
SHA256SUMS over all of them, which `sha256sum -c SHA256SUMS` verifies after unzipping.
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from app import pdf
from app.audit import service as audit
from app.audit.models import AuditEvent
from app.auth.actor import Actor
from app.db import utcnow
from app.evidence import service
from app.evidence.models import CustodyKind, Evidence
from app.evidence.naming import download_name
from app.evidence.schemas import custody_public, evidence_public
from app.incident.models import Incident
from app.incident.schemas import to_public
from app.legal import service as legal
from app.organisation.models import Organisation, User
from app.storage import ObjectStore
from app.timestamp import service as timestamps

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Incident dossier", "who": "Who", "what": "What", "where": "Where",
        "with_what": "With what (evidence)", "how": "How", "when": "When", "why": "Why",
        "classification": "Classification", "articles": "Suggested legal articles",
        "timeline": "Timeline", "evidence": "Evidence", "generated": "Generated",
        "reporter": "Reported by", "affected": "Affected employees", "perpetrator": "Perpetrator",
        "unknown": "unknown", "occurred": "Occurred", "detected": "Detected", "reported": "Reported",
        "verify": "Verify the files after unzipping with: sha256sum -c SHA256SUMS",
        "file": "File", "captured": "Captured", "source": "Source", "removed": "removed",
        "failed": "FAILED VERIFICATION: the stored content no longer matches this SHA-256; "
        "it is not in this dossier",
    },
    "nl": {
        "title": "Incidentdossier", "who": "Wie", "what": "Wat", "where": "Waar",
        "with_what": "Waarmee (bewijs)", "how": "Hoe", "when": "Wanneer", "why": "Waarom",
        "classification": "Classificatie", "articles": "Mogelijke wetsartikelen",
        "timeline": "Tijdlijn", "evidence": "Bewijsmateriaal", "generated": "Aangemaakt",
        "reporter": "Gemeld door", "affected": "Betrokken medewerkers", "perpetrator": "Dader",
        "unknown": "onbekend", "occurred": "Voorgevallen", "detected": "Ontdekt", "reported": "Gemeld",
        "verify": "Controleer de bestanden na uitpakken met: sha256sum -c SHA256SUMS",
        "file": "Bestand", "captured": "Vastgelegd", "source": "Bron", "removed": "verwijderd",
        "failed": "VERIFICATIE MISLUKT: de opgeslagen inhoud klopt niet meer met deze SHA-256; "
        "hij zit niet in dit dossier",
    },
    "da": {
        "title": "Hændelsesdossier", "who": "Hvem", "what": "Hvad", "where": "Hvor",
        "with_what": "Med hvad (beviser)", "how": "Hvordan", "when": "Hvornår", "why": "Hvorfor",
        "classification": "Klassifikation", "articles": "Mulige lovbestemmelser",
        "timeline": "Tidslinje", "evidence": "Beviser", "generated": "Dannet",
        "reporter": "Anmeldt af", "affected": "Berørte medarbejdere", "perpetrator": "Gerningsperson",
        "unknown": "ukendt", "occurred": "Sket", "detected": "Opdaget", "reported": "Anmeldt",
        "verify": "Kontrollér filerne efter udpakning med: sha256sum -c SHA256SUMS",
        "file": "Fil", "captured": "Optaget", "source": "Kilde", "removed": "slettet",
        "failed": "VERIFIKATION MISLYKKEDES: det gemte indhold svarer ikke længere til denne SHA-256; "
        "det er ikke med i dette dossier",
    },
}  # fmt: skip

REPORT = """<!doctype html><html><head><meta charset="utf-8"><title>{{ t.title }}</title></head><body>
<h1>{{ t.title }} {{ i.reference }}</h1>
<p>{{ org }} &middot; {{ t.generated }}: {{ generated_at }} &middot; {{ generated_by }}</p>
<h2>{{ t.what }}</h2><p><strong>{{ i.title }}</strong></p><p>{{ i.description }}</p>
<p>{{ i.behaviours | join(", ") }}</p>
<h2>{{ t.who }}</h2><table>
<tr><th>{{ t.reporter }}</th><td>{{ reporter }}</td></tr>
<tr><th>{{ t.affected }}</th><td>{% for e in i.affectedEmployees %}{{ e.name }}{% if e.department %}
 ({{ e.department }}){% endif %}{% if not loop.last %}, {% endif %}{% else %}-{% endfor %}</td></tr>
<tr><th>{{ t.perpetrator }}</th><td>{% if i.perpetrator %}{{ i.perpetrator.name or t.unknown }}
{% if i.perpetrator.accountHandles %}: {{ i.perpetrator.accountHandles | join(", ") }}{% endif %}
{% if i.perpetrator.relation %} ({{ i.perpetrator.relation }}){% endif %}{% else %}{{ t.unknown }}{% endif %}
</td></tr></table>
<h2>{{ t.where }}</h2><p>{{ i.platform }}{% if i.locationKind %} &middot; {{ i.locationKind }}{% endif %}</p>
<ul>{% for u in i.urls %}<li class="mono">{{ u }}</li>{% endfor %}</ul>
<h2>{{ t.how }}</h2><p>{{ i.frequency or "-" }} &middot; {{ i.targets | join(", ") }} &middot;
{{ i.severity }}</p>
<h2>{{ t.when }}</h2><table>
<tr><th>{{ t.occurred }}</th><td>{{ i.occurredAt }}</td></tr>
<tr><th>{{ t.detected }}</th><td>{{ i.detectedAt or "-" }}</td></tr>
<tr><th>{{ t.reported }}</th><td>{{ i.reportedAt }}</td></tr></table>
<h2>{{ t.why }}</h2><p>{{ why }}</p>
<h2>{{ t.classification }}</h2><p>{{ i.classification | join(", ") }}</p>
<h3>{{ t.articles }}</h3><ul>{% for a in articles %}<li>{{ a }}</li>{% else %}<li>-</li>{% endfor %}</ul>
<h2>{{ t.with_what }}</h2><table><tr><th>#</th><th>{{ t.file }}</th><th>{{ t.captured }}</th>
<th>{{ t.source }}</th>
<th>SHA-256 / size</th></tr>{% for f in files %}<tr><td>{{ loop.index }}</td>
<td>{{ f.filename }}<br>{{ f.kind }}, {{ f.contentType }}</td><td>{{ f.capturedAt or "-" }}</td>
<td class="mono">{{ f.sourceUrl or "-" }}{% if f.accountHandle %}<br>{{ f.accountHandle }}{% endif %}</td>
<td class="mono">{{ f.sha256 }}<br>{{ f.size }} bytes
{% if f.removedAt %}<br>{{ t.removed }} {{ f.removedAt }}{% endif %}
{% if f.integrityFailed %}<br><strong>{{ t.failed }} ({{ f.lastVerifiedAt }})</strong>{% endif %}</td></tr>
{% endfor %}</table>
<p>{{ t.verify }}</p>
{% if timeline is not none %}<h2>{{ t.timeline }}</h2><table>{% for e in timeline %}<tr>
<td class="mono">{{ e.at }}</td><td>{{ e.action }}</td><td>{{ e.actor }}</td></tr>{% endfor %}</table>
{% endif %}
</body></html>"""


@dataclass(frozen=True)
class Rights:
    """What the caller may read besides the incident and its evidence; the dossier holds no more
    than the API would give the same caller."""

    timeline: bool  # the incident's timeline
    people: bool  # other users' names and e-mail addresses


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
    report_html: str
    report: bytes = b""  # rendered by render_report, after the export is committed
    sums: list[tuple[str, str]] = field(default_factory=list)
    # Comment lines for SHA256SUMS: items whose content failed verification and is withheld.
    withheld: list[str] = field(default_factory=list)
    # timestamps/<NNN>-<sha256>.tsr: each item's RFC 3161 token (app.timestamp), read in prepare.
    timestamps: list[tuple[str, bytes]] = field(default_factory=list)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat().replace("+00:00", "Z") if value else None


def _timeline(session: Session, incident: Incident, items: list[Evidence]) -> list[dict[str, Any]]:
    ids = [str(incident.id), *(str(i.id) for i in items)]
    stmt = (
        select(AuditEvent)
        .where(AuditEvent.chain == str(incident.organisation_id), col(AuditEvent.object_id).in_(ids))
        .where(col(AuditEvent.action).not_in(["evidence.viewed", "evidence.downloaded"]))
        .order_by(col(AuditEvent.seq))
    )
    return [
        {"at": _iso(e.at), "action": e.action, "actor": e.actor_label or e.actor_kind}
        for e in session.exec(stmt).all()
    ]


def _reporter(session: Session, incident: Incident, actor: Actor, rights: Rights) -> str:
    if incident.reported_by_user_id and (rights.people or incident.reported_by_user_id == actor.user_id):
        user = session.get(User, incident.reported_by_user_id)
        if user is not None:
            return f"{user.name} <{user.email}>"
    if incident.reported_by_client_id:
        return f"API client {incident.reported_by_client_id}"
    return "-" if incident.reported_by_user_id else "system"


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
    labels = LABELS.get(org.default_locale, LABELS["en"])
    # The same articles as the incident's legal assessment: the organisation's (editable) legal pack.
    locale = org.default_locale if org.default_locale in ("nl", "da", "en") else "en"
    articles = [
        f"{a.code} — {getattr(a.title, locale)}"
        for a in legal.assess(session, incident=incident).suggested_articles
    ]
    perpetrator = public.get("perpetrator") or {}
    html = pdf.render_template(
        REPORT,
        {
            "t": labels,
            "i": public,
            "org": org.name,
            "generated_at": _iso(generated_at),
            "generated_by": actor.label,
            "reporter": _reporter(session, incident, actor, rights),
            "why": perpetrator.get("relation") or labels["unknown"],
            "articles": articles,
            "files": files,
            "timeline": _timeline(session, incident, items) if rights.timeline else None,
        },
    )
    return Package(
        zip_name=f"{incident.reference}-dossier.zip",
        entries=entries,
        manifest=manifest_bytes,
        report_html=html,
        withheld=withheld,
        timestamps=tokens,
    )


def render_report(package: Package) -> None:
    """The report PDF, rendered once the export is recorded and committed: not under the write lock."""
    package.report = pdf.html_to_pdf(package.report_html)


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
    sums: list[tuple[str, str]] = []
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
        for entry in package.entries:
            info = zipfile.ZipInfo(entry.path, date_time=utcnow().timetuple()[:6])
            info.compress_type = zipfile.ZIP_STORED
            with archive.open(info, "w", force_zip64=True) as target:
                for chunk in store.read(entry.key):
                    target.write(chunk)
                    yield sink.drain()
            sums.append((entry.sha256, entry.path))
        for name, data in (("manifest.json", package.manifest), ("report.pdf", package.report)):
            archive.writestr(name, data, compress_type=zipfile.ZIP_DEFLATED)
            sums.append((hashlib.sha256(data).hexdigest(), name))
            yield sink.drain()
        for name, data in package.timestamps:
            archive.writestr(name, data, compress_type=zipfile.ZIP_STORED)
            sums.append((hashlib.sha256(data).hexdigest(), name))
        yield sink.drain()
        # sha256sum -c skips lines starting with #: the withheld items are named, never checked.
        text = "".join(f"# {line}\n" for line in package.withheld)
        text += "".join(f"{digest}  {path}\n" for digest, path in sums)
        archive.writestr("SHA256SUMS", text, compress_type=zipfile.ZIP_DEFLATED)
    yield sink.drain()
