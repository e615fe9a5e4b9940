"""End to end through lambda_entry.handler with real Function URL (payload 2.0) events."""

import base64
import gzip
import json
from urllib.parse import urlencode

from tests.support.builders import PASSWORD, event_body, make_v2_event


def body_of(response):
    raw = response["body"]
    return base64.b64decode(raw).decode() if response.get("isBase64Encoded") else raw


def test_get_health(handler):
    response = handler(make_v2_event(path="/api/health"), None)
    assert response["statusCode"] == 200
    assert json.loads(body_of(response))["status"] == "ok"
    assert response["headers"]["x-content-type-options"] == "nosniff"


def test_base64_form_login_then_cookie_session(handler):
    form = urlencode({"crew_id": "cory", "password": PASSWORD})
    login = handler(
        make_v2_event(
            method="POST",
            path="/api/admin/login",
            body=form,
            base64_body=True,
            headers={"content-type": "application/x-www-form-urlencoded"},
        ),
        None,
    )
    assert login["statusCode"] == 200, body_of(login)
    data = json.loads(body_of(login))
    assert data["crew_id"] == "cory"
    cookies = login["cookies"]
    session = next(c for c in cookies if c.startswith("scc_session="))
    assert "HttpOnly" in session and "Secure" in session and "SameSite=Strict" in session
    jar = [c.split(";", 1)[0] for c in cookies]

    create = handler(
        make_v2_event(
            method="POST",
            path="/api/events",
            cookies=jar,
            body=json.dumps(event_body()),
            headers={"content-type": "application/json", "x-csrf-token": data["csrf_token"]},
        ),
        None,
    )
    assert create["statusCode"] == 201, body_of(create)

    board = handler(
        make_v2_event(
            path="/api/events", query="when=all", cookies=jar, headers={"hx-request": "true"}
        ),
        None,
    )
    assert board["statusCode"] == 200
    assert board["headers"]["content-type"].startswith("text/html")
    assert 'id="event-2030-05-23-captain-cory-afternoon"' in body_of(board)


def test_no_session_is_401_json(handler):
    response = handler(make_v2_event(path="/api/events"), None)
    assert response["statusCode"] == 401
    assert json.loads(body_of(response))["error"] == "Please sign in to continue."


def test_a_gzip_answer_decodes_to_the_same_page(handler):
    plain = handler(make_v2_event(path="/g/2030-05-23-nobody/waiver"), None)
    packed = handler(
        make_v2_event(path="/g/2030-05-23-nobody/waiver", headers={"accept-encoding": "gzip, br"}),
        None,
    )
    assert "content-encoding" not in plain["headers"] and not plain["isBase64Encoded"]
    assert packed["headers"]["content-encoding"] == "gzip" and packed["isBase64Encoded"]
    assert "Accept-Encoding" in packed["headers"]["vary"]
    raw = base64.b64decode(packed["body"])
    assert len(raw) < len(plain["body"].encode())
    assert gzip.decompress(raw).decode() == plain["body"]


def test_a_small_answer_is_not_compressed(handler):
    response = handler(make_v2_event(path="/api/health", headers={"accept-encoding": "gzip"}), None)
    assert "content-encoding" not in response["headers"] and json.loads(body_of(response))
