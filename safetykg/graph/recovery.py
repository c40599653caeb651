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

import os
import shutil
import sys
import time
from pathlib import Path

import ladybug

# Phrases LadybugDB uses when a WAL cannot be replayed (measured: a load on a full tmpfs leaves a WAL
# cut mid-page: "Reading past the end of the file …/safetykg.lbug.wal"; others report a checksum).
_CORRUPT_WAL = ("corrupted", "checksum verification failed", "reading past the end of the file")
# Room a load needs: WAL, database pages and the checkpoint shadow (measured peak: 11x a 2.6 MB YAML input).
LOAD_SPACE_FACTOR = 12
LOAD_SPACE_MINIMUM = 8 * 1024 * 1024


class StoreRecovered(UserWarning):
    """The store was opened after moving a corrupt WAL aside."""


def _is_corrupt_wal(exc: BaseException) -> bool:
    text = str(exc).lower()
    return "wal" in text and any(phrase in text for phrase in _CORRUPT_WAL)


def open_database(path: Path, read_only: bool, buffer_pool_bytes: int = 0) -> ladybug.Database:
    """Open the database; if its WAL is corrupt, move the WAL aside, reopen, and say so on stderr.

    `buffer_pool_bytes` caps the engine's page cache (0: LadybugDB's default, most of the RAM).
    """
    try:
        return ladybug.Database(str(path), read_only=read_only, buffer_pool_size=buffer_pool_bytes)
    except RuntimeError as exc:
        wal = Path(f"{path}.wal")
        if not (_is_corrupt_wal(exc) and wal.exists()):
            raise
        aside = wal.with_name(f"{wal.name}.corrupt-{time.strftime('%Y%m%dT%H%M%S')}")
        wal.rename(aside)
        try:
            database = ladybug.Database(str(path), read_only=read_only, buffer_pool_size=buffer_pool_bytes)
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
    """A message if the disk holding the store has less room than a load of these inputs needs.

    SAFETYKG_SPACE_CHECK=0 skips the check (the tests use it to fill a disk during a load)."""
    if os.environ.get("SAFETYKG_SPACE_CHECK") == "0":
        return None
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
