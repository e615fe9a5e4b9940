"""The patron payment page: instructions for anyone; a balance only with a valid personal link."""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal
from typing import Any

import pytest
from flask import Flask

from scc import paylinks
from scc.models import Patron
from scc.store import Store, trips
from tests.support.builders import QUOTEY, XSS, payment, trip
from tests.support.harness import Session

EID = "2030-05-23-captain-cory-afternoon"
URL = f"/g/{EID}/payment"


@pytest.fixture
def event(store: Store) -> Any:
    """Dana paid 50.00 of 200.00; Sam paid all 200.00; Bo has no share set."""
    paid = [
        payment(amount="50.00", timestamp="2030-05-01T10:00:00Z"),
        payment(payment_id="p2", patron_id="sam", amount="200.00", method="venmo"),
    ]
    base = trip(patrons=[*trip().patrons, Patron(patron_id="bo", name="Bo Diaz")])
    return trips.create(
        store,
        replace(
            base,
            payments=paid,
            paid_total=Decimal("250.00"),
            patron_paid={"dana": Decimal("50.00"), "sam": Decimal("200.00"), "bo": Decimal("0.00")},
        ),
    )


def link(app: Flask, patron_id: str, event_id: str = EID) -> str:
    return f"{URL}?p={paylinks.issue(app.config['SECRET_KEY'], event_id, patron_id)}"


def page(client: Session, url: str = URL) -> str:
    response = client("GET", url)
    assert response.status == 200
    return response.body


def test_anyone_sees_the_trip_and_how_to_pay_but_no_amounts_or_names(
    client: Session, event: Any
) -> None:
    html = page(client)
    assert "Whale watching" in html and "Thu, May 23, 2030" in html
    assert "Venmo @scc-charters" in html
    assert "$" not in html and "Dana" not in html and "Sam" not in html


def test_a_personal_link_shows_that_patrons_share_paid_and_due(
    app: Flask, client: Session, event: Any
) -> None:
    html = page(client, link(app, "dana"))
    assert "Dana Lee" in html and "$200.00" in html and "$50.00" in html and "$150.00" in html
    assert "Sam" not in html and "Paid in full" not in html


def test_a_patron_who_paid_everything_is_shown_cleared(
    app: Flask, client: Session, event: Any
) -> None:
    html = page(client, link(app, "sam"))
    assert "Paid in full" in html and "$0.00" in html


def test_a_patron_without_a_share_is_told_it_is_not_set(
    app: Flask, client: Session, event: Any
) -> None:
    html = page(client, link(app, "bo"))
    assert "Bo Diaz" in html and "hasn't been set" in html


@pytest.mark.parametrize("token", ["garbage", "", "x" * 600])
def test_a_bad_token_shows_no_amounts_or_names(client: Session, event: Any, token: str) -> None:
    html = page(client, f"{URL}?p={token}")
    assert "$" not in html and "Dana" not in html


def test_a_link_for_another_event_is_not_valid_here(
    app: Flask, client: Session, event: Any
) -> None:
    html = page(client, link(app, "dana", "2030-05-24-captain-cory"))
    assert "isn't valid for this trip" in html and "$" not in html and "Dana" not in html


def test_a_link_for_a_patron_no_longer_on_the_manifest_shows_nothing(
    app: Flask, client: Session, event: Any
) -> None:
    html = page(client, link(app, "gone"))
    assert "isn't valid" in html and "$" not in html


def test_the_page_costs_one_read(app: Flask, client: Session, event: Any, ddb_calls: Any) -> None:
    ddb_calls.clear()
    page(client, link(app, "dana"))
    assert ddb_calls.calls == ["GetItem"]


@pytest.mark.parametrize(
    ("eid", "says"), [("2026-05-23", "only a date"), ("2030-01-01-nobody", "couldn&#39;t find")]
)
def test_a_wrong_link_is_a_404_page_that_shows_a_correct_one(
    client: Session, store: Store, eid: str, says: str
) -> None:
    response = client("GET", f"/g/{eid}/payment")
    html = response.body
    assert response.status == 404 and says in html
    assert "/g/2026-05-23-captain-cory-afternoon/payment</code>" in html


def test_names_and_instructions_are_shown_escaped(
    app: Flask, client: Session, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(app.config, "PAY_INSTRUCTIONS", f"Venmo {XSS} & Zelle")
    trips.create(store, trip(title=QUOTEY, patrons=[Patron(patron_id="ob", name=QUOTEY)]))
    html = page(client, link(app, "ob"))
    assert XSS not in html and QUOTEY not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; Zelle" in html
    assert html.count("O&#39;Brien &amp; &#34;Sons&#34;") >= 3


def test_without_instructions_the_page_says_the_crew_will_tell(
    app: Flask, client: Session, event: Any, monkeypatch: Any
) -> None:
    monkeypatch.setitem(app.config, "PAY_INSTRUCTIONS", "")
    assert "The crew will tell you how to pay" in page(client)


def test_sign_the_waiver_keeps_the_personal_link(app: Flask, client: Session, event: Any) -> None:
    token = link(app, "dana").split("?p=")[1]
    [href] = re.findall(r'href="([^"]+)">Sign the waiver', page(client, link(app, "dana")))
    assert href == f"/g/{EID}/waiver?p={token}"
    assert 'value="Dana Lee"' in page(client, href)  # her name filled in, so her signature matches
    [plain] = re.findall(r'href="([^"]+)">Sign the waiver', page(client, f"{URL}?p=forged"))
    assert plain == f"/g/{EID}/waiver"
