"""The waiver's words: versioned, rendered identically every time, hashed."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from scc.waivers import text as waiver_text
from tests.support.builders import trip

CONTEXT = {
    "business": "ShipCaptainCrew Charters",
    "home_port": "San Diego, California",
    "event_id": "2026-05-23-captain-cory-afternoon",
    "event_title": "Whale watching off Point Loma",
    "event_date": "2026-05-23",
    "event_day": "Saturday, May 23, 2026",
}
# A published version's words never change: a new text is a new version. If this fails, put the
# file back and add waiver_text_v2.txt with a new entry in VERSIONS instead.
PINNED = {"2026-11-v1": "fb1c93434de3e162d8184b04a21f4eef93634ee533ec769346339b66bf0d7611"}


def test_every_published_version_still_renders_to_its_pinned_hash() -> None:
    assert waiver_text.VERSIONS.keys() == PINNED.keys()
    for version, digest in PINNED.items():
        assert waiver_text.sha256(waiver_text.render(version, CONTEXT)) == digest


def test_the_text_names_the_trip_and_the_business() -> None:
    text = waiver_text.render(waiver_text.CURRENT, waiver_text.context_for(trip(title="Kelp")))
    assert "Trip: Kelp" in text
    assert "Date: Thursday, May 23, 2030" in text
    assert "ShipCaptainCrew Charters" in text


def test_the_text_is_plain_text_not_escaped_html() -> None:
    text = waiver_text.render(
        waiver_text.CURRENT, waiver_text.context_for(trip(title='Bob\'s "R&R" <trip>'))
    )
    assert 'Trip: Bob\'s "R&R" <trip>' in text


def test_an_unknown_version_is_a_key_error() -> None:
    try:
        waiver_text.render("1999-01-v9", CONTEXT)
    except KeyError:
        return
    raise AssertionError("an unknown version rendered")


@given(st.text(max_size=80))
def test_rendering_is_deterministic_for_any_title(title: str) -> None:
    context = {**CONTEXT, "event_title": title}
    first = waiver_text.render(waiver_text.CURRENT, context)
    assert waiver_text.sha256(first) == waiver_text.sha256(
        waiver_text.render(waiver_text.CURRENT, dict(context))
    )


def test_paragraphs_split_at_blank_lines() -> None:
    assert waiver_text.paragraphs("a\nb\n\nc\n\n\n") == ["a\nb", "c"]
