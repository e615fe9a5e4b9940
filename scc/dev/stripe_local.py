"""The local Stripe (scc.dev.stripe_standin) in a process of its own, for `make dev` and the
tests: started on a free loopback port, waited for, stopped. Imports nothing of it here."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass

READY_SECONDS = 20


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class LocalStripe:
    process: subprocess.Popen[bytes]
    base: str

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)

    def _call(self, method: str, path: str, form: dict[str, str] | None = None) -> None:
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        request = urllib.request.Request(self.base + path, data=data, method=method)  # noqa: S310
        urllib.request.urlopen(request, timeout=5).close()  # noqa: S310 - loopback http

    def send_events_to(self, url: str, secret: str) -> None:
        """Deliver Stripe's events (signed with `secret`) to the app's webhook at `url`."""
        self._call("POST", "/_config/webhooks/scc", {"url": url, "secret": secret})

    def flush(self) -> None:
        """Forget every object and idempotency key."""
        self._call("DELETE", "/_config/data")


def start() -> LocalStripe:
    """Start the stand-in and wait until it listens."""
    port = _free_port()
    process = subprocess.Popen(  # noqa: S603 - this interpreter, our own module
        [sys.executable, "-m", "scc.dev.stripe_standin", "--port", str(port)],
        stdout=subprocess.DEVNULL,  # nor does it hold its parent's output open
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + READY_SECONDS
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return LocalStripe(process, f"http://127.0.0.1:{port}")
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                raise RuntimeError("The local Stripe stand-in did not start.") from None
            time.sleep(0.05)
