"""Passkeys (WebAuthn) with py_webauthn: the options a browser needs, and checking what it answers.

py_webauthn and its cryptography take a sixth of a second to import, so only the passkey routes
import this module, inside the view (scc.auth.passkey_views): no other route's cold start pays.
The relying party is the public site: its id is SCC_SITE_URL's host, the origin that URL itself
(`make dev` sets it to the local address)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import webauthn
from flask import current_app, request
from webauthn.helpers import base64url_to_bytes, bytes_to_base64url, options_to_json_dict
from webauthn.helpers.exceptions import WebAuthnException
from webauthn.helpers.structs import (
    AuthenticatorSelectionCriteria,
    PublicKeyCredentialDescriptor,
    ResidentKeyRequirement,
    UserVerificationRequirement,
)

from scc import clock, validation
from scc.errors import Invalid, Unauthorized
from scc.models import Member, Passkey

RP_NAME = "ShipCaptainCrew"
TIMEOUT_MS = 120_000
NOT_ACCEPTED = "That passkey was not accepted. Try again, or sign in with your password."


def relying_party() -> tuple[str, str]:
    """(rp id, origin): SCC_SITE_URL's, else this request's own address."""
    origin = current_app.config["SITE_URL"] or request.host_url.rstrip("/")
    return urlsplit(origin).hostname or "localhost", origin


def registration_options(member: Member, challenge: bytes, existing: list[str]) -> dict[str, Any]:
    """What navigator.credentials.create() needs: a discoverable credential (no crew id to type
    at sign-in) for this member, not one of the passkeys they already have."""
    rp_id, _ = relying_party()
    options = webauthn.generate_registration_options(
        rp_id=rp_id,
        rp_name=RP_NAME,
        user_id=member.crew_id.encode(),
        user_name=member.crew_id,
        user_display_name=member.name,
        challenge=challenge,
        timeout=TIMEOUT_MS,
        authenticator_selection=AuthenticatorSelectionCriteria(
            resident_key=ResidentKeyRequirement.REQUIRED,
            user_verification=UserVerificationRequirement.PREFERRED,
        ),
        exclude_credentials=[
            PublicKeyCredentialDescriptor(id=base64url_to_bytes(c)) for c in existing
        ],
    )
    return dict(options_to_json_dict(options))


def _expected(challenge: bytes) -> dict[str, Any]:
    """What every answer must carry: our challenge, for this site."""
    rp_id, origin = relying_party()
    return {"expected_challenge": challenge, "expected_rp_id": rp_id, "expected_origin": origin}


def verify_registration(credential: Any, challenge: bytes) -> Passkey:
    """The new passkey, when the browser's answer is a real one for this challenge and site."""
    try:
        verified = webauthn.verify_registration_response(
            credential=credential, **_expected(challenge)
        )
    except (WebAuthnException, ValueError, TypeError, KeyError, AttributeError) as exc:
        raise Invalid(f"The passkey could not be added ({_reason(exc)}).", "credential") from None
    return Passkey(
        credential_id=bytes_to_base64url(verified.credential_id),
        public_key=verified.credential_public_key,
        sign_count=verified.sign_count,
        added=clock.iso(clock.now()),
    )


def authentication_options(challenge: bytes) -> dict[str, Any]:
    """What navigator.credentials.get() needs: any passkey of this site (discoverable)."""
    rp_id, _ = relying_party()
    options = webauthn.generate_authentication_options(
        rp_id=rp_id,
        challenge=challenge,
        timeout=TIMEOUT_MS,
        user_verification=UserVerificationRequirement.PREFERRED,
    )
    return dict(options_to_json_dict(options))


def claimed(credential: Any) -> tuple[str, str] | None:
    """(crew id, credential id) that a sign-in answer claims, unchecked (to find the key); None
    when the user handle is not a crew id as the app writes them (empty, ill-formed, …)."""
    if not isinstance(credential, dict) or not isinstance(credential.get("response"), dict):
        return None
    handle, credential_id = credential["response"].get("userHandle"), credential.get("id")
    if not (isinstance(handle, str) and isinstance(credential_id, str)) or len(handle) > 200:
        return None
    try:
        crew_id = base64url_to_bytes(handle).decode("utf-8")
        valid = validation.crew_id(crew_id) == crew_id  # the handle is the crew id, verbatim
    except (ValueError, UnicodeDecodeError, Invalid):
        return None
    return (crew_id, credential_id) if valid else None


def verify_authentication(credential: Any, challenge: bytes, passkey: Passkey) -> int:
    """The authenticator's new signature count, when the answer is signed by this passkey for
    this challenge and site; Unauthorized otherwise."""
    try:
        verified = webauthn.verify_authentication_response(
            credential=credential,
            **_expected(challenge),
            credential_public_key=passkey.public_key,
            credential_current_sign_count=passkey.sign_count,
        )
    except (WebAuthnException, ValueError, TypeError, KeyError, AttributeError):
        raise Unauthorized(NOT_ACCEPTED) from None
    return int(verified.new_sign_count)


def _reason(exc: Exception) -> str:
    """py_webauthn's own words, short (they name what failed, never a secret)."""
    return str(exc).strip().rstrip(".")[:160] or type(exc).__name__
