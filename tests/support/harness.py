"""Requests through lambda_entry.handler, as a Lambda Function URL delivers them (payload format
2.0: builders.make_v2_event), and the answers it gives: the one way the tests talk to the app.

- Http: one request at a time, no cookies kept (a bearer token when given).
- Session: a browser's cookie session: it keeps what each answer's Set-Cookie leaves and sends
  it back, and sends the CSRF token sign-in answered on every write (csrf=False leaves it out).
- Api: a crew member signed in with a bearer token.

Each takes `htmx=True` to send HX-Request as htmx does. `pay` logs a payment through any of
them."""

from __future__ import annotations

import base64
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from typing import Any, Protocol
from urllib.parse import urlencode

from werkzeug.datastructures import Headers

from tests.support.builders import PASSWORD, TRIP_ID, make_v2_event

Handler = Callable[[dict[str, Any], Any], dict[str, Any]]
LOGIN = "/api/admin/login"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


@dataclass
class Answer:
    """The handler's answer (its headers looked up by any case, as HTTP's are)."""

    status: int
    headers: Headers
    cookies: list[str]  # each Set-Cookie, whole
    body: str

    @property
    def json(self) -> Any:
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body

    @property
    def mimetype(self) -> str:
        return self.headers.get("content-type", "").split(";", 1)[0].strip()


@dataclass
class Http:
    """Requests through a Lambda handler (lambda_entry.handler in the tests), one Function URL
    event each; nothing is kept between them."""

    handler: Handler
    source_ip: str = "198.51.100.7"

    def __call__(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        token: str = "",
        headers: dict[str, str] | None = None,
        query: str = "",
        source_ip: str | None = None,
        htmx: bool = False,
        form: Any = None,
        data: str | bytes | None = None,
        cookies: list[str] | None = None,
    ) -> Answer:
        """One request: a JSON body, a form (a dict, lists for repeated fields, or pairs), or
        raw `data` (bytes go base64-encoded, as a Function URL sends a binary body). A query
        may come in the path, after "?"."""
        path, _, in_path = path.partition("?")
        kind = "application/x-www-form-urlencoded" if form is not None else "application/json"
        sent = {"content-type": kind, **{k.lower(): v for k, v in (headers or {}).items()}}
        if token:
            sent["authorization"] = f"Bearer {token}"
        if htmx:
            sent["hx-request"] = "true"
        if data is not None:
            raw: str | bytes = data
        elif form is not None:
            raw = urlencode(form, doseq=True)
        else:
            raw = json.dumps(body) if body is not None else ""
        event = make_v2_event(
            method=method,
            path=path,
            query=query or in_path,
            headers=sent,
            cookies=cookies,
            body=raw,
            base64_body=isinstance(raw, bytes),
            source_ip=source_ip or self.source_ip,
        )
        out = self.handler(event, None)
        text = out.get("body", "")
        if out.get("isBase64Encoded"):
            text = base64.b64decode(text).decode()
        headers = Headers(out.get("headers") or {})
        return Answer(out["statusCode"], headers, out.get("cookies") or [], text)

    def login(self, crew_id: str = "cory", password: str = PASSWORD, **kwargs: Any) -> Answer:
        return self("POST", LOGIN, {"crew_id": crew_id, "password": password}, **kwargs)

    def token(self, crew_id: str = "cory", password: str = PASSWORD) -> str:
        answer = self.login(crew_id, password)
        assert answer.status == 200, answer.body
        return str(answer.json["token"])


@dataclass
class Session:
    """A browser's cookie session through a handler, as the shell's page keeps one."""

    http: Http
    jar: dict[str, str] = field(default_factory=dict)  # cookie name -> value
    csrf: str = ""

    def __call__(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        csrf: bool = True,
        headers: dict[str, str] | None = None,
        **kwargs: Any,
    ) -> Answer:
        """One request with this session's cookies (and its CSRF token on a write); the
        cookies the answer sets are kept, the ones it expires dropped."""
        sent = dict(headers or {})
        if csrf and self.csrf and method.upper() not in SAFE_METHODS:
            sent["x-csrf-token"] = self.csrf
        cookies = [f"{name}={value}" for name, value in self.jar.items()]
        answer = self.http(method, path, body, headers=sent, cookies=cookies, **kwargs)
        for header in answer.cookies:
            self.keep(header)
        return answer

    def keep(self, header: str) -> None:
        """Take one Set-Cookie: store the cookie, or drop it when it has expired."""
        for name, morsel in SimpleCookie(header).items():
            if morsel["max-age"] == "0" or "1970" in morsel["expires"] or not morsel.value:
                self.jar.pop(name, None)
            else:
                self.jar[name] = morsel.value

    def login(self, crew_id: str = "cory", password: str = PASSWORD, **kwargs: Any) -> Answer:
        """Sign in (cookies and the CSRF token kept when it answers 200)."""
        body = {"crew_id": crew_id, "password": password}
        answer = self("POST", LOGIN, body, **kwargs)
        if answer.status == 200:
            self.csrf = answer.json["csrf_token"]
        return answer


@dataclass
class Api:
    """Requests through a handler from a crew member signed in with a bearer token (`as_crew`
    signs in someone else; with an empty roster anyone may, as an owner)."""

    handler: Handler
    crew_id: str = "cory"

    def __post_init__(self) -> None:
        self.http = Http(self.handler)
        self.token = self.http.token(self.crew_id)

    def as_crew(self, crew_id: str) -> Api:
        return Api(self.handler, crew_id)

    def __call__(self, method: str, path: str, body: Any = None, **kwargs: Any) -> Answer:
        """One request as this crew member (Http's options)."""
        return self.http(method, path, body, token=self.token, **kwargs)


class Client(Protocol):
    def __call__(self, method: str, path: str, body: Any = None, **kwargs: Any) -> Answer: ...


def pay(
    client: Client,
    amount: Any,
    patron_id: str = "dana",
    *,
    eid: str = TRIP_ID,
    method: Any = "cash",
    status: int | None = 201,
    **options: Any,
) -> Answer:
    """Log a payment on a trip as this client (POST .../payment-log); asserts the status (None:
    any) and returns the answer. `options` are the body's other fields, or `htmx`/`headers`."""
    sending = {k: options.pop(k) for k in ("htmx", "headers") if k in options}
    body = {"patron_id": patron_id, "amount": amount, "method": method, **options}
    answer = client("POST", f"/api/events/{eid}/payment-log", body, **sending)
    if status is not None:
        assert answer.status == status, answer.body
    return answer
