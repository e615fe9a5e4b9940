"""Plain validation functions: each takes raw input and returns clean values or raises Invalid."""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterator
from datetime import date
from typing import Any

from scc.errors import Invalid

# Control characters (C0 but tab and newlines, DEL, C1), the Unicode line and paragraph
# separators (mail headers break on them) and lone surrogates (not text at all).
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\ud800-\udfff]")
_CREW_ID = re.compile(r"[a-z0-9][a-z0-9._-]{0,39}")
_PATRON_ID = re.compile(r"[a-z0-9][a-z0-9_-]{0,39}")
_BOAT_ID = re.compile(r"[a-z0-9-]{1,40}")
_EMAIL = re.compile(r"[^@\s<>]{1,64}@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+")
_PHONE = re.compile(r"\+?[0-9 ().-]{7,25}")


class FieldErrors:
    """Collect one message per field, so a form shows every problem at once:

    errors = FieldErrors()
    with errors.on("date"):
        day = validation.day(data.get("date"))
    ...
    errors.raise_if_any()  # Invalid with every message; past it, every value above is set
    """

    def __init__(self) -> None:
        self.messages: dict[str, str] = {}

    @contextlib.contextmanager
    def on(self, field: str) -> Iterator[None]:
        """Check one field: an Invalid raised inside is kept (under its own field, else this
        one), not raised."""
        try:
            yield
        except Invalid as exc:
            for name, message in (exc.errors or {exc.field or field: exc.message}).items():
                self.messages.setdefault(name, message)

    def raise_if_any(self) -> None:
        if self.messages:
            field, message = next(iter(self.messages.items()))
            raise Invalid(message, field, errors=dict(self.messages))


def text(
    value: Any,
    field: str,
    label: str,
    *,
    max_len: int = 120,
    required: bool = True,
    multiline: bool = False,
) -> str:
    """A line of plain text: trimmed, bounded, no markup or control characters."""
    if value is not None and not isinstance(value, str):
        raise Invalid(f"{label} must be text.", field)
    value = (value or "").strip()
    if not value:
        if required:
            raise Invalid(f"{label} is required.", field)
        return ""
    if len(value) > max_len:
        raise Invalid(f"{label} is too long (at most {max_len} characters).", field)
    if "<" in value or ">" in value:
        raise Invalid(f"{label} can't contain < or >.", field)
    if _CONTROL.search(value) or (not multiline and ("\n" in value or "\r" in value)):
        raise Invalid(f"{label} has characters that can't be stored.", field)
    return str(value)


def day(value: Any, field: str = "date", label: str = "The date") -> date:
    """A calendar date written YYYY-MM-DD."""
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
        raise Invalid(f"{label} must be written YYYY-MM-DD, e.g. 2026-05-23.", field)
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise Invalid(f"{label} is not a real calendar date.", field) from None


def email(value: Any, field: str = "email", *, required: bool = False) -> str | None:
    raw = text(value, field, "The email address", max_len=254, required=required)
    if raw and not _EMAIL.fullmatch(raw):
        raise Invalid("That email address does not look right (name@example.com).", field)
    return raw or None


def phone(value: Any, field: str = "phone", *, required: bool = False) -> str | None:
    raw = text(value, field, "The phone number", max_len=25, required=required)
    if raw and (not _PHONE.fullmatch(raw) or sum(ch.isdigit() for ch in raw) < 7):
        raise Invalid("That phone number does not look right (e.g. 619-555-0134).", field)
    return raw or None


def crew_id(value: Any, field: str = "crew_id") -> str:
    if not isinstance(value, str) or not _CREW_ID.fullmatch(value.strip().lower()):
        raise Invalid(
            "A crew id is 1-40 lower-case letters, digits, dots, dashes or underscores, e.g. cory.",
            field,
        )
    return value.strip().lower()


def is_patron_id(value: Any) -> bool:
    return isinstance(value, str) and _PATRON_ID.fullmatch(value) is not None


def boat_id(value: Any, field: str = "boat_id") -> str:
    if not isinstance(value, str) or not _BOAT_ID.fullmatch(value.strip().lower()):
        raise Invalid("A boat id is 1-40 lower-case letters, digits or dashes, e.g. queen.", field)
    return value.strip().lower()


def whole(value: Any, field: str, label: str, least: int, most: int) -> int:
    """A whole number least..most, given as a number or as digits."""
    number = isinstance(value, int | str) and not isinstance(value, bool)
    digits = str(value).strip() if number else ""
    if not digits.isdigit() or not least <= int(digits) <= most:
        raise Invalid(f"{label} must be a whole number from {least} to {most}.", field)
    return int(digits)


def yes_no(value: Any, field: str, sentence: str) -> bool:
    """True or false, as JSON (a boolean) or a form ("true", "false") sends it; else `sentence`."""
    if isinstance(value, bool) or value in ("true", "false"):
        return value in (True, "true")
    raise Invalid(sentence, field)


def active(value: Any, field: str = "active") -> bool:
    """A standing (a member's, a boat's): true or false, as JSON or a form sends it."""
    return yes_no(value, field, "Active must be true or false.")
