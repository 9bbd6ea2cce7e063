"""Every module that registers job handlers, imported in one place for the worker and the server."""

from __future__ import annotations


def register_all() -> None:
    """Import the modules whose @handler decorators fill the job registry."""
    from app.action import reminders  # noqa: F401
    from app.audit import anchors  # noqa: F401
    from app.capture import jobs as capture_jobs  # noqa: F401
    from app.evidence import jobs  # noqa: F401
    from app.idempotency import service  # noqa: F401
    from app.notification import mail, rules  # noqa: F401
    from app.spread import recheck  # noqa: F401
    from app.timestamp import service as timestamps  # noqa: F401
    from app.webhook import delivery  # noqa: F401
