"""ShipCaptainCrew: the dispatch board, payments and waivers of a charter-boat business."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from flask import Flask, Request, Response
from flask.sessions import SessionInterface, SessionMixin

__version__ = "0.1.0"

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

STAGING_PREFIX = "/_staging"
HTML = "text/html; charset=utf-8"


class StagingPrefix:
    """Serve `/_staging/...` with the same app: the prefix moves to SCRIPT_NAME, so url_for keeps
    it and the staging shell talks to the staging alias."""

    def __init__(self, app: WSGIApplication) -> None:
        self.app = app

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        if path == STAGING_PREFIX or path.startswith(STAGING_PREFIX + "/"):
            environ["SCRIPT_NAME"] = environ.get("SCRIPT_NAME", "") + STAGING_PREFIX
            environ["PATH_INFO"] = path[len(STAGING_PREFIX) :] or "/"
        return self.app(environ, start_response)


class AppResponse(Response):
    """Flask's response, told its content type when made without one or any headers: a new
    response has no Content-Type to look for, and werkzeug's look raises and catches a KeyError
    on every HTML answer. The type it gets is the one werkzeug would have given it."""

    def __init__(
        self,
        response: Any = None,
        status: Any = None,
        headers: Any = None,
        mimetype: str | None = None,
        content_type: str | None = None,
        **kwargs: Any,
    ) -> None:
        if content_type is None and mimetype is None and not headers:
            content_type = HTML
        super().__init__(response, status, headers, mimetype, content_type, **kwargs)


class NoFlaskSession(SessionInterface):
    """Flask's `session` is unused here; every request gets the read-only null session."""

    def open_session(self, app: Flask, request: Request) -> None:
        return None

    def save_session(self, app: Flask, session: SessionMixin, response: Response) -> None:
        return None


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the Flask app from the environment (or test_config) and register its blueprints."""
    from scc import (
        auth,
        config,
        dispatch,
        fragments,
        patrons,
        payments,
        security,
        store,
        web,
        web_errors,
    )

    app = Flask(__name__)
    app.config.from_mapping(config.from_environ())
    if test_config is not None:
        app.config.from_mapping(test_config)
    if not app.config["SECRET_KEY"] and not (app.config["DEV"] or app.testing):
        raise RuntimeError(
            "SCC_SECRET_KEY is not set. It signs sessions and patron links; set it to a long "
            "random string, e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`."
        )
    if not app.config["SECRET_KEY"]:
        import secrets

        app.config["SECRET_KEY"] = secrets.token_urlsafe(48)

    # SCC keeps no Flask cookie session (its own signed token is in scc.sessions): skip the
    # per-request work of opening and saving one.
    app.session_interface = NoFlaskSession()
    app.response_class = AppResponse
    store.init_app(app)
    fragments.init_app(app)
    web.init_app(app)
    web_errors.init_app(app)
    security.init_app(app)
    app.register_blueprint(auth.bp)
    app.register_blueprint(dispatch.bp)
    app.register_blueprint(payments.bp)
    app.register_blueprint(patrons.bp)
    app.wsgi_app = StagingPrefix(app.wsgi_app)  # type: ignore[method-assign]
    return app
