"""A passkey answer that is not an object (null, a list, a number, a bool) is a 422 with a
sentence, on the signed-in and the enrollment routes, before py_webauthn reads it."""

from __future__ import annotations

from typing import Any

import pytest

from scc.store import Store
from tests.support.domain import on_roster
from tests.support.harness import Http

MALFORMED = [None, [], [1, 2], 7, 1.5, True, False, "x", {"response": 5}, {"id": "a"}]


@pytest.mark.parametrize("credential", MALFORMED)
def test_a_malformed_passkey_answer_is_a_422_sentence(
    handler: Any, store: Store, credential: Any
) -> None:
    http = Http(handler)
    on_roster(store, "cory", "owner")
    token = http.token("cory")
    options = http("POST", "/api/crew/me/passkey-options", {}, token=token)
    body = {"challenge_id": options.json["challenge_id"], "credential": credential}
    mine = http("POST", "/api/crew/me/passkey", body, token=token)
    assert mine.status == 422 and mine.json["field"] == "credential", mine.body
    assert "passkey answer was not understood" in mine.json["error"]
    added = http(
        "POST", "/api/crew", {"crew_id": "jess", "name": "Jess", "role": "crew"}, token=token
    )
    link = added.json["enroll_url"].split("token=", 1)[1]
    options = http("POST", "/api/crew/enroll/passkey-options", {"token": link})
    body = {"token": link, "challenge_id": options.json["challenge_id"], "credential": credential}
    enrolled = http("POST", "/api/crew/enroll/passkey", body)
    assert enrolled.status == 422 and "not understood" in enrolled.json["error"], enrolled.body
