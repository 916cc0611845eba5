"""Inputs that are not regular files (a FIFO, a device, a directory) are refused up front
by every reader, never read until they end (which a FIFO or /dev/zero never does)."""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

import aidledger
from aidledger import LoadError, load_rates
from aidledger._files import open_input, read_bytes
from aidledger.cli import main
from aidledger.importers import kiel, mapping
from tests.conftest import FIXTURES

MAPPING = FIXTURES / "mapping" / "weapons.toml"


def within(
    seconds: float, call: Callable[[], object], fifo: Path | None = None
) -> BaseException | None:
    """Run *call* in a thread; what it raised (None: it returned). A call still running
    after *seconds* fails the test, after a writer opens *fifo* to let the thread go."""
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            call()
            outcome.append(None)
        except BaseException as error:
            outcome.append(error)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        if fifo is not None:  # unblock the reader: a writer comes and goes at once
            os.close(os.open(fifo, os.O_WRONLY | os.O_NONBLOCK))
        thread.join(seconds)
        pytest.fail(f"{call} still reading after {seconds} s: it waits on the input")
    return outcome[0]


@pytest.fixture(params=["fifo", "directory", "device"])
def special(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[Path, str]:
    """A path that is no regular file, with an extension every reader takes, and its kind."""
    kind: str = request.param
    path = tmp_path / "input.csv"
    if kind == "fifo":
        os.mkfifo(path)
        return path, "a FIFO"
    if kind == "directory":
        path.mkdir()
        return path, "a directory"
    if not os.path.exists("/dev/zero"):
        pytest.skip("no /dev/zero here")
    path.symlink_to("/dev/zero")  # a device that never ends, under a name readers take
    return path, "a character device"


def readers(path: Path) -> list[Callable[[], object]]:
    """Every way aidledger reads a file, each given *path* (and copies with other names)."""
    json_path, jsonl_path = path.with_suffix(".json"), path.with_suffix(".jsonl")
    for other in (json_path, jsonl_path):
        if not os.path.lexists(other):
            other.symlink_to(path)
    rules = mapping.read_mapping(MAPPING)
    return [
        lambda: aidledger.load(path),
        lambda: aidledger.load(json_path),
        lambda: aidledger.load(jsonl_path),
        lambda: load_rates(path),
        lambda: mapping.read_mapping(path),
        lambda: mapping.read(path, rules),
        lambda: kiel.read(path),
        lambda: read_bytes(path),
    ]


@pytest.mark.parametrize("reader", range(8))
def test_every_reader_refuses_what_is_not_a_regular_file(
    special: tuple[Path, str], reader: int
) -> None:
    path, kind = special
    error = within(10, readers(path)[reader], fifo=path if kind == "a FIFO" else None)
    assert isinstance(error, LoadError), error
    assert str(error).endswith(
        f"is not a regular file (it is {kind}): only a regular file is read"
    )
    assert error.file is not None and error.file.startswith(str(path.with_suffix("")))


@pytest.mark.parametrize(
    "argv",
    [
        ["summary", "{fifo}"],
        ["validate", "{fifo}"],
        ["validate", "--rates", "{fifo}"],
        ["convert", "{fifo}", "out.json"],
        ["import", "kiel", "{fifo}", "-o", "out.json"],
        ["import", "csv", "{fifo}", "--map", str(MAPPING), "-o", "out.json"],
        [
            "import",
            "csv",
            str(FIXTURES / "mapping" / "weapons.csv"),
            "--map",
            "{fifo}",
            "-o",
            "out.json",
        ],
    ],
)
def test_the_command_refuses_a_fifo_at_once(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
) -> None:
    monkeypatch.chdir(tmp_path)
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    statuses: list[int] = []
    error = within(10, lambda: statuses.append(main([a.format(fifo=fifo) for a in argv])), fifo)
    assert error is None and statuses == [2]
    refused = f"{fifo}: is not a regular file (it is a FIFO): only a regular file is read"
    out, err = capsys.readouterr()
    if argv == ["validate", "{fifo}"]:  # validate lists a ledger's load problems as errors
        assert (
            out.splitlines()[0]
            == f"{fifo}: error: is not a regular file (it is a FIFO): only a regular file is read"
        )
    else:
        assert err == f"aidledger: error: {refused}\n"
    assert sorted(os.listdir(tmp_path)) == ["pipe.csv"]


def test_a_regular_file_reads_as_before(tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes(b"date,base,quote,rate\n")
    with open_input(path) as stream:
        assert stream.read() == b"date,base,quote,rate\n"
    assert read_bytes(path, limit=21) == b"date,base,quote,rate\n"
    with pytest.raises(LoadError, match=r"a\.csv: is larger than 20 bytes"):
        read_bytes(path, limit=20)
    with pytest.raises(LoadError, match=r"missing\.csv: cannot be read: No such file"):
        open_input(tmp_path / "missing.csv")
