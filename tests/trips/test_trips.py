import re

import pytest

from tests.builders import BASE_URL, event_body
from tests.support import Auth, on_roster, pay, sign

HX = {"HX-Request": "true"}


def post_event(client, auth, **kwargs):
    return client.post(
        "/api/events", json=event_body(**kwargs), headers=auth.headers(), base_url=BASE_URL
    )


def test_shell_loads_vendored_htmx_and_no_inline_script(client):
    page = client.get("/").get_data(as_text=True)
    [src] = re.findall(r'src="(/static/vendor/htmx-2\.0\.11/htmx\.min\.[0-9a-f]{8}\.js)"', page)
    assert 'name="htmx-config"' in page
    assert "<script>" not in page and "style=" not in page
    with client.get(src) as js:
        assert js.status_code == 200 and b"2.0.11" in js.data


def test_health(client):
    response = client.get("/api/health")
    assert response.json["status"] == "ok" and response.json["version"]


def test_create_event_returns_json(crew, auth):
    response = post_event(crew, auth)
    assert response.status_code == 201
    data = response.json
    assert data["event_id"] == "2030-05-23-captain-cory-afternoon"
    assert data["total"] == "400.00" and data["balance_due"] == "400.00"
    assert data["patrons"][0] == {
        "patron_id": "dana",
        "name": "Dana Lee",
        "email": None,
        "phone": None,
        "amount_due": "200.00",
        "amount_paid": "0.00",
        "balance_due": "200.00",
        "cleared": False,
        "check_in": None,
        "waiver_signed": False,
        "party": 1,
    }
    assert data["boat"] is None and data["headcount"] == 2
    assert data["status"] == "scheduled" and data["refunds"] == [] and data["aboard"] == 0
    assert data["waivers_signed"] == 0 and data["payments"] == []


def test_create_event_as_htmx_returns_the_card(crew, auth):
    response = crew.post(
        "/api/events", json=event_body(), headers=auth.headers(htmx=True), base_url=BASE_URL
    )
    assert response.status_code == 201
    assert 'id="event-2030-05-23-captain-cory-afternoon"' in response.get_data(as_text=True)


@pytest.mark.parametrize(
    "eid", ["2026-05-23", "2026-02-30-cory", "2026-05-23-Cory!", "cory-2026-05-23"]
)
def test_bad_event_ids_are_refused(crew, auth, eid):
    response = crew.post(
        "/api/events", json=event_body(event_id=eid), headers=auth.headers(), base_url=BASE_URL
    )
    assert response.status_code == 422
    assert "YYYY-MM-DD-name[-period]" in response.json["error"]
    assert response.json["field"] == "event_id"
    assert crew.get("/api/events?when=all", base_url=BASE_URL).json["events"] == []


TRIP_READS = [
    "/api/events/{}",
    "/api/events/{}/edit",
    "/api/events/{}/more",
    "/api/events/{}/cancel",
    "/api/events/{}/reschedule",
    "/api/events/{}/activity",
    "/api/events/{}/manifest",
    "/api/events/{}/payment-modal",
    "/api/events/{}/pay-links",
    "/api/events/{}/payments",
    "/api/events/{}/payment-cleared",
    "/api/events/{}/refund",
    "/api/events/{}/waivers",
]


@pytest.mark.parametrize("url", TRIP_READS)
def test_every_read_of_a_trip_answers_a_bad_id_alike(crew, url):
    ill_formed = crew.get(url.format("cory-2026-05-23"), base_url=BASE_URL)
    assert ill_formed.status_code == 404 and "YYYY-MM-DD-name[-period]" in ill_formed.json["error"]
    unknown = crew.get(url.format("2030-05-23-nobody"), base_url=BASE_URL)
    assert unknown.status_code == 404
    assert unknown.json["error"] == "There is no event 2030-05-23-nobody."


@pytest.mark.parametrize("dialog", ["payment-modal", "refund", "cancel", "reschedule"])
def test_each_card_dialog_form_posts_where_htmx_posts(crew, create_event, dialog):
    """Without htmx (not loaded yet, or failed) the form still posts to its action, never a GET
    of the page with what was typed in the URL."""
    eid = create_event()["event_id"]
    html = crew.get(f"/api/events/{eid}/{dialog}", headers=HX, base_url=BASE_URL).text
    form = r'<form method="post" action="([^"]+)"\s+hx-post="([^"]+)"'
    [(action, hx_post)] = re.findall(form, html)
    assert action == hx_post and action.startswith(f"/api/events/{eid}/")


@pytest.mark.parametrize("url", ["/api/events/new", "/api/events/{}/edit", "/api/crew"])
def test_no_form_leaves_its_method_to_the_browser(crew, create_event, url):
    """A form without a method is a GET: submitted before htmx loads, what was typed (names,
    emails, amounts) would land in the URL and the logs. Only the export asks for a GET."""
    eid = create_event()["event_id"]
    html = crew.get(url.format(eid), headers=HX, base_url=BASE_URL).text
    forms = re.findall(r"<form\b[^>]*>", html)
    assert forms and all(re.search(r'\smethod="post"', form) for form in forms), forms


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"date": "2026-02-30"}, "date"),
        ({"date": 20260523}, "date"),
        ({"patrons": []}, "patrons"),
        ({"patrons": "dana"}, "patrons"),
        ({"total": "-5"}, "total"),
        ({"total": 12.5}, "total"),
        ({"title": "<script>alert(1)</script>"}, "title"),
        ({"title": "x" * 500}, "title"),
        ({"crew": [{"crew_id": "Cory Smith!", "role": "captain"}]}, "crew"),
        ({"total": "100.00"}, "total"),
        ({"name": "!!!"}, "name"),
        ({"patrons": [{"name": "A", "email": "not-an-email"}]}, "patrons"),
    ],
)
def test_create_validation(crew, auth, change, field):
    response = post_event(crew, auth, **change)
    assert response.status_code == 422
    assert response.json["field"] == field and response.json["error"]


def test_duplicate_event_is_409(crew, auth):
    assert post_event(crew, auth).status_code == 201
    response = post_event(crew, auth)
    assert response.status_code == 409 and "already exists" in response.json["error"]


def test_board_lists_upcoming_first_and_switches(crew, auth):
    for date in ("2020-01-10", "2031-03-01", "2030-06-01"):
        assert post_event(crew, auth, date=date).status_code == 201
    upcoming = crew.get("/api/events", base_url=BASE_URL).json
    assert upcoming["when"] == "upcoming"
    assert [e["date"] for e in upcoming["events"]] == ["2030-06-01", "2031-03-01"]
    past = crew.get("/api/events?when=past", base_url=BASE_URL).json["events"]
    assert [e["date"] for e in past] == ["2020-01-10"]
    assert len(crew.get("/api/events?when=all", base_url=BASE_URL).json["events"]) == 3
    assert crew.get("/api/events?when=today", base_url=BASE_URL).json["events"] == []


def test_board_json_says_only_what_the_board_read(crew, auth, create_event, store):
    patrons = [
        {"patron_id": "dana", "name": "Dana Lee", "email": "dana@example.com", "amount_due": "200"},
        {"patron_id": "sam", "name": "Sam Ortiz", "phone": "619-555-0100", "amount_due": "200"},
    ]
    create_event(patrons=patrons)
    pay(crew, auth, "25.00")
    sign(store)
    [entry] = crew.get("/api/events", base_url=BASE_URL).json["events"]
    whole = crew.get(f"/api/events/{entry['event_id']}", base_url=BASE_URL).json
    left_out = {"rev", "payments", "refunds", "moved_from"}
    left_out |= {"payment_timestamp", "payment_logged_by"}
    assert set(entry) == set(whole) - left_out
    assert all(entry[k] == whole[k] for k in entry if k != "patrons")
    assert entry["paid_total"] == "25.00" and entry["waivers_signed"] == 1
    for shown, full in zip(entry["patrons"], whole["patrons"], strict=True):
        assert shown == {k: v for k, v in full.items() if k not in ("email", "phone")}
    assert entry["patrons"][0]["amount_paid"] == "25.00"
    assert whole["rev"] > 0 and whole["payments"] and whole["patrons"][0]["email"]


def test_board_fragment_has_cards_tabs_and_session(crew, auth):
    post_event(crew, auth)
    html = crew.get("/api/events", headers=HX, base_url=BASE_URL).get_data(as_text=True)
    assert 'id="event-2030-05-23-captain-cory-afternoon"' in html
    assert 'class="card" hx-target="#modal">' in html and "Waivers 0/2" in html
    assert 'aria-current="page"' in html and 'id="session" hx-swap-oob="true"' in html


def test_board_rejects_unknown_filter(crew):
    response = crew.get("/api/events?when=tomorrow", base_url=BASE_URL)
    assert response.status_code == 422 and response.json["field"] == "when"


def test_get_event_json_and_card(crew, auth):
    post_event(crew, auth)
    eid = "2030-05-23-captain-cory-afternoon"
    assert crew.get(f"/api/events/{eid}", base_url=BASE_URL).json["event_id"] == eid
    card = crew.get(f"/api/events/{eid}", headers=HX, base_url=BASE_URL).get_data(as_text=True)
    assert card.startswith(f'<article id="event-{eid}"')


def test_get_unknown_and_ill_formed_event(crew):
    assert crew.get("/api/events/2030-01-01-nobody", base_url=BASE_URL).status_code == 404
    response = crew.get("/api/events/2026-05-23", base_url=BASE_URL)
    assert response.status_code == 404 and "YYYY-MM-DD" in response.json["error"]


def test_patch_edits_title_total_patrons_crew(crew, auth):
    post_event(crew, auth)
    eid = "2030-05-23-captain-cory-afternoon"
    response = crew.patch(
        f"/api/events/{eid}",
        headers=auth.headers(),
        base_url=BASE_URL,
        json={
            "title": "Whale watch",
            "total": "500.00",
            "crew": [{"crew_id": "maya", "role": "captain"}],
            "patrons": [{"patron_id": "dana", "name": "Dana Lee", "amount_due": "250"}],
        },
    )
    assert response.status_code == 200, response.json
    data = response.json
    assert (data["title"], data["total"], data["balance_due"]) == (
        "Whale watch",
        "500.00",
        "500.00",
    )
    assert data["crew"] == [{"crew_id": "maya", "role": "captain"}]
    assert [p["patron_id"] for p in data["patrons"]] == ["dana"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"paid_total": "0"}, "paid_total"),
        ({"date": "2030-01-01"}, "date"),
        ({"total": "abc"}, "total"),
        ({"patrons": []}, "patrons"),
    ],
)
def test_patch_refuses(crew, auth, body, field):
    post_event(crew, auth)
    eid = "2030-05-23-captain-cory-afternoon"
    response = crew.patch(
        f"/api/events/{eid}", json=body, headers=auth.headers(), base_url=BASE_URL
    )
    assert response.status_code == 422 and response.json["field"] == field
    assert crew.get(f"/api/events/{eid}", base_url=BASE_URL).json["total"] == "400.00"


def test_patch_cannot_drop_total_below_paid(crew, auth):
    post_event(crew, auth)
    eid = "2030-05-23-captain-cory-afternoon"
    crew.post(
        f"/api/events/{eid}/payment-log",
        headers=auth.headers(),
        base_url=BASE_URL,
        json={"patron_id": "dana", "amount": "150", "method": "cash"},
    )
    response = crew.patch(
        f"/api/events/{eid}", json={"total": "100"}, headers=auth.headers(), base_url=BASE_URL
    )
    assert response.status_code == 422
    response = crew.patch(
        f"/api/events/{eid}",
        headers=auth.headers(),
        base_url=BASE_URL,
        json={"patrons": [{"patron_id": "sam", "name": "Sam"}]},
    )
    assert response.status_code == 422 and "payments on record" in response.json["error"]


def test_malformed_json_is_400(crew, auth):
    response = crew.post(
        "/api/events",
        data="{not json",
        content_type="application/json",
        headers=auth.headers(),
        base_url=BASE_URL,
    )
    assert response.status_code == 400
    assert response.json == {"error": "The request body is not valid JSON.", "field": None}


def test_json_array_body_is_422(crew, auth):
    response = crew.post("/api/events", json=[1, 2], headers=auth.headers(), base_url=BASE_URL)
    assert response.status_code == 422


def test_unknown_route_and_wrong_method(client):
    assert client.get("/api/nope").json["error"] == "There is nothing at this address."
    response = client.delete("/api/health")
    assert response.status_code == 405 and "DELETE" in response.json["error"]
    page = client.get("/no/such/page")
    assert page.status_code == 404 and page.mimetype == "text/html"


def test_body_over_64kb_is_413(crew, auth):
    response = crew.post(
        "/api/events",
        data="x" * (65 * 1024),
        content_type="application/json",
        headers=auth.headers(),
        base_url=BASE_URL,
    )
    assert response.status_code == 413 and "64 KB" in response.json["error"]


def test_htmx_errors_go_to_the_flash_area(crew):
    response = crew.get("/api/events/2030-01-01-nobody", headers=HX, base_url=BASE_URL)
    assert response.status_code == 404
    assert response.headers["HX-Retarget"] == "#flash"
    assert "There is no event" in response.get_data(as_text=True)


def test_staging_prefix_serves_the_same_app(client):
    assert client.get("/_staging/api/health").json["status"] == "ok"
    page = client.get("/_staging/").get_data(as_text=True)
    assert 'hx-get="/_staging/api/events?when=upcoming"' in page


def card_on_board(crew, eid="2030-05-23-captain-cory-afternoon", prefix=""):
    html = crew.get(f"{prefix}/api/events?when=all", headers=HX, base_url=BASE_URL)
    found = re.search(rf'<article id="event-{eid}".*?</article>', html.get_data(as_text=True), re.S)
    assert found is not None
    return found.group(0)


def test_the_board_shows_each_write(crew, auth, create_event, store):
    create_event()
    assert "Paid</dt><dd>$0.00" in card_on_board(crew)
    pay(crew, auth, "25.00")
    assert "Paid</dt><dd>$25.00" in card_on_board(crew)
    sign(store)
    assert "Waivers 1/2" in card_on_board(crew)
    edit = {"title": "Sunset run"}
    patched = crew.patch(
        "/api/events/2030-05-23-captain-cory-afternoon",
        json=edit,
        headers=auth.headers(),
        base_url=BASE_URL,
    )
    assert patched.status_code == 200 and "<h2>Sunset run</h2>" in card_on_board(crew)


def test_cards_on_the_staging_board_keep_the_staging_prefix(crew, create_event):
    create_event()
    staged = card_on_board(crew, prefix="/_staging")
    assert 'hx-get="/_staging/api/events/2030-05-23-captain-cory-afternoon/payment-modal"' in staged
    assert 'hx-get="/api/events/' in card_on_board(crew) and "/_staging/" not in card_on_board(crew)


def test_each_member_sees_their_own_name_on_the_board(app, crew, create_event, store):
    create_event()
    on_roster(store, "maria", "crew")
    other = app.test_client()
    assert Auth(other).login("maria").status_code == 200
    mine = crew.get("/api/events?when=all", headers=HX, base_url=BASE_URL).get_data(as_text=True)
    theirs = other.get("/api/events?when=all", headers=HX, base_url=BASE_URL).get_data(as_text=True)
    assert 'cory <span class="role-tag">owner' in mine
    assert 'maria <span class="role-tag">crew' in theirs
