"""The Stripe keys through a deploy: kept by the environment merge, and never printed."""

from __future__ import annotations

from deploy.envmerge import EnvChanges, merge
from deploy.output import MASK, Redactor

STRIPE = {"STRIPE_SECRET_KEY": "sk_live_abcdef123", "STRIPE_WEBHOOK_SECRET": "whsec_abcdef123"}


def test_the_stripe_keys_are_kept_and_never_shown() -> None:
    current = {**STRIPE, "SCC_TABLE": "events"}
    merged, diff = merge(current, EnvChanges({"SCC_TIMEZONE": "America/New_York"}))
    assert {k: merged[k] for k in STRIPE} == STRIPE
    assert set(STRIPE) <= set(diff.kept)

    redactor = Redactor()
    redactor.add_env(merged)
    shown = redactor("\n".join([*diff.lines(), f"error: {STRIPE['STRIPE_SECRET_KEY']} refused"]))
    assert not any(value in shown for value in STRIPE.values())
    assert MASK in shown and "STRIPE_SECRET_KEY" in shown
