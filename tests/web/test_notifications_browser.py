"""Notifications in a real browser: the unread count in the header, the inbox (follow, mark, mark
all, more), the manager and the affected colleague told of a report, the preferences with a refused
mandatory kind, the manager chosen by an admin, and failed mail sent again; in Dutch, Danish and
English, screenshots at 1280 and 390 px."""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import Any

import httpx
import pytest

from app.db import session_scope
from app.notification import service as notifications
from app.notification.models import MailOutbox, MailStatus, NotificationKind, SubjectType
from tests.fixtures.factories import Member, add_member, incident_body
from tests.web.helpers import at_both_widths, axe_violations, login, shoot

pytestmark = pytest.mark.slow


@pytest.fixture
def page(browser):
    """A fresh Dutch context; CSP bypassed only so that axe-core can be injected."""
    context = browser.new_context(locale="nl-NL", bypass_csp=True, viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    tab.errors = []
    tab.on("pageerror", lambda exc: tab.errors.append(str(exc)))
    yield tab
    assert tab.errors == []
    context.close()


def call(server: Any, member: Member, method: str, path: str, **kwargs: Any) -> httpx.Response:
    """The API as one test user."""
    headers = {**member.headers, **kwargs.pop("headers", {})}
    return httpx.request(method, f"{server.url}/api/v1/{path}", headers=headers, timeout=10, **kwargs)


def report(server: Any, member: Member, **overrides: Any) -> dict[str, Any]:
    """An incident registered by the member through the API."""
    response = call(server, member, "POST", "incidents", json=incident_body(**overrides))
    assert response.status_code == 201, response.text
    return dict(response.json())


def assign(server: Any, incident_id: str, handler: Member) -> None:
    """The coordinator assigns the incident (If-Match, as every update)."""
    coordinator = server.tenant["coordinator"]
    current = call(server, coordinator, "GET", f"incidents/{incident_id}")
    response = call(
        server,
        coordinator,
        "PATCH",
        f"incidents/{incident_id}",
        json={"caseHandlerId": str(handler.user_id)},
        headers={"If-Match": current.headers["ETag"], "Content-Type": "application/merge-patch+json"},
    )
    assert response.status_code == 200, response.text


def inbox(server: Any, member: Member, *, unread: bool = False) -> dict[str, Any]:
    """The member's notices as the API lists them (the first 100)."""
    params = {"limit": "100", **({"unread": "true"} if unread else {})}
    response = call(server, member, "GET", "notifications", params=params)
    assert response.status_code == 200, response.text
    return dict(response.json())


def header_name(count: int, word: str = "Meldingen", unread: str = "ongelezen") -> str:
    """The accessible name of the header's inbox link."""
    return f"{word} ({count} {unread})" if count else word


def csrf(page: Any) -> str:
    return str(page.get_attribute("input[name=csrf_token]", "value"))


def test_a_case_handler_follows_a_notice_marks_one_and_then_all_read(server, page, artifacts: Path) -> None:
    handler = add_member(server.engine, server.tenant, key="behandelaar", roles=["case_handler"])
    coordinator = server.tenant["coordinator"]
    # More than one page: older notices, made through the domain's own entry point.
    older = report(server, coordinator, title="Eerder incident")
    with session_scope(server.engine) as session:
        for _ in range(26):
            notifications.notify(
                session,
                organisation_id=server.tenant.organisation_id,
                user_ids=[handler.user_id],
                kind=NotificationKind.incident_new_in_queue,
                subject_type=SubjectType.incident,
                subject_id=uuid.UUID(older["id"]),
                incident_id=uuid.UUID(older["id"]),
            )
    first = report(server, coordinator, title="Bedreiging onder bericht")
    second = report(server, coordinator, title="Scheldpartij in reacties")
    assign(server, first["id"], handler)
    assign(server, second["id"], handler)
    count = inbox(server, handler, unread=True)["unreadCount"]
    assert count >= 28
    assigned = [n for n in inbox(server, handler)["items"] if n["kind"] == "incident_assigned"]
    assert {n["incidentId"] for n in assigned} == {first["id"], second["id"]}

    login(page, server.url, handler.email)
    badge = page.get_by_role("link", name=header_name(count))
    assert badge.inner_text().startswith(f"Meldingen ({count}")
    badge.click()
    page.wait_for_url(f"{server.url}/notifications")
    assert f"U hebt {count} ongelezen meldingen." in page.inner_text("[data-testid=unread-summary]")
    notice = page.locator(f"[data-kind=incident_assigned]:has-text('{first['reference']}')")
    assert "Er is een incident aan u toegewezen." in notice.inner_text()
    assert "Ongelezen" in notice.inner_text()
    assert page.locator("[data-testid=notice]").count() == 25
    at_both_widths(page, artifacts, "notifications-inbox")
    assert axe_violations(page) == []

    # More: the next notices join the list (htmx), without leaving the page.
    page.click("#notice-pager a[rel=next]")
    page.wait_for_function("document.querySelectorAll('[data-testid=notice]').length > 25")
    assert page.url == f"{server.url}/notifications"

    # Following the notice marks it read and leads to the incident; the count drops.
    notice.locator("a[href$='/open']").click()
    page.wait_for_url(f"{server.url}/incidents/{first['id']}")
    page.get_by_role("link", name=header_name(count - 1)).wait_for()
    opened = next(n for n in inbox(server, handler)["items"] if n["id"] == assigned_id(assigned, first))
    assert opened["readAt"] is not None

    # Mark one read with the button (htmx): the notice and the header change in place.
    page.goto(f"{server.url}/notifications?show=unread")
    assert page.locator(f"#notice-{assigned_id(assigned, first)}").count() == 0
    other = page.locator(f"#notice-{assigned_id(assigned, second)}")
    other.get_by_role("button", name="Markeren als gelezen").click()
    page.wait_for_selector(f"#notice-{assigned_id(assigned, second)}:not(.weerbaar-notice--unread)")
    page.get_by_role("link", name=header_name(count - 2)).wait_for()
    other.get_by_role("button", name="Markeren als ongelezen").click()
    page.get_by_role("link", name=header_name(count - 1)).wait_for()

    # Without JavaScript the same form is a plain post with the CSRF token, then back to the inbox.
    plain = page.request.post(
        f"{server.url}/notifications/{assigned_id(assigned, second)}/read",
        form={"csrf_token": csrf(page), "read": "true", "show": "unread"},
        max_redirects=0,
    )
    assert plain.status == 303 and plain.headers["location"].startswith("/notifications?show=unread")
    assert inbox(server, handler, unread=True)["unreadCount"] == count - 2

    # Mark all read: the count leaves the header; the unread filter is empty.
    page.goto(f"{server.url}/notifications")
    with page.expect_navigation():
        page.get_by_role("button", name="Alles markeren als gelezen").click()
    assert "Alle meldingen zijn gemarkeerd als gelezen." in page.inner_text("main")
    assert "U hebt alle meldingen gelezen." in page.inner_text("[data-testid=unread-summary]")
    assert page.locator("#inbox-link").inner_text() == "Meldingen"
    assert inbox(server, handler, unread=True)["unreadCount"] == 0
    page.click("text=Alleen ongelezen")
    assert page.inner_text("[data-testid=empty]") == "U hebt geen ongelezen meldingen."
    shoot(page, artifacts, "notifications-inbox-empty")


def assigned_id(assigned: list[dict[str, Any]], incident: dict[str, Any]) -> str:
    return str(next(n["id"] for n in assigned if n["incidentId"] == incident["id"]))


def test_the_manager_and_the_affected_colleague_hear_of_a_report(server, page, browser, artifacts) -> None:
    reporter = add_member(server.engine, server.tenant, key="melder", roles=["employee"])
    manager = add_member(server.engine, server.tenant, key="chef", roles=["manager"])
    colleague = add_member(server.engine, server.tenant, key="collega", roles=["employee"])

    # The admin chooses the reporter's manager on the users page (Dutch).
    login(page, server.url, "coordinator@utrecht.example")
    page.goto(f"{server.url}/admin/users")
    card = f"[data-testid='user-{reporter.email}']"
    prefix = f"#edit-{reporter.user_id}-"
    page.click(f"{card} summary")
    options = page.locator(f"{prefix}input-managerId option").all_inner_texts()
    assert options[0] == "Geen leidinggevende" and "Chef" in options and "Collega" not in options
    page.select_option(f"{prefix}input-managerId", str(manager.user_id))
    at_both_widths(page, artifacts, "notifications-admin-manager")
    with page.expect_navigation():
        page.click(f"{card} form[action$='{reporter.user_id}'] button[type=submit]")
    saved = call(server, server.tenant["coordinator"], "GET", f"users/{reporter.user_id}").json()
    assert saved["managerId"] == str(manager.user_id)
    page.click(f"{card} summary")
    assert page.input_value(f"{prefix}input-managerId") == str(manager.user_id)

    incident = report(
        server,
        reporter,
        title="Filmpje van collega gedeeld",
        affectedEmployees=[{"name": "Collega", "userId": str(colleague.user_id)}],
    )

    # The manager, in Danish.
    danish = browser.new_context(locale="da-DK", viewport={"width": 1280, "height": 900})
    tab = danish.new_page()
    login(tab, server.url, manager.email)
    told = inbox(server, manager, unread=True)["unreadCount"]
    assert told >= 1
    word = "ulæst" if told == 1 else "ulæste"
    tab.get_by_role("link", name=header_name(told, "Notifikationer", word)).click()
    notice = tab.locator("[data-kind=report_registered_manager]")
    text = notice.inner_text()
    assert "Der er indberettet en hændelse, som involverer en af dine medarbejdere." in text
    assert incident["reference"] in text and "Filmpje" not in text
    at_both_widths(tab, artifacts, "notifications-manager-da")
    danish.close()

    # The colleague, in English: a plain notice with care, and the link to the incident.
    english = browser.new_context(locale="en-GB", viewport={"width": 1280, "height": 900})
    tab = english.new_page()
    login(tab, server.url, colleague.email)
    tab.goto(f"{server.url}/language/en?next=/notifications")
    notice = tab.locator("[data-kind=report_registered_affected]")
    assert "An incident in which you are named has been reported." in notice.inner_text()
    assert "Contact your manager or the confidential adviser." in notice.inner_text()
    at_both_widths(tab, artifacts, "notifications-affected-en")
    notice.locator("a[href$='/open']").click()
    tab.wait_for_url(f"{server.url}/incidents/{incident['id']}")
    left = inbox(server, colleague, unread=True)["unreadCount"]
    tab.get_by_role("link", name=header_name(left, "Notifications", "unread")).wait_for()
    english.close()


def test_preferences_are_saved_and_a_mandatory_kind_stays_on(server, page, artifacts: Path) -> None:
    member = add_member(server.engine, server.tenant, key="voorkeur", roles=["case_handler"])
    login(page, server.url, member.email)
    page.goto(f"{server.url}/language/en?next=/account")
    page.click("main >> text=Notification settings")
    page.wait_for_url(f"{server.url}/account/notifications")
    fixed = page.locator("[data-testid=pref-incident_assigned]")
    assert "Always immediately" in fixed.inner_text() and fixed.locator("input[type=radio]").count() == 0
    page.check("#pref-action_due-daily_digest")
    page.check("#pref-incident_new_in_queue-off")
    with page.expect_navigation():
        page.click("form[action='/account/notifications'] button[type=submit]")
    assert "Your notification settings are saved." in page.inner_text("main")
    chosen = {
        p["kind"]: p
        for p in call(server, member, "GET", "users/current/notification-preferences").json()["items"]
    }
    assert chosen["action_due"]["delivery"] == "daily_digest"
    assert chosen["incident_new_in_queue"]["delivery"] == "off"
    assert chosen["incident_assigned"] == {
        "kind": "incident_assigned",
        "delivery": "immediately",
        "mandatory": True,
    }
    assert page.is_checked("#pref-action_due-daily_digest")
    at_both_widths(page, artifacts, "notifications-preferences")
    assert axe_violations(page) == []

    # A page that still offers a mandatory kind as optional (here: changed in the page) is refused
    # by the API: the message sits next to the kind and in the summary; the other choices stay.
    page.check("#pref-repeat_perpetrator-off")
    page.evaluate("document.querySelector(\"input[name='delivery-incident_assigned']\").value = 'off'")
    page.click("form[action='/account/notifications'] button[type=submit]")
    error = page.locator("#pref-error-incident_assigned")
    error.wait_for()
    message = "This kind of notice is always sent at once; it cannot be turned off."
    assert error.inner_text() == message
    assert message in page.inner_text("#pref-form-messages")
    assert page.is_checked("#pref-repeat_perpetrator-off")
    shoot(page, artifacts, "notifications-preferences-refused")
    assert axe_violations(page) == []
    after = call(server, member, "GET", "users/current/notification-preferences").json()["items"]
    assert {p["kind"]: p["delivery"] for p in after}["repeat_perpetrator"] == "immediately"

    # Without JavaScript: the page again, with the error and what was chosen.
    form = {
        "csrf_token": csrf(page),
        "delivery-incident_assigned": "off",
        "delivery-repeat_perpetrator": "off",
    }
    plain = page.request.post(f"{server.url}/account/notifications", form=form, max_redirects=0)
    assert plain.status == 400
    body = plain.text()
    assert message in body
    assert re.search(r'id="pref-repeat_perpetrator-off"[^>]*checked', body)
    unknown = page.request.post(
        f"{server.url}/account/notifications",
        form={"csrf_token": csrf(page), "delivery-no_such_kind": "off"},
        max_redirects=0,
    )
    assert unknown.status == 400 and "This kind of notice does not exist." in unknown.text()


def test_an_admin_sees_failed_mail_and_sends_it_again(server, page, artifacts: Path) -> None:
    coordinator = server.tenant["coordinator"]
    # A mail that failed after its retries (the sending itself is tested in tests/notification/).
    with session_scope(server.engine) as session:
        mail = MailOutbox(
            organisation_id=server.tenant.organisation_id,
            recipient_user_id=coordinator.user_id,
            recipient_email=coordinator.email,
            kind="incident_assigned",
            locale="nl",
            subject="Weerbaar: incident aan u toegewezen",
            body="-",
            message_id=f"<{uuid.uuid4()}@utrecht.example>",
            status=MailStatus.failed.value,
            attempts=5,
            last_error="550 5.1.1 mailbox unavailable",
        )
        session.add(mail)
        session.flush()
        mail_id = str(mail.id)
    login(page, server.url, coordinator.email)
    page.goto(f"{server.url}/admin/users")
    page.click(".weerbaar-admin-nav >> text=E-mail")
    page.wait_for_url(f"{server.url}/admin/mail")
    item = page.locator(f"#mail-{mail_id}")
    assert "Incident toegewezen" in item.inner_text()
    assert "550 5.1.1" in item.inner_text()
    at_both_widths(page, artifacts, "notifications-mail")
    assert axe_violations(page) == []
    with page.expect_navigation():
        item.get_by_role("button", name=re.compile("Opnieuw versturen")).click()
    assert "De e-mail staat klaar om opnieuw te worden verstuurd." in page.inner_text("main")
    assert page.locator(f"#mail-{mail_id}").count() == 0
    queued = call(server, coordinator, "GET", "mail-outbox", params={"status": "queued"}).json()["items"]
    assert mail_id in {m["id"] for m in queued}


@pytest.mark.parametrize("code", ["nl", "da", "en"])
def test_every_kind_reads_as_a_sentence_in_the_users_language(code: str) -> None:
    from datetime import UTC, datetime

    from web.i18n import language
    from web.notifications import NOTIFICATION_KINDS, SENTENCES, Notification, sentence

    assert set(SENTENCES) == set(NOTIFICATION_KINDS) == {k.value for k in NotificationKind}
    lang = language(code, "Europe/Copenhagen")
    english = language("en")
    full = {
        "dueAt": "2026-03-07T22:30:00Z",
        "actionKind": "police_report",
        "recipientKind": "platform",
        "count": "3",
    }
    for kind in NOTIFICATION_KINDS:
        for params in (full, {}):
            notice = Notification(id="n", kind=kind, created_at=datetime.now(UTC), params=params)
            text = sentence(lang, notice)
            assert text and "%(" not in text and "_" not in text, (kind, text)
            if code != "en":
                assert text != sentence(english, notice), (kind, text)
    due = Notification(id="n", kind="action_due", created_at=datetime.now(UTC), params=full)
    assert (
        sentence(lang, due)
        == {
            "nl": "Afhandelstap verloopt op 7 mrt 2026 23:30: Aangifte.",
            "da": "Sagsskridt har frist 7. mar. 2026 23.30: Politianmeldelse.",
            "en": "Action due on Mar 7, 2026 11:30\u202fPM: Police report.",
        }[code]
    )


def test_each_subject_links_to_its_page() -> None:
    from datetime import UTC, datetime

    from web.notifications import Notification, target

    def link(kind: str, incident: str | None = "i1") -> str:
        return target(
            Notification(
                id="n",
                kind="action_due",
                created_at=datetime.now(UTC),
                subject={"type": kind, "id": "s1"},
                incident_id=incident,
            )
        )

    assert link("incident") == "/incidents/s1"
    assert link("action") == "/incidents/i1#action-s1"
    assert link("takedownRequest") == "/incidents/i1#takedown-s1"
    assert link("evidence") == "/evidence/s1"
    assert link("recordingPermission") == "/recording-permissions/s1"
    assert link("perpetrator") == "/perpetrators/s1"
    assert link("webhookSubscription", None) == "/admin/webhooks/s1/deliveries"
    assert link("somethingNew", None) == "/notifications"
