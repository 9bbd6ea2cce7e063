"""The dossier's report.pdf: written for the police, in the organisation's language and time zone.

Every code is shown by its label (app/export/labels.py, the words of the UI), every time in the
organisation's time zone to the second. The facts are read in the export's transaction (`facts`);
the HTML and the PDF/A are made after it was committed (`render`), when the seal is known.
"""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlmodel import Session, col, select

from app import pdf
from app.action.models import Action, ActionKind
from app.audit.models import AuditEvent
from app.auth.actor import Actor
from app.auth.models import ApiClient
from app.capture.models import Capture, CaptureStatus
from app.evidence.models import Evidence
from app.evidence.report_texts import TEXTS
from app.export import labels as vocabulary
from app.export.labels import Labels, label
from app.organisation.models import Organisation, User
from app.organisation.schemas import TIME_ZONES
from app.perpetrator.models import Perpetrator
from app.takedown.models import TakedownRequest

# Reading is recorded in the custody log, not told as a step in the handling.
ACCESS_EVENTS = ("evidence.viewed", "evidence.downloaded", "evidence.timestamp_downloaded")
DATE_FORMATS = {"nl": "%d-%m-%Y %H:%M:%S %Z", "da": "%d.%m.%Y %H:%M:%S %Z", "en": "%Y-%m-%d %H:%M:%S %Z"}


class Words:
    """The organisation's language and time zone: labels for codes, local times for moments."""

    def __init__(self, organisation: Organisation) -> None:
        self.language = organisation.default_locale if organisation.default_locale in TEXTS else "en"
        self.zone_name = TIME_ZONES.get(organisation.country, "Europe/Amsterdam")
        self.zone = ZoneInfo(self.zone_name)
        self.t = TEXTS[self.language]

    def time(self, value: datetime | str | None) -> str:
        """A moment as local time, to the second (no microseconds, no UTC offset notation)."""
        if value is None:
            return "-"
        moment = datetime.fromisoformat(value.replace("Z", "+00:00")) if isinstance(value, str) else value
        return moment.astimezone(self.zone).strftime(DATE_FORMATS[self.language])

    def of(self, labels: Labels, code: str | None) -> str:
        """The code's label (a dash for none)."""
        return label(labels, code, self.language) if code else "-"

    def all(self, labels: Labels, codes: list[str] | None) -> str:
        """The codes' labels, comma-separated."""
        return ", ".join(self.of(labels, c) for c in codes or []) or "-"


def _person(session: Session, words: Words, user_id: uuid.UUID | None, *, visible: bool) -> dict[str, str]:
    """A user by name, e-mail address and roles when the caller may read users; else anonymous."""
    user = session.get(User, user_id) if user_id and visible else None
    if user is None:
        return {"name": words.t["colleague"], "role": "-"}
    return {"name": f"{user.name} <{user.email}>", "role": words.all(vocabulary.ROLES, user.roles)}


def _client(session: Session, words: Words, client_id: uuid.UUID) -> dict[str, str]:
    client = session.get(ApiClient, client_id)
    return {"name": client.name if client else str(client_id), "role": words.t["api_client"]}


def _actions(session: Session, words: Words, incident_id: uuid.UUID) -> list[dict[str, str]]:
    rows = session.exec(
        select(Action)
        .where(Action.incident_id == incident_id)
        .order_by(col(Action.created_at), col(Action.id))
    ).all()
    actions = []
    for a in rows:
        details = []
        if a.kind == ActionKind.police_report.value:
            details.append(f"{words.t['police_reference']}: {a.police_reference or '-'}")
            details.append(f"{words.t['police_reported']}: {words.time(a.reported_at)}")
        if a.channel:
            details.append(f"{words.t['channel']}: {words.of(vocabulary.RESPONSE_CHANNELS, a.channel)}")
        if a.status == "open" and a.due_at:
            details.append(f"{words.t['due']}: {words.time(a.due_at)}")
        actions.append(
            {
                "kind": words.of(vocabulary.ACTION_KINDS, a.kind),
                "status": words.of(vocabulary.ACTION_STATUSES, a.status),
                "date": words.time(a.done_at or a.waived_at or a.created_at),
                "description": a.description,
                "outcome": a.outcome or a.waiver_reason or "",
                "details": "; ".join(details),
            }
        )
    return actions


def _takedowns(session: Session, words: Words, incident_id: uuid.UUID) -> list[dict[str, Any]]:
    rows = session.exec(
        select(TakedownRequest)
        .where(TakedownRequest.incident_id == incident_id)
        .order_by(col(TakedownRequest.created_at), col(TakedownRequest.id))
    ).all()
    return [
        {
            "recipient": f"{words.of(vocabulary.RECIPIENT_KINDS, r.recipient_kind)}: {r.recipient_name}",
            "urls": r.urls,
            "status": words.of(vocabulary.TAKEDOWN_STATUSES, r.status),
            "sent": words.time(r.sent_at),
            "answered": words.time(r.responded_at),
            "response": r.response or "",
        }
        for r in rows
    ]


def _timeline(
    session: Session, words: Words, organisation_id: uuid.UUID, incident_id: uuid.UUID, items: list[Evidence]
) -> list[dict[str, str]]:
    ids = [str(incident_id), *(str(i.id) for i in items)]
    stmt = (
        select(AuditEvent)
        .where(AuditEvent.chain == str(organisation_id), col(AuditEvent.object_id).in_(ids))
        .where(col(AuditEvent.action).not_in(ACCESS_EVENTS))
        .order_by(col(AuditEvent.seq))
    )
    return [
        {
            "at": words.time(e.at),
            "event": vocabulary.DOSSIER_EVENTS.get(e.action, ("Change", "Wijziging", "Ændring"))[
                vocabulary.LANGUAGES.index(words.language)
            ],
            "actor": e.actor_label or ("Weerbaar" if e.actor_kind == "system" else "-"),
        }
        for e in session.exec(stmt).all()
    ]


def _captures(
    session: Session, words: Words, incident_id: uuid.UUID, items: list[Evidence]
) -> dict[uuid.UUID, str]:
    """Per item of a finished web capture: what was loaded, where it ended, and its sibling items."""
    numbers = {item.id: number for number, item in enumerate(items, start=1)}
    done = session.exec(
        select(Capture).where(Capture.incident_id == incident_id, Capture.status == CaptureStatus.done.value)
    ).all()
    texts: dict[uuid.UUID, str] = {}
    for capture in done:
        ids = [capture.wacz_evidence_id, capture.screenshot_evidence_id, capture.metadata_evidence_id]
        own = [i for i in ids if i is not None and i in numbers]
        text = words.t["capture_text"].format(
            url=capture.url,
            final=capture.final_url or capture.url,
            status=capture.http_status or "-",
            items=", ".join(f"#{numbers[i]}" for i in own),
        )
        texts.update(dict.fromkeys(own, text))
    return texts


def _custody_summary(words: Words, events: list[dict[str, Any]]) -> str:
    counts = Counter(e["kind"] for e in events)
    parts = [f"{words.of(vocabulary.CUSTODY_KINDS, kind)}: {n}" for kind, n in counts.items()]
    return "; ".join(parts) or "-"


def facts(
    session: Session,
    *,
    organisation: Organisation,
    incident: Any,
    public: dict[str, Any],
    items: list[Evidence],
    files: list[dict[str, Any]],
    stamps: dict[uuid.UUID, Any],
    actor: Actor,
    rights: Any,
    articles: list[str],
) -> dict[str, Any]:
    """Everything the report shows, as text, read in the export's transaction."""
    words = Words(organisation)
    t = words.t
    people: list[dict[str, str]] = []
    if incident.reported_by_user_id:
        own = incident.reported_by_user_id == actor.user_id
        reporter = _person(session, words, incident.reported_by_user_id, visible=rights.people or own)
    elif incident.reported_by_client_id:
        reporter = _client(session, words, incident.reported_by_client_id)
    else:
        reporter = {"name": "-", "role": "-"}
    people.append({**reporter, "part": t["part_reported"]})
    evidence = []
    captured = _captures(session, words, incident.id, items)
    for number, (item, record) in enumerate(zip(items, files, strict=True), start=1):
        if item.uploaded_by_user_id:
            own = item.uploaded_by_user_id == actor.user_id
            by = _person(session, words, item.uploaded_by_user_id, visible=rights.people or own)
        elif item.uploaded_by_client_id:
            by = _client(session, words, item.uploaded_by_client_id)
        else:
            by = {"name": "Weerbaar", "role": "-"}
        entry = {**by, "part": f"{t['part_captured']} (#{number})"}
        same = next(
            (p for p in people if p["name"] == by["name"] and p["part"].startswith(t["part_captured"])), None
        )
        if same is not None and same["name"] != t["colleague"]:
            same["part"] = same["part"].rstrip(")") + f", #{number})"
        else:
            people.append(entry)
        stamp = stamps.get(item.id)
        evidence.append(
            {
                "number": number,
                "filename": item.filename,
                "kind": words.of(vocabulary.EVIDENCE_KINDS, item.kind),
                "content_type": item.content_type,
                "captured": words.time(item.captured_at),
                "added": f"{by['name']}, {words.time(item.uploaded_at)}",
                "source": item.source_url or "",
                "account": item.account_handle or "",
                "sha256": item.sha256,
                "size": f"{item.size:,}".replace(",", "." if words.language != "en" else ","),
                "timestamp": f"{words.time(stamp.gen_time)} ({stamp.tsa_name})"
                if stamp
                else t["server_time"],
                "custody": _custody_summary(words, record["custodyEvents"]),
                "removed": words.time(item.removed_at) if item.removed_at else "",
                "verified": (
                    f"{words.time(item.last_verified_at)}: "
                    f"{words.of(vocabulary.VERIFICATION_RESULTS, item.last_verification_result)}"
                    if item.last_verified_at
                    else ""
                ),
                "failed": record["integrityFailed"],
                "capture": captured.get(item.id, ""),
            }
        )
    compiler = {
        "name": f"{actor.label}" if actor.kind == "user" else actor.label,
        "role": words.all(vocabulary.ROLES, sorted(r.value for r in actor.roles))
        if actor.kind == "user"
        else t["api_client"],
    }
    if actor.kind == "user" and actor.user_id:
        user = session.get(User, actor.user_id)
        if user is not None:
            compiler["name"] = f"{user.name} <{user.email}>"
    people.append({**compiler, "part": t["part_compiled"]})
    perpetrator = public.get("perpetrator") or {}
    known: dict[str, str] | None = None
    if rights.perpetrators and public.get("perpetratorId"):
        row = session.get(Perpetrator, uuid.UUID(str(public["perpetratorId"])))
        if row is not None and row.organisation_id == organisation.id:
            known = {
                "name": row.name or t["unknown"],
                "accounts": ", ".join(row.account_handles) or "-",
                "relation": words.of(vocabulary.RELATIONS, row.relation),
            }
    override = public.get("classificationOverride") or {}
    return {
        "t": t,
        "zone": words.zone_name,
        "org": organisation.name,
        "reference": incident.reference,
        "title": incident.title,
        "description": incident.description,
        "behaviours": words.all(vocabulary.BEHAVIOURS, incident.behaviours),
        "reporter": reporter,
        "affected": public.get("affectedEmployees") or [],
        "perpetrator": {
            "name": perpetrator.get("name") or t["unknown"],
            "accounts": ", ".join(perpetrator.get("accountHandles") or []) or "-",
            "relation": words.of(vocabulary.RELATIONS, perpetrator.get("relation")),
        },
        "perpetrator_record": known,
        "platform": words.of(vocabulary.PLATFORMS, incident.platform),
        "location": words.of(vocabulary.LOCATION_KINDS, incident.location_kind),
        "urls": incident.urls or [],
        "frequency": words.of(vocabulary.FREQUENCIES, incident.frequency),
        "targets": words.all(vocabulary.TARGETS, incident.targets),
        "severity": words.of(vocabulary.SEVERITIES, incident.severity),
        "status": words.of(vocabulary.STATUSES, incident.status),
        "occurred": words.time(incident.occurred_at),
        "detected": words.time(incident.detected_at),
        "reported": words.time(incident.reported_at),
        "classification": words.all(vocabulary.CLASSIFICATIONS, public.get("classification")),
        "override": override.get("reason") or "",
        "articles": articles,
        "actions": _actions(session, words, incident.id) if rights.actions else None,
        "takedowns": _takedowns(session, words, incident.id) if rights.takedowns else None,
        "evidence": evidence,
        "people": people,
        "compiler": compiler,
        "timeline": _timeline(session, words, organisation.id, incident.id, items)
        if rights.timeline
        else None,
        "generated": words.time(datetime.now(words.zone)),
    }


REPORT = (Path(__file__).resolve().parent / "templates" / "report.html").read_text()

CSS = (
    pdf.BASE_CSS
    + """
.facts th, .item th { width: 28%; } .item { margin-bottom: 4mm; page-break-inside: avoid; }
.note { border: 1pt solid #a60; padding: 2mm; } .alert { color: #a00; }
.timeline td:first-child { white-space: nowrap; width: 1%; }
"""
)


def render(context: dict[str, Any], *, seal_subject: str, self_signed: bool, tsa: bool) -> bytes:
    """The report as PDF/A, with the seal's statement (after the export was committed)."""
    t = context["t"]
    statement = t["statement"].format(
        name=context["compiler"]["name"], org=context["org"], subject=seal_subject
    )
    language = next(code for code, texts in TEXTS.items() if texts is t)
    html = pdf.render_template(
        REPORT,
        {**context, "lang": language, "statement": statement, "self_signed": self_signed, "tsa": tsa},
    )
    return pdf.html_to_pdf(html, css=CSS, variant="pdf/a-2b")
