"""A login from a network without recent failures does not wait behind a password spray."""

from __future__ import annotations

import asyncio
import threading

from api.password_queue import PasswordQueue, network_of


def test_networks_of_addresses() -> None:
    assert network_of("203.0.113.77") == "203.0.113.0/24"
    assert network_of("::ffff:203.0.113.77") == "203.0.113.0/24"
    assert network_of("2001:db8:1:2::5") == "2001:db8:1::/48"
    assert network_of(None) == "unknown"
    assert network_of("not an address") == "not an address"


def test_checks_from_networks_without_failures_go_first() -> None:
    now = [1000.0]
    queue = PasswordQueue(workers=1, memory_seconds=60, clock=lambda: now[0])
    queue.failed("203.0.113.1")  # the spray's first guess failed
    assert queue.suspect("203.0.113.200") and not queue.suspect("192.0.2.7")
    order: list[str] = []
    busy, release = threading.Event(), threading.Event()

    def hold() -> str:
        busy.set()
        release.wait(10)
        return "held"

    def check(name: str) -> str:
        order.append(name)
        return name

    async def scenario() -> list[str]:
        first = asyncio.ensure_future(queue.check("203.0.113.2", hold))
        await asyncio.get_running_loop().run_in_executor(None, busy.wait, 10)
        # While one check runs: three more guesses from the spray's network, then a user from elsewhere.
        waiting = [
            asyncio.ensure_future(queue.check(f"203.0.113.{n}", check, f"guess {n}")) for n in (3, 4, 5)
        ]
        await asyncio.sleep(0)
        waiting.append(asyncio.ensure_future(queue.check("192.0.2.7", check, "user")))
        await asyncio.sleep(0)
        release.set()
        return [await first, *[await w for w in waiting]]

    results = asyncio.run(scenario())
    assert results == ["held", "guess 3", "guess 4", "guess 5", "user"]  # each gets its own answer
    assert order == ["user", "guess 3", "guess 4", "guess 5"]  # the user went first, the rest in order

    # The memory fades: after memory_seconds the network is first come, first served again.
    now[0] += 61
    assert not queue.suspect("203.0.113.9")


def test_a_failing_check_hands_its_error_to_the_request() -> None:
    queue = PasswordQueue(workers=1)

    def broken() -> None:
        raise ValueError("argon2 says no")

    async def scenario() -> str:
        try:
            await queue.check("192.0.2.1", broken)
        except ValueError as exc:
            return str(exc)
        return "no error"

    assert asyncio.run(scenario()) == "argon2 says no"
