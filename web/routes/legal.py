"""Legal screens: the legal packs (readable, and edited by legal staff) and the letter templates."""

from __future__ import annotations

import dataclasses
import json
import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from web import htmx
from web.client import Api, ApiError, FieldProblem
from web.deps import Lang, Session, UserApi
from web.forms import field_message
from web.i18n import Language
from web.models import LegalPack, PoliticalOfficeHolderRule
from web.refusal import refusal_context, refuse
from web.vocabulary import BEHAVIOURS

router = APIRouter(include_in_schema=False)
COUNTRIES = ("nl", "dk")
LANGUAGES = ("nl", "da", "en")
LETTER_LANGUAGES = {"nl": "Nederlands", "da": "Dansk", "en": "English"}
POLITICAL = "political-office-holder"
READ_ONLY = ("version", "updatedAt", "updatedBy")
# What a letter template may use (the API fills these in; see app.takedown.letters.context).
PLACEHOLDERS = (
    "organisation.name",
    "incident.reference",
    "incident.title",
    "incident.occurredAt",
    "request.recipientKind",
    "request.recipientName",
    "request.recipientEmail",
    "request.recipientAddress",
    "request.urls",
    "request.legalGround",
    "request.illegalityExplanation",
    "request.notifierName",
    "request.notifierEmail",
    "request.goodFaith",
    "articles",
    "today",
    "dueDays",
    "language",
)


def _country(country: str) -> str:
    return country if country in COUNTRIES else "nl"


# Legal packs


@router.get("/legal/packs/{country}")
async def pack(request: Request, country: str, api: UserApi) -> Response:
    """The pack readably: per behaviour whether it is punishable, when, and under which articles."""
    country = _country(country)
    found, _raw, _etag = await api.get_legal_pack(country)
    context = {"pack": found, "country": country, "countries": COUNTRIES, "political": POLITICAL}
    return htmx.render(request, "legal/pack.html", context)


def _section_values(found: LegalPack, section: str) -> dict[str, Any]:
    """The form fields of one rule: punishable, condition (or explanation) per language, articles."""
    if section == POLITICAL:
        rule = found.political_office_holder or PoliticalOfficeHolderRule()
        texts = rule.explanation
        values: dict[str, Any] = {}
    else:
        behaviour = found.behaviours[section]
        rule = behaviour  # type: ignore[assignment]
        texts = behaviour.condition
        values = {"punishable": behaviour.punishable}
    for code in LANGUAGES:
        values[f"text.{code}"] = getattr(texts, code)
    for i, article in enumerate(rule.articles):
        values[f"articles.{i}.code"] = article.code
        for code in LANGUAGES:
            values[f"articles.{i}.title.{code}"] = getattr(article.title, code)
    values["rows"] = len(rule.articles) + 1
    return values


def _form_values(form: FormData) -> dict[str, Any]:
    values = {k: str(v) for k, v in form.items() if k != "csrf_token"}
    try:
        values["rows"] = min(max(int(values.get("rows", "1")), 1), 21)  # type: ignore[assignment]
    except ValueError:
        values["rows"] = 1  # type: ignore[assignment]
    return values


def _articles(values: dict[str, Any]) -> list[dict[str, Any]]:
    """The article rows that have anything filled in (a row left empty is dropped)."""
    rows = []
    for i in range(int(values["rows"])):
        code = values.get(f"articles.{i}.code", "").strip()
        titles = {c: values.get(f"articles.{i}.title.{c}", "").strip() for c in LANGUAGES}
        if code or any(titles.values()):
            rows.append({"code": code, "title": titles})
    return rows


def _rule_fields(values: dict[str, Any]) -> list[str]:
    names = ["punishable", "articles"] + [f"text.{c}" for c in LANGUAGES]
    for i in range(int(values["rows"])):
        names += [f"articles.{i}.code"] + [f"articles.{i}.title.{c}" for c in LANGUAGES]
    return names


def _empty_is_missing(code: str) -> str:
    """Every text of a pack is required: an empty one is missing rather than too short."""
    return "missing" if code == "string_too_short" else code


def _form_error(exc: ApiError, section: str, values: dict[str, Any]) -> ApiError:
    """The API's field paths (behaviours/threat/articles/0/title/nl) as the form's names."""
    prefix = "politicalOfficeHolder/" if section == POLITICAL else f"behaviours/{section}/"
    kept = [
        i
        for i in range(int(values["rows"]))
        if values.get(f"articles.{i}.code", "").strip()
        or any(values.get(f"articles.{i}.title.{c}", "").strip() for c in LANGUAGES)
    ]
    problems = []
    for problem in exc.errors:
        name = problem.name
        if not name.startswith(prefix):
            problems.append(problem)
            continue
        parts = name[len(prefix) :].split("/")
        if parts[0] in ("condition", "explanation"):
            parts[0] = "text"
        if parts[0] == "articles" and len(parts) > 1 and parts[1].isdigit() and int(parts[1]) < len(kept):
            parts[1] = str(kept[int(parts[1])])  # the API counts the rows that were sent
        code = _empty_is_missing(problem.code)
        problems.append(dataclasses.replace(problem, name=".".join(parts), code=code))
    return dataclasses.replace(exc, errors=problems)


async def _edit_page(api: Api, country: str, section: str, values: dict[str, Any] | None) -> dict[str, Any]:
    found, _raw, etag = await api.get_legal_pack(country)
    context: dict[str, Any] = {
        "pack": found,
        "country": country,
        "section": section,
        "political": POLITICAL,
        "languages": LANGUAGES,
    }
    if values is None:
        context["form"] = {**_section_values(found, section), "etag": etag}
        context["form_prefix"] = "rule-"
    return context


@router.get("/legal/packs/{country}/rules/{section}")
async def edit_rule(request: Request, country: str, section: str, api: UserApi, session: Session) -> Response:
    """Edit one rule of the pack (legal staff): a behaviour, or the political office holder rule."""
    country = _country(country)
    if (section != POLITICAL and section not in BEHAVIOURS) or not session.has_role("legal"):
        return htmx.redirect(request, f"/legal/packs/{country}")
    context = await _edit_page(api, country, section, None)
    if section == POLITICAL and context["pack"].political_office_holder is None:
        return htmx.redirect(request, f"/legal/packs/{country}")  # no such exception in this pack
    return htmx.render(request, "legal/rule_edit.html", context)


@router.post("/legal/packs/{country}/rules/{section}")
async def save_rule(
    request: Request, country: str, section: str, api: UserApi, lang: Lang, session: Session
) -> Response:
    """Replace the pack with this rule changed, If-Match the version the form was loaded from."""
    country = _country(country)
    values = _form_values(await request.form())
    try:
        _found, content, _current = await api.get_legal_pack(country)
        content = {k: v for k, v in content.items() if k not in READ_ONLY}
        texts = {c: values.get(f"text.{c}", "").strip() for c in LANGUAGES}
        # The editor changes these keys; the rule's others (source, privacy, default severity) stay.
        if section == POLITICAL and content.get("politicalOfficeHolder"):
            content["politicalOfficeHolder"] = {
                **content["politicalOfficeHolder"],
                "articles": _articles(values),
                "explanation": texts,
            }
        elif section in content["behaviours"]:
            content["behaviours"][section] = {
                **content["behaviours"][section],
                "punishable": values.get("punishable", ""),
                "articles": _articles(values),
                "condition": texts,
            }
        await api.replace_legal_pack(country, content, etag=values.get("etag", ""))
    except ApiError as exc:
        extra = await _edit_page(api, country, section, values) if exc.status != 401 else {}
        if exc.status == 412:
            extra["stale"] = True
            values["etag"] = (await api.get_legal_pack(country))[2]
        exc = _form_error(exc, section, values)
        errors = refusal_context(request, lang, exc, fields=_rule_fields(values), form=values)["errors"]
        if "articles" in errors:
            errors["articles"] = lang.gettext("Give at least one article.")
        extra["errors"] = errors
        return await refuse(
            request,
            lang,
            exc,
            fields=_rule_fields(values),
            form=values,
            prefix="rule-",
            template="legal/rule_edit.html",
            extra=extra,
        )
    session.flash("success", lang.gettext("The legal pack is saved."))
    return htmx.redirect(request, f"/legal/packs/{country}#rule-{section}")


@router.get("/legal/packs/{country}/json")
async def edit_json(request: Request, country: str, api: UserApi, session: Session) -> Response:
    """The whole pack as JSON, for what the rule editor does not cover (name, source, many rules at once)."""
    country = _country(country)
    if not session.has_role("legal"):
        return htmx.redirect(request, f"/legal/packs/{country}")
    found, raw, etag = await api.get_legal_pack(country)
    content = {k: v for k, v in raw.items() if k not in READ_ONLY}
    context = {
        "pack": found,
        "country": country,
        "form": {"content": json.dumps(content, ensure_ascii=False, indent=2), "etag": etag},
        "form_prefix": "json-",
    }
    return htmx.render(request, "legal/pack_json.html", context)


@router.post("/legal/packs/{country}/json")
async def save_json(request: Request, country: str, api: UserApi, lang: Lang, session: Session) -> Response:
    """Replace the pack with the edited JSON; syntax and validation errors are shown next to the field."""
    country = _country(country)
    form = await request.form()
    values = {"content": str(form.get("content") or ""), "etag": str(form.get("etag") or "")}
    try:
        content = json.loads(values["content"])
    except json.JSONDecodeError as exc:
        content = None
        problem = lang.gettext(
            "This is not valid JSON: line %(line)s, column %(column)s.", line=exc.lineno, column=exc.colno
        )
    try:
        if content is None:
            raise ApiError(
                status=400, detail="invalid JSON", errors=[FieldProblem("body", "content", "json", "")]
            )
        await api.replace_legal_pack(country, content, etag=values["etag"])
    except ApiError as exc:
        found = (await api.get_legal_pack(country))[0] if exc.status != 401 else None
        extra: dict[str, Any] = {"pack": found, "country": country}
        if exc.status == 412:
            extra["stale"] = True
            values["etag"] = (await api.get_legal_pack(country))[2]
        if content is None:
            extra["errors"] = {"content": problem}
        elif exc.errors:
            lines = [
                f"{p.name}: {field_message(lang.gettext, _empty_is_missing(p.code), p.detail)}"
                for p in exc.errors
            ]
            extra["errors"] = {"content": "; ".join(lines)}
            exc = dataclasses.replace(exc, errors=[dataclasses.replace(exc.errors[0], name="content")])
        return await refuse(
            request,
            lang,
            exc,
            fields=("content",),
            form=values,
            prefix="json-",
            template="legal/pack_json.html",
            extra=extra,
        )
    session.flash("success", lang.gettext("The legal pack is saved."))
    return htmx.redirect(request, f"/legal/packs/{country}")


# Letter templates


def _letter_errors(exc: ApiError, lang: Language) -> dict[str, str]:
    """The sandbox's complaint about a template, with its line number, in the user's language."""
    for problem in exc.errors:
        if problem.name == "body" and problem.code == "template_syntax":
            match = re.match(r"line (\d+)", problem.detail)
            return {
                "body": lang.gettext(
                    "Line %(line)s: the template has a syntax error. Check the {{ … }} and {%% … %%} "
                    "tags on that line and the lines just before it.",
                    line=match.group(1) if match else "?",
                )
            }
        if problem.name == "body" and problem.code == "template_include":
            match = re.match(r"line (\d+)", problem.detail)
            return {
                "body": lang.gettext(
                    "Line %(line)s: a letter template stands alone; include, import and extends "
                    "are not allowed. Copy the text into this template instead.",
                    line=match.group(1) if match else "?",
                )
            }
        if problem.name == "body" and problem.code == "template_unsafe":
            return {
                "body": lang.gettext(
                    "The template reaches for something that is not allowed in a letter (a name "
                    "starting with an underscore, the attr filter, or a trick with format). Use only "
                    "the placeholders listed below."
                )
            }
        if problem.name == "body" and problem.code == "template_render":
            return {
                "body": lang.gettext(
                    "The template cannot be filled in for a sample letter: it uses a placeholder "
                    "or filter that does not exist, or uses one in a way that is not allowed."
                )
            }
    return {}


def _letter_language(language: str) -> str:
    return language if language in LETTER_LANGUAGES else "nl"


@router.get("/admin/letter-templates/{language}")
async def letter_template(request: Request, language: str, api: UserApi) -> Response:
    """The takedown letter template in one language, with the placeholders it may use."""
    language = _letter_language(language)
    template, etag = await api.get_letter_template(language)
    context = {
        "template": template,
        "language_code": language,
        "letter_languages": LETTER_LANGUAGES,
        "placeholders": PLACEHOLDERS,
        "form": {"body": template.body, "etag": etag},
        "form_prefix": "letter-",
    }
    return htmx.render(request, "admin/letter_template.html", context)


@router.post("/admin/letter-templates/{language}")
async def save_letter_template(
    request: Request, language: str, api: UserApi, lang: Lang, session: Session
) -> Response:
    """Save the template with If-Match; the API compiles it in its sandbox first."""
    language = _letter_language(language)
    form = await request.form()
    values = {"body": str(form.get("body") or ""), "etag": str(form.get("etag") or "")}
    try:
        await api.replace_letter_template(language, values["body"], etag=values["etag"])
    except ApiError as exc:
        extra: dict[str, Any] = {
            "language_code": language,
            "letter_languages": LETTER_LANGUAGES,
            "placeholders": PLACEHOLDERS,
        }
        if exc.status == 412:
            extra["stale"] = True
            values["etag"] = (await api.get_letter_template(language))[1]
        extra["errors"] = {
            **refusal_context(request, lang, exc, fields=("body",), form=values)["errors"],
            **_letter_errors(exc, lang),
        }
        return await refuse(
            request,
            lang,
            exc,
            fields=("body",),
            form=values,
            prefix="letter-",
            template="admin/letter_template.html",
            extra=extra,
        )
    session.flash("success", lang.gettext("The letter template is saved."))
    return htmx.redirect(request, f"/admin/letter-templates/{language}")
