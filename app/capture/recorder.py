"""Loading one page in headless Chromium, every request served by the capture's own fetcher.

Playwright routes each request of the browser to `Fetcher` (route.fetch would let Playwright's
own client connect, past the address checks and without the exact bytes): the page, each
redirect and each resource is checked and fetched here, kept for the WARC and handed to the
browser with route.fulfill.

Redirects are never handed to the browser: Chromium follows a fulfilled 3xx over its own network
stack, unrouted and unchecked. A redirect of the page is recorded and the page is opened again at
its target (so the browser's address and relative links are right); a resource's redirects are
followed here, hop by hop, each one checked. WebSockets are closed, and a proxy that nobody
listens on is configured as a last guard, so nothing the router misses reaches the network.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import subprocess
import time
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from urllib.parse import urljoin

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import Page, Route, ViewportSize, WebSocketRoute, async_playwright

from app.capture.fetch import CaptureFailed, Exchange, Fetcher, Policy, check
from app.capture.models import CaptureReason
from app.db import utcnow

BROWSER_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
    "--mute-audio",
    # Nothing may reach the network past the router: a proxy nobody listens on, loopback included.
    "--proxy-server=http://127.0.0.1:9",
    "--proxy-bypass-list=<-loopback>",
]
VIEWPORT: ViewportSize = {"width": 1280, "height": 900}
# How long scripts may go on fetching after the load event before the page is taken as it is.
SETTLE_MS = 3000
MAX_REDIRECTS = 10
LAUNCH_SECONDS = 30


@dataclass
class Recording:
    """What loading the page gave: every exchange, the rendered page and the facts about it."""

    requested_url: str
    final_url: str
    main: Exchange
    redirects: list[Exchange]
    exchanges: list[Exchange]
    refused: list[dict[str, str]]
    screenshot: bytes
    dom: str
    title: str
    user_agent: str
    browser_version: str
    started_at: datetime
    finished_at: datetime
    fetched_bytes: int


@dataclass
class _State:
    exchanges: list[Exchange] = field(default_factory=list)
    main_chain: list[Exchange] = field(default_factory=list)
    refused: list[dict[str, str]] = field(default_factory=list)
    failure: CaptureFailed | None = None
    next_url: str | None = None  # where the page's last redirect pointed
    prefetched: dict[str, Exchange] = field(default_factory=dict)  # the page, fetched before


def _ms(seconds: float) -> float:
    return max(1.0, seconds * 1000)


def _browser_headers(exchange: Exchange) -> dict[str, str]:
    """The response headers for the browser: one hop's framing dropped, the body decoded."""
    merged: dict[str, str] = {}
    for name, value in exchange.response_headers:
        key = name.lower()
        if key in ("content-encoding", "content-length", "transfer-encoding", "connection"):
            continue
        joiner = "\n" if key == "set-cookie" else ", "
        merged[key] = f"{merged[key]}{joiner}{value}" if key in merged else value
    return merged


async def _serve(route: Route, page: Page, fetcher: Fetcher, state: _State) -> None:
    """Answer one request of the browser from a checked fetch, or refuse it."""
    request = route.request
    try:
        main = request.is_navigation_request() and request.frame == page.main_frame
    except PlaywrightError:
        main = False
    try:
        if state.failure is not None:
            raise state.failure
        cached = state.prefetched.pop(request.url, None) if main else None
        headers = {} if cached else await request.all_headers()
        exchange = cached or await _fetch(
            request.url, request.method, headers, request.post_data_buffer,
            fetcher=fetcher, state=state, follow=not main,
        )  # fmt: skip
    except CaptureFailed as exc:
        if main or exc.reason in (CaptureReason.too_large, CaptureReason.timeout):
            state.failure = state.failure or exc
        else:
            state.refused.append({"url": request.url[:2048], "reason": exc.reason.value})
        await _quietly(route.abort("blockedbyclient"))
        return
    except Exception as exc:  # noqa: BLE001 - every route must be answered, or the page hangs
        if main:
            state.failure = state.failure or CaptureFailed(CaptureReason.internal_error, repr(exc))
        await _quietly(route.abort("failed"))
        return
    if main:
        if cached is None:
            state.main_chain.append(exchange)
        location = exchange.header("location")
        if 300 <= exchange.status < 400 and location:
            # An empty page stands in for it (an aborted navigation would start an error page
            # that interrupts the next one); the page is then opened at the target.
            state.next_url = urljoin(request.url, location)
            await _quietly(route.fulfill(status=200, body="", content_type="text/html"))
            return
    try:
        body = exchange.decoded()
    except Exception:  # noqa: BLE001 - a body that does not decode is passed as it came
        body = exchange.body
    await _quietly(route.fulfill(status=exchange.status, headers=_browser_headers(exchange), body=body))


async def _fetch(
    url: str,
    method: str,
    headers: dict[str, str],
    body: bytes | None,
    *,
    fetcher: Fetcher,
    state: _State,
    follow: bool,
) -> Exchange:
    """Fetch from a checked address; with follow, redirects too (each hop checked and kept)."""
    for _hop in range(MAX_REDIRECTS + 1):
        target = await asyncio.to_thread(check, url, fetcher.policy)
        exchange = await fetcher.fetch(target, method=method, headers=headers, body=body)
        state.exchanges.append(exchange)
        location = exchange.header("location")
        if not (follow and 300 <= exchange.status < 400 and location):
            return exchange
        url = urljoin(url, location)
        if exchange.status in (301, 302, 303) and method not in ("GET", "HEAD"):
            method, body = "GET", None
    raise CaptureFailed(CaptureReason.connection_failed, f"more than {MAX_REDIRECTS} redirects: {url[:200]}")


async def _close(socket: WebSocketRoute) -> None:
    """No WebSocket of a captured page is connected (it would pass by the address checks)."""
    await _quietly(socket.close())


async def _open(page: Page, url: str, *, fetcher: Fetcher, state: _State) -> None:
    """Open the page, and again at the target of each of its redirects, until it loads."""
    for _hop in range(MAX_REDIRECTS + 1):
        state.next_url = None
        try:
            await page.goto(url, wait_until="load", timeout=_ms(fetcher.remaining()))
        except PlaywrightError as exc:
            if state.failure is not None:
                raise state.failure from None
            if "Timeout" in str(exc) or fetcher.remaining() <= 0:
                raise CaptureFailed(
                    CaptureReason.timeout, f"the page did not finish loading: {url[:200]}"
                ) from exc
            raise CaptureFailed(CaptureReason.connection_failed, str(exc).splitlines()[0]) from exc
        if state.failure is not None:
            raise state.failure
        if state.next_url is None:
            return
        url = state.next_url
    raise CaptureFailed(CaptureReason.connection_failed, f"more than {MAX_REDIRECTS} redirects: {url[:200]}")


async def _quietly(action: object) -> None:
    """A route answer after the page went away is of no consequence."""
    with contextlib.suppress(PlaywrightError):
        await action  # type: ignore[misc]


@cache
def _browser_version(browser_path: str) -> str:
    """The browser's version (`chromium --version`), for the user agent of the first request."""
    try:
        done = subprocess.run(
            [browser_path, "--version"], capture_output=True, text=True, timeout=20, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return ""
    found = re.search(r"(\d+\.\d+\.\d+\.\d+)", done.stdout)
    return found.group(1) if found else ""


def user_agent(version: str) -> str:
    """The desktop Chrome user agent (not HeadlessChrome, which sites answer differently)."""
    return (
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        f"Chrome/{version or '120.0.0.0'} Safari/537.36"
    )


async def _prefetch(url: str, *, agent: str, fetcher: Fetcher, state: _State) -> Exchange:
    """The page and its redirects, before a browser starts: a dead or refused link fails fast."""
    headers = {
        "user-agent": agent,
        "accept": "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8",
        "accept-language": "en-US,en;q=0.9",
        "upgrade-insecure-requests": "1",
    }
    for _hop in range(MAX_REDIRECTS + 1):
        target = await asyncio.to_thread(check, url, fetcher.policy)
        exchange = await fetcher.fetch(target, method="GET", headers=headers, body=None)
        state.exchanges.append(exchange)
        state.main_chain.append(exchange)
        location = exchange.header("location")
        if not (300 <= exchange.status < 400 and location):
            if exchange.status >= 400:
                raise CaptureFailed(
                    CaptureReason.http_error,
                    f"the page answered HTTP {exchange.status}",
                    http_status=exchange.status,
                    final_url=exchange.url,
                )
            return exchange
        url = urljoin(url, location)
    raise CaptureFailed(CaptureReason.connection_failed, f"more than {MAX_REDIRECTS} redirects: {url[:200]}")


async def _load(url: str, *, browser_path: str, fetcher: Fetcher) -> Recording:
    started = utcnow()
    if not os.path.exists(browser_path):
        await asyncio.to_thread(check, url, fetcher.policy)  # a refused address says so first
        raise CaptureFailed(CaptureReason.browser_unavailable, f"no browser at {browser_path}")
    state = _State()
    agent = user_agent(await asyncio.to_thread(_browser_version, browser_path))
    page_exchange = await _prefetch(url, agent=agent, fetcher=fetcher, state=state)
    state.prefetched[page_exchange.url] = page_exchange
    async with async_playwright() as playwright:
        try:
            browser = await playwright.chromium.launch(
                executable_path=browser_path, args=BROWSER_ARGS, timeout=LAUNCH_SECONDS * 1000
            )
        except PlaywrightError as exc:
            raise CaptureFailed(CaptureReason.browser_unavailable, str(exc).splitlines()[0]) from exc
        try:
            version = browser.version
            context = await browser.new_context(
                user_agent=agent, viewport=VIEWPORT, service_workers="block", accept_downloads=False
            )
            page = await context.new_page()
            await context.route("**/*", lambda route: _serve(route, page, fetcher, state))
            await context.route_web_socket("**", _close)
            # The time limit is for the page, not for starting the browser on a busy machine.
            fetcher.deadline = time.monotonic() + fetcher.policy.timeout_seconds
            await _open(page, page_exchange.url, fetcher=fetcher, state=state)
            settle = _ms(min(SETTLE_MS / 1000, max(fetcher.remaining() - 5, 0.001)))
            with contextlib.suppress(PlaywrightError):  # still busy (polling, a stream): taken as it is
                await page.wait_for_load_state("networkidle", timeout=settle)
            if state.next_url is not None and state.failure is None:
                # A script or meta refresh went on to an address that redirects: follow it too.
                await _open(page, state.next_url, fetcher=fetcher, state=state)
                with contextlib.suppress(PlaywrightError):
                    await page.wait_for_load_state("networkidle", timeout=settle)
            if state.failure is not None:
                raise state.failure
            main = state.main_chain[-1]
            if main.status >= 400:
                raise CaptureFailed(
                    CaptureReason.http_error,
                    f"the page answered HTTP {main.status}",
                    http_status=main.status,
                    final_url=main.url,
                )
            dom = await page.content()
            title = await page.title()
            screenshot = await page.screenshot(
                full_page=True, type="png", timeout=_ms(max(fetcher.remaining(), 5))
            )
            final_url = page.url
        finally:
            await browser.close()
    return Recording(
        requested_url=url,
        final_url=final_url,
        main=main,
        redirects=state.main_chain[:-1],
        exchanges=state.exchanges,
        refused=state.refused,
        screenshot=screenshot,
        dom=dom,
        title=title,
        user_agent=agent,
        browser_version=version,
        started_at=started,
        finished_at=utcnow(),
        fetched_bytes=fetcher.fetched_bytes,
    )


async def record(url: str, *, policy: Policy, browser_path: str) -> Recording:
    """Load the URL and keep everything it fetched; CaptureFailed with a reason otherwise."""
    fetcher = Fetcher(policy=policy, deadline=time.monotonic() + policy.timeout_seconds)
    try:
        # The deadline is enforced per request as well; this is the last resort for a browser
        # that hangs (with a margin for the screenshot of a long page).
        return await asyncio.wait_for(
            _load(url, browser_path=browser_path, fetcher=fetcher),
            timeout=policy.timeout_seconds + LAUNCH_SECONDS + 10,
        )
    except TimeoutError as exc:
        raise CaptureFailed(
            CaptureReason.timeout, f"the capture took longer than {policy.timeout_seconds} s"
        ) from exc
    finally:
        await fetcher.aclose()
