"""Progress on long work: a bar on an interactive terminal's stderr, nothing when piped
or with --quiet, and nothing printed by library code."""

from __future__ import annotations

import fcntl
import io
import os
import pty
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

import pytest

pytest.importorskip("tqdm")

from aidledger import _progress, _terminal
from aidledger.cli import main


def _read(master: int) -> str:
    os.set_blocking(master, False)
    chunks = []
    while True:
        try:
            chunk = os.read(master, 65536)
        except (BlockingIOError, OSError):
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks).decode("utf-8", "replace")


@pytest.fixture
def terminal(monkeypatch: pytest.MonkeyPatch) -> object:
    """A pseudo-terminal (an interactive one) to be stderr, bars shown at once."""
    master, slave = pty.openpty()
    # A terminal of 24 lines of 80 columns (a new pseudo-terminal has none).
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    stream = open(slave, "w", encoding="utf-8", closefd=True)  # noqa: SIM115
    monkeypatch.setattr(_terminal, "DELAY", 0.0)
    monkeypatch.setattr(_terminal, "TICK", 0.005)
    yield master, stream
    stream.close()
    os.close(master)


def test_a_terminal_shows_a_bar_of_the_phase_in_progress(terminal: object) -> None:
    master, stream = terminal  # type: ignore[misc]
    with _terminal.progress(stream) as shown, shown.phase("reading", 200):
        _progress.advance(100)
        time.sleep(0.1)
    stream.flush()
    out = _read(master)
    assert "aidledger: reading: " in out and " 50%|" in out


def test_the_command_line_shows_progress_on_a_terminal(
    terminal: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    master, stream = terminal  # type: ignore[misc]
    # (Here, not in the fixture: pytest sets its own stderr again before each test.)
    monkeypatch.setattr(sys, "stderr", stream)
    assert main(["plot", "-o", str(tmp_path / "chart.png")]) == 0
    stream.flush()
    out = _read(master)
    # (Reading the bundled ledger may be over before the first tick; drawing never is.)
    assert "aidledger: drawing" in out


def test_quiet_shows_nothing_on_a_terminal(
    terminal: object, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    master, stream = terminal  # type: ignore[misc]
    monkeypatch.setattr(sys, "stderr", stream)
    assert main(["plot", "--quiet", "-o", str(tmp_path / "chart.png")]) == 0
    stream.flush()
    assert _read(master) == ""


def test_nothing_when_stderr_is_piped(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "aidledger", "plot", "-o", str(tmp_path / "c.png")],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "COLUMNS": "80"},
    )
    assert done.returncode == 0
    assert done.stderr == ""


def test_a_stream_that_is_no_terminal_gets_no_bar() -> None:
    stream = io.StringIO()
    with _terminal.progress(stream) as shown, shown.phase("reading", 10):
        _progress.advance(10)
        time.sleep(0.01)
    assert stream.getvalue() == ""


def test_library_code_alone_prints_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    import aidledger

    aidledger.bundled().summarize().render()
    assert capsys.readouterr().err == ""
