"""What the operator sees: numbered, timed steps; what changed so far; and never a secret value."""

from __future__ import annotations

import logging
import sys
import time
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field

log = logging.getLogger("deploy")

MIN_REDACTED_LENGTH = 4  # shorter values ("1", "on") are not secrets, and would garble every line
# Values that name things the operator must see (the bucket in the plan); never secrets.
NOT_SECRET = frozenset({"SCC_DISPATCH_BUCKET", "SCC_TABLE"})
MASK = "********"


class DeployError(Exception):
    """A failure the operator can act on; its message is one or two plain sentences."""


class Redactor(logging.Filter):
    """Scrub every known environment value from what is printed, errors from AWS included."""

    def __init__(self) -> None:
        super().__init__()
        self.values: set[str] = set()

    def add(self, values: Iterable[str]) -> None:
        self.values.update(v for v in values if len(v) >= MIN_REDACTED_LENGTH)

    def add_env(self, variables: Mapping[str, str]) -> None:
        """Register an environment's values, all but those of the NOT_SECRET keys."""
        self.add(value for key, value in variables.items() if key not in NOT_SECRET)

    def __call__(self, text: str) -> str:
        for value in sorted(self.values, key=len, reverse=True):
            text = text.replace(value, MASK)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = self(record.getMessage())
        record.args = None
        return True


redact = Redactor()


class _CurrentStderr(logging.Handler):
    """Write to whatever sys.stderr is at the time (pytest swaps it between tests)."""

    def emit(self, record: logging.LogRecord) -> None:
        try:
            sys.stderr.write(self.format(record) + "\n")
            sys.stderr.flush()
        except Exception:  # logging's contract: a handler never raises
            self.handleError(record)


def setup_logging() -> None:
    """Send the deploy log to stderr, one plain line per message, through the redactor."""
    for handler in list(log.handlers):
        log.removeHandler(handler)
    handler = _CurrentStderr()
    handler.setFormatter(logging.Formatter("%(message)s"))
    handler.addFilter(redact)
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False


def echo(text: str = "") -> None:
    """Print a result (the plan, a route table) to stdout, redacted."""
    print(redact(text), flush=True)


@dataclass(frozen=True)
class Finding:
    """One thing a check looked at (a route, a permission, a header) and what is wrong with it."""

    subject: str
    problems: tuple[str, ...] = ()

    def line(self) -> str:
        return f"{self.subject:<34} {'; '.join(self.problems) or 'ok'}"


@dataclass
class Step:
    number: int
    total: int
    title: str
    notes: list[str] = field(default_factory=list)
    waited: bool = False
    skipped: str | None = None

    def note(self, text: str) -> None:
        self.notes.append(text)

    def skip(self, reason: str) -> None:
        self.skipped = reason

    @property
    def label(self) -> str:
        return f"[{self.number}/{self.total}] {self.title}"


@dataclass
class Steps:
    """The numbered steps of one subcommand, and the record of what they changed."""

    titles: list[str]
    done: int = 0
    changed: list[str] = field(default_factory=list)
    current: Step | None = None

    @contextmanager
    def step(self, title: str, *, wait: bool = False) -> Iterator[Step]:
        """Log the step, time it, and log how it ended ('took' for work, 'waited' for waits)."""
        number = self.titles.index(title) + 1
        step = Step(number, len(self.titles), title, waited=wait)
        self.current = step
        log.info("%s …", step.label)
        started = time.monotonic()
        yield step
        elapsed = time.monotonic() - started
        self.done = number
        self.current = None
        if step.skipped is not None:
            log.info("%s: skipped, %s", step.label, step.skipped)
            return
        verb = "waited" if step.waited else "took"
        detail = "; ".join(step.notes)
        log.info("%s: %s%s %.1f s", step.label, f"{detail}; " if detail else "", verb, elapsed)

    def record(self, change: str) -> None:
        """Note a change made in AWS, for the summary if a later step fails."""
        self.changed.append(change)

    def failure_summary(self, unchanged: Iterable[str] = ()) -> list[str]:
        """Sentences that say where it stopped, what was changed and what was not."""
        lines = []
        if self.current is not None:
            lines.append(f"Stopped at {self.current.label}.")
        if self.changed:
            lines.append("Changed: " + "; ".join(self.changed) + ".")
        else:
            lines.append("Nothing was changed in AWS.")
        first = self.current.number - 1 if self.current is not None else self.done
        not_done = self.titles[first:]
        if not_done and self.changed:
            lines.append("Not done: " + "; ".join(not_done) + ".")
        lines.extend(unchanged)
        return lines
