"""The one clock: every module asks `clock.now()`, so tests can move time without sleeping."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

__all__ = ["UTC", "epoch", "iso", "now", "today"]


def now() -> datetime:
    """Return the current time in UTC."""
    return datetime.now(UTC)


def epoch(moment: datetime | None = None) -> int:
    """Whole seconds since 1970 (TTLs, counters' windows, sessions): now, or that moment."""
    return int((now() if moment is None else moment).timestamp())


def today(tz: str) -> date:
    """Return today's date where the boats are (e.g. America/Los_Angeles)."""
    return now().astimezone(ZoneInfo(tz)).date()


def iso(moment: datetime, *, millis: bool = False) -> str:
    """Format a timestamp as ISO 8601 UTC with a Z: 2026-05-23T14:23:45Z."""
    spec = "milliseconds" if millis else "seconds"
    return moment.astimezone(UTC).isoformat(timespec=spec).replace("+00:00", "Z")
