"""With SCC_ORIGIN_SECRET set, the app answers only requests that came through CloudFront.

The Function URL is public: anyone who learns its host could reach the app around CloudFront
(and its caching rules, its security headers, the viewer's address). CloudFront adds
`X-SCC-Origin-Verify` to what it forwards (`python -m deploy routes --yes`); a request without
one of the configured values gets a 403 with a sentence. `/api/health` is exempt: the deploy
wakes an idle version with a direct invocation of it, and it tells the smoke test whether the
header came (`origin_verified`)."""

from __future__ import annotations

from flask import Flask, Response, current_app, request

from scc.web.address import origin_verified
from scc.web.errors import respond

EXEMPT = frozenset({"/api/health"})


def refuse_unless_through_cloudfront() -> Response | None:
    if not current_app.config["ORIGIN_SECRETS"] or request.path in EXEMPT or origin_verified():
        return None
    site = current_app.config.get("SITE_URL")
    where = f"open {site}" if site else "open the site at its usual address"
    return respond(403, f"This address only answers through the site itself: {where}.")


def init_app(app: Flask) -> None:
    app.before_request(refuse_unless_through_cloudfront)
