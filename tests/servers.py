"""Serve a WSGI app on loopback for a test: one helper for the live app and the moto server."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from werkzeug.serving import make_server


@contextmanager
def serve(app: Any, *, threaded: bool = True) -> Iterator[str]:
    """Run app on 127.0.0.1 (a free port) in a thread; yield its base URL; stop it after."""
    server = make_server("127.0.0.1", 0, app, threaded=threaded)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()
        server.server_close()
