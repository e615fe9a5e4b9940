"""Static files under content-hashed names (`app.css` -> `app.3f9c2b1a.css`), so a page only
ever links the exact bytes it was made with and they can be cached for a year. The deploy
uploads the same names (deploy/s3shell.py calls hashed_name); this app serves them too."""

from __future__ import annotations

import functools
import hashlib
from pathlib import Path, PurePosixPath

from flask import Blueprint, Response, abort, send_from_directory, url_for

STATIC = str(Path(__file__).resolve().parent.parent / "static")
IMMUTABLE = "public, max-age=31536000, immutable"
HASH_LENGTH = 8

bp = Blueprint("assets", __name__)


def hashed_name(name: str, content: bytes) -> str:
    """`vendor/htmx.min.js` + its bytes -> `vendor/htmx.min.<first 8 hex of SHA-256>.js`."""
    path = PurePosixPath(name)
    digest = hashlib.sha256(content).hexdigest()[:HASH_LENGTH]
    return str(path.with_name(f"{path.stem}.{digest}{path.suffix}"))


@functools.cache
def hashed_files(folder: str = STATIC) -> dict[str, str]:
    """Every static file's hashed name -> its real name (read once per process)."""
    root = Path(folder)
    found = {}
    for path in sorted(root.rglob("*")):
        if path.is_file():
            name = path.relative_to(root).as_posix()
            found[hashed_name(name, path.read_bytes())] = name
    return found


@functools.cache
def hashed_names(folder: str = STATIC) -> dict[str, str]:
    """Every static file's real name -> its hashed name (once per process)."""
    return {real: hashed for hashed, real in hashed_files(folder).items()}


def asset_url(filename: str) -> str:
    """The URL of a static file under its hashed name (the URL prefix, e.g. staging's, kept)."""
    return url_for("assets.static_file", filename=hashed_names(STATIC)[filename])


@bp.get("/static/<path:filename>")
def static_file(filename: str) -> Response:
    """A hashed name is served for a year; a plain name (make dev, old bookmarks) is not cached."""
    real = hashed_files(STATIC).get(filename)
    if real is None:
        if filename not in hashed_names(STATIC):
            abort(404)
        return send_from_directory(STATIC, filename, max_age=0)
    response = send_from_directory(STATIC, real)
    response.headers["Cache-Control"] = IMMUTABLE
    return response
