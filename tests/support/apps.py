"""The apps the tests run. lambda_entry's app, the one a Function URL serves, builds itself from
the environment when it is imported; `configure` gives it the tests' settings (the test table,
the test password, a cheap bcrypt). `make_app` builds an app of its own, for a test about other
settings (notifications, the browser's live server)."""

from __future__ import annotations

from typing import Any

from flask import Flask

from scc import create_app
from scc import store as scc_store
from tests.support.builders import PASSWORD_HASH

SETTINGS: dict[str, Any] = {
    "ADMIN_PASS_HASH": PASSWORD_HASH,
    "TABLE": "scc-test",
    "PAY_INSTRUCTIONS": "Venmo @scc-charters",
    "BCRYPT_ROUNDS": 4,  # members' own passwords: the same checks, at a test's cost
}


def configure(app: Flask) -> Flask:
    """Give an app built from the environment the tests' settings, and its Store the test
    table."""
    app.config.update(SETTINGS)
    scc_store.init_app(app)
    return app


def make_app(**overrides: Any) -> Flask:
    """An app of the test's own, with the tests' settings and these overrides."""
    return create_app({"TESTING": True, "SECRET_KEY": "test-secret", **SETTINGS, **overrides})
