"""Scheduled jobs: what the deploy's EventBridge Scheduler schedule sends the function,
`{"scc_job": "reminders"}`, told apart from other events by scc.notify.stream.dispatch.

lambda_entry imports this module for every cold start, so the job itself (scc.notify.reminders)
is imported when a job's event comes."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask

from scc import runtime_secrets
from scc.notify.stream import Handler

log = logging.getLogger("scc.notify")


def make_job_handler(app: Flask) -> Handler:
    """The handler for scheduled jobs; `reminders` is the one there is (scc.notify.reminders).
    Its log lines show at INFO as the stream's do (make_stream_handler sets the level)."""

    def handler(event: dict[str, Any], context: Any) -> dict[str, Any]:
        from scc.notify import reminders

        job = event["scc_job"]
        if job != "reminders":
            log.error("jobs: there is no job %r; nothing done", job[:40])
            return {"job": job[:40], "error": "There is no such job."}
        with app.app_context():
            runtime_secrets.apply(app)  # the Gmail tokens, when they are Parameter Store refs
            try:
                done = reminders.run(app)
            except ValueError as exc:  # a setting it cannot use: SCC_REMIND_DAYS
                log.error("jobs: reminders not run: %s", exc)
                return {"job": job, "error": str(exc)}
        counts = {s: sum(1 for o in done if o.status == s) for s in ("sent", "skipped", "failed")}
        log.info("jobs: reminders: %s", counts)
        return {"job": job, **counts}

    return handler
