"""Choosing the mail backend, checking addresses, and SES through moto."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from scc.notify.gmail import GmailMailer
from scc.notify.mail import (
    LogMailer,
    Message,
    NotifyError,
    SesMailer,
    address,
    backend_name,
    mailer_for,
)
from tests.support.builders import SENDER

GMAIL = {"GMAIL_CLIENT_ID": "id", "GMAIL_CLIENT_SECRET": "secret", "GMAIL_REFRESH_TOKEN": "r"}
MESSAGE = Message(
    to="admin@scc.example",
    subject="Waiver signed: Dana Lee – Whales, 2030-05-23",
    text="Signed by: Dana Lee\n",
    html="<p>Signed by: <strong>Dana Lee</strong></p>",
)


@pytest.mark.parametrize(
    ("config", "backend"),
    [
        ({}, "log"),
        ({"MAIL_FROM": SENDER}, "ses"),
        ({"MAIL_FROM": SENDER, "DEV": True}, "log"),
        (GMAIL, "gmail"),
        ({**GMAIL, "MAIL_FROM": SENDER}, "gmail"),
        ({**GMAIL, "GMAIL_REFRESH_TOKEN": ""}, "log"),
        ({**GMAIL, "MAIL_BACKEND": "ses", "MAIL_FROM": SENDER}, "ses"),
        ({**GMAIL, "MAIL_BACKEND": "log"}, "log"),
        ({"MAIL_BACKEND": "gmail"}, "gmail"),
    ],
)
def test_backend_choice(config: dict[str, Any], backend: str) -> None:
    assert backend_name(config) == backend


def test_an_unknown_backend_is_named() -> None:
    with pytest.raises(NotifyError, match="SCC_MAIL_BACKEND is 'smtp'; use gmail, ses or log"):
        backend_name({"MAIL_BACKEND": "smtp"})


def test_misconfigured_backends_name_what_is_missing_never_values() -> None:
    with pytest.raises(NotifyError, match="GMAIL_CLIENT_SECRET, GMAIL_REFRESH_TOKEN") as failed:
        mailer_for({"MAIL_BACKEND": "gmail", "GMAIL_CLIENT_ID": "client-id-value"})
    assert "client-id-value" not in str(failed.value)
    with pytest.raises(NotifyError, match="SCC_MAIL_FROM"):
        mailer_for({"MAIL_BACKEND": "ses"})


def test_each_backend_is_built_from_config() -> None:
    config = {"GMAIL_TOKEN_URL": "https://t.example", "GMAIL_API_URL": "https://g.example"}
    assert isinstance(mailer_for({}), LogMailer)
    assert isinstance(mailer_for({"MAIL_FROM": SENDER}), SesMailer)
    gmail = mailer_for({**config, **GMAIL, "MAIL_FROM": f"SCC <{SENDER}>"})
    assert isinstance(gmail, GmailMailer) and gmail.sender == f"SCC <{SENDER}>"


@pytest.mark.parametrize(
    ("raw", "checked"),
    [
        ("admin@scc.example", "admin@scc.example"),
        (" admin@scc.example ", "admin@scc.example"),
        ("SCC Office <office@scc.example>", "SCC Office <office@scc.example>"),
        ('"O\'Brien, Pat" <pat@scc.example>', '"O\'Brien, Pat" <pat@scc.example>'),
    ],
)
def test_good_addresses(raw: str, checked: str) -> None:
    assert address(raw, "It") == checked


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "admin",
        "admin@",
        "@scc.example",
        "a b@scc.example",
        "x@y",
        None,
        42,
        "a@b.c\nBcc: z@e.f",
        "a@b.c, z@e.f",
        "Name <a@b.c> z@e.f",
        "Na\nme <a@b.c>",
    ],
)
def test_bad_addresses_are_permanent_errors(raw: Any) -> None:
    with pytest.raises(NotifyError, match="not a usable email address") as failed:
        address(raw, "SCC_ADMIN_EMAIL")
    assert failed.value.permanent is True


def test_the_log_backend_writes_the_message_whole_only_in_make_dev(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.INFO, logger="scc.notify"):
        assert LogMailer(whole=True).send(MESSAGE) == "log-1"
    assert "to a***@scc.example: Waiver signed: Dana Lee" in caplog.text  # addresses masked
    assert "Signed by: Dana Lee" in caplog.text
    caplog.clear()
    with caplog.at_level(logging.INFO, logger="scc.notify"):
        LogMailer().send(MESSAGE)  # an installation without mail settings: no bodies logged
    assert "Waiver signed: Dana Lee" in caplog.text and "Signed by" not in caplog.text


def test_make_devs_mailer_logs_bodies_and_others_do_not() -> None:
    assert isinstance(mailer_for({"DEV": True}), LogMailer) and mailer_for({"DEV": True}).whole
    assert not mailer_for({}).whole


def test_ses_sends_subject_text_and_html(ses: list[Any]) -> None:
    message_id = SesMailer(SENDER).send(MESSAGE)

    [sent] = ses
    assert sent.id == message_id
    assert sent.source == SENDER
    assert sent.destinations == {"ToAddresses": ["admin@scc.example"]}
    assert sent.subject == MESSAGE.subject
    assert sent.body == MESSAGE.html  # moto keeps the HTML part when there is one


def test_ses_sends_the_text_part_too(ses: list[Any]) -> None:
    mailer = SesMailer(SENDER)
    seen: list[dict[str, Any]] = []
    mailer.client.meta.events.register(
        "provide-client-params.sesv2.SendEmail", lambda params, **_: seen.append(params)
    )
    mailer.send(MESSAGE)
    body = seen[0]["Content"]["Simple"]["Body"]
    assert body["Text"] == {"Data": MESSAGE.text, "Charset": "UTF-8"}


def test_ses_refusal_is_a_notify_error(ses: list[Any]) -> None:
    with pytest.raises(NotifyError, match="SES refused the message: MessageRejected") as failed:
        SesMailer("unverified@scc.example").send(MESSAGE)
    assert failed.value.permanent is False  # verifying the sender fixes it; then a retry works
    assert ses == []
