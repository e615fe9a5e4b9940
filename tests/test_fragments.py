"""Cards drawn once per stored version of an event: every write shows up, nothing stale."""

from __future__ import annotations

import re
from typing import Any

import pytest

from scc.fragments import Fragments
from scc.models import EVENT_SK
from scc.store import Store, deserialize, serialize
from tests.conftest import BASE_URL, TRIP_ID, Auth, pay
from tests.test_waivers import sign

HX = {"HX-Request": "true"}
EID = TRIP_ID


def board(crew: Any) -> str:
    response = crew.get("/api/events?when=all", headers=HX, base_url=BASE_URL)
    assert response.status_code == 200
    html: str = response.get_data(as_text=True)
    return html


def card_of(html: str, eid: str = EID) -> str:
    match = re.search(rf'<article id="event-{eid}".*?</article>', html, re.S)
    assert match, html[:500]
    return match.group(0)


def stored_etag(store: Store) -> str:
    item = store.call(
        "get_item", TableName=store.table, Key=serialize({"eid": EID, "crew_id": EVENT_SK})
    )["Item"]
    etag: str = deserialize(item)["etag"]
    return etag


@pytest.fixture
def drawn(crew, auth, create_event, store):
    """An event whose card the board has already drawn (so it sits in the app's cache)."""
    create_event()
    before = card_of(board(crew))
    assert "Paid</dt><dd>$0.00" in before
    assert card_of(board(crew)) == before  # drawn again from the cache: the same HTML
    return before


def test_a_payment_shows_on_the_board_drawn_before_it(crew, auth, drawn, store):
    etag = stored_etag(store)
    pay(crew, auth, "25.00")  # answers 201
    assert stored_etag(store) != etag
    assert "Paid</dt><dd>$25.00" in card_of(board(crew))


def test_a_void_shows_on_the_board(crew, auth, drawn, store):
    logged = pay(crew, auth, "25.00")
    assert "Paid</dt><dd>$25.00" in card_of(board(crew))
    etag = stored_etag(store)
    void = f"/api/events/{EID}/payments/{logged['payment_id']}/void"
    answer = crew.post(void, json={"reason": "twice"}, headers=auth.headers(), base_url=BASE_URL)
    assert answer.status_code == 200
    assert stored_etag(store) != etag
    card = card_of(board(crew))
    assert "Paid</dt><dd>$0.00" in card and "voided by cory: twice" in card


def test_a_signed_waiver_shows_on_the_board(crew, drawn, store):
    assert "Waivers 0/2" in drawn
    etag = stored_etag(store)
    assert sign(store, EID).waiver is not None
    assert stored_etag(store) != etag
    assert "Waivers 1/2" in card_of(board(crew))


def test_an_edit_shows_on_the_board(crew, auth, drawn, store):
    etag = stored_etag(store)
    answer = crew.patch(
        f"/api/events/{EID}",
        json={"title": "Sunset run"},
        headers=auth.headers(),
        base_url=BASE_URL,
    )
    assert answer.status_code == 200
    assert stored_etag(store) != etag
    assert "<h2>Sunset run</h2>" in card_of(board(crew))


def test_an_id_created_again_from_rev_0_is_drawn_afresh(crew, create_event, drawn, store):
    store.call(
        "delete_item", TableName=store.table, Key=serialize({"eid": EID, "crew_id": EVENT_SK})
    )
    create_event(title="Second life")
    assert "<h2>Second life</h2>" in card_of(board(crew))


def test_a_record_without_an_etag_is_always_drawn_afresh(crew, drawn, store):
    key = serialize({"eid": EID, "crew_id": EVENT_SK})
    for title in ("Old record one", "Old record two"):
        store.call(
            "update_item",
            TableName=store.table,
            Key=key,
            UpdateExpression="SET title = :t REMOVE etag",
            ExpressionAttributeValues=serialize({":t": title}),
        )
        assert f"<h2>{title}</h2>" in card_of(board(crew))


def test_the_single_card_and_the_board_agree(crew, drawn):
    one = crew.get(f"/api/events/{EID}", headers=HX, base_url=BASE_URL).get_data(as_text=True)
    assert one == drawn


def test_staging_cards_keep_their_prefix(crew, drawn):
    staged = crew.get(f"/_staging/api/events/{EID}", headers=HX, base_url=BASE_URL)
    html = staged.get_data(as_text=True)
    assert f'hx-get="/_staging/api/events/{EID}/payment-modal"' in html
    assert f'hx-get="/api/events/{EID}/payment-modal"' in drawn


def test_an_event_added_or_deleted_after_the_board_was_drawn_shows(
    crew, create_event, drawn, store
):
    other = "2030-05-24-captain-cory-morning"
    create_event(event_id=other, title="Added later")
    assert "<h2>Added later</h2>" in card_of(board(crew), other)
    assert card_of(board(crew)) == drawn
    key = serialize({"eid": other, "crew_id": EVENT_SK})
    store.call("delete_item", TableName=store.table, Key=key)
    assert f'id="event-{other}"' not in board(crew)


def test_each_crew_member_sees_their_own_name_on_the_board(app, crew, drawn):
    assert '<span class="who">cory</span>' in board(crew)
    other = app.test_client()
    assert Auth(other).login("maria").status_code == 200
    html = board(other)
    assert '<span class="who">maria</span>' in html and ">cory</span>" not in html
    assert card_of(html) == drawn
    assert '<span class="who">cory</span>' in board(crew)


def test_each_choice_and_prefix_has_its_own_board(crew, drawn):
    everything = board(crew)
    upcoming = crew.get("/api/events?when=upcoming", headers=HX, base_url=BASE_URL)
    past = crew.get("/api/events?when=past", headers=HX, base_url=BASE_URL).get_data(as_text=True)
    assert card_of(upcoming.get_data(as_text=True)) == drawn  # the same cards as "all"
    assert 'aria-current="page"' in everything.split(">All<")[0].rsplit("<button", 1)[1]
    assert 'aria-current="page"' in upcoming.get_data(as_text=True).split(">Upcoming<")[0]
    assert EID not in past and "No past events." in past
    staged = crew.get("/_staging/api/events?when=all", headers=HX, base_url=BASE_URL)
    assert f'hx-get="/_staging/api/events/{EID}/payment-modal"' in staged.get_data(as_text=True)
    assert board(crew) == everything


def test_the_cache_is_bounded_and_drops_the_least_recently_used() -> None:
    fragments = Fragments(size=2)
    drawn: list[str] = []

    def render(text: str) -> Any:
        return lambda: drawn.append(text) or text.encode()

    a, b, c = ((("t",), "a", "1"), (("t",), "b", "1"), (("t",), "c", "1"))
    fragments.get(a, render("A"))
    fragments.get(b, render("B"))
    fragments.get(a, render("A"))  # a is now the most recent
    fragments.get(c, render("C"))  # b goes
    assert len(fragments) == 2 and drawn == ["A", "B", "C"]
    fragments.get(a, render("A"))
    fragments.get(b, render("B"))
    assert drawn == ["A", "B", "C", "B"]
    assert fragments.get(None, render("D")) == b"D" and len(fragments) == 2


def modal(crew: Any) -> str:
    url = f"/api/events/{EID}/payment-modal"
    html: str = crew.get(url, headers=HX, base_url=BASE_URL).get_data(as_text=True)
    return html


def test_the_payment_modal_follows_payments_and_is_filled_per_request(crew, auth, drawn):
    first, second = modal(crew), modal(crew)
    assert "Dana Lee · $200.00 due" in first and "Logged by <strong>cory</strong>" in first
    keys = [
        re.search(r'name="idempotency_key" value="([^"]+)"', h).group(1) for h in (first, second)
    ]
    assert keys[0] != keys[1] and "\x00" not in first
    pay(crew, auth, "25.00")  # answers 201
    assert "Dana Lee · $175.00 due" in modal(crew)


def test_the_waiver_page_has_a_new_form_id_each_time_and_follows_edits(crew, auth, drawn, app):
    def page() -> str:
        html: str = crew.get(f"/g/{EID}/waiver", base_url=BASE_URL).get_data(as_text=True)
        return html

    first, second = page(), page()
    ids = [re.search(r'name="form_id" value="([^"]+)"', h).group(1) for h in (first, second)]
    assert ids[0] != ids[1] and "\x00" not in first
    crew.patch(
        f"/api/events/{EID}",
        json={"title": "Sunset run"},
        headers=auth.headers(),
        base_url=BASE_URL,
    )
    assert "Sunset run" in page() and "Sunset run" not in first


def test_the_waiver_page_follows_the_day(crew, drawn, monkeypatch):
    from datetime import UTC, datetime

    from scc import clock

    def page_on(day: str) -> str:
        monkeypatch.setattr(
            clock, "now", lambda: datetime.fromisoformat(f"{day}T18:00:00").replace(tzinfo=UTC)
        )
        html: str = crew.get(f"/g/{EID}/waiver", base_url=BASE_URL).get_data(as_text=True)
        return html

    assert 'max="2030-01-02"' in page_on("2030-01-02")
    assert 'max="2030-01-03"' in page_on("2030-01-03")


def test_per_request_values_are_escaped_into_their_slots(app, crew, drawn, store):
    from scc.fragments import render_for

    item = store.get_event_item(EID)
    with app.test_request_context("/"):
        for _ in range(2):  # drawn, then from the cache
            html = render_for(
                "payments/_modal.html",
                item,
                context=lambda _: {"methods": {"cash": "Cash"}},
                fill={"key": '"><script>x</script>', "crew_id": "a&b"},
            ).decode()
            assert "<script>x" not in html and "&#34;&gt;&lt;script&gt;x" in html
            assert "<strong>a&amp;b</strong>" in html and "\x00" not in html
