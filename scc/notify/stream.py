"""Notifications, sent from the table's DynamoDB stream, never from the crew's request.

The stream invokes the same Lambda function (alias live) with batches of records; each record
becomes zero or more messages (scc.notify.notices) sent through the configured backend
(scc.notify.mail).
A send that fails is logged with the record's keys and sequence number, and the record is
reported in `batchItemFailures` so Lambda retries from it; the other records are still sent.

Delivery is at least once. Lambda retries a batch from its first failed record, so records after
it come again: a marker (scc.store.markers, expiring after a week) written after each send
skips what was already sent. A crash between a send and its marker can still repeat that one.

lambda_entry imports this module for every cold start, web requests' included, so the mail
backends and the notices are imported on the first stream batch instead.
"""

from __future__ import annotations

import hashlib
import logging
import math
from collections.abc import Callable, Mapping
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from flask import Blueprint, Flask

from scc import clock, paylinks, runtime_secrets
from scc.errors import StoreError
from scc.store import Store, counters, get_store, markers

if TYPE_CHECKING:
    from scc.notify.message import Mailer
    from scc.notify.notices import Notice

log = logging.getLogger("scc.notify")
# No routes: it carries the mail templates (templates/mail/) into the app's template loader.
bp = Blueprint("notify", __name__, template_folder="templates")

Handler = Callable[[dict[str, Any], Any], Any]
MARKER_TTL = timedelta(days=7)
# Start no new record with less time left than one bounded send needs (scc.notify.gmail.BUDGET plus
# room for the marker writes); what is left over goes back to Lambda to retry.
RESERVE_MS = 10_000
COPY_KIND = "waiver_copy"  # the signer's copy: an address the public typed in, so capped
COPIES_PER_DAY = 3


def is_stream_event(event: Any) -> bool:
    """True for a batch from a DynamoDB stream (Lambda's event source mapping)."""
    records = event.get("Records") if isinstance(event, dict) else None
    first = records[0] if records and isinstance(records, list) else None
    return isinstance(first, dict) and first.get("eventSource") == "aws:dynamodb"


def is_job_event(event: Any) -> bool:
    """True for a scheduled job's event (EventBridge Scheduler's input): {"scc_job": name}."""
    return isinstance(event, dict) and isinstance(event.get("scc_job"), str)


def dispatch(http_handler: Handler, stream_handler: Handler, job_handler: Handler) -> Handler:
    """One Lambda handler for every event source: stream batches go to notifications, a
    schedule's job event to its job, every other event (Function URL requests) to the web app.
    One function keeps one environment."""

    def handler(event: dict[str, Any], context: Any) -> Any:
        if is_stream_event(event):
            return stream_handler(event, context)
        if is_job_event(event):
            return job_handler(event, context)
        return http_handler(event, context)

    return handler


def make_stream_handler(app: Flask) -> Handler:
    """The handler for the table's stream: send what each record calls for."""
    if log.level == logging.NOTSET:
        log.setLevel(logging.INFO)  # Lambda's root logger shows only warnings by default

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        with app.app_context():
            runtime_secrets.apply(app)  # the Gmail tokens, when they are Parameter Store refs
            failed = process(app, event.get("Records") or [], context)
        return {"batchItemFailures": [{"itemIdentifier": seq} for seq in failed]}

    return handler


def renderer(app: Flask) -> Callable[[str, Mapping[str, Any]], tuple[str, str]]:
    def render(name: str, context: Mapping[str, Any]) -> tuple[str, str]:
        env = app.jinja_env  # .html templates are autoescaped, .txt are not
        text = env.get_template(f"mail/{name}.txt").render(context)
        html = env.get_template(f"mail/{name}.html").render(context)
        return text, html

    return render


def _admin(app: Flask) -> str | None:
    from scc.notify.message import usable

    raw = app.config.get("ADMIN_EMAIL")
    return usable(raw, "SCC_ADMIN_EMAIL", unsent="Admin notes are not sent.", level=logging.ERROR)


def mailer(app: Flask) -> Mailer:
    """The app's mailer, made on first use and kept for the process (it caches Gmail's token)."""
    from scc.notify.mail import mailer_for

    found: Mailer | None = app.extensions.get("scc.mailer")
    if found is None:
        found = mailer_for(app.config)
        app.extensions["scc.mailer"] = found
    return found


def links_for(app: Flask) -> Callable[[str, str], tuple[str, str]]:
    """Each patron's own waiver and pay links, for the notices that carry them: absolute from
    SCC_SITE_URL (relative when it is not set)."""
    site = app.config.get("SITE_URL", "")

    def links(event_id: str, patron_id: str) -> tuple[str, str]:
        with app.test_request_context():
            waiver, pay = paylinks.urls(event_id, patron_id)
        return site + waiver, site + pay

    return links


def _time_left_ms(context: Any) -> float:  # milliseconds; unbounded outside Lambda
    remaining = getattr(context, "get_remaining_time_in_millis", None)
    return remaining() if callable(remaining) else math.inf


def process(app: Flask, records: list[dict[str, Any]], context: Any) -> list[str]:
    """Send what each record calls for; return the sequence numbers of records to retry."""
    from scc.notify.notices import Context, from_record, record_keys

    store = get_store()
    say = Context(_admin(app), renderer(app), links_for(app), crew_emails(store))
    failed: list[str] = []
    for record in records:
        seq = str((record.get("dynamodb") or {}).get("SequenceNumber", ""))
        eid, crew_id = record_keys(record)
        where = f"eid={eid} crew_id={crew_id} seq={seq}"
        if _time_left_ms(context) < RESERVE_MS:
            log.warning("notify: out of time before %s; left for Lambda to retry", where)
            failed.append(seq)
            continue
        try:
            notices = from_record(record, say)
        except Exception:
            log.exception("notify: could not read the record %s; it will be retried", where)
            failed.append(seq)
            continue
        results = [_deliver(app, store, eid, notice, where) for notice in notices]
        if not all(results):
            failed.append(seq)
    return failed


def crew_emails(store: Store) -> Callable[[str], str | None]:
    """Crew members' addresses on the roster, read once a batch when first asked (one Query)."""
    from scc.notify.message import usable
    from scc.store import roster

    found: dict[str, str | None] = {}

    def email(crew_id: str) -> str | None:
        if not found:
            for m in roster.members(store):
                found[m.crew_id] = usable(m.email, m.crew_id) if m.active else None
            found.setdefault("", None)  # read: an empty roster is not read again
        return found.get(crew_id)

    return email


def copy_limit(to: str) -> counters.Limit:
    """The signer copies one address may get in a day (the address kept only as a hash)."""
    digest = hashlib.sha256(to.strip().lower().encode("utf-8", "surrogatepass")).hexdigest()
    return counters.Limit("signer-copy", digest[:32], COPIES_PER_DAY, 24 * 60 * 60)


def _deliver(app: Flask, store: Store, eid: str, notice: Notice, where: str) -> bool:
    """Send one notice unless it was sent before; False when it should be retried. Addresses
    are masked in the log (d***@example.com)."""
    from scc.notify.message import attempt, masked

    message = notice.message
    said = f"{notice.kind} to {masked(message.to)}"
    keyed = f"({where}, key {notice.key})"
    if _already_sent(store, eid, notice):
        log.info("notify: %s was already sent (%s)", said, where)
        return True
    capped = copy_limit(message.to) if notice.kind == COPY_KIND else None
    if capped is not None and counters.take(store, [capped]) is not None:
        log.warning(
            "notify: %s not sent: that address had %d copies today %s", said, COPIES_PER_DAY, keyed
        )
        return True
    sent, answer, permanent = attempt(mailer(app), message)
    if not sent:
        outcome = " and will not be retried" if permanent else ", to be retried"
        log.error("notify: %s (%r) failed%s: %s %s", said, message.subject, outcome, answer, keyed)
        if capped is not None and not permanent:
            counters.give_back(store, capped)
        return permanent  # a permanent failure is done with; a passing one comes back
    log.info("notify: sent %s: %r (%s, id %s)", said, message.subject, where, answer)
    _mark_sent(store, eid, notice)
    return True


def _already_sent(store: Store, eid: str, notice: Notice) -> bool:
    try:
        return markers.sent(store, eid, notice.key)
    except StoreError as exc:  # unsure: sending twice beats not sending
        log.warning("notify: could not check whether %s was sent: %s", notice.key, exc)
        return False


def _mark_sent(store: Store, eid: str, notice: Notice) -> None:
    expires = clock.epoch(clock.now() + MARKER_TTL)
    try:
        markers.mark_sent(store, eid, notice.key, expires)
    except StoreError as exc:
        log.warning(
            "notify: sent %s but could not record it (a retry may send it again): %s",
            notice.key,
            exc,
        )
