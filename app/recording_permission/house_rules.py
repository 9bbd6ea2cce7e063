"""The house rules on recordings that each organisation publishes (no login needed to read them)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session

from app import concurrency
from app.audit import service as audit
from app.auth.actor import Actor
from app.db import utcnow
from app.errors import Forbidden, NotFound
from app.organisation.models import Locale, Organisation, Role
from app.organisation.service import get_organisation_by_slug
from app.recording_permission.models import RecordingRules
from app.recording_permission.texts import DEFAULT_RULES


@dataclass(frozen=True)
class RulesView:
    """The rules in one language, as published."""

    organisation: Organisation
    language: Locale
    title: str
    body: str
    is_default: bool
    version: int
    updated_at: datetime | None

    @property
    def etag(self) -> str:
        """The strong ETag of this text (version 0 is the default text)."""
        return concurrency.etag(self.version)


@dataclass(frozen=True)
class Block:
    """One block of the rules text: a heading, a paragraph or a list."""

    kind: str  # "h2" | "p" | "ul"
    lines: tuple[str, ...]


def language_of(organisation: Organisation, language: Locale | None) -> Locale:
    """The language asked for, else the organisation's default."""
    if language is not None:
        return language
    try:
        return Locale(organisation.default_locale)
    except ValueError:
        return Locale.nl


def _view(session: Session, organisation: Organisation, language: Locale) -> RulesView:
    stored = session.get(RecordingRules, (organisation.id, language.value))
    if stored is None:
        title, body = DEFAULT_RULES[language]
        return RulesView(organisation, language, title, body, True, 0, None)
    return RulesView(
        organisation, language, stored.title, stored.body, False, stored.version, stored.updated_at
    )


def get(session: Session, *, organisation_slug: str, language: Locale | None) -> RulesView:
    """The published rules of an organisation (anyone may read them)."""
    organisation = get_organisation_by_slug(session, slug=organisation_slug)
    return _view(session, organisation, language_of(organisation, language))


def put(
    session: Session,
    *,
    organisation_slug: str,
    language: Locale,
    title: str,
    body: str,
    actor: Actor,
    if_match: str | None,
) -> RulesView:
    """Replace the rules text in one language (admins of the organisation; audited)."""
    organisation = get_organisation_by_slug(session, slug=organisation_slug)
    if organisation.id != actor.organisation_id:
        raise NotFound(f"Organisation '{organisation_slug}'")
    if actor.kind != "user" or not actor.has_role(Role.admin):
        raise Forbidden("Only administrators change the house rules.")
    current = _view(session, organisation, language)
    concurrency.check_if_match(current=current.etag, if_match=if_match, what="the house rules")
    stored = session.get(RecordingRules, (organisation.id, language.value))
    if stored is None:
        stored = RecordingRules(organisation_id=organisation.id, language=language.value, title="", body="")
        stored.version = 0
    stored.title = title.strip()
    stored.body = body.strip()
    stored.version += 1
    stored.updated_at = utcnow()
    stored.updated_by_user_id = actor.user_id
    session.add(stored)
    session.flush()
    audit.record(
        session,
        action="recording_rules.update",
        organisation_id=organisation.id,
        actor=actor,
        object_type="recording_rules",
        object_id=f"{organisation.id}:{language.value}",
        details={"language": language.value, "version": stored.version},
    )
    return _view(session, organisation, language)


def blocks(body: str) -> list[Block]:
    """The body as blocks: `## ` headings, `- ` list items, other lines joined into paragraphs."""
    found: list[Block] = []
    kind: str | None = None
    lines: list[str] = []

    def close() -> None:
        nonlocal kind, lines
        if kind and lines:
            found.append(Block(kind, tuple(lines)))
        kind, lines = None, []

    for raw in body.replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if not line:
            close()
        elif line.startswith("## "):
            close()
            found.append(Block("h2", (line[3:].strip(),)))
        elif line.startswith("- "):
            if kind != "ul":
                close()
                kind = "ul"
            lines.append(line[2:].strip())
        else:
            if kind != "p":
                close()
                kind = "p"
            lines.append(line)
    close()
    return found
