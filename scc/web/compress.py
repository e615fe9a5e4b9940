"""Gzip for answers worth it: CloudFront does not compress what it does not cache, and the
Function URL behaviours cache nothing, so the app compresses its own answers."""

from __future__ import annotations

import gzip

from flask import Flask, Response, request

MIN_BYTES = 1024  # below this the gzip header and a phone's CPU cost more than the bytes saved
TYPES = ("text/", "application/json", "application/javascript", "image/svg+xml")


def compress(response: Response) -> Response:
    """Gzip the body when the client accepts it and it is text of at least MIN_BYTES."""
    response.vary.add("Accept-Encoding")
    if (
        not request.accept_encodings["gzip"]
        or response.direct_passthrough
        or response.is_streamed
        or "Content-Encoding" in response.headers
        or not (response.mimetype or "").startswith(TYPES)
    ):
        return response
    body = response.get_data()
    if len(body) < MIN_BYTES:
        return response
    response.set_data(gzip.compress(body, compresslevel=6, mtime=0))
    response.headers["Content-Encoding"] = "gzip"
    return response


def init_app(app: Flask) -> None:
    app.after_request(compress)
