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


@contextmanager
def moto_dynamodb(served: list[str] | None = None) -> Iterator[str]:
    """A moto DynamoDB server on loopback that handles one request at a time (like DynamoDB's
    per-item atomicity; moto in-process is not thread-safe), for tests that race threads.
    `served` collects the X-Amz-Target of every request that reached it."""
    from moto.server import DomainDispatcherApplication, create_backend_app

    backend = DomainDispatcherApplication(create_backend_app)

    def counting(environ: dict[str, Any], start_response: Any) -> Any:
        if served is not None:
            served.append(environ.get("HTTP_X_AMZ_TARGET", ""))
        return backend(environ, start_response)

    with serve(counting, threaded=False) as url:
        yield url
