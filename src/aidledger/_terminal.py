"""Progress bars on an interactive terminal, for the command line.

The command line opens a :class:`Progress` and one phase after another in it ("reading",
"counting", "drawing"); library code reports the work it did through
:func:`aidledger._progress.advance`, which only adds to a counter. A thread draws the bar
on stderr, and only once the command has run for :data:`DELAY` seconds: quick commands
show nothing. Nothing is shown when stderr is not a terminal (piped, redirected, in CI),
with ``--quiet``, or without the optional ``progress`` extra (tqdm), which is imported
only then.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from typing import IO, Any

from aidledger import _progress

__all__ = ["DELAY", "Progress", "progress"]

#: Seconds a command runs before a bar is shown.
DELAY = 1.0
#: Seconds between two redraws.
TICK = 0.2


class Progress:
    """The phases of one command's work, drawn as a bar on *stream* by a thread (with
    *bar*, tqdm's class), or nothing at all (without)."""

    def __init__(
        self, stream: IO[str] | None = None, bar: Any = None, delay: float | None = None
    ) -> None:
        self._stream = stream
        self._bar_class = bar
        self._delay = DELAY if delay is None else delay
        self._start = time.monotonic()
        self._label = ""
        self._total: int | None = None
        self._done = 0
        self._bar: Any = None
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        if bar is not None:
            self._thread = threading.Thread(target=self._draw, name="aidledger-progress")
            self._thread.daemon = True
            self._thread.start()

    @contextlib.contextmanager
    def phase(self, label: str, total: int | None = None) -> Iterator[None]:
        """A phase of the work, *label* on the bar, out of *total* units of
        :func:`~aidledger._progress.advance` if known (else its elapsed time alone)."""
        with self._lock:
            self._label, self._total, self._done = label, total, 0
            self._close_bar()
        with _progress.task(self._step):
            yield

    def _step(self, amount: int) -> None:
        self._done += amount  # (read by the drawing thread; an int add is atomic enough)

    def _draw(self) -> None:
        while not self._stop.wait(TICK):
            if time.monotonic() - self._start < self._delay:
                continue
            with self._lock:
                if self._bar is None:
                    self._bar = self._open_bar()
                total = self._total
                self._bar.n = min(self._done, total) if total else self._done
                self._bar.refresh()

    def _open_bar(self) -> Any:
        if self._total:
            layout = "{desc}: {percentage:3.0f}%|{bar}| {elapsed}"
        else:
            layout = "{desc}… {elapsed}"
        return self._bar_class(
            total=self._total or None,
            desc=f"aidledger: {self._label}",
            file=self._stream,
            leave=False,
            dynamic_ncols=True,
            bar_format=layout,
            mininterval=TICK,
        )

    def _close_bar(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None

    def close(self) -> None:
        """Stop drawing and clear the bar."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        with self._lock:
            self._close_bar()


@contextlib.contextmanager
def progress(stream: IO[str], quiet: bool = False) -> Iterator[Progress]:
    """A :class:`Progress` that draws on *stream* if it is an interactive terminal (and
    not *quiet*, and tqdm is installed); else one that draws nothing."""
    bar: Any = None
    if not quiet and _interactive(stream):
        try:
            from tqdm import tqdm

            bar = tqdm
        except ImportError:
            pass
    shown = Progress(stream, bar)
    try:
        yield shown
    finally:
        shown.close()


def _interactive(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # no file, or a closed one
        return False
