"""scc.web.htmx without the app: an HX-Trigger event merged into what a response already says,
a retarget, and telling an htmx request apart (a bare Flask request context)."""

from __future__ import annotations

import json

import pytest
from flask import Flask, Response

from scc.web import htmx


def test_trigger_sets_a_json_header_with_the_event_and_its_detail() -> None:
    response = htmx.trigger(Response(), "scc:toast", "Saved.")
    assert json.loads(response.headers["HX-Trigger"]) == {"scc:toast": "Saved."}


def test_trigger_merges_into_the_events_already_there() -> None:
    response = Response(headers={"HX-Trigger": json.dumps({"scc:close-modal": None})})
    htmx.trigger(htmx.trigger(response, "scc:toast", "Saved."), "scc:refresh", {"id": 1})
    assert json.loads(response.headers["HX-Trigger"]) == {
        "scc:close-modal": None,
        "scc:toast": "Saved.",
        "scc:refresh": {"id": 1},
    }
    assert response.headers.getlist("HX-Trigger") == [response.headers["HX-Trigger"]]


@pytest.mark.parametrize(
    ("current", "kept"),
    [
        ("scc:a, scc:b", {"scc:a": None, "scc:b": None}),  # htmx's comma-separated names
        ("scc:a", {"scc:a": None}),  # one plain name
        ('["not", "a", "map"]', {}),  # JSON, but not events by name
    ],
)
def test_trigger_reads_every_spelling_of_the_header(current: str, kept: dict[str, None]) -> None:
    response = htmx.trigger(Response(headers={"HX-Trigger": current}), "scc:toast", "Hi.")
    assert json.loads(response.headers["HX-Trigger"]) == {**kept, "scc:toast": "Hi."}


def test_an_event_after_the_swap_goes_in_its_own_header() -> None:
    response = htmx.trigger(Response(), "scc:toast", "Saved.")
    htmx.trigger(response, "scc:focus", "#amount", header="HX-Trigger-After-Settle")
    assert json.loads(response.headers["HX-Trigger"]) == {"scc:toast": "Saved."}
    assert json.loads(response.headers["HX-Trigger-After-Settle"]) == {"scc:focus": "#amount"}


def test_retarget_sends_the_answer_elsewhere_inside_it_by_default() -> None:
    response = htmx.retarget(Response(), "#flash")
    assert (response.headers["HX-Retarget"], response.headers["HX-Reswap"]) == (
        "#flash",
        "innerHTML",
    )
    swapped = htmx.retarget(Response(), "#event-x", swap="outerHTML")
    assert swapped.headers["HX-Reswap"] == "outerHTML"


@pytest.mark.parametrize(
    ("headers", "answer"),
    [({"HX-Request": "true"}, True), ({"HX-Request": "false"}, False), ({}, False)],
)
def test_is_htmx_only_when_htmx_says_so(headers: dict[str, str], answer: bool) -> None:
    with Flask(__name__).test_request_context(headers=headers):
        assert htmx.is_htmx() is answer
