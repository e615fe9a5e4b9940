import re

import pytest

from scc.web.security import HEADERS

REQUIRED = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def assert_baseline(response):
    csp = response.headers["Content-Security-Policy"]
    for part in (
        "default-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ):
        assert part in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    for name, value in REQUIRED.items():
        assert response.headers[name] == value


@pytest.mark.parametrize(
    ("method", "path", "headers"),
    [
        ("GET", "/", {}),
        ("GET", "/api/health", {}),
        ("GET", "/nope", {}),
        ("GET", "/api/nope", {}),
        ("DELETE", "/api/health", {}),
        ("GET", "/api/events", {"HX-Request": "true"}),
        ("POST", "/api/admin/login", {}),
    ],
)
def test_headers_on_pages_json_errors_and_fragments(client, method, path, headers):
    response = client(method, path, headers=headers)
    assert_baseline(response)
    assert response.headers["Cache-Control"] == "no-store"


def test_headers_on_an_authenticated_fragment(crew, create_event):
    event = create_event()
    response = crew("GET", f"/api/events/{event['event_id']}", htmx=True)
    assert response.status == 200
    assert_baseline(response)
    assert response.headers["Cache-Control"] == "no-store"
    assert "HX-Request" in response.headers["Vary"]


def test_fingerprinted_static_is_cached_long(client):
    page = client("GET", "/").body
    href = page.split('href="', 1)[1].split('"', 1)[0]
    response = client("GET", href)
    assert "immutable" in response.headers["Cache-Control"]
    assert_baseline(response)


def test_asset_urls_keep_each_prefix(client):
    """Live and staging each link their own copy of the hashed file."""
    live = client("GET", "/").body
    staging = client("GET", "/_staging/").body
    assert re.search(r'href="/static/app\.[0-9a-f]{8}\.css"', live) and "/_staging/" not in live
    assert re.search(r'href="/_staging/static/app\.[0-9a-f]{8}\.css"', staging)


def test_htmx_config_is_csp_safe(client):
    import html
    import json

    page = client("GET", "/").body
    raw = page.split('name="htmx-config" content="', 1)[1].split('"', 1)[0]
    config = json.loads(html.unescape(raw))
    assert config["allowEval"] is False and config["includeIndicatorStyles"] is False
    assert config["historyCacheSize"] == 0


def test_each_header_once_and_vary_merged(app):
    """Every baseline header exactly once; one Cache-Control; on /api/ Vary names both what
    changes the answer (HX-Request) and its encoding. Asked of the WSGI app itself (Flask's
    test client): apig-wsgi folds a Function URL answer's headers into a dict, keeping the last
    of two, so only the app's own header list shows one sent twice."""
    response = app.test_client().get("/api/health", headers={"Accept-Encoding": "gzip"})
    names = [name.lower() for name, _ in response.headers]
    for name in [*HEADERS, "Cache-Control", "Content-Type", "Vary"]:
        assert names.count(name.lower()) == 1, (name, response.headers)
    assert {v.strip() for v in response.headers["Vary"].split(",")} == {
        "Accept-Encoding",
        "HX-Request",
    }


def test_a_plain_static_name_is_served_but_not_cached(client):
    response = client("GET", "/static/app.css")
    assert response.status == 200 and "immutable" not in response.headers["Cache-Control"]
    assert client("GET", "/static/app.00000000.css").status == 404


def test_a_static_name_follows_its_content():
    from scc.web.assets import hashed_name

    one, two = hashed_name("app.css", b"a {}"), hashed_name("app.css", b"b {}")
    assert one != two and one.startswith("app.") and one.endswith(".css")
    assert hashed_name("vendor/htmx.min.js", b"x").startswith("vendor/htmx.min.")
