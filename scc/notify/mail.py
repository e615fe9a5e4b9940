"""Sending email: one Mailer interface and its backends (Gmail API, SES, a log for `make dev`),
chosen from the configuration. Nothing here ever logs a token, a secret or a message body that
could hold one; failures carry a sentence fit for the log."""

from __future__ import annotations

import functools
import itertools
import logging
import os
from collections.abc import Mapping
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from scc.notify.gmail import GmailMailer
from scc.notify.message import TIMEOUT, Mailer, Message, NotifyError, address, masked

log = logging.getLogger("scc.notify")

BACKENDS = ("gmail", "ses", "log")
GMAIL_KEYS = ("GMAIL_CLIENT_ID", "GMAIL_CLIENT_SECRET", "GMAIL_REFRESH_TOKEN")
# SES answers these when the message itself is at fault: sending it again cannot help.
SES_PERMANENT = frozenset({"BadRequestException"})


class LogMailer:
    """`make dev` and unconfigured installs: write the message to the log instead of sending.

    A body can carry a patron's personal pay link, so only `make dev` (whole=True) logs bodies;
    an installation without mail settings logs who would have been written to, and about what.
    The recipient is masked as everywhere in the log."""

    def __init__(self, *, whole: bool = False) -> None:
        self._ids = itertools.count(1)
        self.whole = whole

    def send(self, message: Message) -> str:
        body = f"\n{message.text}" if self.whole else ""
        log.info(
            "mail (log backend, not sent) to %s: %s%s", masked(message.to), message.subject, body
        )
        return f"log-{next(self._ids)}"


class SesMailer:
    """Amazon SES (v2 API) from a verified sender; the client is made on the first send."""

    def __init__(self, sender: str) -> None:
        self.sender = sender

    @functools.cached_property
    def client(self) -> Any:
        import boto3
        from botocore.config import Config

        region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
        config = Config(
            connect_timeout=TIMEOUT,
            read_timeout=TIMEOUT,
            retries={"max_attempts": 2, "mode": "standard"},
        )
        return boto3.session.Session().client("sesv2", region_name=region, config=config)

    def send(self, message: Message) -> str:
        utf8 = "UTF-8"
        try:
            answer = self.client.send_email(
                FromEmailAddress=self.sender,
                Destination={"ToAddresses": [message.to]},
                Content={
                    "Simple": {
                        "Subject": {"Data": message.subject, "Charset": utf8},
                        "Body": {
                            "Text": {"Data": message.text, "Charset": utf8},
                            "Html": {"Data": message.html, "Charset": utf8},
                        },
                    }
                },
            )
        except ClientError as exc:
            error = exc.response.get("Error", {})
            code = str(error.get("Code", "?"))
            raise NotifyError(
                f"SES refused the message: {code}: {str(error.get('Message', ''))[:200]}",
                permanent=code in SES_PERMANENT,
            ) from None
        except BotoCoreError as exc:
            raise NotifyError(f"SES could not be reached: {type(exc).__name__}") from None
        return str(answer.get("MessageId", ""))


def backend_name(config: Mapping[str, Any]) -> str:
    """gmail when its three credentials are set, else ses when a sender is set outside dev, else
    log; SCC_MAIL_BACKEND overrides."""
    chosen = str(config.get("MAIL_BACKEND") or "")
    if chosen:
        if chosen not in BACKENDS:
            raise NotifyError(f"SCC_MAIL_BACKEND is {chosen!r}; use gmail, ses or log.")
        return chosen
    if all(config.get(key) for key in GMAIL_KEYS):
        return "gmail"
    if config.get("MAIL_FROM") and not config.get("DEV"):
        return "ses"
    return "log"


def mailer_for(config: Mapping[str, Any]) -> Mailer:
    """The configured backend; NotifyError (naming the missing settings, never their values)."""
    name = backend_name(config)
    if name == "log":
        return LogMailer(whole=bool(config.get("DEV")))
    sender = address(config["MAIL_FROM"], "SCC_MAIL_FROM") if config.get("MAIL_FROM") else ""
    if name == "ses":
        if not sender:
            raise NotifyError("SES needs a verified sender in SCC_MAIL_FROM.")
        return SesMailer(sender)
    missing = [key for key in GMAIL_KEYS if not config.get(key)]
    if missing:
        raise NotifyError(f"Gmail needs {', '.join(missing)} in the environment.")
    return GmailMailer(
        client_id=config["GMAIL_CLIENT_ID"],
        client_secret=config["GMAIL_CLIENT_SECRET"],
        refresh_token=config["GMAIL_REFRESH_TOKEN"],
        sender=sender,
        token_url=config["GMAIL_TOKEN_URL"],
        api_url=config["GMAIL_API_URL"],
    )
