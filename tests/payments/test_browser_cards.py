"""Pay by card in headless Chromium at 390x844: the pay page's button, the local Stripe's
checkout page, back to the pay page, which shows the payment once Stripe's signed event has
reached the webhook; the crew's card shows it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import Page

from scc import paylinks
from scc.dev.stripe_local import LocalStripe
from scc.store import Store, trips
from tests.payments.cards_support import SECRET_KEY, WEBHOOK_SECRET
from tests.support.apps import make_app
from tests.support.browser import assert_clean, shot, sign_in
from tests.support.builders import TRIP_ID, trip
from tests.support.servers import serve


@pytest.fixture
def card_server(local_stripe: LocalStripe, store: Store) -> Iterator[tuple[str, Any]]:
    """The app with card payments on the stand-in, which sends its events to it."""
    app = make_app(
        SECURE_COOKIES=False, STRIPE_SECRET_KEY=SECRET_KEY, STRIPE_WEBHOOK_SECRET=WEBHOOK_SECRET,
        STRIPE_API_BASE=local_stripe.base,
    )  # fmt: skip
    local_stripe.flush()
    with serve(app) as url:
        local_stripe.send_events_to(f"{url}/api/stripe/webhook", WEBHOOK_SECRET)
        yield url, app
    local_stripe.send_events_to("http://127.0.0.1:9/closed", WEBHOOK_SECRET)  # nobody after


def test_pay_by_card_through_the_checkout_back_to_a_paid_page(
    card_server: tuple[str, Any], phone: Page, store: Store
) -> None:
    url, app = card_server
    trips.create(store, trip())
    token = paylinks.issue(app.config["SECRET_KEY"], TRIP_ID, "dana")
    phone.goto(f"{url}/g/{TRIP_ID}/payment?p={token}")
    shot(phone, "card-pay-page")
    phone.click("text=Pay $200.00 by card")
    phone.wait_for_url("**/checkout/cs_test_*")
    shot(phone, "card-checkout")
    phone.click("button:has-text('Pay $200.00')")
    phone.wait_for_url("**card=cs_test_*")
    phone.wait_for_selector("text=Your card payment of $200.00 is recorded", timeout=15_000)
    assert "Paid in full" in phone.inner_text("main")
    assert "by card" not in phone.inner_text("main")
    shot(phone, "card-paid")
    assert_clean(phone)

    sign_in(phone, url)
    card = f"#event-{TRIP_ID}"
    phone.wait_for_selector(card)
    assert "$200.00" in phone.inner_text(f"{card} .totals")
    phone.click(f"{card} button:has-text('Payments')")
    phone.wait_for_selector("dialog[open]")
    assert "$200.00 Card · Dana Lee · stripe" in phone.inner_text("dialog[open]")
    shot(phone, "card-crew-payments")
