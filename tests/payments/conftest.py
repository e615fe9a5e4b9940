"""The card payment tests' fixtures (tests/payments/cards_support.py): the local Stripe."""

from tests.payments.cards_support import cards_on, local_stripe  # noqa: F401
