"""Turn every error into a response of the right kind: JSON under /api/, a fragment for htmx,
a page elsewhere. Bad input is never a 500."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, Response, g, jsonify, make_response, render_template, request
from werkzeug.exceptions import HTTPException

from scc.errors import SCCError, Stale, Throttled, Unauthorized
from scc.web.cards import render_stale
from scc.web.htmx import is_htmx, retarget

log = logging.getLogger(__name__)

MESSAGES = {
    400: "The request could not be read.",
    404: "There is nothing at this address.",
    413: "That request is too large (the limit is 64 KB).",
    500: "Something went wrong on our side. Nothing was changed; please try again.",
}


def respond(status: int, message: str, field: str | None = None) -> Response:
    """One error response, shaped by who asked."""
    # A message may quote what was sent; what can't be UTF-8 (a lone surrogate) must not break it.
    message = message.encode("utf-8", "replace").decode("utf-8")
    # A failed sign-in, and a session the roster ended in this request (access turned off,
    # signed out everywhere), say why; a board merely asking for sign-in does not.
    said = message if request.endpoint == "auth.login" or g.get("scc_ended") else None
    if is_htmx():
        if status == 401:
            response = make_response(render_template("auth/_login.html", message=said), status)
            # A session that ended mid-dialog: the form replaces the board, then the dialog goes.
            response.headers["HX-Trigger-After-Swap"] = "scc:close-modal"
            return retarget(response, "#board", "innerHTML")
        response = make_response(
            render_template("errors/_message.html", message=message, status=status), status
        )
        # A view may say where its errors belong (e.g. inside the open modal); else the flash.
        return retarget(response, g.get("error_target", "#flash"), "innerHTML")
    preferred = request.accept_mimetypes.best_match(["application/json", "text/html"])
    if status == 401 and preferred == "text/html":
        # A page the browser itself opened (it prefers HTML: the printable manifest, an export),
        # not a script or client: the sign-in page
        signing_in = {"message": said}
        return make_response(render_template("trips/shell.html", signing_in=signing_in), status)
    if request.path.startswith("/api/"):
        return make_response(jsonify({"error": message, "field": field}), status)
    return make_response(
        render_template("errors/page.html", message=message, status=status), status
    )


def handle_scc_error(exc: SCCError) -> Response:
    if isinstance(exc, Stale):
        return render_stale(exc)
    response = respond(exc.status, exc.message, exc.field)
    if isinstance(exc, Throttled):
        response.headers["Retry-After"] = str(exc.retry_after)
    if isinstance(exc, Unauthorized) and not is_htmx():
        response.headers["WWW-Authenticate"] = 'Bearer realm="scc"'
    return response


def handle_http_error(exc: HTTPException) -> Response:
    status = exc.code or 500
    message = MESSAGES.get(status, exc.name)
    if status == 405:
        message = f"This address does not accept {request.method} requests."
    response = respond(status, message)
    if status == 405 and hasattr(exc, "valid_methods") and exc.valid_methods:
        response.headers["Allow"] = ", ".join(exc.valid_methods)
    return response


def handle_unexpected(exc: Exception) -> Any:
    log.exception("unhandled error on %s %s", request.method, request.path)
    return respond(500, MESSAGES[500])


def init_app(app: Flask) -> None:
    app.register_error_handler(SCCError, handle_scc_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
