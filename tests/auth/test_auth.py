import re

import pytest

from scc.auth import sessions
from tests.support.builders import PASSWORD

LOGIN = "/api/admin/login"


def login(client, crew_id="cory", password=PASSWORD, **headers):
    return client("POST", LOGIN, {"crew_id": crew_id, "password": password}, headers=headers)


def test_login_issues_token_and_cookies(client):
    response = login(client)
    assert response.status == 200
    body = response.json
    assert body["crew_id"] == "cory" and body["token"] and body["csrf_token"] and body["expires_at"]
    cookies = response.cookies
    session = next(c for c in cookies if c.startswith("scc_session="))
    csrf = next(c for c in cookies if c.startswith("scc_csrf="))
    assert "HttpOnly" in session and "Secure" in session and "SameSite=Strict" in session
    assert "HttpOnly" not in csrf and "SameSite=Strict" in csrf


@pytest.mark.parametrize(
    "password",
    ["wrong", "x" * 73, "é" * 37, "x" * 4096, PASSWORD + "x" * (72 - len(PASSWORD) + 1)],
)
def test_bad_and_overlong_passwords_get_the_same_401(client, password):
    response = login(client, password=password)
    assert response.status == 401
    assert response.json["error"] == "That crew id and password do not match."


def test_72_byte_password_is_checked_not_crashed(app, client, monkeypatch):
    import bcrypt

    exact = "p" * 72
    monkeypatch.setitem(
        app.config,
        "ADMIN_PASS_HASH",
        bcrypt.hashpw(exact.encode(), bcrypt.gensalt(rounds=4)).decode(),
    )
    assert login(client, password=exact).status == 200
    assert login(client, password=exact + "p").status == 401


def test_unknown_and_malformed_crew_ids_look_like_wrong_passwords(client):
    wrong = login(client, password="nope")
    for crew_id in ("nobody-we-know", "Bad Id!", "x" * 500):
        response = login(client, crew_id=crew_id, password="nope")
        assert (response.status, response.json) == (wrong.status, wrong.json)


@pytest.mark.parametrize("body", [{}, {"crew_id": "cory"}, {"password": "x"}])
def test_missing_fields_are_422(client, body):
    response = client("POST", LOGIN, body)
    assert response.status == 422 and response.json["field"] in {"crew_id", "password"}


def test_bearer_and_cookie_both_work(client):
    token = login(client).json["token"]
    assert client("GET", "/api/events").status == 200
    del client.jar["scc_session"]
    assert client("GET", "/api/events").status == 401
    assert client("GET", "/api/events", headers={"Authorization": f"Bearer {token}"}).status == 200


def test_tampered_token_is_refused(client):
    token = login(client).json["token"]
    payload, rest = token.split(".", 1)
    forged, _ = sessions.start("another-secret", "admin", "owner", 0)
    for bad in (payload + "x." + rest, token[:-2] + "AA", forged, "garbage", "a" * 5000):
        response = client("GET", "/api/events", headers={"Authorization": f"Bearer {bad}"})
        assert response.status == 401


def test_idle_and_absolute_lifetimes(client, frozen):
    token = login(client).json["token"]
    bearer = {"Authorization": f"Bearer {token}"}
    frozen(hours=1, minutes=59)
    assert client("GET", "/api/events", headers=bearer).status == 200
    frozen(minutes=2)
    assert client("GET", "/api/events", headers=bearer).status == 401


def test_cookie_session_slides_but_never_passes_12_hours(client, frozen):
    login(client)
    for _ in range(11):
        frozen(hours=1)  # used every hour: the idle lifetime slides forward
        assert client("GET", "/api/events").status == 200
    frozen(hours=1, minutes=1)
    assert client("GET", "/api/events").status == 401


def test_signing_out_late_in_a_session_stays_signed_out(client, frozen):
    """Signing out when the cookie is due to be re-signed must not re-sign it."""
    csrf = login(client).json["csrf_token"]
    frozen(minutes=30)
    out = client("POST", "/api/admin/logout", headers={"X-CSRF-Token": csrf})
    assert out.status == 200
    cookies = out.cookies
    assert [c for c in cookies if c.startswith("scc_session=")] == [
        c for c in cookies if c.startswith("scc_session=;")
    ]
    assert client("GET", "/api/events").status == 401


def test_a_used_cookie_is_re_signed_and_a_refused_request_is_not(client, frozen):
    csrf = login(client).json["csrf_token"]
    frozen(minutes=30)
    used = client("GET", "/api/events")
    assert used.status == 200 and any(c.startswith("scc_session=") for c in used.cookies)
    frozen(minutes=30)
    refused = client("POST", "/api/events", {}, headers={"X-CSRF-Token": csrf})
    assert refused.status == 422 and refused.cookies == []


def test_csrf_required_for_cookie_writes(client):
    csrf = login(client).json["csrf_token"]
    url = "/api/events"
    assert client("POST", url, {}).status == 403
    wrong = client("POST", url, {}, headers={"X-CSRF-Token": "wrong"})
    assert wrong.status == 403 and "security token" in wrong.json["error"]
    ok = client("POST", url, {}, headers={"X-CSRF-Token": csrf})
    assert ok.status == 422  # past CSRF, on to validation


def test_bearer_writes_need_no_csrf(client):
    token = login(client).json["token"]
    del client.jar["scc_session"]
    response = client("POST", "/api/events", {}, headers={"Authorization": f"Bearer {token}"})
    assert response.status == 422


def test_logout_clears_cookies(client):
    csrf = login(client).json["csrf_token"]
    response = client("POST", "/api/admin/logout", headers={"X-CSRF-Token": csrf})
    assert response.status == 200
    assert client("GET", "/api/events").status == 401


def test_throttle_after_ten_failures_even_for_the_right_password(client):
    for _ in range(10):
        assert login(client, password="nope").status == 401
    response = login(client)
    assert response.status == 429
    assert 0 < int(response.headers["Retry-After"]) <= 900
    assert "Too many sign-in attempts" in response.json["error"]


def test_throttle_per_address_across_crew_ids(client):
    for n in range(10):
        login(client, crew_id=f"crew{n}", password="nope")
    assert login(client, crew_id="someone-else").status == 429
    other = client(
        "POST",
        LOGIN,
        {"crew_id": "someone-else", "password": PASSWORD},
        source_ip="203.0.113.9",
    )
    assert other.status == 200


def test_throttle_window_ends(client, frozen):
    for _ in range(10):
        login(client, password="nope")
    assert login(client).status == 429
    frozen(minutes=16)  # a new window: a new counter item (the old one expires through its TTL)
    assert login(client).status == 200


def test_session_check_costs_no_bcrypt_and_no_dynamodb(client, ddb_calls, monkeypatch):
    import bcrypt

    token = login(client).json["token"]
    calls = []
    monkeypatch.setattr(bcrypt, "checkpw", lambda *a: calls.append(a) or False)
    ddb_calls.clear()
    response = client("GET", "/api/events/2026-05-23", headers={"Authorization": f"Bearer {token}"})
    assert response.status == 404  # authenticated, then refused before any lookup
    assert ddb_calls.calls == [] and calls == []


def test_every_api_route_but_health_sign_in_and_enrollment_needs_a_session(app, client):
    open_routes = {
        "/api/health",
        "/api/admin/login",
        "/api/admin/passkey-options",
        "/api/admin/passkey-login",
        "/api/crew/enroll",
        "/api/crew/enroll/passkey-options",
        "/api/crew/enroll/passkey",
        # Stripe's webhook: no session, its Stripe-Signature instead (tests/payments/test_cards.py)
        "/api/stripe/webhook",
        "/api/cal/<token>.ics",  # a calendar app holds the link, not a session (tests/calendar)
    }
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/") or rule.rule in open_routes:
            continue
        url = re.sub(r"<[^>]+>", "2030-05-23-trip", rule.rule)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            response = client(method, url)
            assert response.status == 401, (method, url)
