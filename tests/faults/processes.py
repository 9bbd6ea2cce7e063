"""Real processes for the fault tests: `weerbaar` servers and workers, moto's S3 server, and a
PostgreSQL cluster of the test's own, each started, killed (SIGKILL) and started again."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from tests.fixtures.factories import SECRET
from tests.fixtures.postgres import _as_postgres, _bin_dir, unavailable

BIN = Path(sys.executable).parent
ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_until(check: Callable[[], Any], *, timeout: float = 20.0, what: str = "the condition") -> Any:
    """Poll `check` until it returns something true; its value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


def weerbaar_env(data_dir: Path, database_url: str, **settings: object) -> dict[str, str]:
    """The environment of a `weerbaar` process: WEERBAAR_<NAME> for each setting."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WEERBAAR_")}
    values: dict[str, object] = {
        "data_dir": data_dir,
        "database_url": database_url,
        "secret_key": SECRET,
        "create_demo": "false",
        "run_jobs_in_process": "false",
        "log_level": "warning",
        **settings,
    }
    env.update({f"WEERBAAR_{name.upper()}": str(value) for name, value in values.items()})
    # The child runs the code under test, not whatever checkout the virtualenv was installed from.
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    return env


@dataclass
class Process:
    """A child process with its log file."""

    popen: subprocess.Popen[bytes]
    log: Path

    def kill(self) -> None:
        """SIGKILL: no clean-up handler runs, as when the machine or the OOM killer stops it."""
        if self.popen.poll() is None:
            os.kill(self.popen.pid, signal.SIGKILL)
        self.popen.wait(timeout=10)

    def stop(self) -> None:
        """SIGTERM, then SIGKILL if it does not stop."""
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.kill()

    def output(self) -> str:
        """What the process logged, for assertion messages."""
        return self.log.read_text(errors="replace")[-3000:]


def start(args: Iterable[str], *, env: dict[str, str], log: Path) -> Process:
    """Start a child process in its own session, logging to `log`."""
    with open(log, "ab") as out:
        popen = subprocess.Popen(
            list(args), env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    return Process(popen, log)


def start_server(env: dict[str, str], port: int, log: Path) -> Process:
    """`weerbaar serve --api-only` on 127.0.0.1:port, once /readyz answers."""
    process = start(
        [str(BIN / "weerbaar"), "serve", "--api-only", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        log=log,
    )

    def ready() -> bool:
        if process.popen.poll() is not None:
            raise AssertionError(f"the server stopped:\n{process.output()}")
        try:
            return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    wait_until(ready, timeout=30, what="the server to start")
    return process


def start_worker(env: dict[str, str], log: Path) -> Process:
    """`weerbaar worker`."""
    return start([str(BIN / "weerbaar"), "worker"], env=env, log=log)


# --- moto's S3 server as a process of its own ---------------------------------------------------


def start_moto(port: int, log: Path) -> Process:
    """moto's S3 server on 127.0.0.1:port, once it answers."""
    process = start(
        [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(port)], env=dict(os.environ), log=log
    )

    def ready() -> bool:
        if process.popen.poll() is not None:
            unavailable(f"moto_server did not start:\n{process.output()}")
        try:
            httpx.get(f"http://127.0.0.1:{port}/", timeout=1)
            return True
        except httpx.HTTPError:
            return False

    wait_until(ready, timeout=30, what="moto_server to start")
    return process


# --- a PostgreSQL cluster of the test's own -------------------------------------------------


@dataclass
class Cluster:
    """A throwaway PostgreSQL cluster that the test may stop and start."""

    bin_dir: Path
    base: Path
    port: int

    @property
    def url(self) -> str:
        """Its superuser URL."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _pg_ctl(self, *args: str) -> None:
        subprocess.run(
            _as_postgres([str(self.bin_dir / "pg_ctl"), "-D", str(self.base / "data"), *args]),
            check=True,
            capture_output=True,
        )

    def start(self) -> None:
        """Start and wait until it accepts connections."""
        # synchronous_commit stays on: an acknowledged commit must survive an immediate stop.
        options = (
            f"-p {self.port} -k {self.base} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c full_page_writes=off -c max_connections=100"
        )
        self._pg_ctl("-o", options, "-w", "-l", str(self.base / "server.log"), "start")

    def stop(self, mode: str = "fast") -> None:
        """Stop: `fast` disconnects every client; `immediate` is a crash (recovery at the next start)."""
        self._pg_ctl("-m", mode, "-w", "stop")


@contextmanager
def postgres_cluster() -> Iterator[Cluster]:
    """A new cluster on a free port, removed afterwards; skipped (failed in CI) without binaries."""
    bin_dir = _bin_dir()
    if bin_dir is None or (os.geteuid() == 0 and not _has_postgres_user()):
        unavailable("no PostgreSQL binaries to start a cluster of our own")
        raise AssertionError  # unreachable: unavailable() skips or fails
    base = Path(tempfile.mkdtemp(prefix="weerbaar-faults-pg-"))
    if os.geteuid() == 0:
        import pwd

        owner = pwd.getpwnam("postgres")
        os.chown(base, owner.pw_uid, owner.pw_gid)
    subprocess.run(
        _as_postgres(
            [
                str(bin_dir / "initdb"),
                "-D",
                str(base / "data"),
                "-U",
                "postgres",
                "--auth=trust",
                "--encoding=UTF8",
                "--locale=C.UTF-8",
            ]
        ),
        check=True,
        capture_output=True,
    )
    cluster = Cluster(bin_dir=bin_dir, base=base, port=free_port())
    cluster.start()
    try:
        yield cluster
    finally:
        with suppress(subprocess.CalledProcessError):
            cluster.stop("immediate")
        shutil.rmtree(base, ignore_errors=True)


def _has_postgres_user() -> bool:
    import pwd

    try:
        pwd.getpwnam("postgres")
    except KeyError:
        return False
    return True


def in_thread(target: Callable[[], Any]) -> tuple[threading.Thread, list[Any]]:
    """Run `target` in a daemon thread; its result or exception lands in the returned list."""
    outcome: list[Any] = []

    def run() -> None:
        try:
            outcome.append(target())
        except BaseException as exc:  # noqa: BLE001 - handed to the test
            outcome.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, outcome


@contextmanager
def serving(app: Any) -> Iterator[str]:
    """The ASGI app served by uvicorn in a thread on a free port; its base URL."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, name="weerbaar-faults-server", daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"

    def ready() -> bool:
        try:
            return httpx.get(f"{base}/healthz", timeout=1).status_code == 200
        except httpx.HTTPError:
            return False

    wait_until(ready, what="the server to start")
    try:
        yield base
    finally:
        server.should_exit = True
        thread.join(timeout=10)
