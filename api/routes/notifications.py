"""The caller's inbox, their notification preferences, and the mail outbox for admins."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response, status
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.access import access_text, documented_access
from api.deps import Admin, CurrentActor, Cursor, Limit, SessionDep, TransactionRoute, next_link
from app.notification import outbox
from app.notification import service as notifications
from app.notification.schemas import (
    MailPage,
    MailPublic,
    MailState,
    NotificationPage,
    NotificationPublic,
    NotificationUpdate,
    PreferenceList,
    PreferenceReplace,
)
from app.organisation.models import Role

router = APIRouter(tags=["notifications"], route_class=TransactionRoute)

NotificationId = Annotated[uuid.UUID, Path(alias="notificationId")]
MailId = Annotated[uuid.UUID, Path(alias="mailId")]
OWN_TEXT = "\n\nAccess: any staff user, for their own notices; no API client. API clients get 403."
ADMIN = documented_access(Role.admin)
ADMIN_TEXT = access_text(Role.admin)


@router.get(
    "/notifications",
    operation_id="listNotifications",
    summary="List your notifications",
    description="Your notices, newest first, with the number unread. A notice is listed only while "
    "you may still see what it is about (need-to-know). Notices carry the kind and plain values "
    "(`params`); the client words them in the user's language." + OWN_TEXT,
)
def list_notifications(
    request: Request,
    actor: CurrentActor,
    session: SessionDep,
    unread: Annotated[bool | None, Query(description="true: unread only; false: read only.")] = None,
    cursor: Cursor = None,
    limit: Limit = 25,
) -> NotificationPage:
    """The caller's notices, newest first."""
    rows, next_cursor, count = notifications.list_page(
        session, actor=actor, unread=unread, cursor=cursor, limit=limit
    )
    next_url = next_link(request, next_cursor)
    return NotificationPage(
        items=[notifications.to_public(note, reference) for note, reference in rows],
        next=next_url,
        unread_count=count,
    )


@router.api_route("/notifications/read-all", methods=["PATCH"], include_in_schema=False)
def _read_all_is_not_a_notification() -> None:
    """PATCH /notifications/read-all is a 405 (Allow: POST), not a PATCH of a notification with the
    id "read-all" (a 400): the literal path is the resource."""
    raise StarletteHTTPException(status_code=status.HTTP_405_METHOD_NOT_ALLOWED)


@router.patch(
    "/notifications/{notificationId}",
    operation_id="updateNotification",
    summary="Mark a notification read or unread",
    description='Mark one of your notices read (`{"read": true}`) or unread again. No If-Match: '
    "the read state is the recipient's alone." + OWN_TEXT,
)
def update_notification(
    notification_id: NotificationId, body: NotificationUpdate, actor: CurrentActor, session: SessionDep
) -> NotificationPublic:
    """Mark one notice read or unread."""
    note, reference = notifications.get(session, notification_id=notification_id, actor=actor)
    return notifications.to_public(notifications.mark(session, note=note, read=body.read), reference)


@router.post(
    "/notifications/read-all",
    status_code=status.HTTP_204_NO_CONTENT,
    operation_id="markAllNotificationsRead",
    summary="Mark all your notifications read",
    description="Marks every unread notice of yours read." + OWN_TEXT,
)
def mark_all_notifications_read(actor: CurrentActor, session: SessionDep) -> Response:
    """Mark every unread notice of the caller read."""
    notifications.mark_all_read(session, actor=actor)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/users/current/notification-preferences",
    operation_id="getNotificationPreferences",
    summary="Your notification preferences",
    description="For every kind: how its notices reach you by e-mail (immediately, in the daily "
    "digest, or off: inbox only). Mandatory kinds are always mailed at once." + OWN_TEXT,
)
def get_notification_preferences(actor: CurrentActor, session: SessionDep) -> PreferenceList:
    """The caller's delivery choice per kind."""
    return PreferenceList(items=notifications.preferences(session, user_id=notifications.own_user_id(actor)))


@router.put(
    "/users/current/notification-preferences",
    operation_id="replaceNotificationPreferences",
    summary="Change your notification preferences",
    description="Set the delivery of the kinds given; kinds left out keep theirs. An unknown kind is "
    "400 (`unknown_notification_kind` at `items[i].kind`); a mandatory kind other than immediately "
    "is 400 (`notification_mandatory` at `items[i].delivery`)." + OWN_TEXT,
)
def replace_notification_preferences(
    body: PreferenceReplace, actor: CurrentActor, session: SessionDep
) -> PreferenceList:
    """Set the caller's delivery choices."""
    items = notifications.replace_preferences(
        session, actor=actor, items=[(item.kind, item.delivery) for item in body.items]
    )
    return PreferenceList(items=items)


@router.get(
    "/mail-outbox",
    operation_id="listMailOutbox",
    summary="List outgoing mails",
    description="The organisation's mails, newest first (never their text): queued (waiting or "
    "being sent), sent, or failed after its retries (with the last error)." + ADMIN_TEXT,
    openapi_extra=ADMIN,
)
def list_mail_outbox(
    request: Request,
    actor: Admin,
    session: SessionDep,
    status_: Annotated[MailState | None, Query(alias="status")] = None,
    cursor: Cursor = None,
    limit: Limit = 50,
) -> MailPage:
    """The organisation's outbox, newest first."""
    rows, next_cursor = outbox.list_page(session, actor=actor, state=status_, cursor=cursor, limit=limit)
    next_url = next_link(request, next_cursor)
    return MailPage(items=[outbox.to_public(row) for row in rows], next=next_url)


@router.post(
    "/mail-outbox/{mailId}/retries",
    status_code=status.HTTP_202_ACCEPTED,
    operation_id="retryMail",
    summary="Send a failed mail again",
    description="Queue a failed mail again (with the same Message-ID); 409 unless it failed." + ADMIN_TEXT,
    openapi_extra=ADMIN,
)
def retry_mail(mail_id: MailId, actor: Admin, session: SessionDep) -> MailPublic:
    """Queue a failed mail again."""
    return outbox.to_public(outbox.retry(session, mail_id=mail_id, actor=actor))
