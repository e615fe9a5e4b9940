"""The keys that sign sessions and patron links: SCC_SECRET_KEY's first key signs, every key
verifies (the others are Flask's SECRET_KEY_FALLBACKS), so keys rotate without breaking what is
already out there."""

from __future__ import annotations

from flask import current_app

Keys = str | list[str]  # one key, or several: all verify, the last signs (itsdangerous's order)


def signing_keys() -> list[str]:
    """The current app's keys in the order itsdangerous wants them: all verify, the last signs."""
    config = current_app.config
    return [*reversed(config["SECRET_KEY_FALLBACKS"] or []), config["SECRET_KEY"]]
