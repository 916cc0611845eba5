"""Progress of long work (loading, importing, plotting), for whoever shows it.

Library code says how far it got with :func:`advance`; nothing is shown unless a caller
(the command line, on an interactive terminal) opened a :func:`task` around the work. So
``import aidledger`` and library calls stay silent and cost one lookup per step.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Callable, Iterator

__all__ = ["advance", "task"]

#: How the task in progress takes a step: called with the amount of work just done.
_STEP: contextvars.ContextVar[Callable[[int], None] | None] = contextvars.ContextVar(
    "aidledger_progress", default=None
)


def advance(amount: int) -> None:
    """Report *amount* more work done (bytes read, rows imported) to the task in
    progress, if any."""
    step = _STEP.get()
    if step is not None:
        step(amount)


@contextlib.contextmanager
def task(step: Callable[[int], None]) -> Iterator[None]:
    """Send every :func:`advance` made inside the block to *step*."""
    token = _STEP.set(step)
    try:
        yield
    finally:
        _STEP.reset(token)
