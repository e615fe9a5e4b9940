"""A passkey in headless Chromium with its virtual authenticator (CDP WebAuthn): made from an
enrollment link, then used to sign in, and what that member records carries their id."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Browser

from scc.auth import members
from scc.models import Member
from scc.store import Store, roster, trips
from tests.support.apps import make_app
from tests.support.browser import assert_clean, open_page, shot
from tests.support.builders import trip
from tests.support.domain import on_roster
from tests.support.servers import serve


def test_a_passkey_from_an_enrollment_link_signs_in_and_logs_payments_as_its_member(
    browser: Browser, store: Store
) -> None:
    event = trips.create(store, trip(event_id="2099-06-01-captain-cory"))
    on_roster(store, "cory", "owner")
    token, link_hash, expires = members.new_link("jess")
    roster.add(
        store,
        Member(crew_id="jess", name="Jess Park", role="crew"),
        link_hash=link_hash,
        link_expires=expires,
    )
    app = make_app(SECURE_COOKIES=False)
    with serve(app) as url:
        # A relying party is a host name, never an IP address: the browser goes to localhost.
        base = url.replace("127.0.0.1", "localhost")
        app.config["SITE_URL"] = base
        phone = open_page(browser)
        cdp = phone.context.new_cdp_session(phone)
        cdp.send("WebAuthn.enable")
        options: dict[str, Any] = {
            "protocol": "ctap2",
            "transport": "internal",
            "hasResidentKey": True,
            "hasUserVerification": True,
            "isUserVerified": True,
            "automaticPresenceSimulation": True,
        }
        cdp.send("WebAuthn.addVirtualAuthenticator", {"options": options})

        phone.goto(f"{base}/api/crew/enroll?token={token}")
        phone.wait_for_selector("text=Welcome aboard, Jess Park")
        shot(phone, "passkey-enroll")
        phone.click("button:has-text('Add a passkey')")
        phone.wait_for_selector("#session .who:has-text('jess')")
        found = roster.find(store, "jess")
        assert found is not None
        assert found[0].passkeys == 1 and found[1].link_hash is None  # the link is spent

        phone.click("#session button:has-text('Sign out')")
        phone.wait_for_selector("form.login")
        shot(phone, "passkey-sign-in-form")
        phone.click("button:has-text('Sign in with a passkey')")
        card = f"#event-{event.event_id}"
        phone.wait_for_selector(card)
        assert phone.inner_text("#session .who").split() == ["jess", "CREW"]
        assert phone.locator("#session button:text-is('Crew')").count() == 0  # owner's only

        phone.click(f"{card} button:has-text('Log Payment')")
        phone.wait_for_selector("dialog[open]")
        phone.select_option("#payment-patron", "dana")
        phone.fill("#payment-amount", "35")
        phone.click("dialog button[type=submit]")
        phone.wait_for_selector("dialog", state="detached")
        shot(phone, "passkey-payment")
        [payment] = trips.get(store, event.event_id).payments
        assert payment.logged_by == "jess"
        assert_clean(phone, statuses=(401,))
        phone.context.close()
