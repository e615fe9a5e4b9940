"""Passwords: bcrypt, checked once per sign-in, never per request; the rules for a member's own."""

from __future__ import annotations

import bcrypt
from flask import current_app

from scc.errors import Invalid

MIN_LENGTH = 10
MAX_BYTES = 72  # bcrypt reads no further; longer passwords are refused rather than cut


def _raw(password: str) -> bytes:
    return password.encode("utf-8", "surrogatepass")


def matches(password: object, stored: str | None) -> bool:
    """Whether a password matches a bcrypt hash (False for anything that is not one)."""
    if not isinstance(password, str) or not stored:
        return False
    raw = _raw(password)
    if not raw or len(raw) > MAX_BYTES:
        return False
    try:
        return bcrypt.checkpw(raw, stored.encode())
    except ValueError:
        return False


def check_rules(password: object, crew_id: str) -> str:
    """A member's own password: at least 10 characters, at most 72 bytes, not their crew id."""
    if not isinstance(password, str) or not password:
        raise Invalid("Please choose a password.", "password")
    if len(password) < MIN_LENGTH:
        raise Invalid(f"Use at least {MIN_LENGTH} characters.", "password")
    if len(_raw(password)) > MAX_BYTES:
        raise Invalid("That password is too long (at most 72 bytes).", "password")
    if password.strip().lower() == crew_id.lower():
        raise Invalid("Your password can't be your crew id.", "password")
    return password


def hashed(password: str) -> str:
    """A bcrypt hash (the cost from BCRYPT_ROUNDS: 12 in production, 4 in the tests)."""
    salt = bcrypt.gensalt(rounds=current_app.config["BCRYPT_ROUNDS"])
    return bcrypt.hashpw(_raw(password), salt).decode()
