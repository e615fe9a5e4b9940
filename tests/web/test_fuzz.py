"""Hostile requests at every route, through lambda_entry.handler as Lambda would deliver them:
malformed, oversized, deeply nested, wrongly typed and non-UTF-8 bodies, odd content types,
bad tokens and odd query strings. Never a 5xx, never a traceback, and the books still add up."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scc.errors import Moved
from scc.store import Store, trips
from tests.support.builders import PASSWORD, TRIP_ID, event_body, make_v2_event, waiver_form

FIELDS = [
    "amount", "patron_id", "method", "notes", "reason", "crew_id", "password", "event_id",
    "date", "name", "period", "title", "total", "patrons", "crew", "idempotency_key",
    "full_name", "email", "date_of_birth", "signature", "agree", "minor_name", "role",
    "status", "token", "rev", "confirm", "cursor", "from", "to",
]  # fmt: skip
HOSTILE_TEXT = [
    "",
    " ",
    "<script>alert(1)</script>",
    "\ud800",
    "a\u2028b",
    "\x85",
    "\x00",
    "ÿ" * 3,
    "9" * 400,
    "-1",
    "1e309",
    "NaN",
    "0.001",
    "2026-02-30",
    "2026-05-23",
    TRIP_ID,
    "x" * 5000,
]
# One of each kind, for the systematic pass over every field of every form (the random tests
# draw from the whole list): markup, a lone surrogate, a line separator, C1 and C0 controls, too
# long, too many digits, a sign, an exponent, not a real date, empty.
EACH_KIND = [
    "",
    "<script>alert(1)</script>",
    "\ud800",
    "a\u2028b",
    "\x85",
    "\x00",
    "9" * 400,
    "-1",
    "1e309",
    "2026-02-30",
    "x" * 5000,
]
scalars = st.one_of(
    st.sampled_from(HOSTILE_TEXT),
    st.text(max_size=40),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False),
    st.booleans(),
    st.none(),
)
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(FIELDS), inner, max_size=4)
    ),
    max_leaves=12,
)
objects = st.dictionaries(
    st.one_of(st.sampled_from(FIELDS), st.text(max_size=8)), values, max_size=8
)


def _nested(depth: int) -> str:
    return '{"a":' * depth + "1" + "}" * depth


bodies = st.one_of(
    objects.map(lambda o: ("application/json", json.dumps(o).encode())),
    objects.map(lambda o: ("application/x-www-form-urlencoded", _form(o))),
    st.sampled_from(
        [
            ("application/json", b"{not json"),
            ("application/json", b"[1, 2, 3]"),
            ("application/json", b'"\\ud800"'),
            ("application/json", b'{"name": "\\ud800", "title": "\\udfff"}'),
            ("application/json", _nested(5000).encode()),
            ("application/json", _nested(50).encode()),
            ("application/json", b"[" * 100_000),
            ("application/json", json.dumps({"notes": "x" * 70_000}).encode()),
            ("application/json; charset=latin-1", b'{"name": "\xff\xfe"}'),
            ("multipart/form-data", b"--x\r\n\r\n"),
            ("text/plain", b"amount=5"),
            ("", b""),
        ]
    ),
    st.binary(max_size=200).map(lambda b: ("application/json", b)),
    st.binary(max_size=200).map(lambda b: ("application/x-www-form-urlencoded", b)),
)
queries = st.one_of(
    st.just(""),
    st.sampled_from(
        ["when=all", "when=", "when=%ff", "when=all&when=past", "p=%00", "patron_id=zed"]
    ),
    st.text(max_size=30).map(lambda t: quote(t, safe="=&")),
)


# Bodies that are right but for one field: they get past the first checks and carry the hostile
# value as far into the app as it can go.
PATCH = {"title": "New", "total": "400.00", "patrons": event_body()["patrons"]}
PAYMENT = {
    "patron_id": "dana",
    "amount": "1.00",
    "method": "cash",
    "notes": "n",
    "event_id": TRIP_ID,
}
VALID = {
    "/api/events": event_body(),
    "/api/events/<eid>": PATCH,
    "/api/events/<eid>/payment-log": PAYMENT,
    "/api/payment/log": PAYMENT,
    "/api/events/<eid>/payments/<payment_id>/void": {"reason": "typo"},
    "/api/admin/login": {"crew_id": "cory", "password": PASSWORD},
    "/g/<eid>/waiver": waiver_form(),
    "/api/events/<eid>/patrons": {
        "name": "Gus Miller",
        "email": "gus@example.com",
        "phone": "619-555-0100",
        "amount_due": "10.00",
        "rev": "",
    },
    "/api/events/<eid>/patrons/<patron_id>": {"name": "Sam Ortiz", "amount_due": "5.00"},
    "/api/events/<eid>/crew/<crew_id>": {"role": "mate", "confirm": True},
    "/api/events/<eid>/patrons/<patron_id>/check-in": {"status": "aboard"},
    "/api/events/<eid>/refunds": {
        "patron_id": "dana",
        "amount": "1.00",
        "method": "cash",
        "reason": "r",
    },
    "/api/events/<eid>/cancel": {"reason": "weather", "rev": ""},
    "/api/events/<eid>/reschedule": {"date": "2030-06-01", "period": "sunset", "rev": ""},
}


@st.composite
def nearly_valid(draw: Any, template: str) -> tuple[str, bytes]:
    """The route's valid body with one field (or one patron's field) made hostile."""
    body = json.loads(json.dumps(VALID.get(template, {"name": "x"})))
    hostile = draw(st.one_of(st.sampled_from(HOSTILE_TEXT), values))
    if body.get("patrons") and draw(st.booleans()):
        patron = body["patrons"][0]
        patron[draw(st.sampled_from(["name", "email", "phone", "amount_due", "patron_id"]))] = (
            hostile
        )
    else:
        body[draw(st.sampled_from(sorted(body)))] = hostile
    if template.startswith("/g/") or draw(st.booleans()):  # patrons' forms; JSON or a form
        flat = {k: v if isinstance(v, str) else json.dumps(v) for k, v in body.items()}
        return "application/x-www-form-urlencoded", _form(flat)
    return "application/json", json.dumps(body).encode()


def _form(data: dict[str, Any]) -> bytes:
    def enc(text: Any) -> str:  # a lone surrogate goes out as the bytes a broken client sends
        return quote(str(text).encode("utf-8", "surrogatepass"))

    return "&".join(f"{enc(k)}={enc(v)}" for k, v in data.items()).encode()


@dataclass
class World:
    """A trip with a payment, and the credentials a request may carry."""

    handler: Any
    store: Store
    token: str
    cookies: list[str]
    csrf: str
    payment_id: str
    verified: list[dict[str, Any]] | None = None  # the table as the last full check left it

    def call(self, event: dict[str, Any]) -> dict[str, Any]:
        response: dict[str, Any] = self.handler(event, None)
        return response

    def check(self) -> None:
        """still_shows_and_adds_up, run again whenever the table changed since it last passed.
        What it asserts is read from the table alone (the board's Query, the trip's), so a table
        equal to the one it passed on gives the answer already checked (most hostile requests
        are refused and change nothing; a Scan costs about a sixth of the check on moto)."""
        now = _items(self.store)
        if now != self.verified:
            still_shows_and_adds_up(self)
            self.verified = now  # had the check written, the next Scan differs and checks again


@dataclass(frozen=True)
class Seed:
    """The world as its requests made it: the table's items and the credentials."""

    items: list[dict[str, Any]]
    token: str
    cookies: list[str]
    csrf: str
    payment_id: str


@pytest.fixture(scope="module")
def seeds() -> list[Seed]:
    """The first test's world, made by requests; the module's other tests start from it."""
    return []


@pytest.fixture
def world(handler: Any, store: Store, seeds: list[Seed]) -> World:
    """Signed in as cory, the trip created and a payment logged, all through the handler once
    per module; each test after the first gets that table written back (the sign-in, the
    creation and the payment are not what these tests are about: their own tests check them).
    The token is the first test's: a module run past scc.auth.guard.CHECK_EVERY sees it checked
    against the roster again and re-issued, as a live session would be."""
    if not seeds:
        seeds.append(_made_by_requests(handler, store))
    else:
        store.write_batch(puts=seeds[0].items)
    seed = seeds[0]
    return World(handler, store, seed.token, seed.cookies, seed.csrf, seed.payment_id)


def _items(store: Store) -> list[dict[str, Any]]:
    """Every item of the test's table (a consistent Scan through the store's paginator)."""
    return list(store.every_item("scan", ConsistentRead=True))


def _made_by_requests(handler: Any, store: Store) -> Seed:
    login = handler(
        make_v2_event(
            method="POST",
            path="/api/admin/login",
            headers={"content-type": "application/json"},
            body=json.dumps({"crew_id": "cory", "password": PASSWORD}),
        ),
        None,
    )
    data = json.loads(login["body"])
    bearer = {"authorization": f"Bearer {data['token']}", "content-type": "application/json"}
    created = handler(
        make_v2_event(
            method="POST", path="/api/events", headers=bearer, body=json.dumps(event_body())
        ),
        None,
    )
    assert created["statusCode"] == 201
    paid = handler(
        make_v2_event(
            method="POST",
            path=f"/api/events/{TRIP_ID}/payment-log",
            headers=bearer,
            body=json.dumps({"patron_id": "dana", "amount": "50.00", "method": "cash"}),
        ),
        None,
    )
    payment_id = json.loads(paid["body"])["payment"]["payment_id"]
    jar = [c.split(";", 1)[0] for c in login["cookies"]]
    return Seed(_items(store), data["token"], jar, data["csrf_token"], payment_id)


def _routes() -> list[tuple[str, str]]:
    import lambda_entry

    return sorted(
        (rule.rule, method)
        for rule in lambda_entry.app.url_map.iter_rules()
        for method in rule.methods or ()
        if method not in ("HEAD", "OPTIONS")
    )


def _path(template: str, params: dict[str, str]) -> str:
    return re.sub(r"<(?:\w+:)?(\w+)>", lambda m: quote(params[m.group(1)], safe=""), template)


PARAMS = ("eid", "payment_id", "waiver_id", "filename", "crew_id", "patron_id")
ID_VALUES = st.sampled_from(
    [TRIP_ID, "2026-05-23", "2030-05-23-nobody", "x" * 300, "<b>", "\u2028", "..", "%00", "1"]
)


def _request(
    world: World,
    route: tuple[str, str],
    *,
    body: tuple[str, bytes],
    ids: dict[str, str] | None = None,
    query: str = "",
    credentials: str = "bearer",
    htmx: bool = False,
    key: str | None = None,
    check: bool = True,
) -> dict[str, Any]:
    """Send one request as Lambda would; check the answer (and, with check, the stored trip)."""
    template, method = route
    names = re.findall(r"<(?:\w+:)?(\w+)>", template)
    defaults = {"eid": TRIP_ID, "payment_id": world.payment_id, "patron_id": "sam"}
    defaults["crew_id"] = "maya"
    params = {name: (ids or {}).get(name, defaults.get(name, "x")) for name in names}
    content_type, raw = body
    headers = {"content-type": content_type} if content_type else {}
    if credentials == "bearer":
        headers["authorization"] = f"Bearer {world.token}"
    elif credentials == "garbage":
        headers["authorization"] = "Bearer \x00not-a-token"
    if credentials == "cookie":
        headers["x-csrf-token"] = world.csrf
    if htmx:
        headers["hx-request"] = "true"
    if key is not None:
        headers["idempotency-key"] = key.encode("utf-8", "surrogatepass").decode("latin-1")
    event = make_v2_event(
        method=method,
        path=_path(template, params),
        query=query,
        headers=headers,
        cookies=world.cookies if credentials.startswith("cookie") else None,
        body=raw,
        base64_body=True,
    )
    response = world.call(event)
    assert response["statusCode"] < 500, (method, template, response)
    assert "Traceback" not in str(response.get("body", ""))
    if check:
        world.check()
    return response


def still_shows_and_adds_up(world: World) -> None:
    """Whatever was stored still shows (the board's cards, as a phone asks for them), and the
    trip's paid total is its live payments'."""
    hx = {"authorization": f"Bearer {world.token}", "hx-request": "true"}
    board = world.call(make_v2_event(path="/api/events", query="when=all", headers=hx))
    assert board["statusCode"] == 200, board
    try:
        event_now = trips.get(world.store, TRIP_ID)
    except Moved as moved:  # a reschedule got through: the trip is where it went
        event_now = trips.get(world.store, moved.moved_to)
    live = [p.amount for p in event_now.payments if not p.voided]
    back = sum((r.amount for r in event_now.refunds), Decimal("0.00"))
    assert event_now.paid_total == sum(live, Decimal("0.00")) - back <= event_now.total
    assert event_now.paid_total >= 0


FUZZ = settings(
    deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)


@pytest.mark.parametrize("route", _routes(), ids=lambda r: f"{r[1]} {r[0]}")
@settings(FUZZ, max_examples=8)
@given(data=st.data(), htmx=st.booleans())
def test_hostile_bodies_at_every_route_are_4xx_and_lose_nothing(
    world: World, route: tuple[str, str], data: Any, htmx: bool
) -> None:
    body = data.draw(st.one_of(nearly_valid(route[0]), nearly_valid(route[0]), bodies))
    _request(world, route, body=body, htmx=htmx)


@settings(FUZZ, max_examples=80)
@given(
    route=st.sampled_from(_routes()),
    ids=st.fixed_dictionaries(
        {},
        optional=dict.fromkeys(PARAMS, ID_VALUES),
    ),
    body=bodies,
    query=queries,
    credentials=st.sampled_from(["bearer", "cookie", "cookie-no-csrf", "garbage", "none"]),
    htmx=st.booleans(),
    key=st.one_of(st.none(), st.sampled_from(HOSTILE_TEXT)),
)
def test_odd_ids_tokens_queries_and_headers_are_4xx_and_lose_nothing(
    world: World,
    route: tuple[str, str],
    ids: dict[str, str],
    body: tuple[str, bytes],
    query: str,
    credentials: str,
    htmx: bool,
    key: str | None,
) -> None:
    _request(
        world, route, body=body, ids=ids, query=query, credentials=credentials, htmx=htmx, key=key
    )


@pytest.mark.parametrize("template", sorted(VALID))
def test_every_field_of_every_form_refuses_each_hostile_text(world: World, template: str) -> None:
    """Systematically, not by chance: each field of each form, and of its first patron, with each
    hostile text, as JSON and as a form."""
    [route] = [r for r in _routes() if r[0] == template and r[1] in ("POST", "PATCH", "PUT")]
    valid = VALID[template]
    patron = valid.get("patrons", [{}])[0]
    places = [(name, None) for name in valid] + [("patrons", name) for name in patron]
    for field, inner in places:
        for n, text in enumerate(EACH_KIND):
            body = json.loads(json.dumps(valid))
            if inner is None:
                body[field] = text
            else:
                body["patrons"][0][inner] = text
            flat = {k: v if isinstance(v, str) else json.dumps(v) for k, v in body.items()}
            for sent in (
                ("application/x-www-form-urlencoded", _form(flat)),
                ("application/json", json.dumps(body).encode()),
            ):
                _request(world, route, body=sent, htmx=bool(n % 2), check=False)
        world.check()


def test_the_fuzzer_reaches_every_route() -> None:
    """Every route the app has is in the fuzzer's list (new ones join automatically)."""
    assert len(_routes()) >= 20 and ("/api/events/<eid>/payment-log", "POST") in _routes()


def test_a_valid_waiver_still_signs_after_the_fuzz_setup(world: World) -> None:
    """The fuzz world is a working one: a real signature goes through."""
    page = world.call(make_v2_event(path=f"/g/{TRIP_ID}/waiver"))
    form_id = re.search(r'name="form_id" value="([^"]+)"', page["body"])
    assert form_id is not None
    signed = world.call(
        make_v2_event(
            method="POST",
            path=f"/g/{TRIP_ID}/waiver",
            headers={"content-type": "application/x-www-form-urlencoded"},
            body=_form(waiver_form(form_id=form_id[1])),
        )
    )
    assert signed["statusCode"] == 201
