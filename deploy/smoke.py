"""The smoke test: health, the patron waiver route and the sign-in page answer as they should,
and the version that answers is the one expected (its Lambda version and build stamp), so a
stale copy or a path routed elsewhere that also says "ok" fails it."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from email.message import Message
from urllib.parse import urlsplit

from deploy import origin
from deploy.config import SMOKE_EVENT_ID, Tunables
from deploy.output import DeployError, log


@dataclass(frozen=True)
class Expected:
    """Which code must answer: the version just published (or promoted), and its build stamp
    when the run has the package (GET /api/health's `lambda_version` and `code`)."""

    version: str
    code: str | None = None


@dataclass(frozen=True)
class Answer:
    status: int
    content_type: str
    body: bytes


def _get(url: str, timeout: float) -> Answer:
    # run() only lets http(s) URLs through.
    request = urllib.request.Request(url, headers={"User-Agent": "scc-deploy-smoke-test"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return Answer(response.status, response.headers.get_content_type(), response.read())
    except urllib.error.HTTPError as exc:
        headers: Message = exc.headers
        with exc:  # an HTTPError holds the open response
            return Answer(exc.code, headers.get_content_type(), exc.read())


def _fetch(url: str, tunables: Tunables) -> Answer:
    """GET, trying again on a connection error or a 5xx (a cold start, a rolling edge)."""
    delay = tunables.retry_delay
    problem = ""
    for attempt in range(1, tunables.smoke_attempts + 1):
        try:
            answer = _get(url, tunables.smoke_timeout)
        except (urllib.error.URLError, OSError) as exc:
            problem = f"could not connect ({getattr(exc, 'reason', exc)})"
        else:
            if answer.status < 500:
                return answer
            problem = f"answered {answer.status}"
        if attempt < tunables.smoke_attempts:
            log.info("    %s %s; trying again in %.0f s", url, problem, delay)
            time.sleep(delay)
            delay *= 2
    raise DeployError(f"Smoke test: GET {url} {problem}.")


def _health(answer: Answer, url: str, expected: Expected) -> str:
    """200 {"status": "ok"} from the expected version and code; and where the app reports
    origin_verified, it is true: the request came through CloudFront with the
    X-SCC-Origin-Verify header the version accepts."""
    try:
        data = json.loads(answer.body)
    except ValueError:
        data = None
    if answer.status != 200 or not isinstance(data, dict) or data.get("status") != "ok":
        raise DeployError(
            f"Smoke test: GET {url} answered {answer.status} {answer.content_type}, "
            'not 200 with {"status": "ok"}.'
        )
    answered = (data.get("lambda_version"), data.get("code"))
    if answered[0] != expected.version or expected.code not in (None, answered[1]):
        raise DeployError(
            f"Smoke test: GET {url} answered ok, but from Lambda version {answered[0] or 'none'} "
            f"(code {str(answered[1] or 'unknown')[:12]}), not version {expected.version}"
            + (f" (code {expected.code[:12]})" if expected.code else "")
            + ": CloudFront sent the path elsewhere, or a stale copy answered. Check the "
            "behaviours with `python -m deploy routes` and --smoke-url."
        )
    verified = data.get("origin_verified")
    if verified is False:
        raise DeployError(
            f"Smoke test: GET {url} reached the app without a valid {origin.HEADER} header "
            f"(origin_verified is false): CloudFront is not sending the origin header this "
            f"version's {origin.SECRET_KEY} accepts, so the app ignores CloudFront-Viewer-Address. "
            "Run `python -m deploy routes --yes`, then staging again."
        )
    checked = "origin header verified" if verified is True else "origin header not reported"
    return f"health ok (version {expected.version}, {checked})"


def _waiver(answer: Answer, url: str) -> str:
    if answer.status not in (200, 404) or answer.content_type != "text/html":
        raise DeployError(
            f"Smoke test: GET {url} answered {answer.status} {answer.content_type}, "
            "not the waiver page (200) or its HTML 'unknown event' page (404)."
        )
    return f"waiver route {answer.status}"


def _shell(answer: Answer, url: str) -> str:
    if answer.status != 200 or answer.content_type != "text/html" or b"htmx" not in answer.body:
        raise DeployError(
            f"Smoke test: GET {url} answered {answer.status} {answer.content_type}, "
            "not the dispatch shell."
        )
    return "sign-in page 200"


def run(base_url: str, shell_path: str, tunables: Tunables, expected: Expected) -> list[str]:
    """Run the three checks against base_url; returns what each found, raises on the first
    failure."""
    parts = urlsplit(base_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise DeployError(f"--smoke-url must be an http(s) URL, not {base_url!r}.")
    base = base_url.rstrip("/")
    checks: tuple[tuple[str, Callable[[Answer, str], str]], ...] = (
        ("/api/health", lambda answer, url: _health(answer, url, expected)),
        (f"/g/{SMOKE_EVENT_ID}/waiver", _waiver),
        ("/" + shell_path.lstrip("/"), _shell),
    )
    results = []
    for path, check in checks:
        url = base + path
        results.append(check(_fetch(url, tunables), url))
    return results
