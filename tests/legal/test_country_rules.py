"""The country rules of the shipped legal packs as tables: one row per behaviour and country with
the derived classification, the police report, the removal gate, the register category and the
source that decides (app.legal.rules over app/legal/packs/*.json; no database)."""

from __future__ import annotations

import pytest

from app.legal import rules
from app.legal.schemas import LegalPackContent
from app.legal.service import default_content

PACKS = {country: LegalPackContent.model_validate(default_content(country)) for country in ("nl", "dk")}
W = "Webdossier Sociale Media"
H = "Handelingsinstructie"
A = "Protocol digitale agressie gemeente Almere"
S = "Silkeborg"
CRIMINAL, ACTIONABLE, PRIVACY = ["criminal"], ["actionable"], ["privacy"]
THREAT, VERBAL = "persoonlijke bedreiging", "(non-)verbale agressie"

# behaviour: classification, police report, GIR category, source of the behaviour rule, severity
NL = {
    "threat": (CRIMINAL, "required", THREAT, W, "medium"),
    "death_threat": (CRIMINAL, "required", THREAT, W, "high"),
    "bomb_threat": (CRIMINAL, "required", THREAT, W, "medium"),
    "insult": (CRIMINAL, "required", VERBAL, W, "medium"),
    "swearing": (ACTIONABLE, "suggested", VERBAL, W, "medium"),
    "humiliation": (ACTIONABLE, "suggested", VERBAL, W, "medium"),
    "bullying": (ACTIONABLE, "suggested", VERBAL, W, "medium"),
    "intimidation": (ACTIONABLE, "suggested", VERBAL, W, "medium"),
    "coercion": (ACTIONABLE, "suggested", THREAT, W, "medium"),
    "blackmail": (ACTIONABLE, "suggested", THREAT, W, "medium"),  # W: chanteren, under circumstances
    "extortion": (CRIMINAL, "required", THREAT, W, "medium"),
    "stalking": (CRIMINAL, "required", THREAT, W, "medium"),
    "sexual_blackmail": (ACTIONABLE, "suggested", THREAT, W, "medium"),
    "discrimination": (CRIMINAL, "required", VERBAL, W, "medium"),  # W: Sr 137c, Ja
    "defamation": (CRIMINAL, "required", VERBAL, W, "medium"),
    "doxxing": (PRIVACY, "suggested", THREAT, A, "medium"),
    "unauthorised_recording": (PRIVACY, "suggested", VERBAL, H, "medium"),
}
# Silkeborg: a police report is weighed (with Organisation og Personale) and filed by the employee;
# nothing is required by the pack, no death-threat rule, no default severity, SafetyNet minor.
DK = {
    "threat": (CRIMINAL, "suggested"),
    "death_threat": (CRIMINAL, "suggested"),
    "bomb_threat": (CRIMINAL, "suggested"),
    "insult": (CRIMINAL, "suggested"),
    "swearing": (ACTIONABLE, "suggested"),
    "humiliation": (ACTIONABLE, "suggested"),
    "bullying": (ACTIONABLE, "suggested"),
    "intimidation": (ACTIONABLE, "suggested"),
    "coercion": (ACTIONABLE, "suggested"),
    "blackmail": (ACTIONABLE, "suggested"),
    "extortion": (CRIMINAL, "suggested"),
    "stalking": (CRIMINAL, "suggested"),
    "sexual_blackmail": (ACTIONABLE, "suggested"),
    "discrimination": (ACTIONABLE, "suggested"),
    "defamation": (CRIMINAL, "suggested"),
    "doxxing": (PRIVACY, "suggested"),
    "unauthorised_recording": (PRIVACY, "suggested"),
}


def _level(outcome: rules.PoliceReportOutcome) -> str:
    return "required" if outcome.required else "suggested" if outcome.suggested else "off"


def test_the_tables_cover_every_behaviour():
    assert set(NL) == set(PACKS["nl"].behaviours) == set(DK) == set(PACKS["dk"].behaviours)


@pytest.mark.parametrize("behaviour", sorted(NL))
def test_dutch_rules_per_behaviour(behaviour):
    pack = PACKS["nl"]
    classification, police, gir, source, severity = NL[behaviour]
    assert rules.derive_classification(pack, [behaviour]) == classification
    assert rules.default_severity(pack, [behaviour]) == severity
    outcome = rules.police_report(
        pack, behaviours=[behaviour], classification=classification, targets=["employee"]
    )
    assert _level(outcome) == police
    assert all(r.source.document and r.source.section for r in outcome.reasons)
    if police == "required":  # every criminal offence: H and W
        assert any(H in r.source.document and "strafbaar feit" in r.source.section for r in outcome.reasons)
    else:  # under circumstances: weigh it (W, O)
        assert [r.code for r in outcome.reasons] == ["under_circumstances"]
    assert rules.removal_gate(pack) == "hard"
    assert H in pack.police_report.removal.source.document
    assert pack.registers.gir is not None
    assert rules.gir_category(pack.registers.gir, [behaviour]) == gir
    assert source in pack.behaviours[behaviour].source.document  # type: ignore[index]


@pytest.mark.parametrize("behaviour", sorted(DK))
def test_danish_rules_per_behaviour(behaviour):
    pack = PACKS["dk"]
    classification, police = DK[behaviour]
    assert rules.derive_classification(pack, [behaviour]) == classification
    assert rules.default_severity(pack, [behaviour]) == "medium"
    outcome = rules.police_report(
        pack, behaviours=[behaviour], classification=classification, targets=["employee", "organisation"]
    )
    assert _level(outcome) == police
    assert all(S in r.source.document for r in outcome.reasons)
    assert not any(r.code in ("behaviour", "organisation_threat") for r in outcome.reasons)
    assert rules.removal_gate(pack) == "warning"
    assert "Stands ulykken" in pack.police_report.removal.source.section
    assert pack.registers.safetynet is not None
    category = rules.safetynet_category(
        pack.registers.safetynet, severity="medium", strong_reaction=False, reported=False
    )
    assert category == "mindre vold, trusler og anden krænkende adfærd"
    assert S in pack.behaviours[behaviour].source.document  # type: ignore[index]
    assert pack.political_office_holder is None  # no Danish source for the Dutch exception


def test_a_death_threat_is_always_reported_in_the_netherlands_whatever_the_classification():
    pack = PACKS["nl"]
    outcome = rules.police_report(
        pack, behaviours=["death_threat"], classification=ACTIONABLE, targets=["employee"]
    )
    assert outcome.required
    [reason] = outcome.reasons
    assert (reason.code, reason.behaviour) == ("behaviour", "death_threat")
    assert "altijd aangifte" in reason.source.section and W in reason.source.document


@pytest.mark.parametrize(
    ("country", "targets", "expected"),
    [
        ("nl", ["organisation"], "required"),  # A 4: a threat against the organisation, staff in danger
        ("nl", ["employee"], "off"),
        ("dk", ["organisation"], "off"),  # Silkeborg has no such rule
    ],
)
def test_a_threat_against_the_organisation(country, targets, expected):
    # The case handler classified it as not criminal: only the organisation-threat rule remains.
    outcome = rules.police_report(
        PACKS[country], behaviours=["threat"], classification=ACTIONABLE, targets=targets
    )
    assert _level(outcome) == expected
    if expected == "required":
        assert A in outcome.reasons[0].source.document


@pytest.mark.parametrize(
    ("severity", "strong_reaction", "reported", "expected"),
    [
        ("medium", False, False, "mindre vold, trusler og anden krænkende adfærd"),
        ("low", False, False, "mindre vold, trusler og anden krænkende adfærd"),
        ("medium", True, False, "arbejdsskade"),  # the employee reacts strongly
        ("high", False, False, "arbejdsskade"),  # af grov karakter
        ("critical", False, False, "arbejdsskade"),
        ("low", False, True, "arbejdsskade"),  # a work-injury report was recorded
    ],
)
def test_safetynet_work_injury_follows_silkeborgs_criterion(severity, strong_reaction, reported, expected):
    rule = PACKS["dk"].registers.safetynet
    assert rule is not None and "Anmeldelse i SafetyNet" in rule.source.section
    got = rules.safetynet_category(
        rule, severity=severity, strong_reaction=strong_reaction, reported=reported
    )
    assert got == expected


def test_the_danish_pack_cites_119a_as_silkeborg_writes_it_and_asks_legal():
    pack = PACKS["dk"]
    codes = {a.code for rule in pack.behaviours.values() for a in rule.articles}
    assert "Strfl. § 119A" in codes and "Strfl. § 119" not in codes
    assert "SPØRGSMÅL TIL JURA" in pack.source
    assert all("altid politianmeldes" not in rule.condition.da for rule in pack.behaviours.values())


def test_a_mix_of_behaviours_takes_every_classification_and_the_highest_severity():
    pack = PACKS["nl"]
    assert rules.derive_classification(pack, ["swearing", "doxxing", "death_threat"]) == [
        "criminal",
        "actionable",
        "privacy",
    ]
    assert rules.default_severity(pack, ["swearing", "death_threat"]) == "high"
