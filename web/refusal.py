"""One way to answer an API refusal in the UI.

Field errors go next to their fields and into a focused summary that links to them, in the
user's language; whatever was typed stays. With htmx the answer is out-of-band swaps only (the
form is untouched); without JavaScript the page is rendered again with the form filled in.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from fastapi import Request
from fastapi.responses import Response

from web import htmx
from web.client import ApiError
from web.deps import LoginRequired
from web.errors import describe
from web.forms import field_errors
from web.i18n import Language

# Loads the page a form lives on (template name and context), for browsers without JavaScript.
PageLoader = Callable[[], Awaitable[tuple[str, dict[str, Any]]]]


def refusal_context(
    request: Request,
    lang: Language,
    exc: ApiError,
    *,
    fields: Iterable[str],
    form: dict[str, Any],
    prefix: str = "",
) -> dict[str, Any]:
    """Errors per field, the summary messages and the kept input, for the form's templates."""
    fields = tuple(fields)
    if exc.status == 401:
        request.state.web_session.end(expired=True)
        errors: dict[str, str] = {}
        messages = [
            lang.gettext(
                "Your session has expired. Log in again in a new tab (the link below), "
                "then send this form again: what you typed is kept here."
            )
        ]
        login_link = True
    else:
        errors, rest = field_errors(lang.gettext, exc, fields)
        summary = (
            lang.gettext("Not saved: check the fields marked below.")
            if errors
            else describe(lang.gettext, exc)
        )
        messages = [summary, *rest]
        login_link = False
    return {
        "form": form,
        "errors": errors,
        "messages": messages,
        "login_link": login_link,
        "fields": fields,
        "prefix": prefix,
        "form_prefix": prefix,
    }


async def refuse(
    request: Request,
    lang: Language,
    exc: ApiError,
    *,
    fields: Iterable[str],
    form: dict[str, Any],
    prefix: str = "",
    page: PageLoader | None = None,
    template: str | None = None,
    extra: dict[str, Any] | None = None,
) -> Response:
    """Answer a refused form: out-of-band errors for htmx, else the page again, filled in.

    `template` (with `extra`) re-renders a page that needs no API call; `page` loads one that does.
    """
    context = refusal_context(request, lang, exc, fields=fields, form=form, prefix=prefix)
    context.update(extra or {})
    status = exc.status if exc.status >= 400 else 400
    if request.headers.get("HX-Request") == "true":
        return htmx.oob_only(request, "forms/errors_oob.html", context, status_code=status)
    if template is None and page is not None and exc.status != 401:
        try:
            template, loaded = await page()
        except ApiError:
            template = None  # the page itself cannot be loaded now: say what went wrong
        else:
            context = {**loaded, **context}
    if template is None:
        if exc.status == 401:
            raise LoginRequired from exc
        message = " ".join(context["messages"])
        return htmx.render(request, "error.html", {**context, "message": message}, status_code=status)
    return htmx.render(request, template, context, status_code=status)
