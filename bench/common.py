"""Shared bench plumbing: environment, timing with alternating runs, tables, budgets."""

from __future__ import annotations

import os
import statistics
from collections.abc import Callable
from dataclasses import dataclass

ENV = {
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_DEFAULT_REGION": "us-west-2",
    "AWS_REGION": "us-west-2",
    "SCC_SECRET_KEY": "bench-secret-key-0123456789abcdef0123456789",
}


def set_env() -> None:
    os.environ.update(ENV)
    for name in ("AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_DYNAMODB", "AWS_PROFILE"):
        os.environ.pop(name, None)


@dataclass
class Budget:
    name: str
    value: float
    limit: float
    unit: str = ""

    @property
    def ok(self) -> bool:
        return self.value <= self.limit

    def row(self) -> list[str]:
        return [
            self.name,
            f"{self.value:g}{self.unit}",
            f"<= {self.limit:g}{self.unit}",
            "ok" if self.ok else "MISSED",
        ]


def alternate(a: Callable[[], float], b: Callable[[], float], rounds: int) -> tuple[float, float]:
    """Run a and b in turn, `rounds` times each; return both medians (noise hits both alike)."""
    xs, ys = [], []
    for _ in range(rounds):
        xs.append(a())
        ys.append(b())
    return statistics.median(xs), statistics.median(ys)


def table(title: str, header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(r: list[str]) -> str:
        return "| " + " | ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)) + " |"

    out = [f"\n### {title}\n", line(header), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += [line(r) for r in rows]
    return "\n".join(out)
