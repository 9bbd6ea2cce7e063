"""The house rules on recordings: published without login, edited by admins, in three languages."""

from __future__ import annotations

from sqlmodel import Session, select

from api.contract import contract
from app.audit.models import AuditEvent
from app.recording_permission.models import RecordingRules
from tests.recording_permission.bodies import count

API = "/api/v1/organisations/{slug}/recording-rules"
PAGE = "/public/{slug}/recording-rules"
CUSTOM = {
    "title": "Opnameregels <b>Utrecht</b>",
    "body": "Intro & uitleg.\n\n## Geluid\n- Mag, <script>alert(1)</script>\n- Kopie op verzoek",
}


def test_default_rules_are_public_in_the_organisation_language(client, org, other_org):
    dutch = client.get(API.format(slug=org.slug))
    assert dutch.status_code == 200, dutch.text
    body = dutch.json()
    assert body["language"] == "nl"
    assert body["isDefault"] is True
    assert "zwaarwegende redenen" in body["body"]
    assert body["pageUrl"].endswith("/public/utrecht/recording-rules?language=nl")
    assert dutch.headers["ETag"] == '"0"'
    danish = client.get(API.format(slug=other_org.slug)).json()
    assert danish["language"] == "da"
    assert "tungtvejende grunde" in danish["body"]
    english = client.get(API.format(slug=org.slug) + "?language=en").json()
    assert english["title"] == "Rules on audio and image recordings"


def test_unknown_organisation_or_language_is_a_problem(client, org):
    missing = client.get(API.format(slug="nowhere"))
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    language = client.get(API.format(slug=org.slug) + "?language=fr")
    assert language.status_code == 400


def test_admin_replaces_the_text_with_if_match_and_it_is_audited(client, org, engine):
    url = API.format(slug=org.slug) + "?language=nl"
    headers = org["admin"].headers
    assert client.put(url, json=CUSTOM, headers=headers).status_code == 428
    assert client.put(url, json=CUSTOM, headers={**headers, "If-Match": '"3"'}).status_code == 412
    response = client.put(url, json=CUSTOM, headers={**headers, "If-Match": '"0"'})
    assert response.status_code == 200, response.text
    assert response.headers["ETag"] == '"1"'
    published = client.get(url).json()
    assert published["isDefault"] is False
    assert published["title"] == CUSTOM["title"]
    assert client.get(API.format(slug=org.slug) + "?language=da").json()["isDefault"] is True
    with Session(engine) as session:
        actions = session.exec(
            select(AuditEvent.action).where(AuditEvent.action == "recording_rules.update")
        ).all()
    assert actions == ["recording_rules.update"]


def test_only_admins_of_the_organisation_replace_the_rules(client, org, other_org, engine):
    url = API.format(slug=org.slug) + "?language=nl"
    assert client.put(url, json=CUSTOM, headers={"If-Match": '"0"'}).status_code == 401
    for role in ("employee", "case_handler", "manager"):
        response = client.put(url, json=CUSTOM, headers={**org[role].headers, "If-Match": '"0"'})
        assert response.status_code == 403, role
    foreign = client.put(url, json=CUSTOM, headers={**other_org["admin"].headers, "If-Match": '"0"'})
    assert foreign.status_code == 404
    bad = client.put(url, json={"title": "", "body": ""}, headers={**org["admin"].headers, "If-Match": '"0"'})
    assert bad.status_code == 400
    assert {e["name"] for e in bad.json()["errors"]} == {"title", "body"}
    assert count(engine, RecordingRules) == 0


def test_public_page_escapes_text_and_sends_safe_headers(client, org):
    client.put(
        API.format(slug=org.slug) + "?language=nl",
        json=CUSTOM,
        headers={**org["admin"].headers, "If-Match": '"0"'},
    )
    page = client.get(PAGE.format(slug=org.slug) + "?language=nl")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    html = page.text
    assert '<html lang="nl">' in html
    assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;Utrecht&lt;/b&gt;" in html
    assert "<h2>Geluid</h2>" in html and "<li>Kopie op verzoek</li>" in html
    assert "Intro &amp; uitleg." in html
    csp = page.headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src" not in csp
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Content-Language"] == "nl"
    assert "Authorization" not in page.request.headers


def test_public_page_follows_accept_language_and_shows_defaults(client, org):
    page = client.get(PAGE.format(slug=org.slug), headers={"Accept-Language": "fr, da-DK;q=0.9, en;q=0.8"})
    assert page.status_code == 200
    assert '<html lang="da">' in page.text
    assert "Regler for lyd- og billedoptagelser" in page.text
    fallback = client.get(PAGE.format(slug=org.slug), headers={"Accept-Language": "de"})
    assert '<html lang="nl">' in fallback.text
    missing = client.get(PAGE.format(slug="nowhere"))
    assert missing.status_code == 404
    assert missing.headers["content-type"].startswith("text/html")


def test_contract_claims_no_login_for_the_published_rules():
    paths = contract()["paths"]
    get = paths["/organisations/{organisationSlug}/recording-rules"]["get"]
    assert "security" not in get
    assert "401" not in get["responses"] and "403" not in get["responses"]
    put = paths["/organisations/{organisationSlug}/recording-rules"]["put"]
    assert {"401", "403", "412", "428"} <= put["responses"].keys()
    receipt = paths["/recording-permissions/{recordingPermissionId}/receipt"]["get"]
    assert "application/pdf" in receipt["responses"]["200"]["content"]
    assert "/public/{organisationSlug}/recording-rules" not in paths


def test_public_page_carries_the_norm_of_the_preparedness_plan_escaped(client, org):
    norm = "Wij accepteren geen <em>agressie</em> tegen onze medewerkers & melden het altijd."
    plan = {"norm": norm, "monitoring": "", "response": "", "removalGuidance": "", "contacts": []}
    saved = client.put(
        "/api/v1/preparedness-plan", json=plan, headers={**org["case_handler"].headers, "If-Match": '"0"'}
    )
    assert saved.status_code == 200, saved.text
    html = client.get(PAGE.format(slug=org.slug) + "?language=da").text
    assert "Wij accepteren geen &lt;em&gt;agressie&lt;/em&gt; tegen onze medewerkers &amp; melden" in html
