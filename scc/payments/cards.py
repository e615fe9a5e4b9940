"""Card payments through the business's own Stripe account (docs/DEPLOY.md "Card payments"),
with the official `stripe` client: Checkout Sessions, refunds and the webhook's signature
check. Stripe is optional: with STRIPE_SECRET_KEY or STRIPE_WEBHOOK_SECRET unset, nothing here
is reachable. The client is imported and built on first use only (it is heavy; most requests
never need it)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from flask import current_app

from scc.errors import NotFound, SCCError

if TYPE_CHECKING:
    import stripe

TOLERANCE_SECONDS = 300  # a delivery signed longer ago than this is refused (replays)
NETWORK_RETRIES = 2  # the client retries a failed connection itself, with the same key


class CardUnavailable(SCCError):
    """Stripe could not be reached or failed on its side: worth trying again later."""

    status = 503


class CardRefused(SCCError):
    """Stripe refused the request itself: trying it again will not help."""

    status = 502


def enabled() -> bool:
    """Whether card payments are set up (both Stripe keys)."""
    config = current_app.config
    return bool(config["STRIPE_SECRET_KEY"] and config["STRIPE_WEBHOOK_SECRET"])


def require() -> None:
    """Card routes answer 404, as if absent, while Stripe is not set up."""
    if not enabled():
        raise NotFound("Card payments are not set up here.")


def checkout_origin() -> str:
    """Where Stripe's checkout page lives (the stand-in serves its own at STRIPE_API_BASE)."""
    base: str = current_app.config["STRIPE_API_BASE"]
    return base or "https://checkout.stripe.com"


def cents(amount: Decimal) -> int:
    """Stripe's amounts are integers in the smallest unit (cents for USD)."""
    return int(amount * 100)


def client() -> stripe.StripeClient:
    """One Stripe client per app, made on first use, pointed at STRIPE_API_BASE when set."""
    found: stripe.StripeClient | None = current_app.extensions.get("scc.stripe")
    if found is None:
        import stripe

        config = current_app.config
        base = config["STRIPE_API_BASE"]
        found = stripe.StripeClient(
            config["STRIPE_SECRET_KEY"],
            base_addresses={"api": base} if base else None,
            max_network_retries=NETWORK_RETRIES,
        )
        current_app.extensions["scc.stripe"] = found
    return found


def verified_event(body: bytes, signature: str | None) -> dict[str, Any]:
    """The event a webhook delivery carries, after checking its Stripe-Signature (HMAC-SHA256
    of "<t>.<body>" with the endpoint's secret, at most TOLERANCE_SECONDS old): 400 otherwise.
    https://docs.stripe.com/webhooks#verify-events"""
    import stripe

    try:
        event = stripe.Webhook.construct_event(
            body,
            signature or "",
            current_app.config["STRIPE_WEBHOOK_SECRET"],
            tolerance=TOLERANCE_SECONDS,
        )
    except stripe.SignatureVerificationError:
        raise SCCError("This delivery's Stripe-Signature does not verify.") from None
    except ValueError:
        raise SCCError("This delivery is not a Stripe event.") from None
    data: dict[str, Any] = event.to_dict()
    return data


def _call(what: str, make: Any) -> Any:
    """Call Stripe; a failure that may pass (network, rate limit, Stripe's own 5xx) becomes
    CardUnavailable, anything else (a refusal of the request itself) propagates."""
    import stripe

    try:
        return make()
    except (stripe.APIConnectionError, stripe.RateLimitError, stripe.APIError) as exc:
        raise CardUnavailable(
            f"Card payments are unavailable right now ({what}); please try again shortly."
        ) from exc
    except stripe.StripeError as exc:
        raise CardRefused(f"Stripe refused {what}: {exc.user_message or exc}") from exc


def checkout(
    *, event_id: str, patron_id: str, title: str, amount: Decimal, back: str, key: str
) -> str:
    """A Checkout Session for `amount` (USD) from one patron for one trip; its address.
    Success and cancel both come back to the pay page (`back`), which shows the live balance."""
    metadata = {"event_id": event_id, "patron_id": patron_id}
    params: dict[str, Any] = {
        "mode": "payment",
        "line_items": [
            {
                "quantity": 1,
                "price_data": {
                    "currency": "usd",
                    "unit_amount": cents(amount),
                    "product_data": {"name": title},
                },
            }
        ],
        "metadata": metadata,
        "payment_intent_data": {"metadata": metadata},
        # Stripe puts the session's id in place of {CHECKOUT_SESSION_ID}: the page shows it.
        "success_url": back + "&card={CHECKOUT_SESSION_ID}",
        "cancel_url": back,
    }
    session = _call(
        "creating the checkout",
        lambda: client().v1.checkout.sessions.create(params, {"idempotency_key": key}),  # type: ignore[arg-type]
    )
    return str(session.url)


def refund(payment_intent: str, amount: Decimal, key: str) -> str:
    """Give `amount` back to the card behind a PaymentIntent, once per key; the refund's id."""
    params: dict[str, Any] = {"payment_intent": payment_intent, "amount": cents(amount)}
    done = _call(
        "refunding the card",
        lambda: client().v1.refunds.create(params, {"idempotency_key": key}),  # type: ignore[arg-type]
    )
    return str(done.id)
