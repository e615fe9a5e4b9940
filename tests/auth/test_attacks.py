"""Issue 18, the way an attacker works: every request goes through lambda_entry.handler as the
public Function URL delivers it, with forged headers, fresh crew ids, IPv6 spellings, bursts of
simultaneous guesses, someone else's lockout, a flood of waivers and separators in every text
field. Each case is named for what it proves."""

from __future__ import annotations

import logging
import threading
from datetime import UTC, datetime
from typing import Any

import pytest

from scc import clock, paylinks
from scc.auth import passwords, sessions
from scc.notify import gmail
from scc.notify import stream as notify
from scc.store import Store, challenges, keys, trips
from scc.waivers import signing
from tests.support.apps import make_app
from tests.support.builders import ADMIN, PASSWORD, TRIP_ID, event_body, trip, waiver_form
from tests.support.domain import on_roster, sign
from tests.support.harness import Http
from tests.support.servers import moto_dynamodb

JESS = "jess-own-password-1"  # noqa: S105
ON_THE_HOUR = datetime(2026, 11, 21, 18, 0, 5, tzinfo=UTC)  # windows never end mid-test


@pytest.fixture
def http(handler: Any, monkeypatch: pytest.MonkeyPatch) -> Http:
    monkeypatch.setattr(clock, "now", lambda: ON_THE_HOUR)
    return Http(handler)


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every bcrypt check the app makes (thread-safe: list.append)."""
    made: list[int] = []
    real = passwords.bcrypt.checkpw

    def counting(raw: bytes, stored: bytes) -> bool:
        made.append(1)
        return bool(real(raw, stored))

    monkeypatch.setattr(passwords.bcrypt, "checkpw", counting)
    return made


# --- the sign-in throttle -----------------------------------------------------------------------


def test_forged_viewer_addresses_and_fresh_crew_ids_end_in_429_from_one_real_address(
    http: Http, checks: list[int]
) -> None:
    statuses = [
        http.login(
            f"guess{n}", "wrong", headers={"cloudfront-viewer-address": f"203.0.113.{n}:443"}
        ).status
        for n in range(14)
    ]
    assert statuses == [401] * 10 + [429] * 4 and len(checks) == 10


def test_the_viewer_address_counts_only_with_cloudfronts_origin_secret(
    http: Http, monkeypatch: pytest.MonkeyPatch
) -> None:
    import lambda_entry

    monkeypatch.setitem(lambda_entry.app.config, "ORIGIN_SECRETS", ["edge-secret"])
    edge = {"x-scc-origin-verify": "edge-secret"}
    for n in range(10):  # ten viewers behind one CloudFront edge address: each its own count
        viewer = {**edge, "cloudfront-viewer-address": f"203.0.113.{n}:443"}
        assert http.login("cory", "wrong", headers=viewer).status == 401
    forged = {"x-scc-origin-verify": "guess", "cloudfront-viewer-address": "192.0.2.1:1"}
    assert http.login("cory", "wrong", headers=forged).status == 403  # around CloudFront
    fine = {**edge, "cloudfront-viewer-address": "192.0.2.77:443"}
    assert http.login("cory", PASSWORD, headers=fine).status == 200


@pytest.mark.parametrize(
    "spellings",
    [
        [f"2001:db8:1:2::{n:x}" for n in range(1, 12)],
        ["2001:DB8:1:2:0:0:0:1", "2001:db8:1:2::1", "2001:0db8:0001:0002::ffff"] * 4,
        ["::ffff:198.51.100.9", "198.51.100.9", "::FFFF:C633:6409"] * 4,
    ],
    ids=["one-64", "spellings", "ipv4-mapped"],
)
def test_ipv6_spellings_of_one_address_share_one_count(http: Http, spellings: list[str]) -> None:
    statuses = [http.login("cory", "wrong", source_ip=ip).status for ip in spellings[:11]]
    assert statuses == [401] * 10 + [429]


def test_30_simultaneous_wrong_passwords_get_at_most_10_password_checks(
    handler: Any, monkeypatch: pytest.MonkeyPatch, checks: list[int]
) -> None:
    import lambda_entry

    monkeypatch.setattr(clock, "now", lambda: ON_THE_HOUR)
    with moto_dynamodb() as url:
        store = Store("scc-throttle-race", url)
        store.create_table()
        monkeypatch.setitem(lambda_entry.app.extensions, "scc.store", store)
        http, statuses = Http(handler), []
        start = threading.Barrier(30)

        def guess() -> None:
            start.wait()
            statuses.append(http.login("cory", "wrong").status)

        threads = [threading.Thread(target=guess) for _ in range(30)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert len(checks) <= 10 and statuses.count(401) == len(checks)
    assert statuses.count(429) + statuses.count(503) == 30 - len(checks)


def test_a_member_attacked_from_elsewhere_still_signs_in(http: Http, store: Store) -> None:
    on_roster(store, "jess", "crew", JESS)
    for _ in range(12):
        http.login("jess", "wrong", source_ip="203.0.113.66")
    assert http.login("jess", JESS, source_ip="203.0.113.66").status == 429
    assert http.login("jess", JESS, source_ip="198.51.100.20").status == 200


def test_enrollment_links_and_passkeys_share_the_sign_in_throttle(http: Http) -> None:
    for n in range(10):
        gone = http("POST", "/api/crew/enroll", {"token": f"cory.guess{n}", "password": "x" * 12})
        assert gone.status == 410
    passkey = {"challenge_id": "c" * 32, "credential": {"id": "x", "response": {}}}
    assert http("POST", "/api/admin/passkey-login", passkey).status == 429
    assert http("POST", "/api/crew/enroll/passkey-options", {"token": "cory.x"}).status == 429
    assert http.login().status == 429


def test_a_passkey_challenge_works_once(store: Store) -> None:
    challenge_id, challenge = challenges.issue(store, "sign-in")
    taken = challenges.take(store, challenge_id)
    assert taken is not None and taken.challenge == challenge
    assert challenges.take(store, challenge_id) is None
    assert challenges.take(store, "not-a-challenge-id-at-all") is None


@pytest.mark.parametrize(
    "headers",
    [
        {"sec-fetch-site": "cross-site"},
        {"sec-fetch-site": "same-site"},
        {"origin": "https://evil.example"},
    ],
    ids=["cross-site", "same-site", "foreign-origin"],
)
def test_a_sign_in_posted_from_another_site_is_refused(
    http: Http, headers: dict[str, str], checks: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    import lambda_entry

    monkeypatch.setitem(lambda_entry.app.config, "SITE_URL", "https://scc.example")
    answer = http.login(headers=headers)
    assert answer.status == 403 and "own page" in answer.json["error"] and checks == []
    same = {"sec-fetch-site": "same-origin", "origin": "https://scc.example"}
    assert http.login(headers=same).status == 200


# --- lockouts and cut sessions ------------------------------------------------------------------


def test_only_the_member_or_an_owner_signs_a_member_out_everywhere(
    http: Http, store: Store
) -> None:
    on_roster(store, "cory", "owner")
    on_roster(store, "jess", "crew", JESS)
    on_roster(store, "leo", "crew", "leo-own-password")
    jess, leo = http.token("jess", JESS), http.token("leo", "leo-own-password")
    assert http("POST", "/api/crew/jess/sign-out", {}, token=leo).status == 403
    assert http("GET", "/api/events", token=jess).status == 200
    assert http("POST", "/api/crew/leo/sign-out", {}, token=http.token("cory")).status == 200
    assert http("POST", "/api/events", event_body(), token=leo).status == 401
    assert http("POST", "/api/crew/jess/sign-out", {}, token=jess).status == 200
    assert http("POST", "/api/events", event_body(), token=jess).status == 401
    assert http.login("jess", JESS).status == 200  # a new session is fine


def test_a_rotated_secret_key_keeps_sessions_and_pay_links(
    http: Http, monkeypatch: pytest.MonkeyPatch
) -> None:
    import lambda_entry

    config = lambda_entry.app.config
    old_key = config["SECRET_KEY"]
    token = http.token()
    link = paylinks.issue(old_key, TRIP_ID, "dana")
    monkeypatch.setitem(config, "SECRET_KEY", "the-new-key")
    monkeypatch.setitem(config, "SECRET_KEY_FALLBACKS", [old_key])
    assert http("GET", "/api/events", token=token).status == 200
    http("POST", "/api/events", event_body(), token=token)
    page = http("GET", f"/g/{TRIP_ID}/payment", query=f"p={link}")
    assert "Dana Lee" in page.body
    new_token = http.token()
    assert sessions.read(old_key, new_token, idle=60, absolute=60) is None  # signed with the new
    monkeypatch.setitem(config, "SECRET_KEY_FALLBACKS", [])
    assert http("GET", "/api/events", token=token).status == 401  # the old key: dropped
    assert http("GET", "/api/events", token=new_token).status == 200


# --- the waiver form ----------------------------------------------------------------------------


def post_waiver(http: Http, eid: str, n: int, **headers: str) -> int:
    form = waiver_form(full_name=f"Guest {n}", signature=f"Guest {n}", email=f"g{n}@example.com")
    return http("POST", f"/g/{eid}/waiver", form=form, headers=headers).status


def test_a_party_of_30_signing_on_one_phone_is_served(http: Http, store: Store) -> None:
    trips.create(store, trip())
    statuses = [post_waiver(http, TRIP_ID, n) for n in range(30)]
    assert statuses == [201] * 30  # the first 12 included: an honest party is never refused
    assert trips.get(store, TRIP_ID).waivers_signed == 30


def test_a_flood_across_trips_is_refused_even_with_forged_headers(
    http: Http, store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(signing, "TRIP_LIMIT", 4)  # the real caps are 40 and 80: same mechanism
    monkeypatch.setattr(signing, "ADDRESS_LIMIT", 10)
    eids = [f"2030-05-2{d}-captain-cory" for d in range(3, 6)]
    for eid in eids:
        trips.create(store, trip(event_id=eid))
    statuses = [
        post_waiver(http, eid, n, **{"cloudfront-viewer-address": f"192.0.2.{n}:1"})
        for n, eid in enumerate(eids * 4)
    ]
    assert statuses == [201] * 10 + [429] * 2
    assert sum(trips.get(store, eid).waivers_signed for eid in eids) == 10


def test_a_signer_copy_goes_at_most_3_times_a_day_to_one_address(
    store: Store, stream: Any, caplog: pytest.LogCaptureFixture
) -> None:
    app = make_app(ADMIN_EMAIL=ADMIN)
    sent: list[str] = []
    app.extensions["scc.mailer"] = type("M", (), {"send": lambda self, m: sent.append(m.to)})()
    trips.create(store, trip())
    for n in range(5):
        sign(store, full_name=f"Guest {n}", signature=f"Guest {n}", email="victim@example.com")
    with app.app_context(), caplog.at_level(logging.INFO, logger="scc.notify"):
        failed = notify.process(app, stream.take()["Records"], None)
    assert failed == [] and sent.count("victim@example.com") == 3 and sent.count(ADMIN) == 5
    assert "v***@example.com" in caplog.text and "victim@example.com" not in caplog.text


# --- text that breaks mail ----------------------------------------------------------------------


def test_a_name_with_a_line_separator_is_refused_with_422_and_a_sentence(
    http: Http, store: Store
) -> None:
    trips.create(store, trip())
    form = waiver_form(full_name="Dana\u2028Bcc: x@evil.example")
    answer = http("POST", f"/g/{TRIP_ID}/waiver", form=form)
    assert answer.status == 422
    assert "Your full name has characters that can&#39;t be stored." in answer.body


SEPARATED = {
    "/api/events": (event_body(), ["title"], ["name"]),
    f"/api/events/{TRIP_ID}/payment-log": (
        {"patron_id": "dana", "amount": "1", "method": "cash"},
        ["notes"],
        [],
    ),
    "/api/crew": ({"crew_id": "maya", "name": "Maya", "role": "crew"}, ["name"], []),
}


@pytest.mark.parametrize("separator", ["\u2028", "\u2029", "\x85", "\x9b"])
def test_separators_and_c1_controls_are_refused_in_every_text_field(
    http: Http, store: Store, separator: str
) -> None:
    token = http.token()
    http("POST", "/api/events", event_body(date="2030-06-01"), token=token)
    for path, (valid, fields, patron_fields) in SEPARATED.items():
        places = [(f, None) for f in fields] + [("patrons", f) for f in patron_fields]
        for field, inner in places:
            body = (
                {**valid, "patrons": [dict(p) for p in valid.get("patrons", [])]}
                if inner
                else dict(valid)
            )
            if inner:
                body["patrons"][0][inner] = f"a{separator}b"
            else:
                body[field] = f"a{separator}b"
            answer = http("POST", path, body, token=token)
            assert answer.status == 422 and answer.json["error"].endswith("."), (path, field)
    for field in ("full_name", "emergency_contact_name", "signature"):
        form = waiver_form(**{field: f"a{separator}b"})
        answer = http("POST", "/g/2030-06-01-captain-cory-afternoon/waiver", form=form)
        assert answer.status == 422, field


def test_a_message_the_email_package_cannot_build_is_a_permanent_failure(
    store: Store, stream: Any, caplog: pytest.LogCaptureFixture
) -> None:
    """A record stored before the validation (or by another writer) still can't jam the stream."""
    app = make_app(ADMIN_EMAIL=ADMIN)
    app.extensions["scc.mailer"] = type("M", (), {"send": lambda self, m: gmail.mime(m)})()
    trips.create(store, trip())
    sign(store)
    [item] = store.collection(TRIP_ID, "#waiver#")
    stream.take()  # what the signature itself sent is not this test's business
    store.put({**item, "crew_id": item["crew_id"] + "0", "full_name": "Dana\u2028Lee"})
    with app.app_context(), caplog.at_level(logging.INFO, logger="scc.notify"):
        failed = notify.process(app, stream.take()["Records"], None)
    assert failed == []
    assert "will not be retried" in caplog.text and f"eid={TRIP_ID}" in caplog.text


# --- pages --------------------------------------------------------------------------------------


def test_no_page_shows_the_function_url_host(http: Http, store: Store) -> None:
    trips.create(store, trip())
    on_roster(store, "cory", "owner")
    owner = http.token()
    pages = [
        http("GET", "/"),
        http("GET", f"/g/{TRIP_ID}/waiver"),
        http("GET", f"/g/{TRIP_ID}/payment"),
        http("GET", "/g/2026-05-23/waiver"),
        http("GET", "/g/2030-01-01-nobody/payment"),
        http("GET", "/api/crew/enroll", query="token=cory.nope"),
        http("GET", "/nowhere"),
        http("POST", "/api/crew/cory/enroll-link", {}, token=owner),
        http("GET", "/api/crew", token=owner, htmx=True),
    ]
    for page in pages:
        assert "lambda-url" not in page.body and "abc123" not in page.body, page.body[:200]


def test_roster_secrets_never_reach_the_log(
    http: Http, store: Store, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.INFO):  # what Lambda keeps: the app's log, not botocore's wire
        owner = http.token()
        link = http("POST", "/api/crew", {"crew_id": "jess", "name": "Jess"}, token=owner)
        token = link.json["enroll_url"].split("token=")[1]
        http("POST", "/api/crew/enroll", {"token": token, "password": JESS})
    item = store.get(keys.member("jess"))
    assert token.split(".")[1] not in caplog.text and JESS not in caplog.text
    assert item["password_hash"] not in caplog.text
