"""A run described once, as Chalice's deployer plans and then executes: each subcommand is one
list of steps, each saying what it does, why, and how to undo it. The plan prints that list and
the run carries it out, step by step in that order, so the two can never say different things;
adding a step to a subcommand (a schedule, a route) is one entry in its list.

A step that only reads (`changes=False`) runs in the plan too; before the first step that
changes anything the run prints the steps and asks (unless --yes).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from deploy.output import Step as Log
from deploy.output import echo
from deploy.run import Run

R = TypeVar("R", bound=Run, contravariant=True)


@dataclass(frozen=True)
class Step(Generic[R]):
    what: str  # the title the log numbers: "[3/15] snapshot the code …"
    why: str
    undo: str  # how to undo it by hand ("nothing" for a read)
    act: Callable[[R, Log], None]
    changes: bool = True  # False: describe calls only, so the plan runs it too
    wait: bool = False  # a wait: the log says "waited", not "took"


def describe(steps: Sequence[Step[R]]) -> list[str]:
    """The steps as the plan prints them: numbered, each with why and how to undo it."""
    lines = []
    for number, step in enumerate(steps, start=1):
        lines.append(f"  {number:>2}. {step.what}")
        lines.append(f"      why:  {step.why}")
        if step.changes:
            lines.append(f"      undo: {step.undo}")
    return lines


def carry_out(
    run: R,
    steps: Sequence[Step[R]],
    *,
    question: Callable[[R], str] | None = None,
    plan_only: bool = False,
) -> None:
    """Run the steps in order. Before the first that changes anything, print the list; then
    stop there (`plan_only`), or ask the question (--yes answers it), or go on (a subcommand
    whose steps change nothing without --yes)."""
    log = run.start([step.what for step in steps])
    listed = False
    for step in steps:
        if step.changes and not listed:
            listed = True
            echo("Steps:")
            for line in describe(steps):
                echo(line)
            if plan_only:
                return
            if question is not None:
                run.confirm(question(run))
        with log.step(step.what, wait=step.wait) as done:
            step.act(run, done)
