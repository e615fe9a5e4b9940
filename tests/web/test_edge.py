"""With SCC_ORIGIN_SECRET set, a request that did not come through CloudFront (no matching
X-SCC-Origin-Verify) gets 403 with a sentence, through lambda_entry.handler as a Function URL
delivers it; /api/health still answers (the deploy's wake call and smoke test)."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from deploy.gate import WAKE_EVENT
from tests.support.builders import TRIP_ID, make_v2_event

SITE = "https://scc.example"


def _call(handler: Any, path: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
    answer = handler(make_v2_event(path=path, headers=headers), None)
    body = answer.get("body", "")
    if answer.get("isBase64Encoded"):
        body = base64.b64decode(body).decode()
    return answer["statusCode"], body


@pytest.fixture
def guarded(handler: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    import lambda_entry

    monkeypatch.setitem(lambda_entry.app.config, "ORIGIN_SECRETS", ["new-value", "old-value"])
    monkeypatch.setitem(lambda_entry.app.config, "SITE_URL", SITE)
    return handler


@pytest.mark.parametrize(
    "path", ["/api/events", "/", f"/g/{TRIP_ID}/waiver", "/_staging/api/events"]
)
def test_a_direct_request_gets_403_with_a_sentence(guarded: Any, path: str) -> None:
    status, body = _call(guarded, path)
    assert status == 403
    assert f"This address only answers through the site itself: open {SITE}." in body


def test_the_forged_or_missing_header_is_refused_and_either_rotation_value_passes(
    guarded: Any,
) -> None:
    assert _call(guarded, "/api/events", {"x-scc-origin-verify": "guess"})[0] == 403
    for value in ("new-value", "old-value"):
        assert _call(guarded, "/api/events", {"x-scc-origin-verify": value})[0] == 401  # sign in


def test_health_answers_directly_and_says_the_header_did_not_come(guarded: Any) -> None:
    status, body = _call(guarded, "/api/health")
    assert status == 200 and json.loads(body)["origin_verified"] is False
    woken = guarded(WAKE_EVENT, None)  # what the deploy sends to wake an idle version
    assert woken["statusCode"] == 200


def test_without_a_secret_nothing_is_refused(handler: Any) -> None:
    assert _call(handler, "/api/events")[0] == 401
