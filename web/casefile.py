"""The incident page's case-file header: the next step the protocol asks for, and its deadline.

Computed from what the page loads anyway (the incident, its actions, takedown requests and evidence).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from web.i18n import N_
from web.models import Action, Evidence, Incident, Takedown

AWAITING_ANSWER = ("sent", "acknowledged")


@dataclass(frozen=True)
class NextStep:
    """What to do next: an English message (translated in the template), where, and by when."""

    text: str
    anchor: str
    due_at: datetime | None = None
    params: dict[str, str] = field(default_factory=dict)

    def overdue(self, now: datetime) -> bool:
        return self.due_at is not None and self.due_at < now


def missing_evidence(incident: Incident, evidence: list[Evidence]) -> list[str]:
    """The incident's URLs that no evidence item (still held) was captured from."""
    secured = {e.source_url for e in evidence if e.source_url and e.removed_at is None}
    return [u for u in incident.urls if u not in secured]


def next_step(
    incident: Incident,
    *,
    actions: list[Action] | None,
    takedowns: list[Takedown] | None,
    evidence: list[Evidence] | None,
    now: datetime | None = None,
) -> NextStep | None:
    """The first thing the protocol asks for that has not happened (None when closed)."""
    now = now or datetime.now(UTC)
    if incident.status == "closed":
        return None
    if not incident.case_handler_id:
        return NextStep(N_("Assign a case handler"), f"/incidents/{incident.id}/edit")
    open_actions = [a for a in actions or [] if a.status == "open"]
    police = sorted(
        (a for a in open_actions if a.kind == "police_report"),
        key=lambda a: (a.due_at is None, a.due_at or now),
    )
    if police:
        return NextStep(N_("File the police report"), "#actions", police[0].due_at)
    if evidence is not None:
        missing = missing_evidence(incident, evidence)
        if missing:
            return NextStep(
                N_("Secure evidence of %(count)s web address(es)"),
                "#evidence",
                params={"count": str(len(missing))},
            )
    waiting = sorted(
        (t for t in takedowns or [] if t.status in AWAITING_ANSWER),
        key=lambda t: (t.due_at is None, t.due_at or now),
    )
    if waiting:
        return NextStep(
            N_("Answer from %(recipient)s due"),
            "#takedowns",
            waiting[0].due_at,
            {"recipient": waiting[0].recipient_name},
        )
    due = sorted(open_actions, key=lambda a: (a.due_at is None, a.due_at or now))
    if due:
        return NextStep(N_("Carry out: %(kind)s"), "#actions", due[0].due_at, {"kind": due[0].kind})
    return NextStep(N_("Nothing is open: consider closing the incident"), f"/incidents/{incident.id}/edit")
