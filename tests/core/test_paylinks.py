"""Personal payment link tokens, without Flask."""

from __future__ import annotations

import pytest

from scc import paylinks

EID = "2030-05-23-captain-cory-afternoon"


def test_a_token_names_its_patron_for_its_event() -> None:
    assert paylinks.read("k", paylinks.issue("k", EID, "dana"), EID) == "dana"


def test_a_token_for_another_event_is_not_valid() -> None:
    token = paylinks.issue("k", "2030-05-24-captain-cory", "dana")
    assert paylinks.read("k", token, EID) is None


def test_a_token_signed_with_another_key_is_not_valid() -> None:
    assert paylinks.read("k", paylinks.issue("other", EID, "dana"), EID) is None


def test_a_session_token_is_not_a_pay_link() -> None:
    from scc.auth import sessions

    assert paylinks.read("k", sessions.start("k", "cory", "crew", 0)[0], EID) is None


@pytest.mark.parametrize("token", [None, "", "garbage", "x" * 600])
def test_junk_is_not_valid(token: str | None) -> None:
    assert paylinks.read("k", token, EID) is None


def test_a_tampered_token_is_not_valid() -> None:
    token = paylinks.issue("k", EID, "dana")
    assert paylinks.read("k", token[:-2] + ("AA" if token[-2:] != "AA" else "BB"), EID) is None
