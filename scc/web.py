"""Request and template plumbing shared by the blueprints: body parsing, filters, asset URLs."""

from __future__ import annotations

import hashlib
import json
from datetime import date
from pathlib import Path
from typing import Any

from flask import Flask, current_app, request, url_for
from werkzeug.exceptions import BadRequest

from scc.errors import Invalid, SCCError
from scc.money import fmt


def payload() -> dict[str, Any]:
    """The request body as a dict, from JSON or a form; malformed JSON is a 400."""
    if request.is_json:
        try:
            data = request.get_json(force=True)
        except BadRequest:
            raise SCCError("The request body is not valid JSON.") from None
        if not isinstance(data, dict):
            raise Invalid("The request body must be a JSON object with named fields.")
        return data
    return request.form.to_dict(flat=True)


def _fingerprint(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:10]


def asset_url(filename: str) -> str:
    """URL of a static file with a content fingerprint, so it can be cached for a year; worked
    out once per URL prefix (staging has its own) and file, as every full page links four."""
    urls: dict[tuple[str, str], str] = current_app.extensions["scc.asset_urls"]
    key = (request.script_root, filename)
    url = urls.get(key)
    if url is None:
        static = current_app.static_folder or ""
        fingerprint = _fingerprint(str(Path(static, filename)))
        url = urls[key] = url_for("static", filename=filename, v=fingerprint)
    return url


# htmx settings (CSP-safe: no eval, no injected indicator styles, no history cache). Error
# statuses are swapped too: each error response says where it goes (HX-Retarget).
HTMX_CONFIG = {
    "allowEval": False,
    "allowScriptTags": False,
    "includeIndicatorStyles": False,
    "historyCacheSize": 0,
    "selfRequestsOnly": True,
    "responseHandling": [
        {"code": "204", "swap": False},
        {"code": "[23]..", "swap": True},
        {"code": "[45]..", "swap": True, "error": False},
        {"code": "...", "swap": False},
    ],
}


def day_label(value: str) -> str:
    """ "2026-05-23" -> "Sat, May 23, 2026"."""
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return value
    return f"{day:%a, %b} {day.day}, {day.year}"


def current_crew() -> str | None:
    from scc.auth import current_session

    session = current_session()
    return session.crew_id if session else None


def init_app(app: Flask) -> None:
    app.extensions["scc.asset_urls"] = {}
    app.jinja_env.filters["money"] = fmt
    app.jinja_env.filters["day_label"] = day_label
    app.jinja_env.globals["htmx_config"] = json.dumps(HTMX_CONFIG, separators=(",", ":"))
    app.jinja_env.globals["current_crew"] = current_crew
    app.jinja_env.globals["asset_url"] = asset_url
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
