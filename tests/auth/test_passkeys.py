"""Passkeys through lambda_entry.handler, answered by a software authenticator: adding one while
signed in or from an enrollment link, signing in with it, what each costs in DynamoDB calls, and
the throttle on both of its requests."""

from __future__ import annotations

from typing import Any

import pytest

from scc.auth import passkeys
from scc.store import Store
from tests.support.authenticator import Authenticator, b64
from tests.support.domain import on_roster
from tests.support.harness import Answer, Http

SITE = "https://scc.example"


@pytest.fixture
def http(handler: Any, monkeypatch: pytest.MonkeyPatch) -> Http:
    import lambda_entry

    monkeypatch.setitem(lambda_entry.app.config, "SITE_URL", SITE)
    return Http(handler)


@pytest.fixture
def phone() -> Authenticator:
    return Authenticator(SITE)


def add_passkey(http: Http, token: str, phone: Authenticator) -> Answer:
    options = http("POST", "/api/crew/me/passkey-options", {}, token=token)
    assert options.status == 200, options.body
    credential = phone.create(options.json["publicKey"])
    body = {"challenge_id": options.json["challenge_id"], "credential": credential}
    return http("POST", "/api/crew/me/passkey", body, token=token)


def passkey_sign_in(http: Http, phone: Authenticator, **kwargs: Any) -> Answer:
    options = http("POST", "/api/admin/passkey-options", {}, **kwargs)
    assert options.status == 200, options.body
    body = {
        "challenge_id": options.json["challenge_id"],
        "credential": phone.get(options.json["publicKey"]),
    }
    return http("POST", "/api/admin/passkey-login", body, **kwargs)


def sign_in_answer(http: Http, handle: str) -> Answer:
    """A sign-in answer that claims this user handle (nothing else in it matters: it fails)."""
    challenge_id = http("POST", "/api/admin/passkey-options", {}).json["challenge_id"]
    credential = {"id": "abc", "response": {"userHandle": handle}}
    body = {"challenge_id": challenge_id, "credential": credential}
    return http("POST", "/api/admin/passkey-login", body)


def test_a_passkey_added_while_signed_in_signs_its_member_in(
    http: Http, store: Store, phone: Authenticator
) -> None:
    on_roster(store, "cory", "owner")
    added = add_passkey(http, http.token("cory"), phone)
    assert added.status == 201 and added.json == {"crew_id": "cory", "passkeys": 1}
    answer = passkey_sign_in(http, phone)
    assert answer.status == 200
    assert (answer.json["crew_id"], answer.json["role"]) == ("cory", "owner")


@pytest.mark.parametrize("crew_id", ["", "Not A Crew Id!", "x" * 41, "#crew"])
def test_a_sign_in_answer_naming_no_possible_crew_id_is_401(http: Http, crew_id: str) -> None:
    answer = sign_in_answer(http, b64(crew_id.encode()))
    assert answer.status == 401 and answer.json["error"] == passkeys.NOT_ACCEPTED


def test_sign_in_options_count_against_the_address(http: Http) -> None:
    for _ in range(10):
        assert http("POST", "/api/admin/passkey-options", {}).status == 200
    refused = http("POST", "/api/admin/passkey-options", {})
    assert refused.status == 429 and "Too many sign-in attempts" in refused.json["error"]
    elsewhere = http("POST", "/api/admin/passkey-options", {}, source_ip="203.0.113.40")
    assert elsewhere.status == 200


def test_passkey_sign_ins_give_back_what_they_counted(
    http: Http, store: Store, phone: Authenticator
) -> None:
    on_roster(store, "cory", "owner")
    add_passkey(http, http.token("cory"), phone)
    for _ in range(12):  # the dock's Wi-Fi: one address, sign-in after sign-in
        assert passkey_sign_in(http, phone).status == 200


def test_adding_a_passkey_while_signed_in_reads_the_member_once_per_request(
    http: Http, store: Store, phone: Authenticator, ddb_calls: Any
) -> None:
    on_roster(store, "cory", "owner")
    token = http.token("cory")
    ddb_calls.clear()
    options = http("POST", "/api/crew/me/passkey-options", {}, token=token)
    assert options.status == 200
    assert ddb_calls.calls == ["GetItem", "PutItem"]  # the session's check; the challenge
    ddb_calls.clear()
    credential = phone.create(options.json["publicKey"])
    body = {"challenge_id": options.json["challenge_id"], "credential": credential}
    assert http("POST", "/api/crew/me/passkey", body, token=token).status == 201
    assert ddb_calls.calls == ["GetItem", "DeleteItem", "UpdateItem"]


def test_a_passkey_from_an_enrollment_link_reads_the_member_once_per_request(
    http: Http, store: Store, phone: Authenticator, ddb_calls: Any
) -> None:
    on_roster(store, "cory", "owner")
    member = {"crew_id": "jess", "name": "Jess", "role": "crew"}
    added = http("POST", "/api/crew", member, token=http.token("cory"))
    token = added.json["enroll_url"].split("token=", 1)[1]
    ddb_calls.clear()
    options = http("POST", "/api/crew/enroll/passkey-options", {"token": token})
    assert options.status == 200
    assert ddb_calls.calls == ["TransactWriteItems", "GetItem", "PutItem"]
    credential = phone.create(options.json["publicKey"])
    body = {"token": token, "challenge_id": options.json["challenge_id"], "credential": credential}
    answer = http("POST", "/api/crew/enroll/passkey", body)
    assert answer.status == 201 and answer.json["crew_id"] == "jess"
    assert http("POST", "/api/crew/enroll/passkey", body).status == 410  # the link is spent
