"""The Gmail backend against the fake OAuth + Gmail server on loopback."""

from __future__ import annotations

from typing import Any

import pytest

from scc.notify import gmail
from scc.notify.gmail import GmailMailer
from scc.notify.mail import Message, NotifyError, mailer_for
from tests.support.fake_google import CLIENT_ID, CLIENT_SECRET, REFRESH_TOKEN, FakeGoogle, parts

MESSAGE = Message(
    to="admin@scc.example",
    subject="Payment logged: $40.00 from Dana Lee (Cash) – Whales, 2030-05-23",
    text="Amount: $40.00\nPatron: Dana Lee\n",
    html="<p>Amount: <strong>$40.00</strong> from O&#39;Brien</p>",
)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def make(google: FakeGoogle, **kwargs: Any) -> GmailMailer:
    settings: dict[str, Any] = {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "refresh_token": REFRESH_TOKEN,
        "token_url": google.url + "/token",
        "api_url": google.url,
        **kwargs,
    }
    return GmailMailer(**settings)


def test_refresh_then_send_a_multipart_message(google: FakeGoogle) -> None:
    mailer = make(google, sender="SCC Office <office@scc.example>")

    assert mailer.send(MESSAGE) == "gmail-1"

    [form] = google.token_requests
    assert form == {
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "refresh_token": REFRESH_TOKEN,
        "grant_type": "refresh_token",
    }
    assert google.send_attempts == ["Bearer ya29.fake-access-1"]
    [sent] = google.sent
    assert sent["To"] == "admin@scc.example"
    assert sent["From"] == "SCC Office <office@scc.example>"
    assert sent["Subject"] == MESSAGE.subject
    text, html = parts(sent)
    assert text == MESSAGE.text
    assert html.strip() == MESSAGE.html


def test_the_access_token_is_cached_until_shortly_before_it_expires(google: FakeGoogle) -> None:
    clock = Clock()
    mailer = make(google, clock=clock)
    mailer.send(MESSAGE)
    clock.now += 3599 - gmail.EXPIRY_MARGIN - 1
    mailer.send(MESSAGE)
    assert len(google.token_requests) == 1

    clock.now += 2
    mailer.send(MESSAGE)

    assert len(google.token_requests) == 2
    assert google.send_attempts[-1] == "Bearer ya29.fake-access-2"


def test_a_401_refreshes_once_and_sends_again(google: FakeGoogle) -> None:
    mailer = make(google)
    mailer.send(MESSAGE)
    google.send_script[:] = [401]

    assert mailer.send(MESSAGE) == "gmail-2"

    assert len(google.token_requests) == 2
    assert google.send_attempts == [
        "Bearer ya29.fake-access-1",
        "Bearer ya29.fake-access-1",
        "Bearer ya29.fake-access-2",
    ]


def test_a_second_401_is_an_error_not_a_loop(google: FakeGoogle) -> None:
    google.send_script[:] = [401, 401, 401]

    with pytest.raises(NotifyError, match="HTTP 401") as failed:
        make(google).send(MESSAGE)

    assert failed.value.permanent is False  # the account's state; a retry may succeed
    assert len(google.send_attempts) == 2 and len(google.token_requests) == 2


def test_a_500_is_tried_twice_then_raised_for_a_retry(google: FakeGoogle) -> None:
    google.send_script[:] = [500, 500, 500]

    with pytest.raises(NotifyError, match="2 attempts: HTTP 500") as failed:
        make(google).send(MESSAGE)

    assert failed.value.permanent is False
    assert len(google.send_attempts) == 2
    assert google.sent == []


def test_one_500_then_success_sends_once(google: FakeGoogle) -> None:
    google.send_script[:] = [500]
    assert make(google).send(MESSAGE) == "gmail-1"
    assert len(google.send_attempts) == 2 and len(google.sent) == 1


def test_a_stalled_server_times_out_within_bounds(google: FakeGoogle) -> None:
    google.stall = True

    with pytest.raises(NotifyError, match="did not succeed in 2 attempts: TimeoutError"):
        make(google, timeout=0.2).send(MESSAGE)

    assert all(google.arrived.acquire(timeout=5) for _ in range(2))  # both reached the server
    assert len(google.send_attempts) == 2


def test_a_revoked_refresh_token_says_so_without_any_secret(google: FakeGoogle) -> None:
    google.token_script[:] = [400]

    with pytest.raises(NotifyError) as failed:
        make(google).send(MESSAGE)

    text = str(failed.value)
    assert "token refresh failed: HTTP 400 invalid_grant Token has been revoked." in text
    for secret in (CLIENT_SECRET, REFRESH_TOKEN, CLIENT_ID):
        assert secret not in text
    assert google.send_attempts == []


def test_a_rejected_message_is_permanent(google: FakeGoogle) -> None:
    google.send_script[:] = [400]
    with pytest.raises(NotifyError, match="refused the message: HTTP 400") as failed:
        make(google).send(MESSAGE)
    assert failed.value.permanent is True


def test_nothing_listens_is_bounded_too(google: FakeGoogle) -> None:
    mailer = make(google, token_url="http://127.0.0.1:9/token")
    with pytest.raises(NotifyError, match="token refresh did not succeed in 2 attempts"):
        mailer.send(MESSAGE)


def test_only_http_urls_are_taken(google: FakeGoogle) -> None:
    with pytest.raises(NotifyError, match="http"):
        make(google, token_url="file:///etc/passwd")


def test_the_config_chooses_gmail_with_the_fake_urls(google: FakeGoogle) -> None:
    mailer = mailer_for({**google.config(), "MAIL_FROM": ""})
    assert isinstance(mailer, GmailMailer)
    assert mailer.send(MESSAGE) == "gmail-1"
