"""Saving: atomic, with the target's mode and owner, through symbolic links, outputs of a
command together, temporary files removed on signals and when stale (docs/interchange.md)."""

from __future__ import annotations

import errno
import os
import re
import signal
import stat
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import aidledger
from aidledger import _files
from aidledger.cli import main
from aidledger.importers.report import ImportReport

TEMPORARY = re.compile(r"\.(.+)\.aidledger-[0-9a-f]{12}\.tmp")
HEADER = "id,date,donor,system,quantity,amount,currency,status\n"


@pytest.fixture
def ledger() -> aidledger.Ledger:
    return aidledger.bundled()


@pytest.fixture
def umask() -> Iterator[None]:
    """A known umask (022) for the test, restored after it."""
    previous = os.umask(0o022)
    yield
    os.umask(previous)


def listing(folder: Path) -> list[str]:
    return sorted(os.listdir(folder))


# --- the temporary file ---------------------------------------------------------------------


def test_the_temporary_file_has_our_name_beside_the_target(tmp_path: Path) -> None:
    seen: list[str] = []

    def write(stream: object) -> None:
        seen.extend(listing(tmp_path))

    _files.write_together([(tmp_path / "ledger.csv", write)])
    assert len(seen) == 1
    match = TEMPORARY.fullmatch(seen[0])
    assert match is not None and match.group(1) == "ledger.csv"
    assert listing(tmp_path) == ["ledger.csv"]


def test_a_long_target_name_still_gets_a_temporary_file(
    tmp_path: Path, ledger: aidledger.Ledger
) -> None:
    target = tmp_path / ("x" * 240 + ".csv")
    aidledger.save(ledger, target)
    assert listing(tmp_path) == [target.name]


def test_a_failed_save_leaves_the_old_file_and_no_temporary(
    tmp_path: Path, ledger: aidledger.Ledger
) -> None:
    target = tmp_path / "ledger.json"
    aidledger.save(ledger, target)
    before = target.read_bytes()

    def fail(stream: object) -> None:
        raise KeyboardInterrupt  # what SIGINT raises: not an Exception, still cleaned up

    with pytest.raises(KeyboardInterrupt):
        _files.write_together([(target, fail)])
    assert target.read_bytes() == before
    assert listing(tmp_path) == ["ledger.json"]


def test_stale_temporary_files_of_ours_are_removed_by_the_next_save(
    tmp_path: Path, ledger: aidledger.Ledger
) -> None:
    old = time.time() - _files.STALE_AFTER - 60
    ours_old = tmp_path / ".ledger.csv.aidledger-0123456789ab.tmp"
    ours_fresh = tmp_path / ".ledger.csv.aidledger-ba9876543210.tmp"  # a save in progress
    other_target = tmp_path / ".other.csv.aidledger-0123456789ab.tmp"
    not_ours = tmp_path / ".ledger.csv.x1y2z3.tmp"
    for path in (ours_old, ours_fresh, other_target, not_ours):
        path.write_text("half a ledger")
    for path in (ours_old, other_target, not_ours):
        os.utime(path, (old, old))
    a_link = tmp_path / ".ledger.csv.aidledger-aaaaaaaaaaaa.tmp"
    a_link.symlink_to(tmp_path / "elsewhere")
    os.utime(a_link, (old, old), follow_symlinks=False)
    aidledger.save(ledger, tmp_path / "ledger.csv")
    assert not ours_old.exists()
    assert ours_fresh.exists() and other_target.exists() and not_ours.exists()
    assert a_link.is_symlink()  # only regular files are removed


# --- mode, owner, links -----------------------------------------------------------------------


@pytest.mark.usefixtures("umask")
def test_a_new_file_gets_the_umask_mode(tmp_path: Path, ledger: aidledger.Ledger) -> None:
    for name in ("new.csv", "new.json", "new.jsonl"):
        aidledger.save(ledger, tmp_path / name)
        assert stat.S_IMODE(os.stat(tmp_path / name).st_mode) == 0o644, name
    report = ImportReport(source="x")
    report.write(tmp_path / "report.csv")
    assert stat.S_IMODE(os.stat(tmp_path / "report.csv").st_mode) == 0o644


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o444, 0o755])
def test_a_replaced_file_keeps_its_mode(
    tmp_path: Path, ledger: aidledger.Ledger, mode: int
) -> None:
    target = tmp_path / "ledger.csv"
    target.write_text("old")
    os.chmod(target, mode)
    aidledger.save(ledger, target)
    assert stat.S_IMODE(os.stat(target).st_mode) == mode
    assert aidledger.load(target).records == ledger.records


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root to chown")
def test_a_replaced_file_keeps_its_owner(tmp_path: Path, ledger: aidledger.Ledger) -> None:
    target = tmp_path / "ledger.csv"
    target.write_text("old")
    os.chown(target, 12345, 23456)
    os.chmod(target, 0o660)
    aidledger.save(ledger, target)
    status = os.stat(target)
    assert (status.st_uid, status.st_gid, stat.S_IMODE(status.st_mode)) == (12345, 23456, 0o660)


def test_a_symlinked_target_is_updated_and_the_link_stays(
    tmp_path: Path, ledger: aidledger.Ledger
) -> None:
    data, links = tmp_path / "data", tmp_path / "links"
    data.mkdir()
    links.mkdir()
    real = data / "ledger.csv"
    real.write_text("old")
    os.chmod(real, 0o640)
    (links / "middle.csv").symlink_to(real)
    (links / "ledger.csv").symlink_to(links / "middle.csv")  # a chain of two links
    aidledger.save(ledger, links / "ledger.csv")
    assert (links / "ledger.csv").is_symlink() and (links / "middle.csv").is_symlink()
    assert os.readlink(links / "middle.csv") == str(real)
    assert aidledger.load(real).records == ledger.records
    assert stat.S_IMODE(os.stat(real).st_mode) == 0o640
    assert listing(data) == ["ledger.csv"]  # the temporary file was beside the real file
    assert listing(links) == ["ledger.csv", "middle.csv"]


def test_a_dangling_link_gets_its_file(tmp_path: Path, ledger: aidledger.Ledger) -> None:
    link = tmp_path / "ledger.json"
    link.symlink_to(tmp_path / "real.json")
    aidledger.save(ledger, link)
    assert link.is_symlink() and (tmp_path / "real.json").is_file()


def test_a_loop_of_links_is_an_error(tmp_path: Path, ledger: aidledger.Ledger) -> None:
    (tmp_path / "a.csv").symlink_to(tmp_path / "b.csv")
    (tmp_path / "b.csv").symlink_to(tmp_path / "a.csv")
    with pytest.raises(OSError, match="loop of symbolic links") as caught:
        aidledger.save(ledger, tmp_path / "a.csv")
    assert caught.value.errno == errno.ELOOP
    assert listing(tmp_path) == ["a.csv", "b.csv"]


@pytest.mark.parametrize("kind", ["fifo", "directory"])
def test_only_a_regular_file_is_replaced(
    tmp_path: Path, ledger: aidledger.Ledger, kind: str
) -> None:
    target = tmp_path / "ledger.csv"
    os.mkfifo(target) if kind == "fifo" else target.mkdir()
    with pytest.raises(
        OSError, match=r"is not a regular file \(it is a .*\): only a regular file is replaced"
    ):
        aidledger.save(ledger, target)
    assert stat.S_ISFIFO(os.lstat(target).st_mode) or target.is_dir()
    assert listing(tmp_path) == ["ledger.csv"]


def test_save_installs_no_signal_handler(tmp_path: Path, ledger: aidledger.Ledger) -> None:
    before = {s: signal.getsignal(s) for s in (signal.SIGTERM, signal.SIGINT)}
    seen = {}

    def write(stream: object) -> None:
        seen.update({s: signal.getsignal(s) for s in before})

    _files.write_together([(tmp_path / "x.csv", write)])
    assert seen == before  # a library leaves the program's signals alone
    with _files.removing_on_signals():
        assert signal.getsignal(signal.SIGTERM) is not before[signal.SIGTERM]
    assert {s: signal.getsignal(s) for s in before} == before


def test_removing_on_signals_does_nothing_outside_the_main_thread() -> None:
    errors: list[BaseException] = []

    def run() -> None:
        try:
            with _files.removing_on_signals():
                pass
        except BaseException as error:  # pragma: no cover - the failure shown
            errors.append(error)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(10)
    assert errors == []


# --- signals mid-save (a real process) ---------------------------------------------------------

# The save is stopped after the whole ledger is in the temporary file, before the rename:
# the signal arrives mid-save whatever the machine's speed.
MID_SAVE = textwrap.dedent(
    """
    import sys, time
    import aidledger.io
    from aidledger.cli import main

    real = aidledger.io.write_csv

    def slow(stream, ledger, **options):
        real(stream, ledger, **options)
        stream.flush()
        print("writing", flush=True)
        time.sleep(60)

    aidledger.io.write_csv = slow
    sys.exit(main(sys.argv[1:]))
    """
)


@pytest.fixture(scope="module")
def big_ledger(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A JSON Lines ledger of 20,000 records (a few MB once written as CSV)."""
    path = tmp_path_factory.mktemp("big") / "big.jsonl"
    lines = [
        f'{{"id": "p{n}", "date": "2023-01-01", "donor": "US", "status": "pledged", '
        f'"quantity": {n}, "source": "https://example.org/{"x" * 100}"}}\n'
        for n in range(20_000)
    ]
    path.write_text("".join(lines))
    return path


@pytest.mark.parametrize(
    ("signum", "status"),
    [(signal.SIGTERM, -signal.SIGTERM), (signal.SIGINT, 130), (signal.SIGHUP, -signal.SIGHUP)],
)
@pytest.mark.parametrize("existing", [False, True])
def test_a_signal_mid_save_leaves_no_temporary_file(
    tmp_path: Path, big_ledger: Path, signum: int, status: int, existing: bool
) -> None:
    target = tmp_path / "out.csv"
    if existing:
        target.write_text("the old ledger")
    process = subprocess.Popen(
        [sys.executable, "-c", MID_SAVE, "convert", str(big_ledger), str(target)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        assert process.stdout.readline() == "writing\n"
        temporaries = [n for n in listing(tmp_path) if TEMPORARY.fullmatch(n)]
        assert len(temporaries) == 1
        assert os.path.getsize(tmp_path / temporaries[0]) > 2_000_000
        process.send_signal(signum)
        assert process.wait(timeout=30) == status
    finally:
        process.kill()
        process.wait()
    assert "Traceback" not in process.stderr.read()  # type: ignore[union-attr]
    assert listing(tmp_path) == (["out.csv"] if existing else [])
    if existing:
        assert target.read_text() == "the old ledger"


# --- outputs written together ----------------------------------------------------------------


def test_outputs_are_renamed_only_when_all_are_written(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text("old b")

    def first(stream: object) -> None:
        stream.write("new a")  # type: ignore[attr-defined]

    def second(stream: object) -> None:
        stream.write("half of b")  # type: ignore[attr-defined]
        raise OSError(errno.ENOSPC, "No space left on device")

    with pytest.raises(OSError, match="No space") as caught:
        _files.write_together([(tmp_path / "a.txt", first), (tmp_path / "b.txt", second)])
    assert caught.value.filename == str(tmp_path / "b.txt")  # the target, not a temporary
    assert listing(tmp_path) == ["b.txt"]
    assert (tmp_path / "b.txt").read_text() == "old b"
    _files.write_together([(tmp_path / "a.txt", first), (tmp_path / "b.txt", first)])
    assert (tmp_path / "a.txt").read_text() == (tmp_path / "b.txt").read_text() == "new a"


def test_two_outputs_to_one_file_are_refused(tmp_path: Path) -> None:
    (tmp_path / "link.txt").symlink_to(tmp_path / "a.txt")
    with pytest.raises(_files.SameFileError, match="output 2 is the same file as output 1"):
        _files.write_together([(tmp_path / "a.txt", print), (tmp_path / "link.txt", print)])
    assert listing(tmp_path) == ["link.txt"]


def test_the_import_report_is_written_atomically(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    report = ImportReport(source="x")
    report.add(2, "Count", "?", "left blank (undisclosed)", "blank")
    target = tmp_path / "report.csv"
    target.write_text("the old report")

    def crash(self: ImportReport, stream: object) -> None:
        stream.write("row,col")  # type: ignore[attr-defined]
        raise OSError(errno.EIO, "Input/output error")

    monkeypatch.setattr(ImportReport, "write_csv", crash)
    with pytest.raises(OSError, match="Input/output"):
        report.write(target)
    assert target.read_text() == "the old report"
    assert listing(tmp_path) == ["report.csv"]


@pytest.fixture
def weapons(tmp_path: Path) -> tuple[Path, Path]:
    from tests.conftest import FIXTURES

    source, mapping = tmp_path / "weapons.csv", tmp_path / "weapons.toml"
    source.write_bytes((FIXTURES / "mapping" / "weapons.csv").read_bytes())
    mapping.write_bytes((FIXTURES / "mapping" / "weapons.toml").read_bytes())
    return source, mapping


def test_an_import_whose_report_fails_writes_no_ledger(
    tmp_path: Path,
    weapons: tuple[Path, Path],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    source, mapping = weapons
    out, report = tmp_path / "out.json", tmp_path / "report.csv"

    def crash(self: ImportReport, stream: object) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(ImportReport, "write_csv", crash)
    argv = ["import", "csv", str(source), "--map", str(mapping), "-o", str(out), "--report"]
    assert main([*argv, str(report)]) == 2
    assert capsys.readouterr().err == (
        f"aidledger: error: {report}: cannot be written: No space left on device\n"
    )
    assert listing(tmp_path) == ["weapons.csv", "weapons.toml"]
    monkeypatch.undo()
    assert main([*argv, str(tmp_path / "missing" / "report.csv")]) == 2
    assert (
        "missing/report.csv: cannot be written: No such file or directory"
        in capsys.readouterr().err
    )
    assert listing(tmp_path) == ["weapons.csv", "weapons.toml"]
    assert main([*argv, str(report)]) == 0
    assert listing(tmp_path) == ["out.json", "report.csv", "weapons.csv", "weapons.toml"]


# --- no output over an input or another output -----------------------------------------------


def collisions(folder: Path) -> list[tuple[list[str], str]]:
    """Commands whose output is one of their inputs or another output: argv, and the message."""
    kiel = "kiel.csv"
    return [
        (["import", "kiel", kiel, "-o", kiel], f"{kiel}: -o is the same file as SOURCE {kiel}"),
        (
            ["import", "kiel", kiel, "-o", "k.json", "--report", kiel],
            "--report is the same file as SOURCE",
        ),
        (
            ["import", "kiel", kiel, "-o", "k.csv", "--report", "k.csv"],
            "--report is the same file as -o k.csv: each output needs a file of its own",
        ),
        (["import", "kiel", kiel, "-o", "./sub/../kiel.csv"], "-o is the same file as SOURCE"),
        (["import", "kiel", kiel, "-o", "link.csv"], "-o is the same file as SOURCE"),
        (["import", "kiel", kiel, "-o", "hard.csv"], "-o is the same file as SOURCE"),
        (
            ["import", "csv", "weapons.csv", "--map", "weapons.toml", "-o", "weapons.csv"],
            "-o is the same file as SOURCE",
        ),
        (
            ["import", "csv", "weapons.csv", "--map", "weapons.toml", "-o", "map-hard.json"],
            "-o is the same file as --map weapons.toml",
        ),
        (
            ["convert", "pledges.csv", "pledges.csv"],
            "pledges.csv: OUT is the same file as IN pledges.csv",
        ),
        (["convert", "pledges.csv", "./pledges.csv"], "OUT is the same file as IN"),
        (["convert", "pledges.csv", str(folder / "pledges.csv")], "OUT is the same file as IN"),
        (["convert", "pledges.csv", "pledges-link.json"], "OUT is the same file as IN"),
        (["plot", "pledges.csv", "-o", "chart.png"], "-o is the same file as LEDGER pledges.csv"),
    ]


@pytest.mark.parametrize("case", range(13))
def test_no_command_writes_over_its_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], case: int
) -> None:
    from tests.conftest import FIXTURES

    monkeypatch.chdir(tmp_path)
    (tmp_path / "sub").mkdir()
    for name, source in [
        ("kiel.csv", FIXTURES / "kiel" / "kiel-excerpt.csv"),
        ("weapons.csv", FIXTURES / "mapping" / "weapons.csv"),
        ("weapons.toml", FIXTURES / "mapping" / "weapons.toml"),
        ("pledges.csv", FIXTURES / "docs" / "pledges.csv"),
    ]:
        (tmp_path / name).write_bytes(source.read_bytes())
    Path("link.csv").symlink_to("kiel.csv")
    os.link("kiel.csv", "hard.csv")
    os.link("weapons.toml", "map-hard.json")
    Path("pledges-link.json").symlink_to(tmp_path / "pledges.csv")
    Path("chart.png").symlink_to("pledges.csv")
    before = {
        p.name: (p.read_bytes(), p.lstat().st_mtime_ns) for p in tmp_path.iterdir() if p.is_file()
    }
    argv, message = collisions(tmp_path)[case]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("aidledger: error: ") and message in err, err
    assert "never writes over its own input" in err or "each output needs" in err
    after = {
        p.name: (p.read_bytes(), p.lstat().st_mtime_ns) for p in tmp_path.iterdir() if p.is_file()
    }
    assert after == before  # nothing written, nothing new


def test_distinct_outputs_are_allowed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.conftest import FIXTURES

    monkeypatch.chdir(tmp_path)
    Path("kiel.csv").write_bytes((FIXTURES / "kiel" / "kiel-excerpt.csv").read_bytes())
    assert main(["import", "kiel", "kiel.csv", "-o", "kiel.json", "--report", "report.csv"]) == 0
    assert main(["convert", "kiel.json", "kiel-again.csv"]) == 0
    assert main(["convert", "kiel-again.csv", "kiel.json"]) == 0  # an output of before
