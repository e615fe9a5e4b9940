"""The client's address, for throttling and for the record of a signature."""

from __future__ import annotations

import hmac

from flask import current_app, request

ORIGIN_HEADER = "X-SCC-Origin-Verify"


def origin_verified() -> bool:
    """Whether the request came through CloudFront: it carries the origin header with one of
    the configured secrets (compared in constant time)."""
    sent = request.headers.get(ORIGIN_HEADER, "").encode()
    secrets = current_app.config["ORIGIN_SECRETS"]
    return bool(sent) and any(hmac.compare_digest(sent, s.encode()) for s in secrets)


def client_ip() -> str:
    """The viewer's IP: CloudFront's viewer address when present, else the source IP."""
    viewer = request.headers.get("CloudFront-Viewer-Address", "").strip()
    if viewer:
        # "198.51.100.10:46532" or "2001:db8::1:46532": the address, then the viewer's port.
        host, sep, port = viewer.rpartition(":")
        return (host if sep and port.isdigit() else viewer).strip("[]")[:64]
    return (request.remote_addr or "unknown")[:64]
