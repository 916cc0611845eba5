"""How aidledger touches files: inputs that are regular files, outputs replaced atomically.

Reading: every file aidledger reads (ledgers, rates, mappings, import sources) is opened
through :func:`open_input`, which refuses what is not a regular file (a FIFO would block
forever, a device never ends) before reading a byte.

Writing: an output is written to a temporary file of our own naming beside its target
(``.NAME.aidledger-XXXXXXXXXXXX.tmp``), flushed to disk, given the target's mode and owner,
then renamed over the target; a symbolic link is followed, so the file it points to is
updated and the link stays. The outputs of one command are written together
(:func:`write_together`): every temporary file is complete before any is renamed.
A temporary file left by a killed process is removed by the next save to that target
once it is an hour old; :func:`removing_on_signals` lets a command line remove its own
when SIGTERM, SIGINT or SIGHUP arrives mid-save. See docs/interchange.md.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import os
import re
import secrets
import signal
import stat
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import FrameType
from typing import BinaryIO, TextIO

from aidledger.errors import AidLedgerError, LoadError

__all__ = [
    "STALE_AFTER",
    "BinaryWriter",
    "SameFileError",
    "check_input",
    "check_outputs",
    "open_input",
    "read_bytes",
    "remove_stale",
    "removing_on_signals",
    "replacing",
    "replacing_together",
    "write_together",
]

StrPath = str | os.PathLike[str]


class BinaryWriter:
    """Writes one whole output to an open binary stream (a seekable file): for outputs
    that are not text, such as an Excel workbook."""

    def __init__(self, write: Callable[[BinaryIO], object]) -> None:
        self.write = write

    def __call__(self, stream: BinaryIO) -> object:
        return self.write(stream)


#: Writes one whole output: to an open text stream (UTF-8, ``newline=""``), or, as a
#: :class:`BinaryWriter`, to a binary one.
Writer = Callable[[TextIO], object] | BinaryWriter

#: Seconds after which a temporary file of ours is taken for one a killed process left.
STALE_AFTER = 3600.0

_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_KINDS = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)


class SameFileError(AidLedgerError, ValueError):
    """An output of a command is one of its inputs, or another of its outputs."""


# --- inputs ---------------------------------------------------------------------------------


def _not_regular(mode: int) -> str:
    kind = next((name for test, name in _KINDS if test(mode)), "no file")
    return f"is not a regular file (it is {kind})"


def open_input(path: StrPath, name: str | None = None) -> BinaryIO:
    """Open *path* for reading bytes; a :class:`~aidledger.errors.LoadError` naming the
    file (as *name*, default *path*) when it cannot be opened or is not a regular file.

    The file is opened without waiting (``O_NONBLOCK``), so a FIFO with no writer is
    refused instead of blocking, then checked on the open descriptor (no race).
    """
    file = os.fspath(path) if name is None else name
    try:
        descriptor = os.open(path, os.O_RDONLY | _NONBLOCK)
    except OSError as error:
        raise LoadError(f"cannot be read: {error.strerror or error}", file=file) from None
    try:
        mode = os.fstat(descriptor).st_mode
        if not stat.S_ISREG(mode):
            raise LoadError(f"{_not_regular(mode)}: only a regular file is read", file=file)
        if _NONBLOCK:
            os.set_blocking(descriptor, True)
        return os.fdopen(descriptor, "rb")
    except BaseException:
        os.close(descriptor)
        raise


def read_bytes(path: StrPath, name: str | None = None, limit: int | None = None) -> bytes:
    """The whole content of the regular file *path* (see :func:`open_input`); with
    *limit*, a file of more bytes than that is refused (a mapping is small)."""
    file = os.fspath(path) if name is None else name
    with open_input(path, file) as stream:
        try:
            data = stream.read() if limit is None else stream.read(limit + 1)
        except OSError as error:
            raise LoadError(f"cannot be read: {error.strerror or error}", file=file) from None
    if limit is not None and len(data) > limit:
        raise LoadError(f"is larger than {limit} bytes, more than such a file holds", file=file)
    return data


def check_input(path: StrPath, name: str | None = None) -> None:
    """Refuse *path* up front when it exists and is not a regular file; a missing or
    unreadable file is left to the reader, which says why it cannot be read."""
    try:
        mode = os.stat(path).st_mode
    except (OSError, ValueError):
        return
    if not stat.S_ISREG(mode):
        file = os.fspath(path) if name is None else name
        raise LoadError(f"{_not_regular(mode)}: only a regular file is read", file=file)


def _identities(path: StrPath) -> set[object]:
    """What makes two paths one file: the resolved path, and device and inode if it exists."""
    keys: set[object] = {os.path.realpath(path)}
    with contextlib.suppress(OSError, ValueError):
        status = os.stat(path)
        keys.add((status.st_dev, status.st_ino))
    return keys


def check_outputs(
    outputs: Sequence[tuple[str, StrPath]], inputs: Sequence[tuple[str, StrPath]] = ()
) -> None:
    """Refuse outputs that are one of the *inputs* or another output: the same resolved
    path (through symbolic links, ``./``, ``..``) or the same file (a hard link).

    Each path comes with the name a user knows it by (``"-o"``, ``"SOURCE"``); the
    :class:`SameFileError` names both paths and both names.
    """
    own_input = "a command never writes over its own input"
    seen = [(label, path, _identities(path), own_input) for label, path in inputs]
    for label, path in outputs:
        keys = _identities(path)
        for other_label, other, other_keys, why in seen:
            if keys & other_keys:
                raise SameFileError(
                    f"{os.fspath(path)}: {label} is the same file as {other_label} "
                    f"{os.fspath(other)}: {why}"
                )
        seen.append((label, path, keys, "each output needs a file of its own"))


# --- outputs --------------------------------------------------------------------------------


def _stem(name: str) -> str:
    """The target's name as temporary names carry it: long names by a digest, so that
    the temporary name stays within a file system's limit (255 bytes)."""
    if len(os.fsencode(name)) <= 120:
        return name
    return hashlib.sha256(os.fsencode(name)).hexdigest()[:20]


def _temporaries(name: str) -> re.Pattern[str]:
    return re.compile(rf"\.{re.escape(_stem(name))}\.aidledger-[0-9a-f]{{12}}\.tmp")


def _resolve(path: StrPath) -> Path:
    """The file to replace: *path* with every symbolic link followed."""
    resolved = Path(os.path.realpath(path))
    if resolved.is_symlink():  # realpath stops at a loop
        raise OSError(errno.ELOOP, "is a loop of symbolic links", os.fspath(path))
    return resolved


def remove_stale(target: Path, older_than: float = STALE_AFTER) -> None:
    """Remove the temporary files of ours for *target* that a killed save left behind:
    regular files, owned by this user, untouched for *older_than* seconds."""
    pattern = _temporaries(target.name)
    limit = time.time() - older_than
    user = os.geteuid() if hasattr(os, "geteuid") else None
    with contextlib.suppress(OSError), os.scandir(target.parent) as entries:
        for entry in entries:
            if not pattern.fullmatch(entry.name):
                continue
            with contextlib.suppress(OSError):
                status = entry.stat(follow_symlinks=False)
                mine = user is None or status.st_uid == user
                if stat.S_ISREG(status.st_mode) and mine and status.st_mtime < limit:
                    os.unlink(entry.path)


class _Replacement:
    """One output on its way: a temporary file beside its resolved target."""

    def __init__(self, path: StrPath) -> None:
        self.target = _resolve(path)
        try:
            self.existing: os.stat_result | None = os.stat(self.target)
        except FileNotFoundError:
            self.existing = None
        if self.existing is not None and not stat.S_ISREG(self.existing.st_mode):
            reason = f"{_not_regular(self.existing.st_mode)}: only a regular file is replaced"
            raise OSError(errno.EEXIST, reason, os.fspath(path))
        remove_stale(self.target)
        # A new file gets the mode any new file gets (0666 less the umask); an existing
        # one's mode is set once it is written (a read-only mode would stop the writer).
        mode = 0o600 if self.existing is not None else 0o666
        while True:
            name = f".{_stem(self.target.name)}.aidledger-{secrets.token_hex(6)}.tmp"
            self.temporary = self.target.parent / name
            try:
                os.close(os.open(self.temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode))
                break
            except FileExistsError:  # pragma: no cover - 48 random bits
                continue
        self.committed = False

    def flush(self) -> None:
        """Put the written file on disk, with the mode and owner of the file it replaces."""
        with open(self.temporary, "rb+") as written:
            descriptor = written.fileno()
            if self.existing is not None:
                _copy_owner(descriptor, self.existing)
                if hasattr(os, "fchmod"):
                    os.fchmod(descriptor, stat.S_IMODE(self.existing.st_mode))
                else:  # pragma: no cover - Windows
                    os.chmod(self.temporary, stat.S_IMODE(self.existing.st_mode))
            os.fsync(descriptor)

    def commit(self) -> None:
        os.replace(self.temporary, self.target)
        self.committed = True

    def discard(self) -> None:
        if not self.committed:
            with contextlib.suppress(OSError):
                os.unlink(self.temporary)


def _copy_owner(descriptor: int, existing: os.stat_result) -> None:
    """Keep the replaced file's owner and group where this user may (root may; anyone may
    keep a group they belong to); else the new file is this user's, as any file is."""
    if not hasattr(os, "fchown"):  # pragma: no cover - Windows
        return
    if (existing.st_uid, existing.st_gid) == (os.geteuid(), os.getegid()):
        return
    try:
        os.fchown(descriptor, existing.st_uid, existing.st_gid)
    except OSError:
        with contextlib.suppress(OSError):
            os.fchown(descriptor, -1, existing.st_gid)


@contextlib.contextmanager
def replacing_together(paths: Sequence[StrPath]) -> Iterator[list[Path]]:
    """Temporary paths beside each of *paths*: when the block ends without an error, every
    file written there is flushed to disk, then each is renamed over its target, in
    order; on an error (or a signal, see :func:`removing_on_signals`) all are removed and
    no target is touched. Two paths that are one file are a :class:`SameFileError`."""
    check_outputs([(f"output {n}", path) for n, path in enumerate(paths, start=1)])
    pending: list[_Replacement] = []
    try:
        for path in paths:
            with _naming(path):
                pending.append(_Replacement(path))
        yield [replacement.temporary for replacement in pending]
        for path, replacement in zip(paths, pending, strict=True):
            with _naming(path):
                replacement.flush()
        for path, replacement in zip(paths, pending, strict=True):
            with _naming(path):
                replacement.commit()
    except BaseException:
        for replacement in pending:
            replacement.discard()
        raise
    for folder in dict.fromkeys(replacement.target.parent for replacement in pending):
        _sync_folder(folder)


@contextlib.contextmanager
def replacing(path: StrPath) -> Iterator[Path]:
    """A temporary path beside *path*; when the block ends without an error, the file
    written there is flushed to disk and renamed over *path*; else it is removed."""
    with replacing_together([path]) as (temporary,):
        yield temporary


def write_together(outputs: Sequence[tuple[StrPath, Writer]], *, signals: bool = False) -> None:
    """Write each ``(path, writer)`` of *outputs* atomically, all or none: each writer
    fills a temporary text file (UTF-8; a :class:`BinaryWriter` a binary one); only when
    every one is complete are they renamed over their targets. With *signals* (command
    lines only), SIGTERM, SIGINT and SIGHUP during the write remove the temporary files
    first (:func:`removing_on_signals`).
    """
    with (
        removing_on_signals() if signals else contextlib.nullcontext(),
        replacing_together([path for path, _ in outputs]) as temporaries,
    ):
        for (path, write), temporary in zip(outputs, temporaries, strict=True):
            with _naming(path):
                if isinstance(write, BinaryWriter):
                    with open(temporary, "wb") as binary:
                        write(binary)
                else:
                    with open(temporary, "w", encoding="utf-8", newline="") as stream:
                        write(stream)


@contextlib.contextmanager
def _naming(path: StrPath) -> Iterator[None]:
    """An ``OSError`` within names *path* (the target as given), not a temporary file."""
    try:
        yield
    except OSError as error:
        if error.errno is None:
            raise
        raise type(error)(error.errno, error.strerror, os.fspath(path)) from error


def _sync_folder(folder: Path) -> None:
    # The rename is durable once the folder's entry is on disk (POSIX; a no-op elsewhere).
    with contextlib.suppress(OSError):
        descriptor = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)


# --- signals --------------------------------------------------------------------------------

_SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGTERM", "SIGINT", "SIGHUP") if hasattr(signal, name)
)


class _Interrupted(BaseException):
    """A signal arrived during a save: unwinds it, so that its temporary files go."""


@contextlib.contextmanager
def removing_on_signals() -> Iterator[None]:
    """For a command line's writes: SIGTERM, SIGINT and SIGHUP during the block unwind it
    (temporary files are removed), then the signal is delivered again under the handler
    that was there before, which usually ends the process as the signal would have.

    A library must not take signals from the program that uses it, so nothing else in
    aidledger installs handlers; here they are installed only for the block, only from
    the main thread, never for a signal that is ignored (``nohup``), and then restored.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    active = [True]

    def interrupt(signum: int, frame: FrameType | None) -> None:
        caught.append(signum)
        # Only the first unwinds, and only within the block: later ones must not break
        # off the cleaning up or the restoring of handlers; they are delivered after.
        if active[0] and len(caught) == 1:
            raise _Interrupted(signum)

    previous = {}
    for signum in _SIGNALS:
        handler = signal.getsignal(signum)
        if handler is not signal.SIG_IGN:
            previous[signum] = signal.signal(signum, interrupt)
    try:
        yield
    except _Interrupted:
        pass
    finally:
        active[0] = False
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if caught:
        signal.raise_signal(caught[0])
        # Still here: the old handler let the signal go; the save did not happen.
        raise SystemExit(128 + caught[0])
