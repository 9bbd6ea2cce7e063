"""User administration and My account in a real browser: roles, deactivation, password reset,
own password change with a refused attempt, and the language preference after login."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.fixtures.factories import PASSWORD, add_member
from tests.web.helpers import at_both_widths, axe_violations, login, shoot

pytestmark = pytest.mark.slow

NEW_PASSWORD = "drie kleine katjes op een hek"
ROLES = ("employee", "manager", "case_handler", "privacy_officer", "legal", "admin", "auditor")


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


def api_user(server: Any, user_id: object) -> dict[str, Any]:
    """The user as the API reports it to the admin."""
    response = httpx.get(
        f"{server.url}/api/v1/users/{user_id}", headers=server.tenant["coordinator"].headers, timeout=10
    )
    assert response.status_code == 200, response.text
    return dict(response.json())


def save_user(page: Any, card: str, user_id: object) -> None:
    """Send one user's edit form and wait for the page to load again."""
    with page.expect_navigation():
        page.click(f"{card} form[action$='{user_id}'] button[type=submit]")


def submit_login(page: Any, base: str, email: str, password: str) -> None:
    page.goto(f"{base}/login")
    page.fill("#input-email", email)
    page.fill("#input-password", password)
    page.click("form[action='/login'] button[type=submit]")


def both_widths(page: Any, artifacts: Path, name: str) -> None:
    """Screenshots at desktop and phone width; nothing may stick out sideways at 390 px."""
    at_both_widths(page, artifacts, f"users-{name}")


def test_admin_changes_roles_deactivates_and_resets_a_password(server, page, browser, artifacts) -> None:
    anna = add_member(server.engine, server.tenant, key="anna", roles=["employee"])
    card = f"[data-testid='user-{anna.email}']"
    prefix = f"#edit-{anna.user_id}-"
    login(page, server.url, "coordinator@utrecht.example")
    page.click("nav >> text=Beheer")
    page.wait_for_url(f"{server.url}/admin/users")
    assert "Medewerker" in page.inner_text(card) and "Actief" in page.inner_text(card)
    page.click(f"{card} summary")
    both_widths(page, artifacts, "admin-list")
    assert axe_violations(page) == []

    # Every role, a language and the name go in through the form.
    for role in ROLES:
        page.check(f"{prefix}roles-{role}")
    page.fill(f"{prefix}input-name", "Anna de Vries")
    page.select_option(f"{prefix}input-locale", "da")
    save_user(page, card, anna.user_id)
    assert "Anna de Vries" in page.inner_text(card)
    state = api_user(server, anna.user_id)
    assert sorted(state["roles"]) == sorted(ROLES) and state["locale"] == "da"
    assert state["name"] == "Anna de Vries"

    # Back to employee only, and deactivated.
    page.click(f"{card} summary")
    for role in ROLES[1:]:
        page.uncheck(f"{prefix}roles-{role}")
    page.uncheck(f"{prefix}isActive-true")
    save_user(page, card, anna.user_id)
    assert "Gedeactiveerd" in page.inner_text(card)
    state = api_user(server, anna.user_id)
    assert state["roles"] == ["employee"] and state["isActive"] is False

    # The admin cannot deactivate themselves: the refusal sits next to the field, input kept.
    me = "[data-testid='user-coordinator@utrecht.example']"
    me_prefix = f"#edit-{server.tenant['coordinator'].user_id}-"
    page.click(f"{me} summary")
    page.fill(f"{me_prefix}input-name", "Coördinator zelf")
    page.uncheck(f"{me_prefix}isActive-true")
    page.click(f"{me} form[action$='{server.tenant['coordinator'].user_id}'] button[type=submit]")
    error = page.locator(f"{me_prefix}error-isActive")
    error.wait_for()
    assert "niet uw eigen account" in error.inner_text() or "eigen" in error.inner_text()
    assert (
        page.evaluate("document.activeElement.id")
        == f"edit-{server.tenant['coordinator'].user_id}-form-messages"
    )
    assert page.input_value(f"{me_prefix}input-name") == "Coördinator zelf"
    shoot(page, artifacts, "users-admin-self-deactivation")
    assert api_user(server, server.tenant["coordinator"].user_id)["isActive"] is True

    # Anna cannot log in now; the message is Dutch.
    other = browser.new_context(locale="nl-NL")
    anna_page = other.new_page()
    submit_login(anna_page, server.url, anna.email, PASSWORD)
    assert "niet juist" in anna_page.inner_text("main")

    # Reactivate, then reset her password: the temporary password is shown once.
    page.goto(f"{server.url}/admin/users")
    page.click(f"{card} summary")
    page.check(f"{prefix}isActive-true")
    save_user(page, card, anna.user_id)
    page.click(f"{card} summary")
    page.click(f"{card} form[action$='password-reset'] button[type=submit]")
    secret = page.locator("[data-testid=secret]")
    secret.wait_for()
    temporary = secret.inner_text().strip()
    assert len(temporary) >= 12 and "veilig" in page.inner_text("main")
    both_widths(page, artifacts, "admin-temporary-password")
    assert axe_violations(page) == []
    assert api_user(server, anna.user_id)["mustChangePassword"] is True

    # The temporary password works, and leads straight to the password form.
    submit_login(anna_page, server.url, anna.email, temporary)
    anna_page.wait_for_url(f"{server.url}/account/password")
    assert "nulstillet din adgangskode" in anna_page.inner_text("main")  # her preference: Danish
    anna_page.goto(f"{server.url}/incidents")
    anna_page.wait_for_url(f"{server.url}/account/password")
    both_widths(anna_page, artifacts, "account-must-change")
    anna_page.fill("#password-input-currentPassword", temporary)
    anna_page.fill("#password-input-newPassword", NEW_PASSWORD)
    anna_page.fill("#password-input-repeatPassword", NEW_PASSWORD)
    anna_page.click("form[action='/account/password'] button[type=submit]")
    anna_page.wait_for_url(f"{server.url}/")
    assert api_user(server, anna.user_id)["mustChangePassword"] is False
    # Her stored preference (Danish, set by the admin) speaks after login.
    assert anna_page.get_attribute("html", "lang") == "da"
    other.close()

    # The temporary password no longer works; the new one does.
    third = browser.new_context(locale="nl-NL")
    check = third.new_page()
    submit_login(check, server.url, anna.email, temporary)
    assert "niet juist" in check.inner_text("main")
    submit_login(check, server.url, anna.email, NEW_PASSWORD)
    check.wait_for_url(f"{server.url}/")
    third.close()


def test_own_password_and_language_preference(server, page, browser, artifacts) -> None:
    bert = add_member(server.engine, server.tenant, key="bert", roles=["employee"])
    login(page, server.url, bert.email)
    page.click("header >> text=Mijn account")
    page.wait_for_url(f"{server.url}/account")
    both_widths(page, artifacts, "account")
    assert axe_violations(page) == []

    # A wrong current password: Dutch error next to the field, focused summary, passwords emptied.
    page.fill("#password-input-currentPassword", "dit is niet het wachtwoord")
    page.fill("#password-input-newPassword", NEW_PASSWORD)
    page.fill("#password-input-repeatPassword", NEW_PASSWORD)
    page.click("form[action='/account/password'] button[type=submit]")
    error = page.locator("#password-error-currentPassword")
    error.wait_for()
    page.wait_for_function("document.activeElement.id === 'password-form-messages'")
    assert "huidige wachtwoord is niet juist" in error.inner_text()
    assert page.locator("#password-form-messages a[href='#password-error-currentPassword']").count() == 1
    assert page.input_value("#password-input-currentPassword") == ""
    assert page.input_value("#password-input-newPassword") == ""
    shoot(page, artifacts, "users-account-wrong-password")

    # Too short, and the same page again without JavaScript is Dutch and styled too.
    page.fill("#password-input-currentPassword", PASSWORD)
    page.fill("#password-input-newPassword", "kort")
    page.fill("#password-input-repeatPassword", "kort")
    page.click("form[action='/account/password'] button[type=submit]")
    page.locator("#password-error-newPassword p").wait_for()
    assert "12 tekens" in page.inner_text("#password-error-newPassword")

    # The right one changes it.
    page.fill("#password-input-currentPassword", PASSWORD)
    page.fill("#password-input-newPassword", NEW_PASSWORD)
    page.fill("#password-input-repeatPassword", NEW_PASSWORD)
    with page.expect_navigation():
        page.click("form[action='/account/password'] button[type=submit]")
    assert "gewijzigd" in page.inner_text("main")

    # Language preference Danish: it applies at once and at the next login, without the switch.
    page.select_option("#prefs-input-locale", "da")
    with page.expect_navigation():
        page.click("form[action='/account/preferences'] button[type=submit]")
    assert page.get_attribute("html", "lang") == "da"
    assert api_user(server, bert.user_id)["locale"] == "da"
    fresh = browser.new_context(locale="nl-NL")
    tab = fresh.new_page()
    login(tab, server.url, bert.email, NEW_PASSWORD)
    assert tab.get_attribute("html", "lang") == "da"
    assert "Min konto" in tab.inner_text("header")
    fresh.close()


def test_an_english_browser_that_chose_nothing_sees_dutch(server, browser) -> None:
    context = browser.new_context(locale="en-US")
    tab = context.new_page()
    tab.goto(f"{server.url}/login")
    assert tab.get_attribute("html", "lang") == "nl"
    login(tab, server.url, "employee@utrecht.example")
    assert tab.get_attribute("html", "lang") == "nl"
    # Choosing English with the switch is still possible.
    tab.click("text=English")
    tab.wait_for_load_state("networkidle")
    assert tab.get_attribute("html", "lang") == "en"
    context.close()


def test_without_javascript_a_refused_new_user_comes_back_filled_in(server, browser, artifacts) -> None:
    context = browser.new_context(locale="nl-NL", java_script_enabled=False)
    tab = context.new_page()
    login(tab, server.url, "coordinator@utrecht.example")
    tab.goto(f"{server.url}/admin/users")
    tab.fill("#user-input-email", "nieuw@utrecht.example")
    tab.fill("#user-input-name", "Nieuwe Collega")
    tab.fill("#user-input-password", " " * 12)
    tab.check("#user-roles-legal")
    tab.click("form[action='/admin/users'] button[type=submit]")
    assert "meer bevatten dan spaties" in tab.inner_text("#user-error-password")
    assert "Niet opgeslagen" in tab.inner_text("#user-form-messages")
    assert tab.input_value("#user-input-email") == "nieuw@utrecht.example"
    assert tab.input_value("#user-input-password") == ""
    assert tab.is_checked("#user-roles-legal")
    shoot(tab, artifacts, "users-admin-nojs-refused")
    # Sent again with a proper password, the user is added.
    tab.fill("#user-input-password", NEW_PASSWORD)
    tab.click("form[action='/admin/users'] button[type=submit]")
    assert "nieuw@utrecht.example" in tab.inner_text("[data-testid='user-nieuw@utrecht.example']")
    context.close()
    users = httpx.get(
        f"{server.url}/api/v1/users", headers=server.tenant["coordinator"].headers, timeout=10
    ).json()
    added = next(u for u in users if u["email"] == "nieuw@utrecht.example")
    assert added["roles"] == ["legal"] and added["name"] == "Nieuwe Collega"
