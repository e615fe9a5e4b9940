"""Configuration from the environment variables (README.md "Configuration")."""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

from scc.store.gateway import DEFAULT_TABLE

SESSION_IDLE_SECONDS = 2 * 60 * 60  # a session unused for 2 h ends
SESSION_MAX_SECONDS = 12 * 60 * 60  # and none lives longer than 12 h
MAX_BODY_BYTES = 64 * 1024


def from_environ(environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Read SCC's settings; unset optional ones become empty strings."""
    env = os.environ if environ is None else environ
    # SCC_SECRET_KEY may hold several keys, comma-separated: the first signs, all verify (Flask's
    # SECRET_KEY_FALLBACKS), so a key is rotated without ending sessions or breaking pay links.
    keys = [k.strip() for k in env.get("SCC_SECRET_KEY", "").split(",") if k.strip()]
    return {
        "TABLE": env.get("SCC_TABLE") or DEFAULT_TABLE,
        "SECRET_KEY": keys[0] if keys else None,
        "SECRET_KEY_FALLBACKS": keys[1:],
        "ADMIN_PASS_HASH": env.get("SCC_ADMIN_PASS_HASH", ""),
        "ADMIN_EMAIL": env.get("SCC_ADMIN_EMAIL", ""),
        "MAIL_FROM": env.get("SCC_MAIL_FROM", ""),
        # Notifications (scc.notify.mail): gmail, ses or log; empty means chosen from what is set.
        "MAIL_BACKEND": env.get("SCC_MAIL_BACKEND", "").strip().lower(),
        "GMAIL_CLIENT_ID": env.get("GMAIL_CLIENT_ID", ""),
        "GMAIL_CLIENT_SECRET": env.get("GMAIL_CLIENT_SECRET", ""),
        "GMAIL_REFRESH_TOKEN": env.get("GMAIL_REFRESH_TOKEN", ""),
        "GMAIL_TOKEN_URL": "https://oauth2.googleapis.com/token",
        "GMAIL_API_URL": "https://gmail.googleapis.com",
        "DISPATCH_BUCKET": env.get("SCC_DISPATCH_BUCKET", ""),
        "PAY_INSTRUCTIONS": env.get("SCC_PAY_INSTRUCTIONS", ""),
        # Card payments (scc.payments.cards): both keys set, or no card payments at all.
        "STRIPE_SECRET_KEY": env.get("STRIPE_SECRET_KEY", ""),
        "STRIPE_WEBHOOK_SECRET": env.get("STRIPE_WEBHOOK_SECRET", ""),
        # Where the Stripe client sends its requests: a local stand-in in tests and `make dev`.
        "STRIPE_API_BASE": (env.get("STRIPE_API_BASE") or "").rstrip("/"),
        # The public https origin (links in mail, passkeys); pages otherwise link relatively.
        "SITE_URL": (env.get("SCC_SITE_URL") or "").rstrip("/"),
        # What CloudFront sends in X-SCC-Origin-Verify (several while one is being rotated).
        "ORIGIN_SECRETS": [
            v.strip() for v in env.get("SCC_ORIGIN_SECRET", "").split(",") if v.strip()
        ],
        "TIMEZONE": env.get("SCC_TIMEZONE") or "America/Los_Angeles",
        # The reminders' marks, days before a trip (scc.notify.reminders).
        "REMIND_DAYS": env.get("SCC_REMIND_DAYS") or "3,1",
        "DYNAMODB_ENDPOINT": None,  # boto3 reads AWS_ENDPOINT_URL_DYNAMODB itself
        "DEV": False,
        "MAX_CONTENT_LENGTH": MAX_BODY_BYTES,
        "MAX_FORM_MEMORY_SIZE": MAX_BODY_BYTES,
        "SESSION_IDLE_SECONDS": SESSION_IDLE_SECONDS,
        "SESSION_MAX_SECONDS": SESSION_MAX_SECONDS,
        "SECURE_COOKIES": True,
        "BCRYPT_ROUNDS": 12,  # members' own passwords (the tests use 4)
    }
