"""One TLS context for this process's outgoing connections (webhook deliveries, mail).

Building a context reads the CA bundle, milliseconds each time; a context is safe to share between
threads, and certificates are verified as with a new default one.
"""

from __future__ import annotations

import ssl
from functools import cache


@cache
def client_context() -> ssl.SSLContext:
    """The default verifying client context, made once."""
    return ssl.create_default_context()
