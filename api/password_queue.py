"""Password checks (argon2) in a queue of their own: logins from networks without recent failures first.

argon2id uses several lanes (threads) and 64 MiB per verification: one check keeps both cores of
a small server busy. Checks therefore run on a few threads of their own (half the cores' worth),
at a lower CPU priority (Linux nice, per thread; the argon2 lanes inherit it): a burst of logins
(or of password guesses) waits here, holding no worker thread of the other requests and no
database connection, and cannot starve them of CPU.

During such a burst a user logging in would wait behind every guess queued before theirs. So the
queue is not first come, first served: when a thread takes the next check, it takes the oldest
one from a network without a failed login in the last `memory_seconds` (an IPv4 /24 or an IPv6
/48: a password spray tends to come from neighbouring addresses); only when there is none, the
oldest of the others. The failures are remembered in this process only (a few thousand networks
at most), which is enough to order its own queue.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass, field
from typing import Any, TypeVar

T = TypeVar("T")

PASSWORD_CHECKS = max(1, (os.cpu_count() or 2) // 2)
PASSWORD_NICE = 10
MEMORY_SECONDS = 900.0
MAX_NETWORKS = 4096


def network_of(origin: str | None) -> str:
    """The network a failure counts against: /24 of an IPv4 address, /48 of an IPv6 one."""
    if not origin:
        return "unknown"
    try:
        ip = ipaddress.ip_address(origin)
    except ValueError:
        return origin[:100]
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    prefix = 24 if isinstance(ip, ipaddress.IPv4Address) else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False))


@dataclass
class _Check:
    network: str
    call: Callable[[], Any]
    future: Future[Any] = field(default_factory=Future)


class PasswordQueue:
    """Runs password checks on `workers` low-priority threads, networks without failures first."""

    def __init__(
        self,
        workers: int = PASSWORD_CHECKS,
        *,
        nice: int = PASSWORD_NICE,
        memory_seconds: float = MEMORY_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.workers = workers
        self.nice = nice
        self.memory_seconds = memory_seconds
        self.clock = clock
        self._cond = threading.Condition()
        self._pending: list[_Check] = []
        self._failures: OrderedDict[str, float] = OrderedDict()
        self._threads: list[threading.Thread] = []

    def failed(self, origin: str | None) -> None:
        """A failed login from this address: its network's checks wait behind the others for a while."""
        network = network_of(origin)
        with self._cond:
            self._failures[network] = self.clock()
            self._failures.move_to_end(network)
            while len(self._failures) > MAX_NETWORKS:
                self._failures.popitem(last=False)

    def suspect(self, origin: str | None) -> bool:
        """Whether a login from this address would now wait behind the others."""
        with self._cond:
            return self._suspect(network_of(origin))

    def _suspect(self, network: str) -> bool:
        last = self._failures.get(network)
        return last is not None and self.clock() - last < self.memory_seconds

    async def check(self, origin: str | None, call: Callable[..., T], *args: Any) -> T:
        """Run call(*args) in its turn and return its result."""
        item = _Check(network_of(origin), lambda: call(*args))
        with self._cond:
            self._start_threads()
            self._pending.append(item)
            self._cond.notify()
        result: T = await asyncio.wrap_future(item.future)
        return result

    def _start_threads(self) -> None:
        while len(self._threads) < self.workers:
            thread = threading.Thread(
                target=self._work, name=f"weerbaar-password_{len(self._threads)}", daemon=True
            )
            self._threads.append(thread)
            thread.start()

    def _next(self) -> _Check:
        with self._cond:
            while not self._pending:
                self._cond.wait()
            chosen = next((c for c in self._pending if not self._suspect(c.network)), self._pending[0])
            self._pending.remove(chosen)
            return chosen

    def _work(self) -> None:
        with contextlib.suppress(OSError, AttributeError):
            os.setpriority(os.PRIO_PROCESS, threading.get_native_id(), self.nice)
        while True:
            item = self._next()
            if not item.future.set_running_or_notify_cancel():
                continue
            try:
                item.future.set_result(item.call())
            except BaseException as exc:  # noqa: BLE001 - handed to the waiting request
                item.future.set_exception(exc)
