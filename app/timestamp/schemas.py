"""How the API shows an evidence item's timestamp."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from pydantic import Field

from app.schemas import ApiModel
from app.timestamp.models import EvidenceTimestamp


class TimestampState(StrEnum):
    stamped = "stamped"
    pending = "pending"
    failed = "failed"
    none = "none"


class EvidenceTimestampPublic(ApiModel):
    """The trusted timestamp (RFC 3161) of the item's SHA-256, or why there is none."""

    state: TimestampState = Field(
        description="stamped: a Time Stamping Authority signed the hash at genTime; pending: "
        "requested, retried while the TSA cannot be reached; failed: the TSA did not stamp it "
        "after every attempt (retried with the next audit anchoring); none: no TSA was configured "
        "when the item was stored, its times are the server's own."
    )
    gen_time: datetime | None = Field(default=None, description="The time the TSA vouches for.")
    tsa: str | None = Field(default=None, description="The TSA that signed it (its certificate's name).")
    serial: str | None = Field(default=None, description="The token's serial number at the TSA, hex.")
    attempts: int = Field(default=0, description="Requests made to the TSA so far.")


def timestamp_public(row: EvidenceTimestamp | None) -> EvidenceTimestampPublic:
    """The API view of an item's timestamp row (None: no TSA when it was stored)."""
    if row is None:
        return EvidenceTimestampPublic(state=TimestampState.none)
    return EvidenceTimestampPublic(
        state=TimestampState(row.status),
        gen_time=row.gen_time,
        tsa=row.tsa_name,
        serial=row.serial,
        attempts=row.attempts,
    )
