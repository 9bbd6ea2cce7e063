"""The receipt for the citizen: the decision, the conditions and what happens when they are broken.

It names no employee and no staff member: a receipt may end up online, and the employees are the
people this system protects.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from app import pdf
from app.audit import service as audit
from app.auth.actor import Actor
from app.db import beside
from app.errors import FieldError, InvalidState
from app.organisation.models import Locale, Organisation
from app.recording_permission.models import Decision, RecordingPermission
from app.recording_permission.texts import CONDITIONS, CONSEQUENCES, RECEIPT

ZONES = {"NL": "Europe/Amsterdam", "DK": "Europe/Copenhagen"}

TEMPLATE = """<!doctype html>
<html lang="{{ language }}"><head><meta charset="utf-8"><title>{{ t.title }}</title></head>
<body>
<p>{{ organisation }}</p>
<h1>{{ t.title }}</h1>
<p>{{ intro }}</p>
<table>
{% for label, value in rows %}<tr><th>{{ label }}</th><td>{{ value }}</td></tr>
{% endfor %}</table>
{% if with_conditions %}
<h2>{{ t.conditions_title }}</h2>
<p>{{ t.conditions_intro }}</p>
<ul>{% for item in conditions %}<li>{{ item }}</li>{% endfor %}</ul>
{% else %}
<p><strong>{{ t.no_recording }}</strong></p>
{% endif %}
<h2>{{ t.broken_title }}</h2>
<ul>{% for item in consequences %}<li>{{ item }}</li>{% endfor %}</ul>
<p>{{ t.footer }}</p>
</body></html>
"""


def local_time(moment: datetime, country: str) -> str:
    zone = ZoneInfo(ZONES.get(country, "UTC"))
    return moment.astimezone(zone).strftime("%d-%m-%Y %H:%M %Z")


def receipt_html(permission: RecordingPermission, organisation: Organisation, language: Locale) -> str:
    """The receipt as HTML, in the language asked for."""
    t = RECEIPT[language]
    decision = Decision(permission.decision)
    rows: list[tuple[str, str]] = [
        (t["reference"], str(permission.id)),
        (t["requester"], permission.requester_name),
        (t["conversation"], local_time(permission.conversation_at, organisation.country)),
        (t["place"], permission.place),
        (t["public_space"], t["yes"] if permission.public_space else t["no"]),
        (t["kinds"], ", ".join(t[k.value] for k in permission.kinds)),
        (t["decision"], t[decision.value]),
    ]
    if permission.refusal_ground:
        rows.append((t["reason"], f"{t[permission.refusal_ground]}: {permission.reason or ''}"))
    elif permission.reason:
        rows.append((t["reason"], permission.reason))
    if permission.alternative:
        rows.append((t["alternative"], permission.alternative))
    if permission.decided_at:
        rows.append((t["decided_at"], local_time(permission.decided_at, organisation.country)))
    rows.append((t["conditions_accepted"], t["yes"] if permission.conditions_accepted else t["no"]))
    return pdf.render_template(
        TEMPLATE,
        {
            "language": language.value,
            "t": t,
            "organisation": organisation.name,
            "intro": t["intro"].format(organisation=organisation.name),
            "rows": rows,
            "with_conditions": decision != Decision.refused,
            "conditions": CONDITIONS[language],
            "consequences": CONSEQUENCES[language],
        },
    )


def render(
    session: Session, *, permission: RecordingPermission, language: Locale | None, actor: Actor
) -> tuple[bytes, Locale]:
    """The receipt as a PDF (audited: it carries the requester's personal data)."""
    if permission.decision == Decision.pending.value:
        raise InvalidState(
            "The request has no decision yet; record the decision before printing the receipt.",
            [FieldError("decision", "is pending", "pending")],
        )
    organisation = session.get(Organisation, permission.organisation_id)
    assert organisation is not None
    chosen = language or Locale(organisation.default_locale)
    document = pdf.html_to_pdf(receipt_html(permission, organisation, chosen))
    # Written beside the read: the PDF is rendered without holding the write lock.
    with beside(session) as writer:
        audit.record(
            writer,
            action="recording_permission.receipt",
            organisation_id=permission.organisation_id,
            actor=actor,
            object_type="recording_permission",
            object_id=permission.id,
            details={"language": chosen.value},
        )
    return document, chosen
