import re

import pytest

from tests.support.builders import event_body
from tests.support.domain import on_roster, sign
from tests.support.harness import Session, pay


def post_event(client, **kwargs):
    return client("POST", "/api/events", event_body(**kwargs))


def test_shell_loads_vendored_htmx_and_no_inline_script(client):
    page = client("GET", "/").body
    [src] = re.findall(r'src="(/static/vendor/htmx-2\.0\.11/htmx\.min\.[0-9a-f]{8}\.js)"', page)
    assert 'name="htmx-config"' in page
    assert "<script>" not in page and "style=" not in page
    js = client("GET", src)
    assert js.status == 200 and "2.0.11" in js.body


def test_health(client):
    response = client("GET", "/api/health")
    assert response.json["status"] == "ok" and response.json["version"]


def test_create_event_returns_json(crew):
    response = post_event(crew)
    assert response.status == 201
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


def test_create_event_as_htmx_returns_the_card(crew):
    response = crew("POST", "/api/events", event_body(), htmx=True)
    assert response.status == 201
    assert 'id="event-2030-05-23-captain-cory-afternoon"' in response.body


@pytest.mark.parametrize(
    "eid", ["2026-05-23", "2026-02-30-cory", "2026-05-23-Cory!", "cory-2026-05-23"]
)
def test_bad_event_ids_are_refused(crew, eid):
    response = crew("POST", "/api/events", event_body(event_id=eid))
    assert response.status == 422
    assert "YYYY-MM-DD-name[-period]" in response.json["error"]
    assert response.json["field"] == "event_id"
    assert crew("GET", "/api/events?when=all").json["events"] == []


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
    ill_formed = crew("GET", url.format("cory-2026-05-23"))
    assert ill_formed.status == 404 and "YYYY-MM-DD-name[-period]" in ill_formed.json["error"]
    unknown = crew("GET", url.format("2030-05-23-nobody"))
    assert unknown.status == 404
    assert unknown.json["error"] == "There is no event 2030-05-23-nobody."


@pytest.mark.parametrize("dialog", ["payment-modal", "refund", "cancel", "reschedule"])
def test_each_card_dialog_form_posts_where_htmx_posts(crew, create_event, dialog):
    """Without htmx (not loaded yet, or failed) the form still posts to its action, never a GET
    of the page with what was typed in the URL."""
    eid = create_event()["event_id"]
    html = crew("GET", f"/api/events/{eid}/{dialog}", htmx=True).text
    form = r'<form method="post" action="([^"]+)"\s+hx-post="([^"]+)"'
    [(action, hx_post)] = re.findall(form, html)
    assert action == hx_post and action.startswith(f"/api/events/{eid}/")


@pytest.mark.parametrize("url", ["/api/events/new", "/api/events/{}/edit", "/api/crew"])
def test_no_form_leaves_its_method_to_the_browser(crew, create_event, url):
    """A form without a method is a GET: submitted before htmx loads, what was typed (names,
    emails, amounts) would land in the URL and the logs. Only the export asks for a GET."""
    eid = create_event()["event_id"]
    html = crew("GET", url.format(eid), htmx=True).text
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
def test_create_validation(crew, change, field):
    response = post_event(crew, **change)
    assert response.status == 422
    assert response.json["field"] == field and response.json["error"]


def test_duplicate_event_is_409(crew):
    assert post_event(crew).status == 201
    response = post_event(crew)
    assert response.status == 409 and "already exists" in response.json["error"]


def test_board_lists_upcoming_first_and_switches(crew):
    for date in ("2020-01-10", "2031-03-01", "2030-06-01"):
        assert post_event(crew, date=date).status == 201
    upcoming = crew("GET", "/api/events").json
    assert upcoming["when"] == "upcoming"
    assert [e["date"] for e in upcoming["events"]] == ["2030-06-01", "2031-03-01"]
    past = crew("GET", "/api/events?when=past").json["events"]
    assert [e["date"] for e in past] == ["2020-01-10"]
    assert len(crew("GET", "/api/events?when=all").json["events"]) == 3
    assert crew("GET", "/api/events?when=today").json["events"] == []


def test_board_json_says_only_what_the_board_read(crew, create_event, store):
    patrons = [
        {"patron_id": "dana", "name": "Dana Lee", "email": "dana@example.com", "amount_due": "200"},
        {"patron_id": "sam", "name": "Sam Ortiz", "phone": "619-555-0100", "amount_due": "200"},
    ]
    create_event(patrons=patrons)
    pay(crew, "25.00")
    sign(store)
    [entry] = crew("GET", "/api/events").json["events"]
    whole = crew("GET", f"/api/events/{entry['event_id']}").json
    left_out = {"rev", "payments", "refunds", "moved_from"}
    left_out |= {"payment_timestamp", "payment_logged_by"}
    assert set(entry) == set(whole) - left_out
    assert all(entry[k] == whole[k] for k in entry if k != "patrons")
    assert entry["paid_total"] == "25.00" and entry["waivers_signed"] == 1
    for shown, full in zip(entry["patrons"], whole["patrons"], strict=True):
        assert shown == {k: v for k, v in full.items() if k not in ("email", "phone")}
    assert entry["patrons"][0]["amount_paid"] == "25.00"
    assert whole["rev"] > 0 and whole["payments"] and whole["patrons"][0]["email"]


def test_board_fragment_has_cards_tabs_and_session(crew):
    post_event(crew)
    html = crew("GET", "/api/events", htmx=True).body
    assert 'id="event-2030-05-23-captain-cory-afternoon"' in html
    assert 'class="card" hx-target="#modal">' in html and "Waivers 0/2" in html
    assert 'aria-current="page"' in html and 'id="session" hx-swap-oob="true"' in html


def test_board_rejects_unknown_filter(crew):
    response = crew("GET", "/api/events?when=tomorrow")
    assert response.status == 422 and response.json["field"] == "when"


def test_get_event_json_and_card(crew):
    post_event(crew)
    eid = "2030-05-23-captain-cory-afternoon"
    assert crew("GET", f"/api/events/{eid}").json["event_id"] == eid
    card = crew("GET", f"/api/events/{eid}", htmx=True).body
    assert card.startswith(f'<article id="event-{eid}"')


def test_get_unknown_and_ill_formed_event(crew):
    assert crew("GET", "/api/events/2030-01-01-nobody").status == 404
    response = crew("GET", "/api/events/2026-05-23")
    assert response.status == 404 and "YYYY-MM-DD" in response.json["error"]


def test_patch_edits_title_total_patrons_crew(crew):
    post_event(crew)
    eid = "2030-05-23-captain-cory-afternoon"
    response = crew(
        "PATCH",
        f"/api/events/{eid}",
        {
            "title": "Whale watch",
            "total": "500.00",
            "crew": [{"crew_id": "maya", "role": "captain"}],
            "patrons": [{"patron_id": "dana", "name": "Dana Lee", "amount_due": "250"}],
        },
    )
    assert response.status == 200, response.json
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
def test_patch_refuses(crew, body, field):
    post_event(crew)
    eid = "2030-05-23-captain-cory-afternoon"
    response = crew("PATCH", f"/api/events/{eid}", body)
    assert response.status == 422 and response.json["field"] == field
    assert crew("GET", f"/api/events/{eid}").json["total"] == "400.00"


def test_patch_cannot_drop_total_below_paid(crew):
    post_event(crew)
    eid = "2030-05-23-captain-cory-afternoon"
    pay(crew, "150")
    response = crew("PATCH", f"/api/events/{eid}", {"total": "100"})
    assert response.status == 422
    response = crew(
        "PATCH",
        f"/api/events/{eid}",
        {"patrons": [{"patron_id": "sam", "name": "Sam"}]},
    )
    assert response.status == 422 and "payments on record" in response.json["error"]


def test_malformed_json_is_400(crew):
    response = crew(
        "POST", "/api/events", data="{not json", headers={"content-type": "application/json"}
    )
    assert response.status == 400
    assert response.json == {"error": "The request body is not valid JSON.", "field": None}


def test_json_array_body_is_422(crew):
    response = crew("POST", "/api/events", [1, 2])
    assert response.status == 422


def test_unknown_route_and_wrong_method(client):
    assert client("GET", "/api/nope").json["error"] == "There is nothing at this address."
    response = client("DELETE", "/api/health")
    assert response.status == 405 and "DELETE" in response.json["error"]
    page = client("GET", "/no/such/page")
    assert page.status == 404 and page.mimetype == "text/html"


def test_body_over_64kb_is_413(crew):
    response = crew(
        "POST", "/api/events", data="x" * (65 * 1024), headers={"content-type": "application/json"}
    )
    assert response.status == 413 and "64 KB" in response.json["error"]


def test_htmx_errors_go_to_the_flash_area(crew):
    response = crew("GET", "/api/events/2030-01-01-nobody", htmx=True)
    assert response.status == 404
    assert response.headers["hx-retarget"] == "#flash"
    assert "There is no event" in response.body


def test_staging_prefix_serves_the_same_app(client):
    assert client("GET", "/_staging/api/health").json["status"] == "ok"
    page = client("GET", "/_staging/").body
    assert 'hx-get="/_staging/api/events?when=upcoming"' in page


def card_on_board(crew, eid="2030-05-23-captain-cory-afternoon", prefix=""):
    html = crew("GET", f"{prefix}/api/events?when=all", htmx=True)
    found = re.search(rf'<article id="event-{eid}".*?</article>', html.body, re.S)
    assert found is not None
    return found.group(0)


def test_the_board_shows_each_write(crew, create_event, store):
    create_event()
    assert "Paid</dt><dd>$0.00" in card_on_board(crew)
    pay(crew, "25.00")
    assert "Paid</dt><dd>$25.00" in card_on_board(crew)
    sign(store)
    assert "Waivers 1/2" in card_on_board(crew)
    edit = {"title": "Sunset run"}
    patched = crew(
        "PATCH",
        "/api/events/2030-05-23-captain-cory-afternoon",
        edit,
    )
    assert patched.status == 200 and "<h2>Sunset run</h2>" in card_on_board(crew)


def test_cards_on_the_staging_board_keep_the_staging_prefix(crew, create_event):
    create_event()
    staged = card_on_board(crew, prefix="/_staging")
    assert 'hx-get="/_staging/api/events/2030-05-23-captain-cory-afternoon/payment-modal"' in staged
    assert 'hx-get="/api/events/' in card_on_board(crew) and "/_staging/" not in card_on_board(crew)


def test_each_member_sees_their_own_name_on_the_board(http, crew, create_event, store):
    create_event()
    on_roster(store, "maria", "crew")
    other = Session(http)
    assert other.login("maria").status == 200
    mine = crew("GET", "/api/events?when=all", htmx=True).body
    theirs = other("GET", "/api/events?when=all", htmx=True).body
    assert 'cory <span class="role-tag">owner' in mine
    assert 'maria <span class="role-tag">crew' in theirs
