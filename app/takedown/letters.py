"""Letters for takedown requests: admin-editable templates per language, rendered sandboxed to PDF."""

from __future__ import annotations

import math
import uuid
from pathlib import Path
from typing import Any

from jinja2 import TemplateSyntaxError, nodes
from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment
from sqlmodel import Session, select

from app import concurrency, pdf
from app.audit import service as audit
from app.auth.actor import Actor
from app.db import beside, seed_unless_present, utcnow
from app.errors import DomainError, FieldError, Invalid
from app.incident.models import Incident
from app.legal import service as legal
from app.organisation.models import Organisation
from app.takedown.models import LetterLanguage, LetterTemplate, RecipientKind, TakedownRequest
from app.takedown.service import DUE_DAYS

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"
# Repetition (`'x' * n`) and powers (`n ** m`) beyond these is refused: a template must not exhaust memory.
MAX_REPEAT = 100_000
MAX_POWER_BITS = 4096


class LetterSandbox(ImmutableSandboxedEnvironment):
    """Legal staff edit the templates: no loader (no include, import or extends), no access to
    internals (an unsafe attribute is an error, not a silent blank), no mutation, bounded repetition."""

    intercepted_binops = frozenset({"*", "**"})

    def unsafe_undefined(self, obj: Any, attribute: str) -> Any:
        raise SecurityError(f"access to attribute {attribute!r} of a {type(obj).__name__} is not allowed")

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        numbers = isinstance(left, int | float) and isinstance(right, int | float)
        if operator == "**" and numbers and abs(left) > 1 and right * math.log2(abs(left)) > MAX_POWER_BITS:
            raise SecurityError("numbers this large are not allowed")
        if operator == "*":
            for seq, count in ((left, right), (right, left)):
                repeat = isinstance(seq, str | list | tuple) and isinstance(count, int)
                if repeat and len(seq) * count > MAX_REPEAT:
                    raise SecurityError(f"repetition beyond {MAX_REPEAT} items is not allowed")
        return super().call_binop(context, operator, left, right)


_sandbox = LetterSandbox(autoescape=True)
del _sandbox.globals["lipsum"]  # generates text of any size

_LOADING_TAGS = {
    nodes.Include: "include",
    nodes.Import: "import",
    nodes.FromImport: "from ... import",
    nodes.Extends: "extends",
}


class LetterTemplateUnusable(DomainError):
    """The stored template cannot be rendered safely (400): an admin must fix it."""

    def __init__(self, language: LetterLanguage, error: FieldError) -> None:
        super().__init__(
            f"The {language.value} letter template cannot be rendered ({error.detail}); "
            "an admin must fix it.",
            [FieldError("language", error.detail, code=error.code, location="query")],
            400,
            "Letter template cannot be rendered",
            "letter-template-invalid",
        )


def template_problems(body: str) -> list[FieldError]:
    """What is wrong with a template body: syntax, loading other templates, access to internals."""
    try:
        tree = _sandbox.parse(body)
    except TemplateSyntaxError as exc:
        return [FieldError("body", f"line {exc.lineno}: {exc.message}", code="template_syntax")]
    for node in tree.find_all(tuple(_LOADING_TAGS)):
        tag = _LOADING_TAGS[type(node)]
        return [
            FieldError(
                "body",
                f"line {node.lineno}: {{% {tag} %}} is not allowed; a letter template stands alone",
                code="template_include",
            )
        ]
    for access in tree.find_all((nodes.Getattr, nodes.Getitem)):
        if isinstance(access, nodes.Getattr):
            name: object = access.attr
        else:
            assert isinstance(access, nodes.Getitem)
            name = getattr(access.arg, "value", None)
        if isinstance(name, str) and name.startswith("_"):
            return [_unsafe(f"line {access.lineno}: access to {name!r} is not allowed")]
    for applied in tree.find_all(nodes.Filter):
        if applied.name == "attr":
            return [_unsafe(f"line {applied.lineno}: the attr filter is not allowed")]
    return []


def _unsafe(detail: str) -> FieldError:
    return FieldError("body", detail, code="template_unsafe")


def render_html(body: str, values: dict[str, Any]) -> str:
    """Render a template body in the sandbox; every failure is a FieldError, never a crash."""
    problems = template_problems(body)
    if problems:
        raise _Refused(problems[0])
    try:
        return _sandbox.from_string(body).render(**values)
    except SecurityError as exc:
        raise _Refused(_unsafe(str(exc)[:500])) from exc
    except Exception as exc:  # any error (also 1/0, a range too big) is the template's, not a 500
        detail = f"{type(exc).__name__}: {exc}"[:500]
        raise _Refused(FieldError("body", detail, code="template_render")) from exc


class _Refused(Exception):
    def __init__(self, error: FieldError) -> None:
        super().__init__(error.detail)
        self.error = error


def default_body(language: LetterLanguage) -> str:
    """The template shipped with Weerbaar for this language."""
    return (TEMPLATE_DIR / f"letter_{language.value}.html").read_text(encoding="utf-8")


def get_template(session: Session, *, organisation_id: uuid.UUID, language: LetterLanguage) -> LetterTemplate:
    """The organisation's template; one nobody edited follows the text shipped with Weerbaar, so a
    corrected default reaches every organisation that kept it (a copy: the stored row is not changed)."""
    stored = _stored_template(session, organisation_id=organisation_id, language=language)
    if stored.version == 1 and stored.updated_by_user_id is None:
        values = {name: getattr(stored, name) for name in ("id", "organisation_id", "language", "version")}
        return LetterTemplate(**values, body=default_body(language), updated_at=stored.updated_at)
    return stored


def _stored_template(
    session: Session, *, organisation_id: uuid.UUID, language: LetterLanguage
) -> LetterTemplate:
    """The organisation's stored template row; seeded with the default on first read."""
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
    template = _stored_template(session, organisation_id=actor.organisation_id, language=language)
    concurrency.check_if_match(current=etag(template), if_match=if_match, what="the letter template")
    try:
        render_html(body, _sample_context())
    except _Refused as exc:
        raise Invalid(f"The template cannot be used: {exc.error.detail}", [exc.error]) from exc
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
        "organisation": {"name": "Gemeente Voorbeeld", "country": "NL"},
        "incident": {"reference": "DA-2026-0001", "title": "Example", "occurredAt": "2026-01-01"},
        "earlierRequest": {"recipientName": "Example platform", "sentOn": "2026-01-01", "status": "refused"},
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
        "organisation": {"name": organisation.name, "country": organisation.country},
        "earlierRequest": _earlier(session, request),
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


def _earlier(session: Session, request: TakedownRequest) -> dict[str, Any] | None:
    """The request this one escalates (e.g. the platform's refusal before the data protection
    authority is asked to mediate), for the letter to name."""
    if request.escalated_from_id is None:
        return None
    earlier = session.get(TakedownRequest, request.escalated_from_id)
    if earlier is None or earlier.organisation_id != request.organisation_id:
        return None
    return {
        "recipientName": earlier.recipient_name,
        "sentOn": (earlier.sent_at or earlier.created_at).date().isoformat(),
        "status": earlier.status,
    }


def render(session: Session, *, request: TakedownRequest, language: LetterLanguage, actor: Actor) -> bytes:
    """The letter as PDF; audited (a letter discloses incident facts)."""
    template = get_template(session, organisation_id=request.organisation_id, language=language)
    try:
        html = render_html(template.body, context(session, request=request, language=language))
    except _Refused as exc:
        raise LetterTemplateUnusable(language, exc.error) from exc
    document = pdf.html_to_pdf(html)
    # Written beside the read: the PDF is rendered without holding the write lock.
    with beside(session) as writer:
        audit.record(
            writer,
            action="takedown.letter",
            organisation_id=request.organisation_id,
            actor=actor,
            object_type="takedown_request",
            object_id=request.id,
            details={"language": language.value, "templateVersion": template.version, "bytes": len(document)},
        )
    return document
