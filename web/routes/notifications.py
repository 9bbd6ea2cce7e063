"""The inbox: the user's notices, newest first; following one marks it read; the header's count."""

from __future__ import annotations

from functools import partial
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from web import htmx
from web.client import Api
from web.deps import Lang, Session, UserApi, api_http, unread_count
from web.notifications import CARE, sentence, target

router = APIRouter(include_in_schema=False)


def _show(value: object) -> str:
    return "unread" if value == "unread" else "all"


def _inbox_url(show: str, cursor: str | None = None) -> str:
    query = {**({"show": "unread"} if show == "unread" else {}), **({"cursor": cursor} if cursor else {})}
    return "/notifications" + (f"?{urlencode(query)}" if query else "")


@router.get("/notifications")
async def inbox(request: Request, api: UserApi, lang: Lang) -> Response:
    """The user's notices, newest first, all or only the unread ones, a page at a time."""
    show = _show(request.query_params.get("show"))
    cursor = request.query_params.get("cursor") or None
    page, next_cursor = await api.notifications(unread=show == "unread", cursor=cursor)
    request.state.unread_count = page.unread_count
    more = bool(cursor) and htmx.is_htmx(request)
    context = {
        "notices": page.items,
        "show": show,
        "next_url": _inbox_url(show, next_cursor) if next_cursor else None,
        "paged": bool(cursor) and not more,
        "describe_notice": partial(sentence, lang),
        "care": CARE,
    }
    # Only "more" asks for a fragment: its notices are added to the list on the page.
    fragment = "notifications/_more.html" if more else None
    return htmx.render(request, "notifications/inbox.html", context, fragment=fragment)


@router.get("/notifications/badge")
async def badge(request: Request, session: Session) -> Response:
    """The header's link with a fresh count (htmx polls it); nothing when there is no count now.

    Never a redirect to the login page: a background refresh must not take away a half-typed form.
    """
    if not session.logged_in or (session.user and session.user.must_change_password):
        return Response(status_code=204)
    count = await unread_count(
        Api(api_http(request), token=session.token, language=request.state.language.code)
    )
    if count is None:
        return Response(status_code=204)
    on_inbox = urlsplit(request.headers.get("HX-Current-URL", "")).path == "/notifications"
    return htmx.render(request, "notifications/_badge.html", {"unread_count": count, "on_inbox": on_inbox})


@router.get("/notifications/{notification_id}/open")
async def open_notice(notification_id: str, api: UserApi) -> Response:
    """Mark the notice read and go to what it is about."""
    notice = await api.mark_notification(notification_id, read=True)
    return RedirectResponse(target(notice), status_code=303)


@router.post("/notifications/{notification_id}/read")
async def mark(request: Request, notification_id: str, api: UserApi, lang: Lang) -> Response:
    """Mark one notice read (or unread again); htmx swaps just that notice and the header's count."""
    form = await request.form()
    show = _show(form.get("show"))
    notice = await api.mark_notification(notification_id, read=form.get("read") != "false")
    if request.headers.get("HX-Request") != "true":
        return htmx.redirect(request, _inbox_url(show) + f"#notice-{notice.id}")
    context = {
        "n": notice,
        "show": show,
        "unread_count": await unread_count(api),
        "describe_notice": partial(sentence, lang),
        "care": CARE,
    }
    return htmx.render(request, "notifications/_toggled.html", context)


@router.post("/notifications/read-all")
async def mark_all(request: Request, api: UserApi, lang: Lang, session: Session) -> Response:
    """Mark every unread notice read."""
    form = await request.form()
    await api.mark_all_notifications_read()
    session.flash("success", lang.gettext("All notices are marked as read."))
    return htmx.redirect(request, _inbox_url(_show(form.get("show"))))
