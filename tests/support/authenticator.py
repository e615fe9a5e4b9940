"""A software passkey authenticator (WebAuthn, "none" attestation, ES256) for tests that go
through the handler without a browser: it answers the options the app sends as
navigator.credentials.create() and .get() would, as scc/static/app.js posts them."""

from __future__ import annotations

import hashlib
import json
import secrets
import struct
from base64 import urlsafe_b64decode, urlsafe_b64encode
from dataclasses import dataclass, field
from typing import Any

import cbor2
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec

UP, UV, AT = 0x01, 0x04, 0x40  # authenticator data flags: user present, verified, attested


def b64(raw: bytes) -> str:
    return urlsafe_b64encode(raw).rstrip(b"=").decode()


def unb64(text: str) -> bytes:
    return urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Authenticator:
    """One authenticator holding discoverable credentials: credential id -> (key, user id)."""

    origin: str
    keys: dict[bytes, tuple[ec.EllipticCurvePrivateKey, bytes]] = field(default_factory=dict)
    count: int = 0

    def _client_data(self, kind: str, challenge: str) -> bytes:
        body = {"type": kind, "challenge": challenge, "origin": self.origin}
        return json.dumps(body).encode()

    def _auth_data(self, rp_id: str, flags: int, attested: bytes = b"") -> bytes:
        self.count += 1
        rp_hash = hashlib.sha256(rp_id.encode()).digest()
        return rp_hash + bytes([flags]) + struct.pack(">I", self.count) + attested

    def create(self, options: dict[str, Any]) -> dict[str, Any]:
        """A new credential for the user the registration options name."""
        key = ec.generate_private_key(ec.SECP256R1())
        numbers = key.public_key().public_numbers()
        cose = {1: 2, 3: -7, -1: 1, -2: numbers.x.to_bytes(32), -3: numbers.y.to_bytes(32)}
        credential_id = secrets.token_bytes(16)
        self.keys[credential_id] = (key, unb64(options["user"]["id"]))
        attested = bytes(16) + struct.pack(">H", 16) + credential_id + cbor2.dumps(cose)
        auth_data = self._auth_data(options["rp"]["id"], UP | UV | AT, attested)
        attestation = cbor2.dumps({"fmt": "none", "attStmt": {}, "authData": auth_data})
        client_data = self._client_data("webauthn.create", options["challenge"])
        return {
            "id": b64(credential_id),
            "rawId": b64(credential_id),
            "type": "public-key",
            "response": {"clientDataJSON": b64(client_data), "attestationObject": b64(attestation)},
        }

    def get(self, options: dict[str, Any]) -> dict[str, Any]:
        """A signed answer to sign-in options, with the first credential held."""
        credential_id, (key, user_id) = next(iter(self.keys.items()))
        auth_data = self._auth_data(options["rpId"], UP | UV)
        client_data = self._client_data("webauthn.get", options["challenge"])
        signed = auth_data + hashlib.sha256(client_data).digest()
        return {
            "id": b64(credential_id),
            "rawId": b64(credential_id),
            "type": "public-key",
            "response": {
                "clientDataJSON": b64(client_data),
                "authenticatorData": b64(auth_data),
                "signature": b64(key.sign(signed, ec.ECDSA(hashes.SHA256()))),
                "userHandle": b64(user_id),
            },
        }
