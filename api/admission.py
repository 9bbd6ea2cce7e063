"""Admission of changes: at most a few writing requests of this process at once, first come first served.

A change holds the database's write lock (SQLite) or its organisation's audit-chain lock
(PostgreSQL) from its first write until its commit, and between the two the request hops from
the event loop to worker threads several times (dependencies, the endpoint, the response, the
commit). With every worker thread taken by changes that wait for that lock, the holder waits
for a thread and everyone waits for the holder: a convoy. Changes therefore queue here, in the
event loop, holding no thread and no connection; reads (which take no lock) pass straight
through, as do logins (short transactions of their own) and evidence uploads (which stream the
file before their one short write). A change that waits longer than `wait_seconds` is answered
503 with Retry-After.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterable

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from api.problems import busy

READS = frozenset({"GET", "HEAD", "OPTIONS"})


def route_pattern(path: str) -> str:
    """A regular expression for the end of a route's path ("/evidence/{evidenceId}/content")."""
    return re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(path)) + "$"


class AdmissionMiddleware:
    """Limits the writing requests in progress to `limit`; the others wait their turn."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        limit: int,
        wait_seconds: float,
        writing_reads: Iterable[str] = (),
        passing: Iterable[str] = (),
    ) -> None:
        self.app = app
        self.limit = limit
        self.wait_seconds = wait_seconds
        self.writing_reads = [re.compile(p) for p in writing_reads]
        self.passing = [re.compile(p) for p in passing]
        self._gates: dict[asyncio.AbstractEventLoop, asyncio.Semaphore] = {}

    def _gate(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        gate = self._gates.get(loop)
        if gate is None:
            self._gates.clear()  # one event loop per server; tests start several in turn
            gate = self._gates[loop] = asyncio.Semaphore(self.limit)
        return gate

    def _writes(self, scope: Scope) -> bool:
        path = scope["path"]
        if any(p.search(path) for p in self.passing):
            return False
        if scope["method"] in READS:
            return any(p.search(path) for p in self.writing_reads)
        return True

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or not self._writes(scope):
            await self.app(scope, receive, send)
            return
        gate = self._gate()
        try:
            await asyncio.wait_for(gate.acquire(), self.wait_seconds)
        except TimeoutError:
            await busy(Request(scope, receive))(scope, receive, send)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            gate.release()
