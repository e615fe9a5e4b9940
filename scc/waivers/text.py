"""The waiver's words: versioned text templates, rendered the same way every time, and hashed.

A signature stores the version id and the SHA-256 of the exact text rendered for its event, plus
the values that went into it, so the text can be re-rendered (and checked) years later even after
the event is renamed or a newer version is published. A published version's file never changes:
add a new file and a new entry in VERSIONS instead (tests pin each version's hash).
"""

from __future__ import annotations

import functools
import hashlib
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2

if TYPE_CHECKING:
    from scc.models import Event, Waiver

BUSINESS = "ShipCaptainCrew Charters"
HOME_PORT = "San Diego, California"
# version id -> text file under texts/. Old versions stay so old records render.
VERSIONS = {"2026-11-v1": "waiver_text_v1.txt"}
CURRENT = "2026-11-v1"
_FOLDER = Path(__file__).parent / "texts"


@functools.cache
def _env() -> jinja2.Environment:
    """A Jinja environment of its own, so app-wide settings (trim_blocks, …) can never change
    the bytes of a text someone signed. Plain text: it is escaped where it is shown."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(_FOLDER),
        autoescape=False,  # noqa: S701 - plain text, escaped by the pages that show it
        undefined=jinja2.StrictUndefined,
        trim_blocks=False,
        lstrip_blocks=False,
        keep_trailing_newline=False,
        newline_sequence="\n",
    )


def context_for(event: Event) -> dict[str, str]:
    """The values the text is rendered with; stored verbatim in the waiver record (the day in
    words, "Saturday, May 23, 2026", is never recomputed)."""
    day = date.fromisoformat(event.date)
    return {
        "business": BUSINESS,
        "home_port": HOME_PORT,
        "event_id": event.event_id,
        "event_title": event.title,
        "event_date": event.date,
        "event_day": f"{day:%A, %B} {day.day}, {day.year}",
    }


def render(version: str, context: dict[str, str]) -> str:
    """The exact text of a version for these values; KeyError for an unknown version."""
    return _env().get_template(VERSIONS[version]).render(**context)


def current(event: Event) -> tuple[dict[str, str], str]:
    """The current version's values for this event and its exact text."""
    context = context_for(event)
    return context, render(CURRENT, context)


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def paragraphs(text: str) -> list[str]:
    """Split the text at blank lines, for showing it as paragraphs."""
    return [part.strip("\n") for part in text.split("\n\n") if part.strip()]


def checked(waiver: Waiver) -> tuple[str, bool]:
    """Re-render the exact text a waiver's signer saw, from its stored version and values, and
    whether it hashes to what was stored ("" and False when the version or values are unknown)."""
    try:
        text = render(waiver.waiver_version, waiver.text_context)
    except (KeyError, jinja2.TemplateError):
        return "", False
    return text, sha256(text) == waiver.text_sha256
