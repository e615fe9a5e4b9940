"""Card payments' test support: the local Stripe (scc.dev.stripe_standin, started once per test
process), the app pointed at it, and webhook deliveries signed with Stripe's published scheme
(https://docs.stripe.com/webhooks#verify-manually: v1 = HMAC-SHA256 of "<t>.<body>" with the
endpoint's secret), which is what stripe.Webhook.construct_event checks."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from typing import Any

import pytest

from scc.dev import stripe_local
from tests.support.harness import Answer, Http

SECRET_KEY = "sk_test_scc_standin"  # noqa: S105 - the stand-in takes any sk_test_ key
WEBHOOK_SECRET = "whsec_scc_test"  # noqa: S105


@pytest.fixture(scope="session")
def local_stripe() -> Iterator[stripe_local.LocalStripe]:
    """The local Stripe for this test process."""
    standin = stripe_local.start()
    yield standin
    standin.stop()


@pytest.fixture
def cards_on(
    handler: Any, local_stripe: stripe_local.LocalStripe, monkeypatch: pytest.MonkeyPatch
) -> str:
    """lambda_entry's app with Stripe set up, pointed at the stand-in."""
    import lambda_entry

    config = lambda_entry.app.config
    monkeypatch.setitem(config, "STRIPE_SECRET_KEY", SECRET_KEY)
    monkeypatch.setitem(config, "STRIPE_WEBHOOK_SECRET", WEBHOOK_SECRET)
    monkeypatch.setitem(config, "STRIPE_API_BASE", local_stripe.base)
    monkeypatch.setitem(config, "SITE_URL", "https://scc.example")
    monkeypatch.delitem(lambda_entry.app.extensions, "scc.stripe", raising=False)
    local_stripe.flush()  # a fresh Stripe for each test
    return local_stripe.base


def client(stripe_base: str) -> Any:
    import stripe

    return stripe.StripeClient(SECRET_KEY, base_addresses={"api": stripe_base})


def pay_at_standin(url: str) -> str:
    """Press Pay on the stand-in's checkout page; where it sends the browser back to."""

    class Stay(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: Any, **kwargs: Any) -> None:
            return None

    request = urllib.request.Request(url + "/pay", data=b"", method="POST")  # noqa: S310
    try:
        urllib.request.build_opener(Stay).open(request)
    except urllib.error.HTTPError as answer:
        assert answer.code == 303
        return str(answer.headers["Location"])
    raise AssertionError("the stand-in's checkout did not send the browser back")


def signature(payload: str, *, secret: str = WEBHOOK_SECRET, at: int | None = None) -> str:
    """A Stripe-Signature header for this body."""
    t = int(time.time()) if at is None else at
    mac = hmac.new(secret.encode(), f"{t}.{payload}".encode(), hashlib.sha256).hexdigest()
    return f"t={t},v1={mac}"


def completed(session: dict[str, Any], event_id: str = "evt_test_1") -> dict[str, Any]:
    """A checkout.session.completed event as Stripe sends it."""
    return {
        "id": event_id,
        "object": "event",
        "type": "checkout.session.completed",
        "created": int(time.time()),
        "livemode": False,
        "data": {"object": session},
    }


def deliver(
    http: Http, event: dict[str, Any], *, sign: bool = True, header: str | None = None
) -> Answer:
    """POST an event to the webhook as Stripe does (Http sends json.dumps(event) as the body)."""
    payload = json.dumps(event)
    headers = {"stripe-signature": header or signature(payload)} if sign else {}
    return http("POST", "/api/stripe/webhook", event, headers=headers)
