"""Schemathesis hooks for the contract fuzzing run, loaded by its CLI (SCHEMATHESIS_HOOKS).

Every generated request gets a fresh session of the all-roles user, minted straight into the run's
database (WEERBAAR_FUZZ_DATABASE_URL, WEERBAAR_FUZZ_USER "<organisation id> <user id>"), so a fuzzed
logout (DELETE /sessions/current) ends only its own session and the run goes on.
"""

from __future__ import annotations

import os
import uuid
from datetime import timedelta
from functools import cache
from typing import Any

import schemathesis
from schemathesis.generation.modes import GenerationMode
from sqlalchemy import Engine

from app.auth import tokens
from app.auth.models import AuthSession
from app.db import make_engine, session_scope, utcnow
from tests.fixtures.factories import SECRET


@cache
def _engine() -> Engine:
    return make_engine(os.environ["WEERBAAR_FUZZ_DATABASE_URL"])


def mint_session(engine: Engine, organisation_id: uuid.UUID, user_id: uuid.UUID) -> str:
    """A new session token for the user (valid for an hour)."""
    token = tokens.new_token(tokens.SESSION_PREFIX)
    with session_scope(engine) as session:
        session.add(
            AuthSession(
                user_id=user_id,
                organisation_id=organisation_id,
                token_digest=tokens.digest(token, SECRET),
                expires_at=utcnow() + timedelta(hours=1),
            )
        )
    return token


if "WEERBAAR_FUZZ_USER" in os.environ:

    @schemathesis.auth(refresh_interval=None)
    class FreshSession:
        """A new staff session for every case."""

        def get(self, case: Any, context: Any) -> str:
            organisation_id, user_id = os.environ["WEERBAAR_FUZZ_USER"].split()
            return mint_session(_engine(), uuid.UUID(organisation_id), uuid.UUID(user_id))

        def set(self, case: Any, data: str, context: Any) -> None:
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}

    PAIRED = {"externalSystem", "externalId"}

    @schemathesis.hook
    def map_case(context: Any, case: Any) -> Any:
        """Rules across query parameters that a schema cannot state, for schema-valid cases only
        (a case meant to be invalid keeps what makes it invalid).

        No made-up cursors: a cursor is opaque and comes only from a page's `next` link
        (tests/security/test_cursors.py checks forged and foreign ones). externalSystem and
        externalId go together (one alone is a 400): either both or neither.
        """
        meta = getattr(case, "meta", None)
        if meta is None or meta.generation.mode is not GenerationMode.POSITIVE or not case.query:
            return case
        query = {k: v for k, v in case.query.items() if k != "cursor"}
        if len(PAIRED & query.keys()) == 1:
            query = {k: v for k, v in query.items() if k not in PAIRED}
        case.query = query
        return case
