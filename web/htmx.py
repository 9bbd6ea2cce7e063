"""HTMX conventions: fragment or page, redirects, out-of-band messages."""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from web.context import base_context


def is_htmx(request: Request) -> bool:
    """An htmx request that wants a fragment (a history restore needs the whole page)."""
    return (
        request.headers.get("HX-Request") == "true"
        and request.headers.get("HX-History-Restore-Request") != "true"
        and request.headers.get("HX-Boosted") != "true"
    )


def redirect(request: Request, url: str) -> Response:
    """303 after a plain form POST; HX-Redirect for htmx (a full page load of url)."""
    if request.headers.get("HX-Request") == "true":
        # A fragment alone would only scroll the current page, not load the new state.
        return Response(status_code=204, headers={"HX-Redirect": url.split("#")[0]})
    return RedirectResponse(url, status_code=303)


def render(
    request: Request,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
    fragment: str | None = None,
    headers: dict[str, str] | None = None,
) -> HTMLResponse:
    """The page, or for htmx the fragment template that the page includes."""
    templates = request.app.state.templates
    name = fragment if fragment and is_htmx(request) else template
    full = {**base_context(request), **(context or {})}
    response: HTMLResponse = templates.TemplateResponse(
        request, name, full, status_code=status_code, headers=headers
    )
    response.headers["Vary"] = "HX-Request, Cookie"
    return response


def oob_only(request: Request, template: str, context: dict[str, Any], *, status_code: int) -> HTMLResponse:
    """Only out-of-band swaps (field errors, messages): the form itself and its input stay as typed."""
    response = render(request, template, context, status_code=status_code)
    response.headers["HX-Reswap"] = "none"
    return response
