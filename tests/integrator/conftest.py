"""The integrator's side: the generated client (once per session) and the server on 127.0.0.1."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from types import ModuleType

import pytest
import uvicorn
from sqlalchemy import Engine

from api.main import create_app
from app.config import Settings
from tests.fixtures.generated_client import Generated, generate, load


@pytest.fixture(scope="session")
def generated() -> Generated:
    """The client generated from the committed contract (cached by the contract's hash)."""
    return generate()


@pytest.fixture
def client_package(generated: Generated) -> ModuleType:
    """The generated package, imported unmodified."""
    return load(generated)


class _Server(uvicorn.Server):
    def install_signal_handlers(self) -> None:  # running in a thread
        pass


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def live_api(settings: Settings) -> Iterator[tuple[str, Engine]]:
    """The whole application under uvicorn on 127.0.0.1: (base URL of the API, its engine)."""
    app = create_app(settings)
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = _Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}/api/v1", app.state.engine
    server.should_exit = True
    thread.join(timeout=30)
    app.state.engine.dispose()
