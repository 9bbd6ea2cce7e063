"""Letters for takedown requests: admin-editable templates per language, rendered sandboxed to PDF."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from jinja2 import TemplateError, TemplateSyntaxError
from jinja2.sandbox import SandboxedEnvironment
from sqlmodel import Session, select

from app import concurrency, pdf
from app.audit import service as audit
from app.auth.actor import Actor
from app.db import seed_unless_present, utcnow
from app.errors import Conflict, FieldError, Invalid
from app.incident.models import Incident
from app.legal import service as legal
from app.organisation.models import Organisation
from app.takedown.models import LetterLanguage, LetterTemplate, RecipientKind, TakedownRequest
from app.takedown.service import DUE_DAYS

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
# Admins edit these templates: render them sandboxed (no attribute escapes), always autoescaped.
_sandbox = SandboxedEnvironment(autoescape=True)


def default_body(language: LetterLanguage) -> str:
    """The template shipped with Weerbaar for this language."""
    return (TEMPLATE_DIR / f"letter_{language.value}.html").read_text(encoding="utf-8")


def get_template(session: Session, *, organisation_id: uuid.UUID, language: LetterLanguage) -> LetterTemplate:
    """The organisation's template; seeded with the default on first read."""
    stmt = select(LetterTemplate).where(
        LetterTemplate.organisation_id == organisation_id, LetterTemplate.language == language.value
    )
    found = session.exec(stmt).first()
    if found is not None:
        return found
    # Two first reads at once must not both insert: the unique key decides, the loser re-reads.
    values: dict[str, Any] = {
        "id": uuid.uuid4(),
        "organisation_id": organisation_id,
        "language": language.value,
        "body": default_body(language),
        "version": 1,
        "updated_at": utcnow(),
    }
    if seed_unless_present(
        session,
        LetterTemplate.__table__,  # type: ignore[attr-defined]
        values=values,
        key=["organisation_id", "language"],
    ):
        return LetterTemplate(**values)  # stored aside; this read's snapshot does not see it
    return session.exec(stmt).one()


def etag(template: LetterTemplate) -> str:
    """The strong ETag of the template's version."""
    return concurrency.etag(template.version)


def replace_template(
    session: Session, *, language: LetterLanguage, body: str, actor: Actor, if_match: str | None
) -> LetterTemplate:
    """Replace a template (admins), after checking that it compiles and renders; audited."""
    template = get_template(session, organisation_id=actor.organisation_id, language=language)
    concurrency.check_if_match(current=etag(template), if_match=if_match, what="the letter template")
    try:
        compiled = _sandbox.from_string(body)
        compiled.render(**_sample_context())
    except TemplateSyntaxError as exc:
        raise Invalid(
            "The template does not compile.",
            [FieldError("body", f"line {exc.lineno}: {exc.message}", code="template_syntax")],
        ) from exc
    except TemplateError as exc:
        raise Invalid(
            "The template cannot be rendered.",
            [FieldError("body", str(exc)[:500], code="template_render")],
        ) from exc
    template.body = body
    template.version += 1
    template.updated_at = utcnow()
    template.updated_by_user_id = actor.user_id
    session.add(template)
    session.flush()
    audit.record(
        session,
        action="letter_template.replace",
        organisation_id=actor.organisation_id,
        actor=actor,
        object_type="letter_template",
        object_id=template.id,
        details={"language": language.value, "version": template.version},
    )
    return template


def _sample_context() -> dict[str, Any]:
    return {
        "organisation": {"name": "Gemeente Voorbeeld"},
        "incident": {"reference": "DA-2026-0001", "title": "Example", "occurredAt": "2026-01-01"},
        "request": {
            "recipientKind": RecipientKind.platform.value,
            "recipientName": "Example platform",
            "recipientEmail": "legal@example.org",
            "recipientAddress": None,
            "urls": ["https://example.org/post/1"],
            "legalGround": "Example",
            "illegalityExplanation": "Example",
            "notifierName": "Example",
            "notifierEmail": "notifier@example.org",
            "goodFaith": True,
        },
        "articles": [{"code": "Sr 285", "title": "Bedreiging"}],
        "today": "2026-01-01",
        "dueDays": 7,
        "language": "nl",
    }


def context(session: Session, *, request: TakedownRequest, language: LetterLanguage) -> dict[str, Any]:
    """What a letter template can use (plain values only)."""
    incident = session.get(Incident, request.incident_id)
    organisation = session.get(Organisation, request.organisation_id)
    assert incident is not None and organisation is not None
    assessment = legal.assess(session, incident=incident)
    lang = language.value
    return {
        "organisation": {"name": organisation.name},
        "incident": {
            "reference": incident.reference,
            "title": incident.title,
            "occurredAt": incident.occurred_at.date().isoformat(),
        },
        "request": {
            "recipientKind": request.recipient_kind,
            "recipientName": request.recipient_name,
            "recipientEmail": request.recipient_email,
            "recipientAddress": request.recipient_address,
            "urls": list(request.urls),
            "legalGround": request.legal_ground,
            "illegalityExplanation": request.illegality_explanation,
            "notifierName": request.notifier_name,
            "notifierEmail": request.notifier_email,
            "goodFaith": request.good_faith,
        },
        "articles": [
            {"code": a.code, "title": getattr(a.title, lang)} for a in assessment.suggested_articles
        ],
        "today": (request.sent_at or utcnow()).date().isoformat(),
        "dueDays": DUE_DAYS[RecipientKind(request.recipient_kind)],
        "language": lang,
    }


def render(session: Session, *, request: TakedownRequest, language: LetterLanguage, actor: Actor) -> bytes:
    """The letter as PDF; audited (a letter discloses incident facts)."""
    template = get_template(session, organisation_id=request.organisation_id, language=language)
    try:
        html = _sandbox.from_string(template.body).render(
            **context(session, request=request, language=language)
        )
    except TemplateError as exc:
        raise Conflict(
            f"The {language.value} letter template cannot be rendered ({str(exc)[:300]}); "
            "an admin must fix it."
        ) from exc
    document = pdf.html_to_pdf(html)
    audit.record(
        session,
        action="takedown.letter",
        organisation_id=request.organisation_id,
        actor=actor,
        object_type="takedown_request",
        object_id=request.id,
        details={"language": language.value, "templateVersion": template.version, "bytes": len(document)},
    )
    return document
