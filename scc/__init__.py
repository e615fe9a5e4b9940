"""ShipCaptainCrew: the dispatch board, payments and waivers of a charter-boat business."""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from flask import Flask

from scc.version import VERSION as __version__  # noqa: F401 - the package's version

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

STAGING_PREFIX = "/_staging"


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


def create_app(test_config: Mapping[str, Any] | None = None) -> Flask:
    """Build the Flask app from the environment (or test_config) and register its blueprints."""
    from scc import config, runtime_secrets, snapstart, store, web
    from scc.auth import crew_views, guard, passkey_views
    from scc.auth import views as auth
    from scc.boats import views as boats
    from scc.calendar import views as calendar
    from scc.dev import cli
    from scc.notify import stream as notify
    from scc.patrons import views as patrons
    from scc.payments import card_views as cards
    from scc.payments import views as payments
    from scc.trips import books_views, day_views, lifecycle_views, manifest_views
    from scc.trips import views as trips
    from scc.waivers import text as waiver_text
    from scc.waivers import views as waivers

    app = Flask(__name__, static_folder=None)  # static files: scc.web.assets (hashed names)
    app.config.from_mapping(config.from_environ())
    if test_config is not None:
        app.config.from_mapping(test_config)
    if not app.config["SECRET_KEY"] and not (app.config["DEV"] or app.testing):
        raise RuntimeError(
            "SCC_SECRET_KEY is not set. It signs sessions and patron links; set it to a long "
            "random string, e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`."
        )
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = secrets.token_urlsafe(48)

    runtime_secrets.init_app(app)  # first: every other hook may need a secret
    store.init_app(app)
    web.init_app(app)
    app.jinja_env.globals["business"] = waiver_text.BUSINESS  # patron pages, printed waivers
    guard.init_app(app)
    cli.init_app(app)
    blueprints = (
        auth.bp,
        crew_views.bp,
        passkey_views.bp,
        boats.bp,
        trips.bp,
        manifest_views.bp,
        lifecycle_views.bp,
        books_views.bp,
        day_views.bp,
        payments.bp,
        cards.bp,
        patrons.bp,
        waivers.bp,
        notify.bp,
        calendar.bp,
    )
    for blueprint in blueprints:
        app.register_blueprint(blueprint)
    app.wsgi_app = StagingPrefix(app.wsgi_app)  # type: ignore[method-assign]
    snapstart.init_app(app)  # Lambda SnapStart's hooks, when Lambda snapshots this init
    return app
