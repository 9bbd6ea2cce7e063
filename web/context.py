"""What every template sees: this request's language, session, CSRF token and messages."""

from __future__ import annotations

from typing import Any

from fastapi import Request

from web.deps import get_language, get_session


def base_context(request: Request) -> dict[str, Any]:
    """The per-request template context (gettext is per request, never installed globally)."""
    session = get_session(request)
    lang = get_language(request)
    return {
        **lang.context(),
        "language": lang,
        "session": session,
        "user": session.user if session.logged_in else None,
        "csrf_token": session.csrf,
        "flashes": session.pop_flashes(),
        "max_upload_bytes": request.app.state.max_upload_bytes,
        "errors": {},
        "form": {},
        "current_path": request.url.path,
        # Set by the API dependency for whole pages (web/deps.py); None: the badge asks for itself.
        "unread_count": getattr(request.state, "unread_count", None),
    }
