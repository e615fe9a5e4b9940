"""The event id convention: YYYY-MM-DD-<name>[-<period>], lower case."""

from __future__ import annotations

import re
from datetime import date

from scc.errors import Invalid

CONVENTION = "YYYY-MM-DD-name[-period], e.g. 2026-05-23-captain-cory-afternoon"
EXAMPLE = "2026-05-23-captain-cory-afternoon"
MAX_LENGTH = 80
_ID = re.compile(r"(\d{4})-(\d{2})-(\d{2})((?:-[a-z0-9]+)+)")
_SLUG_DROP = re.compile(r"[^a-z0-9]+")


def problem(eid: str) -> str | None:
    """Say what is wrong with an event id, or None when it follows the convention."""
    if not isinstance(eid, str) or not eid:
        return f"An event id is required: {CONVENTION}."
    if len(eid) > MAX_LENGTH:
        return f"That event id is longer than {MAX_LENGTH} characters; use {CONVENTION}."
    match = _ID.fullmatch(eid)
    if match is None:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", eid):
            return f"'{eid}' is only a date; an event id also names the trip: {CONVENTION}."
        return f"'{eid}' is not an event id; use {CONVENTION} in lower case."
    try:
        date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return f"'{eid}' does not start with a real calendar date; use {CONVENTION}."
    return None


def is_valid(eid: str) -> bool:
    """Tell whether an id follows the convention."""
    return problem(eid) is None


def check(eid: str, *, field: str = "event_id") -> str:
    """Return the id when valid, else raise Invalid with the convention."""
    message = problem(eid)
    if message is not None:
        raise Invalid(message, field)
    return eid


def slug(text: str) -> str:
    """Lower-case a name into dash-separated [a-z0-9] words."""
    return _SLUG_DROP.sub("-", text.lower()).strip("-")


def make(day: date, name: str, period: str | None = None) -> str:
    """Build an event id from date, name and optional period."""
    name_part = slug(name)
    if not name_part:
        raise Invalid("Give the trip a name with letters or digits, e.g. captain-cory.", "name")
    parts = [day.isoformat(), name_part]
    if period:
        period_part = slug(period)
        if not period_part:
            raise Invalid("The period needs letters or digits, e.g. afternoon.", "period")
        parts.append(period_part)
    return check("-".join(parts))


def suggest(eid: str) -> str | None:
    """Propose a conforming id for a stored one that breaks the convention."""
    text = eid.strip().lower()
    found = re.search(r"(\d{4})-(\d{1,2})-(\d{1,2})", text)
    if found is None:
        return None
    try:
        day = date(int(found[1]), int(found[2]), int(found[3]))
    except ValueError:
        return None
    rest = slug(text[: found.start()] + " " + text[found.end() :])
    candidate = f"{day.isoformat()}-{rest}"  # no name left: not valid
    return candidate if is_valid(candidate) else None
