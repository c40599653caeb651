"""Opening the embedded store after a crash: a full disk or a kill must never leave it unopenable.

LadybugDB writes a transaction to its write-ahead log (`<db>.wal`) before the database file. A
load interrupted while the disk was full can leave a WAL whose last record is cut off; LadybugDB
then refuses to open with "Checksum verification failed, the WAL file is corrupted" — even after
space is freed. The WAL of an interrupted load holds only uncommitted or unfinished work, so
moving it aside rolls that load back: the store opens with the content of the last completed
checkpoint. The file is kept (renamed, never deleted) and the user is told.

`free_space_error` is the other half: a write load checks the room it needs before starting.
"""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

import ladybug

# Phrases LadybugDB uses when a WAL cannot be replayed.
_CORRUPT_WAL = ("wal file is corrupted", "checksum verification failed", "corrupted wal", "wal record")
# Room a load needs beyond its input: the WAL and the checkpoint copy pages (measured: ~3x input).
LOAD_SPACE_FACTOR = 4
LOAD_SPACE_MINIMUM = 32 * 1024 * 1024


class StoreRecovered(UserWarning):
    """The store was opened after moving a corrupt WAL aside."""


def _is_corrupt_wal(exc: BaseException) -> bool:
    text = str(exc).lower()
    return any(phrase in text for phrase in _CORRUPT_WAL)


def open_database(path: Path, read_only: bool) -> ladybug.Database:
    """Open the database; if its WAL is corrupt, move the WAL aside, reopen, and say so on stderr."""
    try:
        return ladybug.Database(str(path), read_only=read_only)
    except RuntimeError as exc:
        wal = Path(f"{path}.wal")
        if not (_is_corrupt_wal(exc) and wal.exists()):
            raise
        aside = wal.with_name(f"{wal.name}.corrupt-{time.strftime('%Y%m%dT%H%M%S')}")
        wal.rename(aside)
        try:
            database = ladybug.Database(str(path), read_only=read_only)
        except RuntimeError:
            aside.rename(wal)  # it was not the WAL: leave everything as found
            raise
        print(
            f"已恢复 / recovered: the store's write-ahead log was corrupt (an interrupted write, e.g. a full disk); "
            f"it was moved to {aside} and the unfinished write rolled back. The store holds its content "
            "from before that write.",
            file=sys.stderr,
        )
        return database


def needed_bytes(inputs: list[Path]) -> int:
    size = 0
    for path in inputs:
        if path.is_dir():
            size += sum(p.stat().st_size for p in path.rglob("*") if p.is_file())
        elif path.is_file():
            size += path.stat().st_size
    return max(LOAD_SPACE_MINIMUM, LOAD_SPACE_FACTOR * size)


def free_space_error(directory: Path, inputs: list[Path]) -> str | None:
    """A message if the disk holding the store has less room than a load of these inputs needs."""
    probe = directory
    while not probe.exists() and probe != probe.parent:
        probe = probe.parent
    free = shutil.disk_usage(probe).free
    need = needed_bytes(inputs)
    if free >= need:
        return None
    return (
        f"磁盘空间不足 / not enough free space for this load at {directory}: {free / 2**20:,.1f} MiB free, "
        f"about {need / 2**20:,.1f} MiB needed. Nothing was written; free space and load again."
    )
