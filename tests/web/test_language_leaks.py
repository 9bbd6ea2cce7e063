"""No English and no raw codes on Dutch and Danish screens; times in the organisation's zone."""

from __future__ import annotations

import ast
import html
import re
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from tests.fixtures.factories import add_member, make_tenant
from tests.web.helpers import log_in
from web.forms import FIELD_MESSAGES
from web.vocabulary import AUDIT_ACTIONS, AUDIT_OBJECT_TYPES, AUDIT_RESULTS

ROOT = Path(__file__).resolve().parents[2]
# Words that only an English sentence of the API would bring onto a Dutch or Danish screen.
SENTINELS = re.compile(
    r"\b(must|required|allowed from|not found|systematic|should|invalid|no such|only together)\b", re.I
)
SNAKE = re.compile(r"\b[a-z]+(?:_[a-z]+)+\b")


def visible_text(page: str) -> str:
    """The text a person sees: no scripts, styles or attributes."""
    page = re.sub(r"<(script|style|template)\b.*?</\1>", " ", page, flags=re.S | re.I)
    page = re.sub(r"<[^>]+>", " ", page)
    return html.unescape(page)


def leaks(page: str) -> list[str]:
    text = visible_text(page)
    return [m.group(0) for m in SENTINELS.finditer(text)] + [m.group(0) for m in SNAKE.finditer(text)]


def field_error_codes() -> dict[str, str]:
    """Every literal FieldError code in app/, with where it is."""
    found: dict[str, str] = {}
    for path in (ROOT / "app").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", getattr(node.func, "attr", None))
            if name != "FieldError":
                continue
            code = node.args[2] if len(node.args) >= 3 else None
            code = next((k.value for k in node.keywords if k.arg == "code"), code)
            values = [code.body, code.orelse] if isinstance(code, ast.IfExp) else [code]
            for value in values:
                if isinstance(value, ast.Constant) and isinstance(value.value, str):
                    found[value.value] = f"{path.relative_to(ROOT)}:{node.lineno}"
    return found


def test_every_field_error_code_in_the_api_has_a_message() -> None:
    codes = field_error_codes()
    assert len(codes) > 20
    missing = {c: where for c, where in codes.items() if c.replace("-", "_") not in FIELD_MESSAGES}
    assert not missing


def audit_actions_in_app() -> set[str]:
    """The audit action names the API records (literals, and the enum-built ones expanded)."""
    from app.evidence.models import CustodyKind
    from app.export.service import Register
    from app.takedown.models import TakedownStatus

    names: set[str] = set()
    pattern = re.compile(r"\"([a-z_]+\.[a-z_]+)\"")
    for path in [*(ROOT / "app").rglob("*.py"), *(ROOT / "api").rglob("*.py")]:
        source = path.read_text()
        if "audit.record(" not in source and "action = " not in source:
            continue
        for call in re.finditer(r"(?:action=|action = )([^\n]*(?:\n\s+(?:if|else)[^\n]*)*)", source):
            names.update(pattern.findall(call.group(1)))
    names |= {f"evidence.{k.value}" for k in CustodyKind}
    names |= {f"export.{r.value.lower()}" for r in Register}
    names |= {f"takedown.{s.value}" for s in TakedownStatus}
    return names


def test_the_audit_vocabulary_covers_what_the_api_records() -> None:
    recorded = audit_actions_in_app()
    assert {"incident.create", "session.create", "perpetrator.systematic_signal"} <= recorded
    assert not recorded - set(AUDIT_ACTIONS), sorted(recorded - set(AUDIT_ACTIONS))
    assert {"incident", "evidence", "user", "takedown_request"} <= set(AUDIT_OBJECT_TYPES)
    assert {"success", "failure", "throttled"} <= set(AUDIT_RESULTS)


@pytest.mark.parametrize(("country", "locale"), [("NL", "nl"), ("DK", "da")])
def test_dutch_and_danish_screens_show_no_english_or_codes(
    web_app: FastAPI, country: str, locale: str
) -> None:
    slug = f"taal-{locale}"
    tenant = make_tenant(web_app.state.engine, slug=slug, country=country, roles=())
    member = add_member(
        web_app.state.engine, tenant, key="coordinator", roles=["case_handler", "admin", "auditor"]
    )
    client = TestClient(web_app, raise_server_exceptions=False, follow_redirects=False)
    client.headers["Accept-Language"] = locale
    token = log_in(client, member.email)
    api = {"headers": member.headers}
    perpetrator = client.post("/api/v1/perpetrators", json={"name": "X. Dader"}, **api).json()
    incident_ids = []
    for day in (3, 5, 7):
        created = client.post(
            "/api/v1/incidents",
            json={
                "title": "Bedreiging via bericht",
                "platform": "facebook",
                "behaviours": ["death_threat", "doxxing"],
                "occurredAt": f"2026-03-0{day}T22:30:00Z",
                "perpetratorId": perpetrator["id"],
            },
            **api,
        )
        assert created.status_code == 201, created.text
        incident_ids.append(created.json()["id"])
    last = client.get(f"/api/v1/incidents/{incident_ids[-1]}", **api).json()
    assert last["signals"][0]["code"] == "repeat_perpetrator"

    pages = {
        path: client.get(path)
        for path in (
            "/",
            "/incidents",
            f"/incidents/{incident_ids[-1]}",
            "/audit",
            "/notifications",
            "/account/notifications",
            "/admin/mail",
            "/preparedness",
            "/preparedness/aside?place=report",
            "/exports",
        )
    }
    htmx = {"HX-Request": "true", "X-CSRF-Token": token}
    refused = {
        "report empty": client.post("/incidents", data={"csrf_token": token}),
        "report empty (htmx)": client.post("/incidents", data={}, headers=htmx),
        "report future": client.post(
            "/incidents",
            data={
                "csrf_token": token,
                "title": "x",
                "occurredAt": "2099-01-01T10:00",
                "behaviours": "insult",
            },
        ),
        "user bad": client.post("/admin/users", data={"email": "nope", "password": "x"}, headers=htmx),
        "action empty": client.post(f"/incidents/{incident_ids[0]}/actions", data={}, headers=htmx),
        "preference mandatory": client.post(
            "/account/notifications",
            data={"csrf_token": token, "delivery-incident_assigned": "off", "delivery-no_such_kind": "off"},
        ),
    }
    for name, response in {**pages, **refused}.items():
        assert response.status_code < 500, name
        assert not leaks(response.text), (name, leaks(response.text))
    for name, response in refused.items():
        assert response.status_code >= 400, name

    told = {"nl": "Dezelfde dader komt voor in 3 incidenten", "da": "Den samme gerningsperson optræder i 3"}
    assert told[locale] in visible_text(pages["/notifications"].text)
    detail = visible_text(pages[f"/incidents/{incident_ids[-1]}"].text)
    expected = {"nl": "Herhaalde dader", "da": "Gentagen gerningsperson"}[locale]
    assert expected in detail
    # 22:30 UTC on 7 March is 23:30 in Amsterdam and in Copenhagen (both UTC+1 in winter);
    # the session keeps the organisation's zone.
    assert {"nl": "23:30", "da": "23.30"}[locale] in detail
    me = client.get("/api/v1/users/current", **api).json()
    zone = {"NL": "Europe/Amsterdam", "DK": "Europe/Copenhagen"}[country]
    assert me["organisation"]["timeZone"] == zone and me["organisation"]["country"] == country


def test_times_are_read_and_shown_in_the_organisations_zone() -> None:
    import datetime as dt

    from web.forms import local_to_utc, utc_to_local_input
    from web.i18n import language, set_time_zone

    danish = language("da", "Europe/Copenhagen")
    assert str(danish.tz) == "Europe/Copenhagen"
    assert str(language("nl", "Mars/Olympus").tz) == "Europe/Amsterdam"
    set_time_zone("Europe/Copenhagen")
    try:
        assert local_to_utc("2026-07-01T10:00") == "2026-07-01T10:00:00+02:00"
        assert utc_to_local_input(dt.datetime(2026, 1, 1, 9, 0, tzinfo=dt.UTC)) == "2026-01-01T10:00"
    finally:
        set_time_zone(None)
    assert danish.datetime(dt.datetime(2026, 3, 7, 22, 30, tzinfo=dt.UTC)) == "7. mar. 2026 23.30"
