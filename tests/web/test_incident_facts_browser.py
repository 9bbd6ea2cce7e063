"""The incident's facts in a real browser: the report and edit forms, perpetrator records, refusals."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.fixtures.factories import incident_body
from tests.fixtures.postgres import unavailable
from tests.web.helpers import AXE, axe_violations, login, shoot

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = json.loads((ROOT / "openapi" / "openapi.json").read_text())["components"]["schemas"]
COORDINATOR = "coordinator@utrecht.example"
EMPLOYEE = "employee@utrecht.example"
# The edit form's controls and the contract enum each one must offer completely.
ENUM_CONTROLS = {
    "#input-platform option": "Platform",
    "input[name=behaviours]": "Behaviour",
    "#input-frequency option": "Frequency",
    "input[name=targets]": "Target",
    "#input-locationKind option": "LocationKind",
    "#input-perpetratorRelation option": "PerpetratorRelation",
    "#input-confidentiality option": "Confidentiality",
    "#input-severity option": "Severity",
    "#input-status option": "Status",
    "input[name=override]": "Classification",
}


def _api(server: Any, method: str, path: str, **kwargs: Any) -> Any:
    headers = {**server.tenant["coordinator"].headers, **kwargs.pop("headers", {})}
    response = httpx.request(method, f"{server.url}/api/v1/{path}", headers=headers, timeout=10, **kwargs)
    assert response.status_code < 300, response.text
    return response.json()


def _ago(days: float) -> str:
    return (datetime.now(UTC) - timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture(scope="module")
def coordinator(browser: Any, server: Any) -> Iterator[Any]:
    """The case handler, logged in once for the module (CSP bypassed only so axe can be injected)."""
    if not AXE.exists():
        unavailable(f"{AXE} is missing: run `npm ci`")
    context = browser.new_context(locale="nl-NL", bypass_csp=True, viewport={"width": 1280, "height": 900})
    tab = context.new_page()
    login(tab, server.url, COORDINATOR)
    yield tab
    context.close()


def _save(page: Any, url: str) -> None:
    page.click("form.weerbaar-incident-form button[type=submit]")
    page.wait_for_url(url)


def test_recurring_insults_by_a_known_citizen(server: Any, coordinator: Any, artifacts: Path) -> None:
    page = coordinator
    ids = [
        _api(server, "POST", "incidents", json=incident_body(
            title=f"Belediging via Facebook {n}", occurredAt=_ago(days), behaviours=["insult"]
        ))["id"]
        for n, days in enumerate((30, 12, 2), start=1)
    ]  # fmt: skip
    employee = next(u for u in _api(server, "GET", "users") if u["email"] == EMPLOYEE)

    # The first incident: create the perpetrator inline from the edit form.
    first = f"{server.url}/incidents/{ids[0]}"
    page.goto(f"{first}/edit")
    found = {}
    for selector, schema in ENUM_CONTROLS.items():
        offered = {v for v in page.locator(selector).evaluate_all("els => els.map(e => e.value)") if v}
        if offered != set(SCHEMAS[schema]["enum"]):
            found[schema] = offered
    assert found == {}
    page.select_option("#input-perpetratorId", "new")
    page.select_option("#input-perpetratorKnown", "yes")
    page.fill("#input-perpetratorName", "K. de Vries")
    page.fill("#input-perpetratorHandles", "@kdevries\nkdevries@mail.example")
    page.select_option("#input-perpetratorRelation", "citizen")
    _save(page, first)
    record_id = _api(server, "GET", f"incidents/{ids[0]}")["perpetratorId"]
    assert record_id
    assert "K. de Vries" in page.inner_text("#facts-heading + dl")

    # The other two: choose the existing record.
    for incident_id in ids[1:]:
        page.goto(f"{server.url}/incidents/{incident_id}/edit")
        page.select_option("#input-perpetratorId", record_id)
        _save(page, f"{server.url}/incidents/{incident_id}")

    # The last one: how often, who, and confidentiality.
    last = f"{server.url}/incidents/{ids[2]}"
    page.goto(f"{last}/edit")
    page.select_option("#input-frequency", "prolonged")
    page.check("#targets-employee")
    page.check("#targets-organisation")
    page.check(f"#affected-{employee['id']}")
    page.fill("#input-affectedOthers", "J. Bakker")
    page.select_option("#input-confidentiality", "confidential")
    page.fill("#input-detectedAt", datetime.now().strftime("%Y-%m-%dT%H:%M"))
    page.set_viewport_size({"width": 1280, "height": 900})
    shoot(page, artifacts, "facts-01-edit-form-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    shoot(page, artifacts, "facts-02-edit-form-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.set_viewport_size({"width": 1280, "height": 900})
    if violations := axe_violations(page):
        pytest.fail(f"edit form: {violations}")
    _save(page, last)
    facts = page.inner_text("#facts-heading + dl")
    for label in ("Vertrouwelijk", "J. Bakker", "K. de Vries"):
        assert label in facts, facts
    assert "prolonged" not in facts and "confidential" not in facts
    shoot(page, artifacts, "facts-03-detail")

    incident = _api(server, "GET", f"incidents/{ids[2]}")
    assert incident["frequency"] == "prolonged"
    assert sorted(incident["targets"]) == ["employee", "organisation"]
    assert incident["confidentiality"] == "confidential"
    assert incident["detectedAt"]
    people = [(e["name"], e["userId"]) for e in incident["affectedEmployees"]]
    assert people == [(employee["name"], employee["id"]), ("J. Bakker", None)]
    assert incident["perpetratorId"] == record_id
    for incident_id in ids:
        signals = _api(server, "GET", f"incidents/{incident_id}")["signals"]
        # The third is also prolonged: that raises the stalking signal of its own.
        expected = (
            ["repeat_perpetrator", "prolonged_frequency"] if incident_id == ids[2] else ["repeat_perpetrator"]
        )
        assert [s["code"] for s in signals] == expected, incident_id

    # The perpetrator's pages: list, detail with the three incidents linked, edit form.
    page.goto(f"{server.url}/perpetrators")
    assert "K. de Vries" in page.inner_text("main")
    if violations := axe_violations(page):
        pytest.fail(f"perpetrator list: {violations}")
    page.click("text=K. de Vries")
    page.wait_for_url(f"{server.url}/perpetrators/{record_id}")
    for incident_id in ids:
        assert page.locator(f"a[href='/incidents/{incident_id}']").count() == 1
    shoot(page, artifacts, "facts-04-perpetrator-detail")
    if violations := axe_violations(page):
        pytest.fail(f"perpetrator detail: {violations}")
    page.goto(f"{server.url}/perpetrators/{record_id}/edit")
    if violations := axe_violations(page):
        pytest.fail(f"perpetrator form: {violations}")
    # Every relation can be set on the record.
    for relation in SCHEMAS["PerpetratorRelation"]["enum"]:
        page.goto(f"{server.url}/perpetrators/{record_id}/edit")
        page.select_option("#input-relation", relation)
        page.click("main form button[type=submit]")
        page.wait_for_url(f"{server.url}/perpetrators/{record_id}")
        assert _api(server, "GET", f"perpetrators/{record_id}")["relation"] == relation
    assert _api(server, "GET", f"perpetrators/{record_id}")["incidentCount"] == 3


def test_every_frequency_confidentiality_severity_and_place_is_saved(server: Any, coordinator: Any) -> None:
    page = coordinator
    incident_id = _api(server, "POST", "incidents", json=incident_body(occurredAt=_ago(1)))["id"]
    url = f"{server.url}/incidents/{incident_id}"
    enums = {name: SCHEMAS[schema]["enum"] for name, schema in (
        ("frequency", "Frequency"), ("confidentiality", "Confidentiality"),
        ("severity", "Severity"), ("locationKind", "LocationKind"),
    )}  # fmt: skip
    for round_ in range(max(len(values) for values in enums.values())):
        chosen = {name: values[round_ % len(values)] for name, values in enums.items()}
        page.goto(f"{url}/edit")
        for name, value in chosen.items():
            page.select_option(f"#input-{name}", value)
        if round_ == 0:
            page.check("#input-politicalOfficeHolder")
        _save(page, url)
        incident = _api(server, "GET", f"incidents/{incident_id}")
        assert {name: incident[name] for name in chosen} == chosen
    assert incident["politicalOfficeHolder"] is True
    assert incident["protocolNotApplicable"] is True


def test_low_level_swearing_closed_without_follow_up(
    server: Any, browser: Any, coordinator: Any, artifacts: Path
) -> None:
    phone = browser.new_context(locale="nl-NL", viewport={"width": 390, "height": 844})
    page = phone.new_page()
    login(page, server.url, EMPLOYEE)
    page.goto(f"{server.url}/incidents/new")
    page.fill("#input-title", "Gescheld in reactie op Instagram")
    page.select_option("#input-platform", "instagram")
    page.check("#behaviours-swearing")
    shoot(page, artifacts, "facts-05-report-form-390")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.click("summary.weerbaar-more__summary")
    page.select_option("#input-frequency", "once")
    page.select_option("#input-perpetratorKnown", "no")
    shoot(page, artifacts, "facts-06-report-form-more-390")
    page.click("text=Melding versturen")
    page.wait_for_url(re.compile(r".*/incidents/[0-9a-f-]{36}$"))
    incident_id = page.url.rsplit("/", 1)[1]
    phone.close()

    reported = _api(server, "GET", f"incidents/{incident_id}")
    assert reported["behaviours"] == ["swearing"] and reported["frequency"] == "once"
    assert reported["perpetrator"]["known"] is False

    handler = coordinator
    handler.goto(f"{server.url}/incidents/new")
    shoot(handler, artifacts, "facts-07-report-form-1280")
    url = f"{server.url}/incidents/{incident_id}"
    handler.goto(f"{url}/edit")
    handler.select_option("#input-status", "closed")
    handler.fill(
        "#input-closureReason", "Eenmalig gescheld; besproken met de medewerker, geen vervolg nodig."
    )
    _save(handler, url)
    closed = _api(server, "GET", f"incidents/{incident_id}")
    assert closed["status"] == "closed"
    assert closed["closureReason"].startswith("Eenmalig gescheld")


def test_detection_before_occurrence_is_refused_next_to_the_field(server: Any, coordinator: Any) -> None:
    page = coordinator
    incident_id = _api(server, "POST", "incidents", json=incident_body(occurredAt=_ago(2)))["id"]
    page.goto(f"{server.url}/incidents/{incident_id}/edit")
    page.fill("#input-title", "Dreigement, titel aangepast")
    page.fill("#input-detectedAt", (datetime.now() - timedelta(days=5)).strftime("%Y-%m-%dT%H:%M"))
    page.click("form.weerbaar-incident-form button[type=submit]")
    error = page.locator("#error-detectedAt p")
    error.wait_for()
    assert "vóór" in error.inner_text() and "before" not in error.inner_text()
    page.wait_for_function("document.activeElement && document.activeElement.id === 'form-messages'")
    assert page.locator("#form-messages a[href='#error-detectedAt']").count() == 1
    assert page.input_value("#input-title") == "Dreigement, titel aangepast"
    assert page.url.endswith("/edit")
    assert _api(server, "GET", f"incidents/{incident_id}")["detectedAt"] is None


def test_the_reporter_corrects_their_report_without_handling_fields(server: Any, browser: Any) -> None:
    employee = server.tenant["employee"]
    me = httpx.get(f"{server.url}/api/v1/users/current", headers=employee.headers, timeout=10).json()
    body = incident_body(occurredAt=_ago(1), affectedEmployees=[{"name": me["name"], "userId": me["id"]}])
    created = httpx.post(f"{server.url}/api/v1/incidents", json=body, headers=employee.headers, timeout=10)
    assert created.status_code == 201, created.text
    incident_id = created.json()["id"]
    context = browser.new_context(locale="nl-NL", viewport={"width": 390, "height": 844})
    page = context.new_page()
    login(page, server.url, EMPLOYEE)
    url = f"{server.url}/incidents/{incident_id}"
    page.goto(f"{url}/edit")
    for handler_only in (
        "#input-confidentiality",
        "#input-status",
        "#input-perpetratorId",
        "#input-politicalOfficeHolder",
    ):
        assert page.locator(handler_only).count() == 0, handler_only
    page.select_option("#input-frequency", "several_times")
    page.select_option("#input-perpetratorKnown", "no")
    page.fill("#input-perpetratorHandles", "@anoniem_123")
    page.select_option("#input-perpetratorRelation", "unknown")
    page.fill("#input-affectedOthers", "P. de Groot")
    _save(page, url)
    context.close()
    incident = _api(server, "GET", f"incidents/{incident_id}")
    assert incident["frequency"] == "several_times"
    assert incident["perpetrator"] == {
        "known": False,
        "name": None,
        "accountHandles": ["@anoniem_123"],
        "relation": "unknown",
    }
    assert [(e["name"], e["userId"]) for e in incident["affectedEmployees"]] == [
        (me["name"], me["id"]),
        ("P. de Groot", None),
    ]


def test_without_javascript_a_refused_edit_comes_back_filled_in(server: Any, browser: Any) -> None:
    incident_id = _api(server, "POST", "incidents", json=incident_body(occurredAt=_ago(2)))["id"]
    context = browser.new_context(locale="nl-NL", java_script_enabled=False)
    page = context.new_page()
    login(page, server.url, COORDINATOR)
    page.goto(f"{server.url}/incidents/{incident_id}/edit")
    page.fill("#input-title", "Zonder JavaScript aangepast")
    page.fill("#input-detectedAt", (datetime.now() - timedelta(days=5)).strftime("%Y-%m-%dT%H:%M"))
    page.select_option("#input-perpetratorId", "new")  # without a name or account: refused as well
    page.click("form.weerbaar-incident-form button[type=submit]")
    page.locator("#error-perpetratorId p").wait_for()
    assert page.input_value("#input-title") == "Zonder JavaScript aangepast"
    page.fill("#input-perpetratorName", "M. Jansen")
    page.click("form.weerbaar-incident-form button[type=submit]")
    page.locator("#error-detectedAt p").wait_for()
    assert page.input_value("#input-title") == "Zonder JavaScript aangepast"
    assert "before" not in page.inner_text("#form-messages")
    page.fill("#input-detectedAt", "")
    page.click("form.weerbaar-incident-form button[type=submit]")
    page.wait_for_url(f"{server.url}/incidents/{incident_id}")
    context.close()
    incident = _api(server, "GET", f"incidents/{incident_id}")
    assert incident["title"] == "Zonder JavaScript aangepast"
    records = _api(server, "GET", "perpetrators?q=M.%20Jansen")["items"]
    assert [r["id"] for r in records] == [incident["perpetratorId"]]  # sent three times, recorded once


def test_a_perpetrator_without_name_or_account_is_refused_in_dutch(server: Any, coordinator: Any) -> None:
    page = coordinator
    before = len(_api(server, "GET", "perpetrators?limit=100")["items"])
    page.goto(f"{server.url}/perpetrators/new")
    page.select_option("#input-relation", "former_employee")
    page.fill("#input-notes", "Belt regelmatig de balie")
    page.click("main form button[type=submit]")
    error = page.locator("#error-name p")
    error.wait_for()
    assert "account" in error.inner_text() and "give a name" not in error.inner_text()
    page.wait_for_function("document.activeElement && document.activeElement.id === 'form-messages'")
    assert page.input_value("#input-notes") == "Belt regelmatig de balie"
    if violations := axe_violations(page):
        pytest.fail(f"perpetrator form with errors: {violations}")
    page.fill("#input-accountHandles", "@balie_beller")
    page.click("main form button[type=submit]")
    page.wait_for_url(re.compile(r".*/perpetrators/[0-9a-f-]{36}$"))
    items = _api(server, "GET", "perpetrators?limit=100")["items"]
    assert len(items) == before + 1
    assert (items[0]["accountHandles"], items[0]["relation"]) == (["@balie_beller"], "former_employee")


def test_an_error_in_the_folded_details_of_the_report_is_reachable(server: Any, coordinator: Any) -> None:
    page = coordinator
    page.goto(f"{server.url}/incidents/new")
    page.fill("#input-title", "Melding met te vroege ontdekking")
    page.fill("#input-occurredAt", (datetime.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"))
    page.select_option("#input-platform", "x")
    page.check("#behaviours-intimidation")
    page.click("summary.weerbaar-more__summary")
    page.fill("#input-detectedAt", (datetime.now() - timedelta(days=3)).strftime("%Y-%m-%dT%H:%M"))
    page.click("summary.weerbaar-more__summary")  # folded again before sending
    page.click("form.weerbaar-incident-form button[type=submit]")
    link = page.locator("#form-messages a[href='#error-detectedAt']")
    link.wait_for()
    link.click()
    page.locator("#error-detectedAt p").wait_for(state="visible")
    assert page.locator("details.weerbaar-more").get_attribute("open") is not None


def test_the_labels_of_the_facts_match_the_contract() -> None:
    from web.vocabulary import CONFIDENTIALITIES, FREQUENCIES, RELATIONS, TARGETS

    for schema, labels in (
        ("Frequency", FREQUENCIES),
        ("Target", TARGETS),
        ("Confidentiality", CONFIDENTIALITIES),
        ("PerpetratorRelation", RELATIONS),
    ):
        assert set(SCHEMAS[schema]["enum"]) == set(labels), schema


def test_the_edit_form_and_facts_in_danish(server: Any, coordinator: Any, artifacts: Path) -> None:
    page = coordinator
    incident_id = _api(server, "POST", "incidents", json=incident_body(
        occurredAt=_ago(3), frequency="several_times", confidentiality="strictly_confidential",
        perpetrator={"known": True, "name": "A. Hansen", "relation": "relative_of_client"},
    ))["id"]  # fmt: skip
    url = f"{server.url}/incidents/{incident_id}"
    page.goto(f"{server.url}/language/da?next=/incidents/{incident_id}")
    try:
        facts = page.inner_text("#facts-heading + dl")
        for label in ("Flere gange", "Strengt fortroligt", "Pårørende til en borger med sag"):
            assert label in facts, facts
        page.goto(f"{url}/edit")
        page.set_viewport_size({"width": 390, "height": 844})
        shoot(page, artifacts, "facts-08-edit-form-da-390")
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        text = page.inner_text("form.weerbaar-incident-form")
        for english in ("How often", "Perpetrator record", "Who was targeted", "Confidentiality", "Handling"):
            assert english not in text, english
    finally:
        page.set_viewport_size({"width": 1280, "height": 900})
        page.goto(f"{server.url}/language/nl?next=/")
