"""Security headers on every response: pages, fragments, JSON, errors and static files."""

from __future__ import annotations

from flask import Flask, Response, request

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; form-action 'self'; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'"
)
HEADERS = {
    "Content-Security-Policy": CSP,
    "Strict-Transport-Security": "max-age=63072000; includeSubDomains",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def add_headers(response: Response) -> Response:
    """The baseline headers (a view's own value wins); nothing but static files is cached; one
    /api/ URL serves JSON and fragments, so those answers vary on HX-Request."""
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    if request.endpoint != "assets.static_file":
        response.headers["Cache-Control"] = "no-store"
    if request.path.startswith("/api/"):
        response.vary.add("HX-Request")
    return response


def init_app(app: Flask) -> None:
    app.after_request(add_headers)
