"""Access that explains itself, through lambda_entry.handler: a member an owner deactivated
learns it on their next checked request, whatever asked (a JSON client, htmx, a page the browser
opened), and the roster's actions that take access away ask first, naming the person."""

from __future__ import annotations

from datetime import timedelta

import pytest

from scc import clock
from scc.auth.guard import ENDED, TURNED_OFF
from tests.support.builders import TRIP_ID, event_body
from tests.support.harness import Http, Session

PAY = {"patron_id": "dana", "amount": "5", "method": "cash"}
TURNED_OFF_HTML = TURNED_OFF.replace("'", "&#39;")


@pytest.fixture
def jess(http: Http) -> Session:
    """Jess, crew on the roster, signed in in a browser (cookies); Cory is the owner."""
    owner = http.token("cory")
    assert http("POST", "/api/events", event_body(), token=owner).status == 201
    body = {"crew_id": "jess", "name": "Jess Park", "role": "crew"}
    assert http("POST", "/api/crew", body, token=owner).status == 201
    browser = Session(http)
    assert browser.login("jess").status == 200
    return browser


def deactivate(http: Http, crew_id: str = "jess") -> None:
    answer = http("PATCH", f"/api/crew/{crew_id}", {"active": False}, token=http.token("cory"))
    assert answer.status == 200


def test_a_deactivated_members_next_json_request_says_their_access_was_turned_off(
    http: Http,
) -> None:
    owner = http.token("cory")
    http("POST", "/api/crew", {"crew_id": "jess", "name": "Jess", "role": "crew"}, token=owner)
    token = http.token("jess")
    deactivate(http)
    answer = http("POST", f"/api/events/{TRIP_ID}/payment-log", PAY, token=token)
    assert answer.status == 401 and answer.json["error"] == TURNED_OFF
    assert "turned off your access" in TURNED_OFF and "Ask an owner" in TURNED_OFF


def test_htmx_gets_the_sign_in_form_with_the_sentence_in_place_of_the_board(
    jess: Session, http: Http
) -> None:
    deactivate(http)
    answer = jess("POST", f"/api/events/{TRIP_ID}/payment-log", form=PAY, htmx=True)
    assert answer.status == 401 and answer.headers["hx-retarget"] == "#board"
    assert TURNED_OFF_HTML in answer.text and 'class="login panel"' in answer.text
    assert answer.headers["hx-trigger-after-swap"] == "scc:close-modal"  # an open dialog goes
    assert "scc_session" not in jess.jar  # the cookies went with the session
    again = jess("GET", "/api/events", htmx=True)  # the next request: no session, no sentence
    assert again.status == 401 and "turned off" not in again.text


def test_a_read_learns_it_at_the_5_minute_check(
    jess: Session, http: Http, monkeypatch: pytest.MonkeyPatch
) -> None:
    deactivate(http)
    assert jess("GET", "/api/events", htmx=True).status == 200  # the token vouches, for now
    later = clock.now() + timedelta(minutes=5)
    monkeypatch.setattr(clock, "now", lambda: later)
    answer = jess("GET", "/api/events", htmx=True)
    assert answer.status == 401 and TURNED_OFF_HTML in answer.text


def test_a_page_the_browser_opened_is_the_sign_in_page_with_the_sentence(
    jess: Session, http: Http
) -> None:
    deactivate(http)
    browser = {"accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    answer = jess("GET", "/api/exports/payments.csv?from=2030-01-01&to=2030-12-31",
                  headers=browser)  # fmt: skip
    assert answer.status == 401 and answer.headers["content-type"].startswith("text/html")
    assert 'id="board"' in answer.text and TURNED_OFF_HTML in answer.text  # the shell, asking
    assert 'id="login-crew"' in answer.text


def test_signed_out_everywhere_is_not_turned_off(jess: Session, http: Http) -> None:
    assert http("POST", "/api/crew/jess/sign-out", {}, token=http.token("cory")).status == 200
    answer = jess("POST", f"/api/events/{TRIP_ID}/payment-log", PAY)
    assert answer.status == 401 and answer.json["error"] == ENDED


def test_roster_actions_that_take_access_away_ask_first_naming_the_person(http: Http) -> None:
    owner = http.token("cory")
    http("POST", "/api/crew", {"crew_id": "jess", "name": "Jess Park", "role": "crew"}, token=owner)
    http("POST", "/api/crew", {"crew_id": "maya", "name": "Maya O'Neil", "role": "owner"},
         token=owner)  # fmt: skip
    panel = http("GET", "/api/crew", token=owner, htmx=True).text
    assert 'hx-confirm="Deactivate Jess Park? They are signed out' in panel
    assert 'hx-confirm="Sign Jess Park out on every device?' in panel
    assert 'hx-confirm="Make Maya O&#39;Neil crew? They can no longer void' in panel
    assert 'hx-confirm="Make a new link for Jess Park? The link they have now stops' in panel
    assert 'hx-confirm="Make Jess Park owner' not in panel  # giving access asks nothing
    assert 'hx-confirm="Sign yourself out on every device, this one too?"' in panel
    deactivated = http("PATCH", "/api/crew/jess", {"active": "false"}, token=owner, htmx=True)
    assert 'hx-confirm="Deactivate Jess Park' not in deactivated.text  # Reactivate asks nothing
