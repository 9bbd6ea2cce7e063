"""The mail outbox: mails queued in the transaction of their cause, sent later by the job runner.

Sending is a state machine on the outbox row, so that a worker that dies never sends a mail twice:

    queued -> claimed (attempt counted, lease) -> sending -> sent
                                               \\-> queued again (back-off) or failed

`claimed` is committed before the SMTP connection is opened; `sending` is committed after the
server has accepted the sender, the recipient and the DATA command, just before the message itself
goes out. A row found `claimed` with an expired lease was never handed over (an SMTP server drops a
transaction whose data did not end), so it is sent again. A row found `sending` with an expired lease
may or may not have been accepted in the moment between the end of the data and the commit of
`sent`: it is not sent again but marked failed as unconfirmed, visible to admins in the outbox,
who may send it again (with the same Message-ID, so receivers can drop a duplicate). That narrow
window is the residual risk: at most once, never silently lost.
"""

from __future__ import annotations

import logging
import re
import smtplib
import uuid
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, update
from sqlmodel import Session, col, select

from app import tls
from app.config import Settings, get_settings
from app.db import session_scope, utcnow
from app.jobs import service as jobs
from app.notification import texts
from app.notification.models import (
    Delivery,
    MailOutbox,
    MailStatus,
    Notification,
    NotificationKind,
    SubjectType,
)
from app.organisation.models import Locale, Organisation, User
from app.organisation.schemas import TIME_ZONES

log = logging.getLogger("weerbaar.mail")

SEND_JOB = "mail.send"
DIGEST_JOB = "notification.digest"
DIGEST_KIND = "daily_digest"
UNCONFIRMED = (
    "interrupted after the message was handed to the mail server: delivery unconfirmed, "
    "not sent again automatically"
)


def enabled(settings: Settings | None = None) -> bool:
    """Mail is on when an SMTP host is configured."""
    return bool((settings or get_settings()).smtp_host)


def web_url(path: str, settings: Settings | None = None) -> str:
    """An absolute link into the web UI."""
    settings = settings or get_settings()
    base = (settings.public_web_url or settings.public_url).rstrip("/")
    return f"{base}{path}"


def link_path(note: Notification) -> str:
    """Where the web UI shows what the notice is about (the inbox when there is no page)."""
    subject = note.object_type
    if note.incident_id and subject in (
        SubjectType.incident.value,
        SubjectType.action.value,
        SubjectType.takedown_request.value,
    ):
        return f"/incidents/{note.incident_id}"
    if subject == SubjectType.evidence.value:
        return f"/evidence/{note.object_id}"
    if subject == SubjectType.perpetrator.value:
        return f"/perpetrators/{note.object_id}"
    if subject == SubjectType.recording_permission.value:
        return f"/recording-permissions/{note.object_id}"
    if subject == SubjectType.webhook_subscription.value:
        return "/admin/webhooks"
    if note.incident_id:
        return f"/incidents/{note.incident_id}"
    return "/notifications"


def _locale(session: Session, user: User) -> Locale:
    organisation = session.get(Organisation, user.organisation_id)
    return texts.locale_of(user.locale, organisation.default_locale if organisation else None)


def _message_id(mail_id: uuid.UUID, settings: Settings) -> str:
    domain = settings.smtp_from.rpartition("@")[2] or "weerbaar.invalid"
    return f"<{mail_id}@{domain}>"


def _queue(
    session: Session, *, user: User, kind: str, locale: Locale, subject: str, body: str
) -> MailOutbox | None:
    settings = get_settings()
    if not enabled(settings) or not user.email:
        return None
    mail_id = uuid.uuid4()
    row = MailOutbox(
        id=mail_id,
        organisation_id=user.organisation_id,
        recipient_user_id=user.id,
        recipient_email=user.email,
        kind=kind,
        locale=locale.value,
        subject=subject[:300],
        body=body[:8000],
        message_id=_message_id(mail_id, settings),
    )
    session.add(row)
    session.flush()
    jobs.enqueue(session, kind=SEND_JOB, payload={"mailId": str(row.id)})
    return row


def queue_notice(session: Session, *, user: User, note: Notification) -> MailOutbox | None:
    """Queue the mail for one notice in the recipient's language (nothing when mail is off)."""
    settings = get_settings()
    if not enabled(settings) or not user.email:
        return None
    locale = _locale(session, user)
    subject, body = texts.notice_mail(
        NotificationKind(note.kind),
        locale,
        name=user.name,
        link=web_url(link_path(note), settings),
        help_url=settings.help_contacts_url or None,
    )
    return _queue(session, user=user, kind=note.kind, locale=locale, subject=subject, body=body)


# --- the daily digest ---------------------------------------------------------------------------


def next_digest_at(organisation: Organisation | None, now: datetime, hour: int) -> datetime:
    """The next moment the digest goes out: `hour` o'clock in the organisation's time zone."""
    zone = ZoneInfo(TIME_ZONES.get(organisation.country if organisation else "", "Europe/Amsterdam"))
    local = now.astimezone(zone)
    moment = local.replace(hour=hour, minute=0, second=0, microsecond=0)
    if moment <= local:
        moment = (local + timedelta(days=1)).replace(hour=hour, minute=0, second=0, microsecond=0)
    return moment.astimezone(now.tzinfo)


def _pending_digest(session: Session, user_id: uuid.UUID) -> Any:
    return select(Notification).where(
        Notification.user_id == user_id,
        Notification.delivery == Delivery.daily_digest.value,
        col(Notification.digested_at).is_(None),
    )


def schedule_digest(session: Session, *, user: User) -> None:
    """Plan the user's next digest when the first notice for it arrives (the notice is in the session)."""
    if len(session.exec(_pending_digest(session, user.id).limit(2)).all()) > 1:
        return  # an earlier notice planned it already
    organisation = session.get(Organisation, user.organisation_id)
    jobs.enqueue(
        session,
        kind=DIGEST_JOB,
        payload={"userId": str(user.id)},
        run_at=next_digest_at(organisation, utcnow(), get_settings().digest_hour),
    )


@jobs.handler(DIGEST_JOB)
def send_digest(session: Session, payload: dict[str, Any]) -> None:
    """One mail with the count per kind of the user's digest notices since the last digest."""
    from app.notification import service  # the inbox's need-to-know rule

    user = session.get(User, uuid.UUID(payload["userId"]))
    if user is None:
        return
    now = utcnow()
    notes = list(session.exec(_pending_digest(session, user.id).where(col(Notification.created_at) <= now)))
    if not notes:
        return
    visible = service.visible_ids(session, user=user, ids=[n.id for n in notes]) if user.is_active else set()
    counts: dict[NotificationKind, int] = {}
    for note in notes:
        note.digested_at = now
        session.add(note)
        if note.id in visible:
            kind = NotificationKind(note.kind)
            counts[kind] = counts.get(kind, 0) + 1
    if counts:
        locale = _locale(session, user)
        ordered = {k: counts[k] for k in NotificationKind if k in counts}
        subject, body = texts.digest_mail(ordered, locale, name=user.name, link=web_url("/notifications"))
        _queue(session, user=user, kind=DIGEST_KIND, locale=locale, subject=subject, body=body)
    session.flush()


# --- sending ------------------------------------------------------------------------------------


class Unconfirmed(Exception):
    """The connection broke after the message was handed over: it may have been delivered."""


def _message(row: MailOutbox, settings: Settings) -> bytes:
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = row.recipient_email
    message["Subject"] = row.subject
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = row.message_id
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(row.body)
    message["Content-Language"] = row.locale  # after set_content, which drops Content-* headers
    data = message.as_bytes(policy=message.policy.clone(linesep="\r\n"))
    data = re.sub(rb"(?m)^\.", b"..", data)
    if not data.endswith(b"\r\n"):
        data += b"\r\n"
    return data + b".\r\n"


def _connect(settings: Settings) -> smtplib.SMTP:
    timeout = settings.smtp_timeout_seconds
    if settings.smtp_security == "tls":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(
            settings.smtp_host, settings.smtp_port, timeout=timeout, context=tls.client_context()
        )
    else:
        smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=timeout)
    smtp.ehlo()
    if settings.smtp_security == "starttls":
        smtp.starttls(context=tls.client_context())
        smtp.ehlo()
    if settings.smtp_username:
        smtp.login(settings.smtp_username, settings.smtp_password.get_secret_value())
    return smtp


def _move(engine: Engine, mail_id: uuid.UUID, worker: str, src: MailStatus, **values: Any) -> bool:
    """Change the row only if this worker still holds it in state src (a conditional update)."""
    with session_scope(engine) as session:
        result = session.execute(
            update(MailOutbox)
            .where(
                col(MailOutbox.id) == mail_id,
                col(MailOutbox.status) == src.value,
                col(MailOutbox.claimed_by) == worker,
            )
            .values(**values)
        )
        return bool(getattr(result, "rowcount", 0))


def _claim(engine: Engine, mail_id: uuid.UUID, worker: str, settings: Settings) -> MailOutbox | None:
    """Take the row for one attempt, or settle a row abandoned by a dead worker; None: nothing to send."""
    now = utcnow()
    with session_scope(engine) as session:
        row = session.get(MailOutbox, mail_id)
        if row is None or row.status in (MailStatus.sent.value, MailStatus.failed.value):
            return None
        held = row.status in (MailStatus.claimed.value, MailStatus.sending.value)
        if held and row.lease_until is not None and row.lease_until > now:
            # Another worker holds it (or held it just now): look again when its lease ends.
            jobs.enqueue(session, kind=SEND_JOB, payload={"mailId": str(row.id)}, run_at=row.lease_until)
            return None
        if row.status == MailStatus.sending.value:
            row.status, row.last_error, row.lease_until = MailStatus.failed.value, UNCONFIRMED, None
            session.add(row)
            log.warning("mail %s: worker stopped while sending; marked unconfirmed", row.id)
            return None
        if row.status == MailStatus.queued.value and row.next_attempt_at > now:
            jobs.enqueue(session, kind=SEND_JOB, payload={"mailId": str(row.id)}, run_at=row.next_attempt_at)
            return None
        row.status, row.claimed_by = MailStatus.claimed.value, worker
        row.lease_until = now + timedelta(seconds=settings.mail_lease_seconds)
        row.attempts += 1
        session.add(row)
        session.flush()
        session.expunge(row)
        return row


def _hand_over(smtp: smtplib.SMTP, row: MailOutbox, settings: Settings, engine: Engine, worker: str) -> None:
    """One SMTP transaction; `sending` is committed between the DATA command and the message."""
    code, reply = smtp.mail(settings.smtp_from)
    if code != 250:
        raise smtplib.SMTPSenderRefused(code, reply, settings.smtp_from)
    code, reply = smtp.rcpt(row.recipient_email)
    if code not in (250, 251):
        raise smtplib.SMTPRecipientsRefused({row.recipient_email: (code, reply)})
    code, reply = smtp.docmd("DATA")
    if code != 354:
        raise smtplib.SMTPDataError(code, reply)
    lease = utcnow() + timedelta(seconds=settings.mail_lease_seconds)
    if not _move(
        engine, row.id, worker, MailStatus.claimed, status=MailStatus.sending.value, lease_until=lease
    ):
        raise RuntimeError("the claim on this mail was lost")  # nothing was handed over yet
    try:
        smtp.send(_message(row, settings))
        code, reply = smtp.getreply()
    except (OSError, smtplib.SMTPServerDisconnected) as exc:
        raise Unconfirmed(str(exc)) from exc
    if code != 250:
        # The server refused the message itself: it was not delivered, so it may be sent again.
        _move(engine, row.id, worker, MailStatus.sending, status=MailStatus.claimed.value)
        raise smtplib.SMTPDataError(code, reply)


def _permanent(exc: Exception) -> bool:
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in exc.recipients.values())
    code = getattr(exc, "smtp_code", None)
    return isinstance(code, int) and code >= 500


def deliver(engine: Engine, *, mail_id: uuid.UUID, worker: str, settings: Settings | None = None) -> str:
    """Try to send one outbox mail; returns the row's status afterwards."""
    settings = settings or get_settings()
    row = _claim(engine, mail_id, worker, settings)
    if row is None:
        with session_scope(engine) as session:
            found = session.get(MailOutbox, mail_id)
            return found.status if found else "missing"
    if not enabled(settings):
        _retry_or_fail(engine, row, worker, "mail is turned off (no SMTP host)", settings, permanent=False)
        return MailStatus.queued.value
    try:
        smtp = _connect(settings)
        try:
            _hand_over(smtp, row, settings, engine, worker)
        finally:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                smtp.close()
    except Unconfirmed as exc:
        _move(
            engine,
            row.id,
            worker,
            MailStatus.sending,
            status=MailStatus.failed.value,
            lease_until=None,
            last_error=f"{UNCONFIRMED} ({exc})"[:1000],
        )
        return MailStatus.failed.value
    except (OSError, smtplib.SMTPException, RuntimeError) as exc:
        return _retry_or_fail(engine, row, worker, _describe(exc), settings, permanent=_permanent(exc))
    _move(
        engine,
        row.id,
        worker,
        MailStatus.sending,
        status=MailStatus.sent.value,
        sent_at=utcnow(),
        lease_until=None,
    )
    log.info("mail %s sent (%s)", row.id, row.kind)
    return MailStatus.sent.value


def _describe(exc: Exception) -> str:
    # The recipient address is in the outbox row already; keep the error to the server's words.
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        code, reply = next(iter(exc.recipients.values()))
        return f"recipient refused: {code} {reply.decode(errors='replace')}"
    return f"{type(exc).__name__}: {exc}"[:1000]


def _retry_or_fail(
    engine: Engine, row: MailOutbox, worker: str, error: str, settings: Settings, *, permanent: bool
) -> str:
    with session_scope(engine) as session:
        current = session.get(MailOutbox, row.id)
        if current is None or current.claimed_by != worker or current.status != MailStatus.claimed.value:
            return current.status if current else "missing"
        current.last_error, current.lease_until = error[:1000], None
        if permanent or current.attempts >= settings.mail_max_attempts:
            current.status = MailStatus.failed.value
            log.warning("mail %s failed after %s attempts: %s", row.id, current.attempts, error)
        else:
            current.status = MailStatus.queued.value
            current.next_attempt_at = utcnow() + jobs.backoff(current.attempts)
            jobs.enqueue(
                session, kind=SEND_JOB, payload={"mailId": str(row.id)}, run_at=current.next_attempt_at
            )
        session.add(current)
        return current.status


@jobs.handler(SEND_JOB)
def send_job(session: Session, payload: dict[str, Any]) -> None:
    """The job runner's side: send one outbox mail (safe to run again: see the module docstring)."""
    bind = session.get_bind()
    assert isinstance(bind, Engine)
    deliver(bind, mail_id=uuid.UUID(payload["mailId"]), worker=f"{jobs.worker_id()}:{uuid.uuid4().hex[:8]}")
