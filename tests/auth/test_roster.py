"""Crew accounts (issue 14), each rule through lambda_entry.handler: bootstrap, the roster's own
passwords, enrollment links, owner-only actions, logged_by from the session, the last owner,
deactivation; and how sessions learn of it (writes at once, reads within 5 minutes)."""

from __future__ import annotations

from typing import Any

import pytest

from scc.store import keys, roster
from tests.support.builders import PASSWORD, TRIP_ID, event_body
from tests.support.domain import on_roster
from tests.support.harness import Http

JESS_PASSWORD = "jess-on-the-dock-2026"  # noqa: S105


@pytest.fixture
def http(handler: Any) -> Http:
    return Http(handler)


def add(http: Http, owner: str, crew_id: str, role: str = "crew", **extra: Any) -> Any:
    body = {"crew_id": crew_id, "name": crew_id.title(), "role": role, **extra}
    return http("POST", "/api/crew", body, token=owner)


def enroll(http: Http, owner: str, crew_id: str, password: str, role: str = "crew") -> Any:
    """Add a member and set their password through the link: their sign-in answer."""
    url = add(http, owner, crew_id, role).json["enroll_url"]
    token = url.split("token=", 1)[1]
    return http("POST", "/api/crew/enroll", {"token": token, "password": password})


def link_token(answer: Any) -> str:
    return str(answer.json["enroll_url"].split("token=", 1)[1])


def test_bootstrap_any_crew_id_signs_in_as_owner_while_the_roster_is_empty(http: Http) -> None:
    answer = http.login("anyone-at-all")
    assert answer.status == 200 and answer.json["role"] == "owner"
    assert http.login("cory", "wrong password").status == 401


def test_the_first_member_added_brings_the_bootstrap_owner_onto_the_roster(
    http: Http, store: Any
) -> None:
    owner = http.token("cory")
    added = add(http, owner, "jess")
    assert added.status == 201 and added.json["role"] == "crew"
    assert [(m.crew_id, m.role) for m in roster.members(store)] == [
        ("cory", "owner"),
        ("jess", "crew"),
    ]
    assert http.login("stranger").status == 401  # the roster has members: only they sign in
    assert http.login("cory").json["role"] == "owner"  # not enrolled: the shared password works


@pytest.mark.parametrize("role", ["crew", ""])
def test_the_bootstrap_owner_adding_themselves_first_joins_as_owner(
    http: Http, store: Any, role: str
) -> None:
    owner = http.token("cory")
    added = add(http, owner, "cory", role)  # the form's role is crew unless changed
    assert added.status == 201 and added.json["role"] == "owner"
    assert [(m.crew_id, m.role) for m in roster.members(store)] == [("cory", "owner")]
    assert http("GET", "/api/crew", token=owner).status == 200  # owner routes still open
    assert add(http, owner, "jess").json["role"] == "crew"  # later members keep their role


def test_adding_oneself_first_says_so_in_the_crew_dialog(http: Http) -> None:
    owner = http.token("cory")
    body = {"crew_id": "cory", "name": "Cory", "role": "crew"}
    added = http("POST", "/api/crew", body, token=owner, htmx=True)
    assert added.status == 201 and "Added cory, as the first owner." in added.headers["hx-trigger"]
    assert '<span class="role-tag">owner</span>' in added.body


def test_a_member_signs_in_with_their_own_password_and_role(http: Http) -> None:
    owner = http.token("cory")
    enrolled = enroll(http, owner, "jess", JESS_PASSWORD)
    assert enrolled.status == 201 and enrolled.json["role"] == "crew"
    answer = http.login("jess", JESS_PASSWORD)
    assert answer.status == 200
    assert (answer.json["crew_id"], answer.json["role"]) == ("jess", "crew")


def test_the_shared_password_is_refused_for_an_enrolled_member(http: Http) -> None:
    owner = http.token("cory")
    enroll(http, owner, "jess", JESS_PASSWORD)
    refused = http.login("jess", PASSWORD)
    assert refused.status == 401
    assert refused.json == http.login("nobody", PASSWORD).json  # the same generic answer


def test_an_enrollment_link_works_once(http: Http) -> None:
    owner = http.token("cory")
    token = link_token(add(http, owner, "jess"))
    first = http("POST", "/api/crew/enroll", {"token": token, "password": JESS_PASSWORD})
    again = http("POST", "/api/crew/enroll", {"token": token, "password": "another-one-123"})
    assert first.status == 201 and again.status == 410
    assert "used, replaced or has expired" in again.json["error"]
    page = http("GET", "/api/crew/enroll", query=f"token={token}")
    assert page.status == 410 and "no longer works" in page.body


def test_a_new_link_revokes_the_old_one_and_links_expire_after_72_hours(
    http: Http, frozen: Any
) -> None:
    owner = http.token("cory")
    old = link_token(add(http, owner, "jess"))
    new = link_token(http("POST", "/api/crew/jess/enroll-link", {}, token=owner))
    assert http("GET", "/api/crew/enroll", query=f"token={old}").status == 410
    page = http("GET", "/api/crew/enroll", query=f"token={new}")
    assert page.status == 200 and "Welcome aboard, Jess" in page.body
    frozen(hours=72, seconds=1)
    late = http("POST", "/api/crew/enroll", {"token": new, "password": JESS_PASSWORD})
    assert late.status == 410


@pytest.mark.parametrize(
    ("password", "says"),
    [("short-pw", "at least 10"), ("jess", "at least 10"), ("JESS      ", "crew id")],
)
def test_own_passwords_follow_the_rules(http: Http, password: str, says: str) -> None:
    owner = http.token("cory")
    token = link_token(add(http, owner, "jess"))
    if says == "crew id":
        token = link_token(add(http, owner, "jess      "[:4] + "-on-deck"))
        password = "jess-on-deck"
    answer = http("POST", "/api/crew/enroll", {"token": token, "password": password})
    assert answer.status == 422 and says in answer.json["error"]


def owner_only_routes() -> list[tuple[str, str]]:
    """Every route whose view is marked for owners (role_required("owner")): new ones join."""
    import lambda_entry

    app = lambda_entry.app
    return sorted(
        (rule.rule, method)
        for rule in app.url_map.iter_rules()
        if getattr(app.view_functions[rule.endpoint], "scc_role", None) == "owner"
        for method in rule.methods or ()
        if method not in ("HEAD", "OPTIONS")
    )


def test_crew_get_a_403_sentence_for_every_owner_only_action(http: Http) -> None:
    routes = owner_only_routes()
    assert {("/api/crew", "GET"), ("/api/events/<eid>/payments/<payment_id>/void", "POST")} <= set(
        routes
    )
    owner = http.token("cory")
    enroll(http, owner, "jess", JESS_PASSWORD)
    jess = http.token("jess", JESS_PASSWORD)
    for template, method in routes:
        path = template.replace("<eid>", TRIP_ID).replace("<payment_id>", "p1")
        path = path.replace("<crew_id>", "jess").replace("<patron_id>", "dana")
        answer = http(method, path, {}, token=jess)
        assert answer.status == 403, (method, template, answer.body)
        assert answer.json["error"] == "Only an owner can do that; ask the owner of the business."


def test_owner_only_buttons_are_not_shown_to_crew(http: Http) -> None:
    owner = http.token("cory")
    enroll(http, owner, "jess", JESS_PASSWORD)
    jess = http.token("jess", JESS_PASSWORD)
    board = http("GET", "/api/events", token=jess, htmx=True)
    crew_button = 'hx-get="/api/crew"'
    assert crew_button not in board.body and 'jess <span class="role-tag">crew' in board.body
    assert crew_button in http("GET", "/api/events", token=owner, htmx=True).body


def test_logged_by_is_taken_from_the_session_not_the_body(http: Http) -> None:
    owner = http.token("cory")
    http("POST", "/api/events", event_body(), token=owner)
    enroll(http, owner, "jess", JESS_PASSWORD)
    jess = http.token("jess", JESS_PASSWORD)
    body = {"patron_id": "dana", "amount": "20", "method": "cash", "logged_by": "cory"}
    paid = http("POST", f"/api/events/{TRIP_ID}/payment-log", body, token=jess)
    assert paid.status == 201 and paid.json["payment"]["logged_by"] == "jess"


def test_the_last_active_owner_cannot_be_demoted_or_deactivated(http: Http) -> None:
    owner = http.token("cory")
    add(http, owner, "jess")
    for change in ({"role": "crew"}, {"active": False}):
        refused = http("PATCH", "/api/crew/cory", change, token=owner)
        assert refused.status == 409 and "last active owner" in refused.json["error"]
    assert http("PATCH", "/api/crew/jess", {"role": "owner"}, token=owner).status == 200
    demoted = http("PATCH", "/api/crew/cory", {"role": "crew"}, token=owner)
    assert demoted.status == 200 and demoted.json["role"] == "crew"


def test_two_owners_demoting_each_other_at_once_leave_one(store: Any) -> None:
    """The owners a demotion relies on are conditions of its transaction."""
    from scc.errors import Conflict

    on_roster(store, "cory", "owner")
    on_roster(store, "maya", "owner")
    cory, maya = (roster.find(store, c)[0] for c in ("cory", "maya"))  # type: ignore[index]
    roster.change(store, cory, name="Cory", role="crew", active=True, owners=["maya"])
    with pytest.raises(Conflict):  # maya's demotion read cory as an owner: no longer true
        roster.change(store, maya, name="Maya", role="crew", active=True, owners=["cory"])
    assert {m.crew_id for m in roster.members(store) if m.role == "owner"} == {"maya"}


def test_deactivation_stops_writes_at_once_and_reads_within_5_minutes(
    http: Http, frozen: Any
) -> None:
    owner = http.token("cory")
    http("POST", "/api/events", event_body(), token=owner)
    enroll(http, owner, "jess", JESS_PASSWORD)
    jess = http.token("jess", JESS_PASSWORD)
    assert http("PATCH", "/api/crew/jess", {"active": False}, token=owner).status == 200
    pay = {"patron_id": "dana", "amount": "5", "method": "cash"}
    write = http("POST", f"/api/events/{TRIP_ID}/payment-log", pay, token=jess)
    assert write.status == 401 and "turned off your access" in write.json["error"]
    assert http("GET", "/api/events", token=jess).status == 200  # reads: the token, for now
    frozen(minutes=5)
    assert http("GET", "/api/events", token=jess).status == 401
    assert http.login("jess", JESS_PASSWORD).status == 401
    assert http("PATCH", "/api/crew/jess", {"active": True}, token=owner).status == 200
    assert http("GET", "/api/events", token=jess).status == 401  # old sessions stay ended
    assert http.login("jess", JESS_PASSWORD).status == 200


def test_a_demotion_reaches_writes_at_once(http: Http) -> None:
    owner = http.token("cory")
    http("PATCH", "/api/crew/cory", {}, token=owner)  # nothing changed: still allowed
    add(http, owner, "maya", "owner")
    maya = http.token("maya")
    assert http("PATCH", "/api/crew/maya", {"role": "crew"}, token=owner).status == 200
    refused = http("POST", "/api/crew/cory/enroll-link", {}, token=maya)
    assert refused.status == 403


def test_reads_cost_no_dynamodb_call_until_the_5_minute_check(
    http: Http, frozen: Any, ddb_calls: Any
) -> None:
    owner = http.token("cory")
    add(http, owner, "jess")
    jess = http.login("jess").json["token"]
    ddb_calls.clear()
    http("GET", "/api/events", token=jess)
    assert ddb_calls.calls == ["Query"]  # the board's one Query; the session: none
    frozen(minutes=5)
    ddb_calls.clear()
    checked = http("GET", "/api/events", token=jess)
    assert ddb_calls.calls == ["GetItem", "Query"]  # the roster, once
    fresh = checked.headers["x-scc-token"]
    frozen(minutes=1)
    ddb_calls.clear()
    http("GET", "/api/events", token=fresh)
    assert ddb_calls.calls == ["Query"]


def test_a_write_costs_one_roster_read_more(http: Http, ddb_calls: Any) -> None:
    owner = http.token("cory")
    add(http, owner, "jess")
    http("POST", "/api/events", event_body(), token=owner)
    ddb_calls.clear()
    pay = {"patron_id": "dana", "amount": "5", "method": "cash"}
    assert http("POST", f"/api/events/{TRIP_ID}/payment-log", pay, token=owner).status == 201
    assert ddb_calls.calls == ["GetItem", "UpdateItem"]


def test_a_roster_change_reads_the_roster_once(http: Http, ddb_calls: Any) -> None:
    owner = http.token("cory")
    add(http, owner, "jess")
    ddb_calls.clear()
    assert http("PATCH", "/api/crew/jess", {"role": "owner"}, token=owner).status == 200
    # the session's check, then one Query for the member and the owners the change relies on
    assert ddb_calls.calls == ["GetItem", "Query", "TransactWriteItems"]
    assert http("PATCH", "/api/crew/nobody", {"role": "owner"}, token=owner).status == 404


@pytest.mark.parametrize("word", ["enroll", "me"])
def test_crew_ids_that_are_route_words_are_refused(http: Http, word: str) -> None:
    refused = add(http, http.token("cory"), word)
    assert refused.status == 422 and "a word the app uses" in refused.json["error"]


def test_any_other_crew_id_has_its_own_routes(http: Http) -> None:
    owner = http.token("cory")
    assert add(http, owner, "passkeys").status == 201  # no route has that word
    assert http("PATCH", "/api/crew/passkeys", {"role": "owner"}, token=owner).status == 200
    assert http("POST", "/api/crew/passkeys/enroll-link", token=owner).status == 200


def test_a_new_link_answers_as_adding_the_member_did(http: Http) -> None:
    owner = http.token("cory")
    added = add(http, owner, "jess", email="jess@example.com")
    again = http("POST", "/api/crew/jess/enroll-link", {}, token=owner)
    assert again.status == 200 and set(again.json) == set(added.json)
    assert again.json["enroll_url"] != added.json["enroll_url"]
    assert again.json["link_expires"] is not None  # the new link's 72 hours
    unchanged = ("crew_id", "name", "role", "active", "email", "has_password", "passkeys")
    assert {k: again.json[k] for k in unchanged} == {k: added.json[k] for k in unchanged}


def test_roster_answers_never_carry_secrets(http: Http, store: Any) -> None:
    owner = http.token("cory")
    added = add(http, owner, "jess", email="jess@example.com", phone="619-555-0100")
    token = link_token(added)
    http("POST", "/api/crew/enroll", {"token": token, "password": JESS_PASSWORD})
    listed = http("GET", "/api/crew", token=owner)
    dialog = http("GET", "/api/crew", token=owner, htmx=True)
    item = store.get(keys.member("jess"))
    for text in (added.body, listed.body, dialog.body):
        assert item["password_hash"] not in text and "hash" not in text
    assert token.split(".")[1] not in listed.body + dialog.body
    jess = next(m for m in listed.json["crew"] if m["crew_id"] == "jess")
    assert jess == {
        "crew_id": "jess",
        "name": "Jess",
        "role": "crew",
        "active": True,
        "has_password": True,
        "passkeys": 0,
        "email": "jess@example.com",
        "phone": "619-555-0100",
        "link_expires": None,
    }


def test_the_crew_dialog_and_its_actions_as_fragments(http: Http) -> None:
    owner = http.token("cory")
    http.login("cory")
    dialog = http("GET", "/api/crew", token=owner, htmx=True)
    assert "<dialog" in dialog.body and "Nobody is on the roster yet" in dialog.body
    body = {"crew_id": "jess", "name": "Jess Park", "role": "crew"}
    added = http("POST", "/api/crew", body, token=owner, htmx=True)
    assert added.status == 201 and 'id="crew-panel"' in added.body
    assert "/api/crew/enroll?token=jess." in added.body and "Copy link" in added.body
    changed = http("PATCH", "/api/crew/jess", {"active": "false"}, token=owner, htmx=True)
    assert "jess: crew, deactivated." in changed.body and "Reactivate" in changed.body
    bad = http("POST", "/api/crew", {**body, "crew_id": "enroll"}, token=owner, htmx=True)
    assert bad.status == 422 and bad.headers["hx-retarget"] == "#crew-error"


def test_enroll_url_is_public_with_scc_site_url(http: Http, monkeypatch: Any) -> None:
    import lambda_entry

    monkeypatch.setitem(lambda_entry.app.config, "SITE_URL", "https://scc.example")
    owner = http.token("cory")
    url = add(http, owner, "jess").json["enroll_url"]
    assert url.startswith("https://scc.example/api/crew/enroll?token=jess.")
    assert "lambda-url" not in url
