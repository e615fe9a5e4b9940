"""What every blueprint's pages share: template filters and globals, error answers, security
headers, compression and static files. Request helpers live beside it (forms, htmx, cards)."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from flask import Flask, current_app
from jinja2 import ChoiceLoader, ModuleLoader

from scc import clock, paylinks
from scc.money import fmt
from scc.web import assets, compress, edge, errors, security

# htmx settings (CSP-safe: no eval, no injected indicator styles, no history cache). Error
# statuses are swapped too: each error response says where it goes (HX-Retarget).
HTMX_CONFIG = {
    "allowEval": False,
    "allowScriptTags": False,
    "includeIndicatorStyles": False,
    "historyCacheSize": 0,
    "selfRequestsOnly": True,
    # The CSP allows no inline style; htmx's settle would copy a style attribute (even an empty
    # one some tool left) onto the new element, which the browser then reports as a violation.
    "attributesToSettle": ["class", "width", "height"],
    "responseHandling": [
        {"code": "204", "swap": False},
        {"code": "[23]..", "swap": True},
        {"code": "[45]..", "swap": True, "error": False},
        {"code": "...", "swap": False},
    ],
}
# The Lambda package's templates, compiled to Python modules by deploy.build (and shipped as .pyc
# files like the rest): a cold process imports them instead of parsing and compiling each one.
# The source tree has no such folder, so `make dev` and the tests read the templates themselves.
COMPILED_TEMPLATES = Path(__file__).resolve().parent.parent / "compiled_templates"


def today() -> date:
    """Today where the boats are (SCC_TIMEZONE)."""
    return clock.today(current_app.config["TIMEZONE"])


def day_label(value: str) -> str:
    """ "2026-05-23" -> "Sat, May 23, 2026"."""
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return value
    return f"{day:%a, %b} {day.day}, {day.year}"


def local_time(moment: str) -> str:
    """ "2026-05-23T14:23:45.123Z" -> "May 23, 2026, 7:23 AM PDT" where the boats are."""
    try:
        when = datetime.fromisoformat(moment)
    except (TypeError, ValueError):
        return str(moment)
    local = when.astimezone(ZoneInfo(current_app.config["TIMEZONE"]))
    return f"{local:%b} {local.day}, {local.year}, {local:%I:%M %p %Z}".replace(" 0", " ")


def init_app(app: Flask) -> None:
    if COMPILED_TEMPLATES.is_dir():  # before app.jinja_env exists: it reads jinja_options once
        loader = ChoiceLoader([ModuleLoader(COMPILED_TEMPLATES), app.create_global_jinja_loader()])
        app.jinja_options = {**app.jinja_options, "loader": loader}
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    app.jinja_env.filters.update(money=fmt, day_label=day_label, local_time=local_time)
    app.jinja_env.globals.update(
        htmx_config=json.dumps(HTMX_CONFIG, separators=(",", ":")),
        asset_url=assets.asset_url,
        patron_links=paylinks.urls,
    )
    app.register_blueprint(assets.bp)
    errors.init_app(app)
    edge.init_app(app)
    security.init_app(app)
    compress.init_app(app)
