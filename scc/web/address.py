"""The client's address, for throttling and for the record of a signature.

Behind CloudFront the viewer's address is in `CloudFront-Viewer-Address`, but the Function URL is
public and anyone can send that header: it is believed only when the request also carries
CloudFront's origin header (`X-SCC-Origin-Verify`) with one of the configured secrets. Otherwise
the address is the one the request came from (the Function URL's source IP; in `make dev`, the
loopback)."""

from __future__ import annotations

import hmac
import ipaddress

from flask import current_app, request

ORIGIN_HEADER = "X-SCC-Origin-Verify"
VIEWER_HEADER = "CloudFront-Viewer-Address"
IPV6_NETWORK = 64  # one home, phone or office gets a /64: counted as one address


def origin_verified() -> bool:
    """Whether the request came through CloudFront: it carries the origin header with one of
    the configured secrets (compared in constant time)."""
    sent = request.headers.get(ORIGIN_HEADER, "").encode()
    secrets = current_app.config["ORIGIN_SECRETS"]
    return bool(sent) and any(hmac.compare_digest(sent, s.encode()) for s in secrets)


def _canonical(raw: str) -> str:
    """One spelling per address (`2001:DB8:0::1` is `2001:db8::1`; `::ffff:192.0.2.1` is
    `192.0.2.1`); what is not an address is kept, cut short."""
    try:
        address = ipaddress.ip_address(raw.strip().strip("[]").split("%", 1)[0])
    except ValueError:
        return raw.strip()[:64] or "unknown"
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return str(address.ipv4_mapped)
    return str(address)


def client_ip() -> str:
    """The viewer's IP: CloudFront's viewer address when CloudFront vouches for it, else the
    address the request came from."""
    viewer = request.headers.get(VIEWER_HEADER, "").strip()
    if viewer and origin_verified():
        # "198.51.100.10:46532" or "2001:db8::1:46532": the address, then the viewer's port.
        host, sep, port = viewer.rpartition(":")
        return _canonical(host if sep and port.isdigit() else viewer)
    return _canonical(request.remote_addr or "unknown")


def network(ip: str) -> str:
    """What a counter is kept for: an IPv4 address itself, an IPv6 address by its /64."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if isinstance(address, ipaddress.IPv6Address):
        return str(ipaddress.IPv6Network((address, IPV6_NETWORK), strict=False))
    return str(address)


def client_network() -> str:
    """The client's address as counters see it (see network)."""
    return network(client_ip())
