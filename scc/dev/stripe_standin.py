"""A local Stripe for the tests and `make dev` (no request ever reaches the real Stripe):
localstripe (PyPI), a stateful fake Stripe server, plus the two things SCC needs that it lacks.

- Checkout Sessions: localstripe 1.15 has none. Here they are created and retrieved at Stripe's
  paths (/v1/checkout/sessions), with a small checkout page that "pays" with Stripe's test card
  (a real localstripe PaymentIntent, so refunds on it work) and delivers the signed
  checkout.session.completed event to the webhooks registered at /_config/webhooks/<id>.
- Idempotency keys: localstripe ignores them, so a retried refund would be paid twice. Stripe
  answers a repeated key with the first answer, and refuses it with other parameters
  (https://docs.stripe.com/api/idempotent_requests); so does this.

It keeps nothing on disk (localstripe pickles its store to one /tmp file on every write, which
several stand-ins at once would share). Run: python -m scc.dev.stripe_standin --port 8420"""

from __future__ import annotations

import argparse
import asyncio
import html
import json
import logging
import os
from typing import Any

from aiohttp import web
from localstripe import resources, server, webhooks
from localstripe.errors import UserError

resources.Store.dump_to_disk = lambda self: None
BASE = {"url": "http://127.0.0.1:8420"}  # this stand-in's own address (set at start)
TEST_CARD = "pm_card_visa"  # Stripe's test card, which localstripe knows
WATCH = web.AppKey("parent_watch", asyncio.Task[None])


class CheckoutSession(resources.StripeObject):  # type: ignore[misc]
    """A Checkout Session in payment mode, with price_data line items (what SCC sends)."""

    object = "checkout.session"
    _id_prefix = "cs_test_"

    def __init__(
        self,
        mode: Any = None,
        line_items: Any = None,
        metadata: Any = None,
        success_url: Any = None,
        cancel_url: Any = None,
        payment_intent_data: Any = None,
        **kwargs: Any,
    ) -> None:
        if kwargs:
            raise UserError(400, "Unexpected " + ", ".join(kwargs))
        try:
            assert mode == "payment"  # noqa: S101 - localstripe's own way of checking
            assert success_url and cancel_url  # noqa: S101
            total = sum(_line_total(item) for item in line_items)
            assert total > 0  # noqa: S101
        except (AssertionError, KeyError, TypeError, ValueError):
            raise UserError(400, "Bad request") from None
        super().__init__()
        self.mode, self.currency, self.amount_total = mode, "usd", total
        self.amount_subtotal = total
        self.metadata = metadata or {}
        self.success_url, self.cancel_url = success_url, cancel_url
        self.payment_status, self.status, self.payment_intent = "unpaid", "open", None
        self.url = f"{BASE['url']}/checkout/{self.id}"
        self._intent_metadata = (payment_intent_data or {}).get("metadata") or {}


def _line_total(item: dict[str, Any]) -> int:
    price = item["price_data"]
    unit, quantity = int(price["unit_amount"]), int(item.get("quantity", 1))
    if price["currency"] != "usd" or unit <= 0 or quantity <= 0:
        raise ValueError("bad line item")
    return unit * quantity


def _page(session: CheckoutSession) -> str:
    amount = f"${session.amount_total / 100:,.2f}"
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><link rel="icon" href="data:,">
<title>Checkout (test)</title>
<style>body{{font:16px system-ui;margin:2rem auto;max-width:22rem;padding:0 1rem}}
button{{font:inherit;width:100%;padding:.8rem;background:#635bff;color:#fff;border:0;border-radius:6px}}
.note{{color:#666;font-size:.85rem}}</style></head><body>
<p class="note">Local Stripe stand-in: no real card is charged.</p>
<h1>Pay {amount}</h1><p>Card: 4242 4242 4242 4242 (Stripe's test Visa)</p>
<form method="post" action="/checkout/{session.id}/pay">
<button type="submit">Pay {amount}</button></form>
<p><a href="{html.escape(session.cancel_url)}">Back without paying</a></p></body></html>"""


async def checkout_page(request: web.Request) -> web.Response:
    session = CheckoutSession._api_retrieve(request.match_info["id"])
    return web.Response(text=_page(session), content_type="text/html")


async def checkout_pay(request: web.Request) -> web.Response:
    """Pay an open session with the test card: a confirmed PaymentIntent, the session complete,
    its event to the registered webhooks; back to the success page."""
    session = CheckoutSession._api_retrieve(request.match_info["id"])
    if session.status == "open":
        intent = resources.PaymentIntent._api_create(
            amount=session.amount_total, currency="usd", payment_method=TEST_CARD,
            metadata=session._intent_metadata, confirm=True,
        )  # fmt: skip
        session.payment_intent = intent.id
        session.payment_status, session.status = "paid", "complete"
        webhooks.schedule_webhook(resources.Event("checkout.session.completed", session))
    # Stripe fills in the session's id: docs.stripe.com/payments/checkout/custom-success-page
    raise web.HTTPSeeOther(session.success_url.replace("{CHECKOUT_SESSION_ID}", session.id))


_replies: dict[str, tuple[str, bytes, int, bytes]] = {}


@web.middleware
async def idempotency(request: web.Request, handler: Any) -> web.StreamResponse:
    """Stripe's idempotent requests: a POST's key answers its first (successful) answer again."""
    key = request.headers.get("Idempotency-Key")
    if request.method == "DELETE" and request.path == "/_config/data":
        _replies.clear()  # localstripe's flush: forget the keys too
    if request.method != "POST" or not key:
        return await handler(request)  # type: ignore[no-any-return]
    sent = await request.read()
    if key in _replies:
        path, body, status, reply = _replies[key]
        if (path, body) != (request.path, sent):
            message = "Keys for idempotent requests can only be used with the same parameters."
            error = {"type": "idempotency_error", "message": message}
            return web.json_response({"error": error}, status=400)
        return web.Response(
            body=reply, status=status, content_type="application/json",
            headers={"Idempotent-Replayed": "true"},
        )  # fmt: skip
    response = await handler(request)
    answer: Any = response.body if isinstance(response, web.Response) else None
    if isinstance(answer, bytes) and 200 <= response.status < 300:
        _replies[key] = (request.path, sent, response.status, answer)
    return response  # type: ignore[no-any-return]


@web.middleware
async def keyless_checkout(request: web.Request, handler: Any) -> web.StreamResponse:
    """The checkout page is Stripe's hosted page: the patron's browser has no API key."""
    if request.path.startswith("/checkout/"):
        return await handler(request)  # type: ignore[no-any-return]
    return await server.auth_middleware(request, handler)  # type: ignore[no-any-return]


def app(base_url: str) -> web.Application:
    """localstripe's app with Checkout Sessions and idempotency keys added."""
    BASE["url"] = base_url
    sessions = "/v1/checkout/sessions"
    routes = server.app.router
    routes.add_route("POST", sessions, server.api_create(CheckoutSession, sessions))
    routes.add_route("GET", sessions + "/{id}", server.api_retrieve(CheckoutSession, sessions))
    routes.add_get("/checkout/{id}", checkout_page)
    routes.add_post("/checkout/{id}/pay", checkout_pay)
    middlewares = server.app.middlewares
    middlewares[middlewares.index(server.auth_middleware)] = keyless_checkout
    middlewares.append(idempotency)
    application: web.Application = server.app
    return application


async def _leave_with_parent(app: web.Application) -> None:
    """Stop when the process that started this one is gone (killed without a goodbye)."""
    parent = os.getppid()

    async def watch() -> None:
        while os.getppid() == parent:
            await asyncio.sleep(1)
        os._exit(0)

    app[WATCH] = asyncio.get_running_loop().create_task(watch())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8420)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    base = f"http://127.0.0.1:{args.port}"
    print(json.dumps({"stripe_standin": base}), flush=True)  # noqa: T201
    application = app(base)
    application.on_startup.append(_leave_with_parent)
    web.run_app(application, host="127.0.0.1", port=args.port, print=None, access_log=None)


if __name__ == "__main__":
    main()
