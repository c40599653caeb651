"""The embedded default: LadybugDB (the maintained Kùzu fork), on disk, no server.

Chosen by a measured trial of embedded engines: fastest bulk load and
audits, in-process, survived kill -9. Its costs are paid here: DDL generated from
the schema, explicit transactions, and a read-only mode for the dashboard.
"""

from __future__ import annotations

import ctypes
import gc
import logging
import os
import re
import time
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any

import ladybug

from .bulkfiles import ARRAY_DELIMITER, BulkFile, BulkFiles
from .ddl import LADYBUG_TYPES, Retype, ladybug_added_columns, ladybug_ddl, ladybug_retypes
from .errors import NoGraphYet, PartialBulkLoad, StoreConfigError, StoreLocked
from .recovery import open_database
from .schema import Label, Schema
from .store import BulkTargetNotEmpty, Row, Store, StoreConfig, loaded_columns

StoreMissing = NoGraphYet  # the name this module used before the store layer had neutral errors
_HELD_BY = re.compile(r"held by PID (\d+)")


_log = logging.getLogger(__name__)
RETYPE_CHUNK = 200_000  # rows copied a transaction when a column is retyped (see LadybugStore._retype)
RETYPE_MARK = "retyped__done"  # the column marking the rows copied so far

# WAL size between checkpoints during `bulk_writes` (LadybugDB's default is 16 MiB)
BULK_CHECKPOINT_BYTES = int(os.environ.get("SAFETYKG_BULK_CHECKPOINT_MIB") or 128) * 2**20  # 256 filled the 640 MiB cache once at 1M


def _return_freed_memory() -> None:
    """glibc keeps what the engine's threads freed in their malloc arenas (400 MiB after a 1M COPY and
    a close); malloc_trim hands it back to the OS. Elsewhere (no glibc) there is nothing to do."""
    with suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").malloc_trim(0)


def _open_database(path: Path, read_only: bool, buffer_pool_mib: int) -> ladybug.Database:
    """Open the database file; another process holding it for writing becomes StoreLocked."""
    try:
        return open_database(path, read_only, buffer_pool_mib * 2**20)  # recovers from a corrupt WAL (graph/recovery.py)
    except RuntimeError as exc:
        if "Could not set lock" not in str(exc):
            raise
        pid = _HELD_BY.search(str(exc))
        holder = f"PID {pid.group(1)}" if pid else "another process"
        raise StoreLocked(
            f"图数据库正被另一进程使用 / the graph {path} is in use by {holder}; "
            "wait for it to finish (a load or analyze) and try again"
        ) from exc


def _load_subquery(items: Sequence[BulkFile]) -> str:
    """`LOAD WITH HEADERS (…) FROM ['file', …] RETURN …`: the neo4j-admin CSV typed, lists split.

    All chunks of one table go into one COPY: appending a second COPY to a loaded relationship table
    ran about seven times slower per row than the first (1M accidents: 16 s against 2.3 s a chunk).
    """
    for item in items:
        if "'" in str(item.path) or "\\" in str(item.path):
            raise ValueError(f"{item.path}: a bulk file path may not contain quotes or backslashes")
    declared, returned = [], []
    for position, (_, kind) in enumerate(items[0].columns):
        name = f"c{position}"
        if kind == "string_list":
            declared.append(f"{name} STRING")
            returned.append(f"CASE WHEN {name} IS NULL OR {name} = '' THEN NULL ELSE string_split({name}, '{ARRAY_DELIMITER}') END")
        else:
            declared.append(f"{name} {LADYBUG_TYPES[kind]}")
            returned.append(name)
    paths = ", ".join(f"'{item.path}'" for item in items)
    return f"LOAD WITH HEADERS ({', '.join(declared)}) FROM [{paths}] (HEADER=true) RETURN {', '.join(returned)}"


def _by_table(items: Sequence[BulkFile]) -> dict[tuple[str | None, ...], list[BulkFile]]:
    """Chunks grouped by the table they fill (a label, or a relationship type between two labels)."""
    groups: dict[tuple[str | None, ...], list[BulkFile]] = {}
    for item in items:
        groups.setdefault((item.label, item.type, item.start, item.end), []).append(item)
    return groups


class LadybugStore(Store):
    engine = "ladybug"
    supports_bulk_copy = True

    def __init__(self, config: StoreConfig, schema: Schema | None = None) -> None:
        super().__init__(schema, config.batch_size)
        path = config.store_path()
        assert path is not None, "an embedded store needs a directory, not a server URI"
        self.path = path
        self.read_only = config.read_only
        if self.path.parent.exists() and not self.path.parent.is_dir():
            raise StoreConfigError(f"不是目录 / not a directory: {self.path.parent} (--data-dir names the graph's directory)")
        if self.read_only and not self.path.exists():
            raise NoGraphYet(
                f"没有找到图数据库 / no graph at {self.path}: run `safetykg load data/` first"
            )
        if self.read_only and self._bulk_marker().exists():
            raise PartialBulkLoad(
                f"图数据库是一次中断的批量导入 / the graph at {self.path} is an interrupted bulk load "
                f"({self._bulk_marker().read_text(encoding='utf-8').strip()}): rerun the bulk load "
                "(`safetykg synthetic …`, it starts over) or `safetykg reset --yes`"
            )
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._buffer_pool_mib = self._normal_pool_mib = config.buffer_pool_mib
        self._bulk_pool_mib = config.bulk_buffer_pool_mib
        self._bulk_depth = 0
        self._connect()
        self._in_tx = False
        if not self.read_only:
            self.ensure_schema()

    def ensure_schema(self) -> None:
        for statement in ladybug_ddl(self.schema):
            self._conn.execute(statement)
        stored = {table: {str(row["name"]): str(row["type"])
                          for row in self._execute(f"CALL table_info('{table}') RETURN name, type", {})}
                  for table in (*self.schema.labels, *self.schema.relationships)}
        for plan in ladybug_retypes(self.schema, stored):
            self._retype(plan, stored[plan.table])
        for statement in ladybug_added_columns(self.schema, stored):
            self._conn.execute(statement)

    def _retype(self, plan: Retype, stored: Collection[str]) -> None:
        """Copy the columns in chunks of RETYPE_CHUNK rows, each its own transaction, marking the rows done:
        one transaction over a 1M graph's relationships filled the page cache ("buffer pool is full")
        after 116 s; in chunks that graph (of the previous release) took 420 s and 735 MiB, once.
        Killed half-way, the next opening carries on from the rows not marked. The drops and renames
        then go in one transaction."""
        _log.warning("retyping %s (%s) as the schema declares: once, after an upgrade",
                     plan.table, ", ".join(name for name, _, _ in plan.columns))
        for name, wanted, _ in plan.columns:  # present already where a killed run added them
            if f"{name}__retyped" not in stored:
                self._conn.execute(f"ALTER TABLE {plan.table} ADD {name}__retyped {wanted}")
        if RETYPE_MARK not in stored:
            self._conn.execute(f"ALTER TABLE {plan.table} ADD {RETYPE_MARK} BOOLEAN")
        sets = ", ".join(f"x.{name}__retyped = {expression}" for name, _, expression in plan.columns)
        while True:
            done = self._execute(f"MATCH {plan.pattern} WHERE x.{RETYPE_MARK} IS NULL WITH x LIMIT {RETYPE_CHUNK} "
                                 f"SET {sets}, x.{RETYPE_MARK} = true RETURN count(x) AS n", {})
            if int(done[0]["n"]) < RETYPE_CHUNK:
                break
        with self.transaction():
            for name, _, _ in plan.columns:
                self._conn.execute(f"ALTER TABLE {plan.table} DROP {name}")
                self._conn.execute(f"ALTER TABLE {plan.table} RENAME {name}__retyped TO {name}")
            self._conn.execute(f"ALTER TABLE {plan.table} DROP {RETYPE_MARK}")

    def _execute(self, query: str, params: Mapping[str, Any]) -> list[Row]:
        result = self._conn.execute(query, dict(params))
        results = result if isinstance(result, list) else [result]
        rows: list[Row] = []
        last = results[-1]
        columns = last.get_column_names()
        while last.has_next():
            rows.append(dict(zip(columns, last.get_next(), strict=True)))
        return rows

    def value_expr(self, var: str, column: str, kind: str) -> str:
        """Ladybug types an all-null batch column as STRING, so non-string columns are cast."""
        if kind in ("string", "date", "id_list"):
            return f"{var}.{column}"
        return f"CAST({var}.{column} AS {LADYBUG_TYPES[kind]})"

    def upsert_nodes(self, label: Label, rows: Sequence[Row]) -> int:
        """LadybugDB runs a MERGE as a join of the batch with the whole node table: 0.4-0.5 s a batch
        into 100k accidents, growing with the table, where looking the keys up takes 30 ms. So the keys
        are looked up, the rows found are SET by key and the others CREATEd, each batch in one
        transaction. A key given twice keeps its last row, as MERGE followed by SET leaves it."""
        key, columns = label.key, loaded_columns(label)
        sets = self.assignments("n", columns)
        props = ", ".join(p for p in (f"{key}: r.{key}", self.properties(columns)) if p)
        find = f"UNWIND $keys AS k MATCH (n:{label.name} {{{key}: k}}) RETURN n.{key} AS k"
        update = f"UNWIND $rows AS r MATCH (n:{label.name} {{{key}: r.{key}}})" + (f" SET {sets}" if sets else "")
        create = f"UNWIND $rows AS r CREATE (n:{label.name} {{{props}}})"
        for start in range(0, len(rows), self.batch_size):
            latest = {row[key]: row for row in rows[start : start + self.batch_size]}
            with self.transaction():
                found = {row["k"] for row in self._execute(find, {"keys": list(latest)})}
                stored = [row for k, row in latest.items() if k in found]
                new = [row for k, row in latest.items() if k not in found]
                if stored and sets:
                    self._write(update, {"rows": stored})
                if new:
                    self._write(create, {"rows": new})
        return len(rows)

    def _read(self, query: str, params: Mapping[str, Any]) -> list[Row]:
        return self._execute(query, params)

    def _iter_read(self, query: str, params: Mapping[str, Any]) -> Iterator[Row]:
        result = self._conn.execute(query, dict(params))
        last = result[-1] if isinstance(result, list) else result
        columns = last.get_column_names()
        while last.has_next():
            yield dict(zip(columns, last.get_next(), strict=True))

    def _write(self, query: str, params: Mapping[str, Any]) -> list[Row]:
        return self._execute(query, params)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        if self._in_tx:  # nested: the outer transaction decides
            yield
            return
        self._conn.execute("BEGIN TRANSACTION")
        self._in_tx = True
        try:
            yield
        except BaseException:
            with suppress(RuntimeError):  # Ladybug may have rolled back the failed transaction already
                self._conn.execute("ROLLBACK")
            raise
        else:
            try:
                self._conn.execute("COMMIT")
            except BaseException:
                with suppress(RuntimeError):
                    self._conn.execute("ROLLBACK")
                raise
        finally:
            self._in_tx = False

    @contextmanager
    def bulk_writes(self) -> Iterator[None]:
        """LadybugDB checkpoints each time the WAL passes 16 MiB, and a checkpoint rewrites every node
        group a relationship type touched: 915k links on 1M accidents wrote 10 GB in 10 minutes that way.
        A larger threshold for the run (still bounded: committed changes wait in memory until the
        checkpoint), then one CHECKPOINT. The database is reopened with the bulk page cache for the run
        and with the normal one after it, which also returns what the run left in memory."""
        if self.read_only or self._in_tx or self._bulk_depth:
            yield
            return
        self._bulk_depth += 1
        try:
            self._reopen(self._bulk_pool_mib)
            self._conn.execute(f"CALL checkpoint_threshold={BULK_CHECKPOINT_BYTES}")
            try:
                yield
            finally:
                self._conn.execute("CHECKPOINT")
        finally:
            self._bulk_depth -= 1
            self._reopen(self._normal_pool_mib)  # a new connection: the engine's default threshold again

    @property
    def buffer_pool_mib(self) -> int:
        """The page cache the database is open with now (the bulk one inside `bulk_writes`)."""
        return self._buffer_pool_mib

    def bulk_copy(self, files: BulkFiles) -> int:
        """`COPY <table> FROM (LOAD WITH HEADERS … FROM 'file')` per file: the engine's parallel CSV reader.

        Only into empty tables (COPY appends and refuses duplicate keys rather than merging).
        """
        files.check(self.schema)
        marker = self._bulk_marker()
        if marker.exists():  # a killed bulk copy left a fragment: start over rather than refuse or add to it
            self.clear()
        for label in {item.label for item in files.nodes}:
            existing = self._execute(f"MATCH (n:{label}) RETURN count(n) AS c", {})[0]["c"]
            if existing:
                raise BulkTargetNotEmpty(f"{label} already holds {existing} nodes; bulk copy needs an empty graph")
        with self.bulk_writes():
            # COPY commits table by table: the marker says "fragment" until the last table is in and checkpointed
            marker.write_text(f"pid {os.getpid()}, {time.strftime('%Y-%m-%d %H:%M:%S')}", encoding="utf-8")
            for (label, *_), chunks in _by_table(files.nodes).items():
                self._conn.execute(f"COPY {label} FROM ({_load_subquery(chunks)})")
            for (_, rtype, start, end), chunks in _by_table(files.rels).items():
                self._conn.execute(f"COPY {rtype} FROM ({_load_subquery(chunks)}) (from='{start}', to='{end}')")
            self._conn.execute("CHECKPOINT")
            marker.unlink()
        return files.rows

    def release_memory(self) -> None:
        """Collect Python's cycles, then reopen the database: its page cache starts empty, and `close`
        hands what Python and the engine freed back to the OS. At 1M accidents `analyze`'s derivation
        left the process at 2.06 GB, 0.94 GB after this, and the command peaked at 3,285 MiB instead of
        4,020 (the analytics' own memory comes on top)."""
        if self._in_tx or self._bulk_depth:
            return
        gc.collect()
        self._reopen(self._buffer_pool_mib)

    def _reopen(self, buffer_pool_mib: int) -> None:
        """Close and open the database again with this page cache. Closing also returns the memory a bulk
        phase leaves behind: at 1M accidents the process held 805 MiB after the COPY (its full page cache
        and the copy's buffers), 84 MiB after a reopen, and what came next stacked on top of it."""
        self.close()
        self._buffer_pool_mib = buffer_pool_mib
        self._connect()

    def _connect(self) -> None:
        self._db = _open_database(self.path, self.read_only, self._buffer_pool_mib)
        self._conn = ladybug.Connection(self._db)

    def clear(self) -> None:
        super().clear()
        self._bulk_marker().unlink(missing_ok=True)  # an emptied graph is no longer a fragment

    def _bulk_marker(self) -> Path:
        return self.path.with_name(self.path.name + ".bulk-incomplete")

    def server_version(self) -> str:
        return f"LadybugDB {getattr(ladybug, '__version__', '?')}"

    def close(self) -> None:
        self._conn.close()
        self._db.close()
        _return_freed_memory()
