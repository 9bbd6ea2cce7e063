"""Classification derived from behaviours, following the Dutch protocol's table.

(a) criminal offence, (b) not criminal but to be handled, (c) privacy violation, (d) a combination.
"""

from __future__ import annotations

from collections.abc import Iterable

from app.incident.models import Behaviour, Classification

# "Strafbaar: ja" in the protocol's table (Sr 285, 266/267, 285b, 137c, 261/262, 317, 121).
ALWAYS_CRIMINAL = frozenset(
    {
        Behaviour.threat,
        Behaviour.death_threat,
        Behaviour.insult,
        Behaviour.stalking,
        Behaviour.defamation,
        Behaviour.bomb_threat,
        Behaviour.extortion,
    }
)
# Personal data or images exposed: the privacy route (data protection authority, portrait right).
PRIVACY = frozenset({Behaviour.doxxing, Behaviour.unauthorised_recording})
# Everything else is "onder omstandigheden": to be handled, criminal only after assessment.

ORDER = (Classification.criminal, Classification.actionable, Classification.privacy)


def derive(behaviours: Iterable[str]) -> list[str]:
    """The classification that the behaviours suggest, in a fixed order."""
    found: set[Classification] = set()
    for raw in behaviours:
        behaviour = Behaviour(raw)
        if behaviour in ALWAYS_CRIMINAL:
            found.add(Classification.criminal)
        elif behaviour in PRIVACY:
            found.add(Classification.privacy)
        else:
            found.add(Classification.actionable)
    return [c.value for c in ORDER if c in found]
