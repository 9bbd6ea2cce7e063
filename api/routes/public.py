"""Public pages outside the API (no login): the house rules on recordings of each organisation, under
the organisation's norm from its preparedness plan ("we do not tolerate ...")."""

from __future__ import annotations

import base64
import hashlib
from typing import Annotated

from fastapi import APIRouter, Header, Path, Query
from fastapi.responses import HTMLResponse
from jinja2 import Environment, select_autoescape
from sqlmodel import select

from api.deps import SessionDep, TransactionRoute
from app.errors import NotFound
from app.organisation.models import Locale
from app.preparedness.models import PreparednessPlan
from app.recording_permission import house_rules

router = APIRouter(include_in_schema=False, route_class=TransactionRoute)

_env = Environment(autoescape=select_autoescape(default=True, default_for_string=True))

STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:42rem;margin:2rem auto;padding:0 1rem;"
    "line-height:1.5;color:#111}nav a{margin-right:1rem}h1{font-size:1.6rem}h2{font-size:1.2rem}"
)
STYLE_HASH = base64.b64encode(hashlib.sha256(STYLE.encode()).digest()).decode()
CSP = (
    f"default-src 'none'; style-src 'sha256-{STYLE_HASH}'; base-uri 'none'; form-action 'none'; "
    "frame-ancestors 'none'"
)
# The label of the language menu, in the page's language (no English on a Dutch or Danish page).
NAV_LABELS = {Locale.nl: "Taal", Locale.da: "Sprog", Locale.en: "Language"}
LANGUAGE_NAMES = {Locale.nl: "Nederlands", Locale.da: "Dansk", Locale.en: "English"}
NOT_FOUND = {
    Locale.nl: "Deze pagina bestaat niet.",
    Locale.da: "Siden findes ikke.",
    Locale.en: "This page does not exist.",
}

PAGE = _env.from_string(
    """<!doctype html>
<html lang="{{ language }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }} - {{ organisation }}</title>
<style>{{ style }}</style>
</head>
<body>
<header>
<p>{{ organisation }}</p>
<nav aria-label="{{ nav_label }}">{% for code, name in languages %}{% if code == language %}
<strong lang="{{ code }}" aria-current="page">{{ name }}</strong>{% else %}
<a href="?language={{ code }}" hreflang="{{ code }}" lang="{{ code }}">{{ name }}</a>{% endif %}{% endfor %}
</nav>
</header>
<main>
<h1>{{ title }}</h1>
{% if norm %}<p><strong>{{ norm }}</strong></p>
{% endif %}{% for block in blocks %}{% if block.kind == "h2" %}<h2>{{ block.lines[0] }}</h2>
{% elif block.kind == "ul" %}<ul>{% for line in block.lines %}<li>{{ line }}</li>{% endfor %}</ul>
{% else %}<p>{{ block.lines | join(" ") }}</p>
{% endif %}{% endfor %}
</main>
</body>
</html>
"""
)
MISSING = _env.from_string(
    """<!doctype html>
<html lang="{{ language }}"><head><meta charset="utf-8"><title>404</title></head>
<body><main><h1>404</h1><p>{{ message }}</p></main></body></html>
"""
)


def preferred_language(accept_language: str | None) -> Locale | None:
    """The best of nl, da and en in an Accept-Language header (nl-NL counts as nl), or None."""
    best: tuple[float, int, Locale] | None = None
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.strip().partition(";")
        primary = tag.strip().split("-")[0].lower()
        if primary not in Locale.__members__:
            continue
        weight = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        if weight <= 0:
            continue
        candidate = (weight, -position, Locale(primary))
        if best is None or candidate[:2] > best[:2]:
            best = candidate
    return best[2] if best else None


def _headers(language: Locale) -> dict[str, str]:
    return {
        "Content-Security-Policy": CSP,
        "Content-Language": language.value,
        "Vary": "Accept-Language",
    }


@router.get("/public/{organisationSlug}/recording-rules", response_class=HTMLResponse)
def recording_rules_page(
    session: SessionDep,
    organisation_slug: Annotated[str, Path(alias="organisationSlug", max_length=63)],
    language: Annotated[str | None, Query(max_length=10)] = None,
    accept_language: Annotated[str | None, Header(alias="Accept-Language", max_length=500)] = None,
) -> HTMLResponse:
    """The organisation's house rules on recordings, as an accessible HTML page."""
    chosen = (
        Locale(language)
        if language is not None and language in Locale.__members__
        else preferred_language(accept_language)
    )
    try:
        view = house_rules.get(session, organisation_slug=organisation_slug, language=chosen)
    except NotFound:
        fallback = chosen or Locale.en
        return HTMLResponse(
            MISSING.render(language=fallback.value, message=NOT_FOUND[fallback]),
            status_code=404,
            headers=_headers(fallback),
        )
    plan = session.exec(
        select(PreparednessPlan).where(PreparednessPlan.organisation_id == view.organisation.id)
    ).first()
    html = PAGE.render(
        language=view.language.value,
        norm=plan.norm if plan else "",
        title=view.title,
        organisation=view.organisation.name,
        style=STYLE,
        languages=[(code.value, name) for code, name in LANGUAGE_NAMES.items()],
        nav_label=NAV_LABELS[view.language],
        blocks=house_rules.blocks(view.body),
    )
    headers = _headers(view.language)
    headers["Cache-Control"] = "public, max-age=300"
    return HTMLResponse(html, headers=headers)
