"""Security headers on every response: pages, fragments, JSON, errors and static files."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import parse_qs

from flask import Flask

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

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


IMMUTABLE = "public, max-age=31536000, immutable"
_BASELINE = list(HEADERS.items())
# The names this middleware writes. A response that sets none of them (most responses) gets the
# baseline appended as it is, with no per-header filtering.
_OURS = frozenset([*(name.lower() for name in HEADERS), "cache-control", "vary"])


class SecurityHeaders:
    """WSGI middleware: the baseline headers on every response (pages, fragments, JSON, errors,
    static files), appended to the plain header list once rather than set one by one on a Flask
    response. Nothing but fingerprinted static files may be cached; /api/ answers vary on
    HX-Request because one URL serves JSON and fragments."""

    def __init__(self, app: WSGIApplication) -> None:
        self.app = app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path.startswith("/static/"):
            query = parse_qs(environ.get("QUERY_STRING", ""))
            cache = IMMUTABLE if query.get("v", [""])[0] else None
        else:
            cache = "no-store"
        api = path.startswith("/api/")
        tail = [("Cache-Control", cache)] if cache else []
        if api:
            tail.append(("Vary", "HX-Request"))

        def start(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            if _OURS.isdisjoint([name.lower() for name, _ in headers]):
                return start_response(status, headers + _BASELINE + tail, exc_info)
            out, present, varies = [], set(), []
            for name, value in headers:
                lower = name.lower()
                present.add(lower)
                if cache and lower == "cache-control":
                    continue
                if api and lower == "vary":
                    varies.append(value)
                    continue
                out.append((name, value))
            out += [(name, value) for name, value in _BASELINE if name.lower() not in present]
            if cache:
                out.append(("Cache-Control", cache))
            if api:
                out.append(("Vary", ", ".join([*varies, "HX-Request"])))
            return start_response(status, out, exc_info)

        return self.app(environ, start)


def init_app(app: Flask) -> None:
    app.wsgi_app = SecurityHeaders(app.wsgi_app)  # type: ignore[method-assign]
