"""Verifying the audit log: every chain's keyed hashes and links, against the newest anchor.

`verify(session, keys=..., store=...)` returns a VerifyResult listing every finding; it reads only,
and it can be called by anything that must check the log (the CLI, a restore).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from sqlmodel import Session, col, select

from app.audit import anchors as audit_anchors
from app.audit.chain import GENESIS, Seal, check
from app.audit.keys import AuditKeys, active
from app.audit.models import AuditEvent
from app.errors import Unavailable
from app.storage import ObjectStore, StorageError


class Tamper(StrEnum):
    """The kinds of finding, as the CLI names them."""

    edited = "edited"  # one event's content no longer matches its keyed hash
    rehashed = "rehashed"  # an event changed and the hashes after it recomputed (without the key)
    deleted_events = "deleted-events"  # a gap in the sequence inside a chain
    broken_link = "broken-link"  # prevHash is not the hash of the previous event
    deleted_tail = "deleted-tail"  # fewer events than the newest anchor holds
    deleted_chain = "deleted-chain"  # an anchored chain has no events left
    unknown_key = "unknown-key"  # sealed with a key that is not configured: cannot be verified
    anchor_invalid = "anchor-invalid"  # an object under the anchor prefix that does not verify
    anchors_unreadable = "anchors-unreadable"  # the store could not be read: tails and chains unchecked


@dataclass(frozen=True)
class Finding:
    """One thing wrong with the log: which chain, which events, in words."""

    kind: Tamper
    chain: str
    detail: str
    seq: int | None = None
    last_seq: int | None = None
    event_id: uuid.UUID | None = None


@dataclass(frozen=True)
class ChainBreak:
    """The first finding, in the shape of earlier versions (chain, event, reason)."""

    chain: str
    seq: int
    event_id: uuid.UUID | None
    reason: str


@dataclass(frozen=True)
class AnchorSummary:
    """The anchor the database was compared with."""

    key: str
    at: datetime
    chains: int


@dataclass(frozen=True)
class VerifyResult:
    """What verifying the audit log found."""

    chains: int
    events: int
    findings: tuple[Finding, ...] = ()
    anchor: AnchorSummary | None = None
    anchors_checked: bool = False

    @property
    def ok(self) -> bool:
        """True when every chain verifies and matches the anchor."""
        return not self.findings

    @property
    def kinds(self) -> set[Tamper]:
        """The kinds of finding present."""
        return {f.kind for f in self.findings}

    @property
    def first_break(self) -> ChainBreak | None:
        """The first finding, or None."""
        if not self.findings:
            return None
        first = self.findings[0]
        return ChainBreak(first.chain, first.seq or 0, first.event_id, f"{first.kind.value}: {first.detail}")


def _events_in_order(session: Session, chain: str, batch: int = 1000) -> Iterator[AuditEvent]:
    last_seq = 0
    while True:
        rows = session.exec(
            select(AuditEvent)
            .where(AuditEvent.chain == chain, AuditEvent.seq > last_seq)
            .order_by(col(AuditEvent.seq))
            .limit(batch)
        ).all()
        if not rows:
            return
        yield from rows
        last_seq = rows[-1].seq
        session.expunge_all()


def _span(first: int, last: int) -> str:
    return f"#{first}" if first == last else f"#{first}..#{last}"


@dataclass
class _Walk:
    """One chain's walk: counts, findings, and the run of events whose hash fails."""

    chain: str
    anchored: audit_anchors.ChainHead | None
    events: int = 0
    last_seq: int = 0
    anchored_hash: str | None = None
    findings: list[Finding] = field(default_factory=list)
    run: list[AuditEvent] = field(default_factory=list)
    unknown: list[AuditEvent] = field(default_factory=list)
    flagged: set[int] = field(default_factory=set)

    def close_run(self) -> None:
        if self.run:
            first, last = self.run[0], self.run[-1]
            self.flagged.update(range(first.seq, last.seq + 1))
            if first is last:
                detail = (
                    f"event #{first.seq} ({first.action}) no longer matches its hash: its content was edited"
                )
                self.findings.append(
                    Finding(Tamper.edited, self.chain, detail, first.seq, first.seq, first.id)
                )
            else:
                detail = (
                    f"events {_span(first.seq, last.seq)} fail their keyed hashes while their links hold: "
                    f"event #{first.seq} ({first.action}) was edited and the hashes after it recomputed "
                    "without the key (or each of them was edited)"
                )
                self.findings.append(
                    Finding(Tamper.rehashed, self.chain, detail, first.seq, last.seq, first.id)
                )
            self.run = []
        if self.unknown:
            first, last = self.unknown[0], self.unknown[-1]
            detail = (
                f"events {_span(first.seq, last.seq)} are sealed with key {first.key_id}, which is not "
                "configured: add it to WEERBAAR_AUDIT_PREVIOUS_KEYS to verify them"
            )
            self.findings.append(
                Finding(Tamper.unknown_key, self.chain, detail, first.seq, last.seq, first.id)
            )
            self.unknown = []


def _walk_chain(
    session: Session, chain: str, keys: AuditKeys, anchored: audit_anchors.ChainHead | None
) -> _Walk:
    walk = _Walk(chain, anchored)
    prev_hash, expected, keyed_seen = GENESIS, 1, False
    legacy_limit = anchored.legacy_until if anchored else None
    for event in _events_in_order(session, chain):
        walk.events += 1
        if event.seq != expected:
            walk.close_run()
            detail = f"a gap in the sequence: events {_span(expected, event.seq - 1)} are missing"
            walk.findings.append(
                Finding(Tamper.deleted_events, chain, detail, expected, event.seq - 1, event.id)
            )
        elif event.prev_hash != prev_hash:
            walk.close_run()
            detail = f"event #{event.seq}'s prevHash is not the hash of event #{event.seq - 1}"
            walk.findings.append(Finding(Tamper.broken_link, chain, detail, event.seq, event.seq, event.id))
        seal = check(event, keys)
        if seal is Seal.legacy and (keyed_seen or (legacy_limit is not None and event.seq > legacy_limit)):
            # An unkeyed event where only keyed ones can be: hashed by someone without the key.
            seal = Seal.mismatch
        if seal is Seal.mismatch:
            if walk.unknown:
                walk.close_run()
            walk.run.append(event)
        elif seal is Seal.unknown_key:
            if walk.run:
                walk.close_run()
            walk.unknown.append(event)
        else:
            walk.close_run()
        keyed_seen = keyed_seen or event.key_id is not None
        if anchored is not None and event.seq == anchored.last_seq:
            walk.anchored_hash = event.hash
        prev_hash, expected, walk.last_seq = event.hash, event.seq + 1, event.seq
    walk.close_run()
    return walk


def _compare_with_anchor(walk: _Walk, anchor: audit_anchors.Anchor) -> None:
    head = walk.anchored
    if head is None:
        return
    when = anchor.at.isoformat(timespec="seconds")
    if walk.events == 0:
        detail = f"the anchor of {when} holds {head.events} event(s) up to #{head.last_seq}; none are left"
        walk.findings.append(Finding(Tamper.deleted_chain, walk.chain, detail, 1, head.last_seq))
    elif walk.last_seq < head.last_seq:
        detail = (
            f"the anchor of {when} holds events up to #{head.last_seq}, the database ends at "
            f"#{walk.last_seq}: "
            f"events {_span(walk.last_seq + 1, head.last_seq)} were deleted"
        )
        walk.findings.append(
            Finding(Tamper.deleted_tail, walk.chain, detail, walk.last_seq + 1, head.last_seq)
        )
    elif (
        walk.anchored_hash is not None
        and walk.anchored_hash != head.head
        and head.last_seq not in walk.flagged
    ):
        detail = (
            f"event #{head.last_seq}'s hash differs from the head anchored at {when}: "
            f"events up to #{head.last_seq} were rewritten with recomputed hashes"
        )
        walk.findings.append(Finding(Tamper.rehashed, walk.chain, detail, None, head.last_seq))


def verify(
    session: Session, *, keys: AuditKeys | None = None, store: ObjectStore | None = None
) -> VerifyResult:
    """Verify every chain with the keys (default: this process's), and against the store's newest anchor.

    Without a store only the chains themselves are checked: a deleted tail or chain then goes unseen.
    Reads only; never raises for what it finds (StorageUnavailable becomes a finding).
    """
    keys = keys or active()
    findings: list[Finding] = []
    anchor: audit_anchors.Anchor | None = None
    if store is not None:
        try:
            anchor, problems = audit_anchors.newest(store, keys)
            findings += [Finding(Tamper.anchor_invalid, "-", problem) for problem in problems]
        except (StorageError, Unavailable) as exc:
            detail = f"the anchors could not be read ({exc}); deleted tails and chains were not checked"
            findings.append(Finding(Tamper.anchors_unreadable, "-", detail))
    in_database = set(session.exec(select(AuditEvent.chain).distinct()).all())
    chains = sorted(in_database | set(anchor.chains if anchor else ()))
    total = 0
    for chain in chains:
        walk = _walk_chain(session, chain, keys, anchor.chains.get(chain) if anchor else None)
        if anchor is not None:
            _compare_with_anchor(walk, anchor)
        total += walk.events
        findings += walk.findings
    summary = AnchorSummary(anchor.key, anchor.at, len(anchor.chains)) if anchor else None
    return VerifyResult(len(in_database), total, tuple(findings), summary, store is not None)
