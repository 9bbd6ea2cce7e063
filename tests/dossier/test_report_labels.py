"""The report's labels: one app-side source per enumeration (app/export/labels.py), the UI's words."""

from __future__ import annotations

from enum import StrEnum

import pytest

from app.action.models import ActionKind, ActionStatus, ResponseChannel
from app.evidence.models import CustodyKind, EvidenceKind, VerificationResult
from app.export import labels
from app.export.labels import LANGUAGES
from app.incident.models import Frequency, PerpetratorRelation, Target
from app.organisation.models import Role
from app.takedown.models import RecipientKind, TakedownStatus

# label set -> (the app's enumeration, the UI's vocabulary of the same codes)
REPORT_LABELS: dict[str, tuple[type[StrEnum], str]] = {
    "FREQUENCIES": (Frequency, "FREQUENCIES"),
    "TARGETS": (Target, "TARGETS"),
    "RELATIONS": (PerpetratorRelation, "RELATIONS"),
    "ROLES": (Role, "ROLES"),
    "EVIDENCE_KINDS": (EvidenceKind, "EVIDENCE_KINDS"),
    "CUSTODY_KINDS": (CustodyKind, "CUSTODY_KINDS"),
    "VERIFICATION_RESULTS": (VerificationResult, "VERIFICATION_RESULTS"),
    "ACTION_KINDS": (ActionKind, "ACTION_KINDS"),
    "ACTION_STATUSES": (ActionStatus, "ACTION_STATUSES"),
    "RESPONSE_CHANNELS": (ResponseChannel, "RESPONSE_CHANNELS"),
    "RECIPIENT_KINDS": (RecipientKind, "RECIPIENT_KINDS"),
    "TAKEDOWN_STATUSES": (TakedownStatus, "TAKEDOWN_STATUSES"),
}


@pytest.mark.parametrize("name", sorted(REPORT_LABELS))
def test_every_code_the_report_names_has_the_uis_words_in_each_language(name: str):
    from web import vocabulary
    from web.i18n import translations

    enum, ui_name = REPORT_LABELS[name]
    table = getattr(labels, name)
    assert set(table) == {e.value for e in enum}, "a code without a label would show as a code"
    ui = getattr(vocabulary, ui_name)
    for language in LANGUAGES:
        gettext = translations(language).gettext
        for code, words in table.items():
            english = str(ui[code])
            if language != "en" and gettext(english) == english:
                continue  # not translated in the UI yet: the report has its own words meanwhile
            assert words[LANGUAGES.index(language)] == gettext(english), (code, language)


def test_timeline_events_have_the_words_of_the_audit_log():
    from web import vocabulary
    from web.i18n import translations

    for language in LANGUAGES:
        gettext = translations(language).gettext
        for code, words in labels.DOSSIER_EVENTS.items():
            if code in vocabulary.AUDIT_ACTIONS:
                assert words[LANGUAGES.index(language)] == gettext(str(vocabulary.AUDIT_ACTIONS[code])), code
