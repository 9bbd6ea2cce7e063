"""Web pages for the capture tests, served on 127.0.0.1 over HTTP and HTTPS (a test CA's certificate)."""

from __future__ import annotations

import datetime
import ipaddress
import json
import ssl
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.evidence.helpers import png

JS_TEXT = "Built by JavaScript after loading"
INTERNAL_IMAGE = "http://10.0.0.1/internal.png"
IMAGES = {"/img/a.png": png(8, 6, seed=1), "/img/b.png": png(6, 4, seed=2)}
PAGE = (
    "<!doctype html><html lang=en><head><meta charset=utf-8><title>A threatening post</title></head>"
    "<body><h1>A threatening post</h1><p>Static text of the post.</p>"
    '<img src="/img/a.png" alt="a"><img src="/img/b.png" alt="b"><div id="built"></div>'
    # A resource on an internal address: refused, the page captured without it.
    f'<img src="{INTERNAL_IMAGE}" alt="">'
    '<script>fetch("/data.json").then(r => r.json()).then(d => {'
    'document.getElementById("built").textContent = d.text; })</script></body></html>'
)
# Long enough to go past a small byte limit, as one response.
BIG = b"<!doctype html><p>" + b"x" * 300_000 + b"</p>"


class _Handler(BaseHTTPRequestHandler):
    hang: threading.Event

    def log_message(self, format: str, *args: object) -> None:
        return

    def _send(self, status: int, body: bytes, content_type: str, **headers: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("X-Test-Server", "weerbaar-capture")
        for name, value in headers.items():
            self.send_header(name.replace("_", "-"), value)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0]
        if path == "/page.html":
            self._send(200, PAGE.encode(), "text/html; charset=utf-8")
        elif path in IMAGES:
            self._send(200, IMAGES[path], "image/png")
        elif path == "/data.json":
            self._send(200, json.dumps({"text": JS_TEXT}).encode(), "application/json")
        elif path == "/refresh.html":  # goes on by itself, to an address that redirects
            body = b'<!doctype html><meta http-equiv="refresh" content="0; url=/redirect"><p>Moved'
            self._send(200, body, "text/html")
        elif path == "/redirect":
            self._send(302, b"", "text/html", Location="/page.html")
        elif path == "/to-private":
            self._send(302, b"", "text/html", Location="http://169.254.169.254/latest/meta-data/")
        elif path == "/big.html":
            self._send(200, BIG, "text/html")
        elif path == "/hang.html":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            self.wfile.write(b"<!doctype html><p>never ends")
            self.wfile.flush()
            self.hang.wait(30)  # until the test ends: the capture must give up first
        else:
            self._send(404, b"<!doctype html><p>Not found", "text/html")


@dataclass
class Pages:
    """Where the test pages are, and the CA that signed the HTTPS server's certificate."""

    http: str
    https: str
    ca_file: Path


def _certificates(directory: Path) -> tuple[Path, Path, Path]:
    """A test CA and a server certificate for 127.0.0.1 and localhost; (ca, cert, key) files."""
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Weerbaar capture test CA")])
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName(
                [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
            ),
            critical=False,
        )
        .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
        .sign(ca_key, hashes.SHA256())
    )
    paths = directory / "ca.pem", directory / "server.pem", directory / "server.key"
    paths[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    paths[1].write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    paths[2].write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
    )
    return paths


@contextmanager
def serve_pages(directory: Path) -> Iterator[Pages]:
    """The pages over HTTP and HTTPS on free ports of 127.0.0.1 until the block ends."""
    hang = threading.Event()
    handler = type("Handler", (_Handler,), {"hang": hang})
    ca, cert, key = _certificates(directory)
    plain = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    secure = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    secure.socket = context.wrap_socket(secure.socket, server_side=True)
    servers = (plain, secure)
    for server in servers:
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield Pages(
            http=f"http://127.0.0.1:{plain.server_address[1]}",
            https=f"https://127.0.0.1:{secure.server_address[1]}",
            ca_file=ca,
        )
    finally:
        hang.set()
        for server in servers:
            server.shutdown()
            server.server_close()
