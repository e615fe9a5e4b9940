import pytest

from tests.conftest import BASE_URL

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
    response = client.open(path, method=method, headers=headers)
    assert_baseline(response)
    assert response.headers["Cache-Control"] == "no-store"


def test_headers_on_an_authenticated_fragment(crew, create_event):
    event = create_event()
    response = crew.get(
        f"/api/events/{event['event_id']}", headers={"HX-Request": "true"}, base_url=BASE_URL
    )
    assert response.status_code == 200
    assert_baseline(response)
    assert response.headers["Cache-Control"] == "no-store"
    assert "HX-Request" in response.headers["Vary"]


def test_fingerprinted_static_is_cached_long(client):
    page = client.get("/").get_data(as_text=True)
    href = page.split('href="', 1)[1].split('"', 1)[0]
    with client.get(href) as response:
        assert "immutable" in response.headers["Cache-Control"]
        assert_baseline(response)


def test_asset_urls_keep_each_prefix(client):
    """Asset URLs are worked out once per prefix: live and staging each link their own."""
    for _ in range(2):
        live = client.get("/").get_data(as_text=True)
        staging = client.get("/_staging/").get_data(as_text=True)
        assert 'href="/static/app.css?v=' in live and "/_staging/" not in live
        assert 'href="/_staging/static/app.css?v=' in staging


def test_htmx_config_is_csp_safe(client):
    import html
    import json

    page = client.get("/").get_data(as_text=True)
    raw = page.split('name="htmx-config" content="', 1)[1].split('"', 1)[0]
    config = json.loads(html.unescape(raw))
    assert config["allowEval"] is False and config["includeIndicatorStyles"] is False
    assert config["historyCacheSize"] == 0


@pytest.mark.parametrize(
    ("path", "own", "cache", "vary"),
    [
        ("/api/x", [], "no-store", "HX-Request"),
        ("/x", [], "no-store", None),
        (
            "/api/x",
            [("Vary", "Accept-Encoding"), ("Cache-Control", "max-age=60")],
            "no-store",
            "Accept-Encoding, HX-Request",
        ),
        ("/api/x", [("Vary", "Accept-Encoding")], "no-store", "Accept-Encoding, HX-Request"),
        ("/x", [("X-Frame-Options", "SAMEORIGIN")], "no-store", None),
        ("/static/a.css?v=1", [("Cache-Control", "no-cache")], "public, max-age", None),
        ("/static/a.css", [("Cache-Control", "no-cache")], "no-cache", None),
    ],
)
def test_middleware_headers_once_each(path, own, cache, vary):
    """Every baseline header exactly once; one Cache-Control; Vary merged on /api/; a header
    the app set itself is kept."""
    from werkzeug.test import Client
    from werkzeug.wrappers import Response

    from scc.security import HEADERS, SecurityHeaders

    def app(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain"), *own])
        return [b"ok"]

    response = Client(SecurityHeaders(app), Response).get(path)
    names = [name.lower() for name, _ in response.headers]
    for name in [*HEADERS, "Cache-Control", "Content-Type"]:
        assert names.count(name.lower()) == 1, (name, response.headers)
    assert response.headers["Cache-Control"].startswith(cache)
    assert response.headers.get("Vary") == vary
    for name, value in own:
        if name not in ("Vary", "Cache-Control"):
            assert response.headers[name] == value
