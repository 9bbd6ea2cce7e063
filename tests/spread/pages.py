"""Pages served on 127.0.0.1 for the re-checks: a path per answer, and an address nobody listens on."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

# path -> HTTP status the page answers with; the status of a path can be changed while serving.
DEFAULT = {"/post": 404, "/gone": 410, "/back": 200, "/moved": 302, "/legal": 451}


class Pages:
    """The running server: its base URL and the answers it gives (change them to move the story on)."""

    def __init__(self, base: str, answers: dict[str, int]) -> None:
        self.base = base
        self.answers = answers
        self.requests: list[tuple[str, str]] = []

    def url(self, path: str) -> str:
        return f"{self.base}{path}"


def closed_port_url() -> str:
    """A URL on 127.0.0.1 where nothing listens (the port was free a moment ago)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/post"


@contextmanager
def serving() -> Iterator[Pages]:
    answers = dict(DEFAULT)
    pages: Pages

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            pages.requests.append((self.command, self.path))
            status = answers.get(self.path, 404)
            self.send_response(status)
            if status == 302:
                self.send_header("Location", "/login")
            body = b"<html><body>a page</body></html>"
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    pages = Pages(f"http://127.0.0.1:{server.server_address[1]}", answers)
    thread = threading.Thread(target=server.serve_forever, name="recheck-pages", daemon=True)
    thread.start()
    try:
        yield pages
    finally:
        server.shutdown()
        server.server_close()
