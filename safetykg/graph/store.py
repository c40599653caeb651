"""The one small interface every layer uses to talk to a graph engine.

Loaders, audits, analytics and the dashboard only see `Store`: run a parameterised
read query, run a write inside a transaction, upsert batches. The Cypher they send
is the portable subset both engines execute identically (see docs/portable-cypher.md),
so which engine sits behind a `Store` is a configuration matter.
"""

from __future__ import annotations

import datetime as dt
import os
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from .bulkfiles import BulkFiles
from .engines import EMBEDDED_FILE, embedded_dir, engine_for, redact_uri, server_address
from .readonly import ReadOnlyViolation, assert_read_only
from .schema import Label, RelType, Schema, load_schema

__all__ = ["ReadOnlyViolation", "assert_read_only"]  # re-exported: the check lives in readonly.py

Row = dict[str, Any]
DEFAULT_BATCH_SIZE = 1000
# The embedded engine's page cache. Audits on a 1M-accident graph need more than 1 GiB for their joins
# (department-scorecard failed at 640 and 1024 MiB, and at 2048 after twelve other audits); a bulk copy
# or a first derivation, whose process also holds ~1.1 GB of accident records at 1M, stays under 2 GB
# only with a smaller one. Pages are taken as needed: a small graph never fills either.
DEFAULT_BUFFER_POOL_MIB = 3072
DEFAULT_BULK_BUFFER_POOL_MIB = 640


def _buffer_pool_mib() -> int:
    """SAFETYKG_BUFFER_POOL_MIB, else the default: read when a config is made, so tests and runs can set it."""
    return int(os.environ.get("SAFETYKG_BUFFER_POOL_MIB") or DEFAULT_BUFFER_POOL_MIB)


def _bulk_buffer_pool_mib() -> int:
    """SAFETYKG_BULK_BUFFER_POOL_MIB, else the default: the cache during `bulk_writes` and bulk copies."""
    return int(os.environ.get("SAFETYKG_BULK_BUFFER_POOL_MIB") or DEFAULT_BULK_BUFFER_POOL_MIB)

class BulkTargetNotEmpty(RuntimeError):
    """A native bulk copy appends without merging, so it only runs into an empty graph."""


def normalise_value(value: Any) -> Any:
    """Make engine results comparable: Ladybug sums are Decimal, Neo4j dates are neo4j.time types."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if hasattr(value, "iso_format"):  # neo4j.time.Date / DateTime / Time
        return value.iso_format()
    if isinstance(value, list):
        return [normalise_value(v) for v in value]
    if isinstance(value, dict):
        return {k: normalise_value(v) for k, v in value.items()}
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value


@dataclass
class StoreConfig:
    """Where the graph lives. No URI, a path or `file:` means the embedded engine; `bolt://`, `neo4j://`
    (and their TLS forms) a Neo4j server; the scheme decides, through the registry in `engines`."""

    uri: str | None = None
    data_dir: Path = field(default_factory=lambda: Path(".safetykg") / "graph")
    user: str | None = None
    password: str | None = field(default=None, repr=False)  # never in a repr, a log line or a traceback
    database: str | None = None
    read_only: bool = False
    batch_size: int = DEFAULT_BATCH_SIZE
    # the embedded engine's page cache: LadybugDB would take most of the RAM; a cap keeps a national
    # graph's load and audits inside a laptop's memory (pages beyond it are evicted and re-read)
    buffer_pool_mib: int = field(default_factory=_buffer_pool_mib)
    bulk_buffer_pool_mib: int = field(default_factory=_bulk_buffer_pool_mib)

    def __post_init__(self) -> None:
        """Settle the address once: an embedded URI becomes `data_dir`, a server URI gives up its user name.

        Raises UnsupportedURI for a scheme no engine serves and StoreConfigError for a password in the URI.
        """
        self.data_dir = Path(self.data_dir)
        if not self.uri:
            self.uri = None
            return
        if engine_for(self.uri).embedded:
            self.data_dir = embedded_dir(self.uri)
            self.uri = None
            return
        address = server_address(self.uri)
        self.uri = address.uri
        if address.user:
            self.user = address.user

    @classmethod
    def from_env(cls, uri: str | None = None, data_dir: str | Path | None = None, **overrides: Any) -> StoreConfig:
        env = os.environ
        chosen_dir = data_dir or env.get("SAFETYKG_DATA_DIR") or Path(".safetykg") / "graph"
        return cls(
            uri=uri or env.get("NEO4J_URI") or None,
            data_dir=Path(chosen_dir),
            user=env.get("NEO4J_USERNAME") or env.get("NEO4J_USER"),
            password=env.get("NEO4J_PASSWORD"),
            database=env.get("NEO4J_DATABASE") or None,
            **overrides,
        )

    @property
    def engine(self) -> str:
        return engine_for(self.uri).name

    def store_path(self) -> Path | None:
        """The embedded database file, or None when the graph lives on a server."""
        return self.data_dir / EMBEDDED_FILE if engine_for(self.uri).embedded else None

    def store_files(self) -> list[Path]:
        """The files whose change means the embedded graph changed (database and its WAL); none for a server."""
        path = self.store_path()
        return [] if path is None else [path, path.with_name(path.name + ".wal")]

    def describe(self) -> str:
        """Engine and address, safe to print: a password never appears."""
        return f"neo4j {redact_uri(self.uri)}" if self.uri else f"ladybug {self.data_dir}"


class Store(ABC):
    """Engine-neutral graph access. Subclasses implement five primitives."""

    engine: str = "?"
    # An engine that reads bulk files itself (`bulk_copy`) into an empty graph; others take the
    # same files through batched UNWIND writes (`loaders/bulk.py`).
    supports_bulk_copy: bool = False
    # Derivations that set a value on every node of a label (`enforcement.refresh`) run in chunks of this
    # many nodes on an engine whose transactions are held in memory; None: one statement.
    derive_chunk: int | None = None

    def __init__(self, schema: Schema | None = None, batch_size: int = DEFAULT_BATCH_SIZE) -> None:
        self.schema = schema or load_schema()
        self.batch_size = batch_size

    # --- primitives -------------------------------------------------------
    @abstractmethod
    def ensure_schema(self) -> None: ...

    @abstractmethod
    def _read(self, query: str, params: Mapping[str, Any]) -> list[Row]: ...

    @abstractmethod
    def _write(self, query: str, params: Mapping[str, Any]) -> list[Row]: ...

    @abstractmethod
    @contextmanager
    def transaction(self) -> Iterator[None]:
        """All writes inside commit together or not at all."""
        yield

    @abstractmethod
    def close(self) -> None: ...

    @abstractmethod
    def server_version(self) -> str: ...

    def release_memory(self) -> None:
        """Between the phases of a long job (analyze: the links, then the analytics), give back what the
        first phase left in this process. A server engine holds nothing here."""
        return None

    @contextmanager
    def bulk_writes(self) -> Iterator[None]:
        """Around a bulk phase (a copy, a first derivation with its link batches): an engine that checkpoints
        whenever its log passes a small size may checkpoint less often, and once at the end, and may work
        with a smaller page cache, because the phase holds much in Python memory beside it. Nested, the
        outer one decides."""
        yield

    def bulk_copy(self, files: BulkFiles) -> int:
        """Copy a bulk directory with the engine's own loader; returns the rows copied."""
        raise NotImplementedError(f"{self.engine} has no native bulk copy; use loaders.bulk.bulk_load")

    # --- shared behaviour -------------------------------------------------
    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def run(self, query: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        """A read-only query: refused if it contains a write clause."""
        assert_read_only(query)
        rows = self._read(query, dict(params or {}))
        return [{k: normalise_value(v) for k, v in row.items()} for row in rows]

    def iter_rows(self, query: str, params: Mapping[str, Any] | None = None) -> Iterator[Row]:
        """A read-only query's rows one at a time, for results too large to hold as one list
        (a national graph's accidents); engines that can stream override `_iter_read`."""
        assert_read_only(query)
        for row in self._iter_read(query, dict(params or {})):
            yield {k: normalise_value(v) for k, v in row.items()}

    def _iter_read(self, query: str, params: Mapping[str, Any]) -> Iterator[Row]:
        yield from self._read(query, params)

    def iter_label_rows(
        self, label: str, columns: Mapping[str, str], then: str = "", params: Mapping[str, Any] | None = None,
        in_key_order: bool = False,
    ) -> Iterator[Row]:
        """The rows of `MATCH (n:<label>) <then> RETURN <expression> AS <name>, …`, streamed: a read of a whole
        label (every accident, every penalty and its enterprise) as the national derivations and analytics make.

        `n` is bound to each node of the label; `then` may match onward from it. `columns` maps each returned
        name to its expression. With `in_key_order` the rows come in the order of the label's key (a node's
        rows together, in no order among them). An engine that pays per record it returns reads such a
        scan its own way (Neo4j: pages of nodes in key order, each page's rows as one list)."""
        key = self.schema.labels[label].key
        query = f"MATCH (n:{label}) {then} RETURN " + ", ".join(f"{expr} AS {name}" for name, expr in columns.items())
        if in_key_order:
            query += f" ORDER BY n.{key}"
        return self.iter_rows(query, params)

    def write(self, query: str, params: Mapping[str, Any] | None = None) -> list[Row]:
        rows = self._write(query, dict(params or {}))
        return [{k: normalise_value(v) for k, v in row.items()} for row in rows]

    def chunk_limit(self, carried: str) -> str:
        """The clause that bounds one run of a `write_in_chunks` query to `$chunk` rows of `carried`
        (e.g. "p" or "e, b"); nothing where the engine runs it in one statement."""
        return f" WITH {carried} LIMIT $chunk" if self.derive_chunk else ""

    def write_in_chunks(self, query: str) -> int:
        """A derivation that handles at most `$chunk` items a run (its `chunk_limit`) and returns how many
        as `n`, run again until a run handles fewer; without a chunk, once. Returns the items handled."""
        chunk, done = self.derive_chunk, 0
        while True:
            rows = self.write(query, {"chunk": chunk} if chunk else {})
            n = int(rows[0]["n"]) if rows else 0
            done += n
            if not chunk or n < chunk:
                return done

    def upsert_nodes(self, label: Label, rows: Sequence[Row]) -> int:
        """MERGE on the key, then SET every stored column given in the rows (absent -> null)."""
        sets = self.assignments("n", loaded_columns(label))
        query = f"UNWIND $rows AS r MERGE (n:{label.name} {{{label.key}: r.{label.key}}})"
        if sets:
            query += f" SET {sets}"
        return self._batched(query, rows)

    def upsert_relationships(self, rel: RelType, start: Label, end: Label, rows: Sequence[Row]) -> int:
        """Rows carry `from`, `to` and the relationship's own columns."""
        columns = rel.stored_columns()
        query = f"{_ends_by_key(start, end)} MERGE (a)-[e:{rel.name}]->(b)"
        if columns:
            query += " SET " + self.assignments("e", columns)
        return self._batched(query, rows)

    def create_relationships(self, rel: RelType, start: Label, end: Label, rows: Sequence[Row]) -> int:
        """`upsert_relationships` for pairs known to have no such relationship yet (a first derivation
        into an empty type): CREATE skips MERGE's search of each node's edges, and the properties go in
        with the relationship (a SET after it updates each column again, list columns resized each time)."""
        props = self.properties(rel.stored_columns())
        query = f"{_ends_by_key(start, end)} CREATE (a)-[e:{rel.name}{' {' + props + '}' if props else ''}]->(b)"
        return self._batched(query, rows)

    def assignments(self, target: str, columns: Sequence[tuple[str, str]]) -> str:
        """`target.column = r.column, …` for a SET from the batch row `r`."""
        return ", ".join(f"{target}.{c} = {self.value_expr('r', c, t)}" for c, t in columns)

    def properties(self, columns: Sequence[tuple[str, str]]) -> str:
        """`column: r.column, …` for a CREATE pattern from the batch row `r`."""
        return ", ".join(f"{c}: {self.value_expr('r', c, t)}" for c, t in columns)

    def value_expr(self, var: str, column: str, kind: str) -> str:
        """How a row field is read in an UNWIND write; engines that type batch columns override it."""
        return f"{var}.{column}"

    def _batched(self, query: str, rows: Sequence[Row]) -> int:
        for start in range(0, len(rows), self.batch_size):
            self._write(query, {"rows": list(rows[start : start + self.batch_size])})
        return len(rows)

    def counts(self) -> dict[str, dict[str, int]]:
        labels = {
            name: self._count(f"MATCH (n:{name}) RETURN count(n) AS c") for name in self.schema.labels
        }
        rels = {
            name: self._count(f"MATCH ()-[r:{name}]->() RETURN count(r) AS c")
            for name in self.schema.relationships
        }
        return {"labels": labels, "relationships": rels}

    def _count(self, query: str) -> int:
        rows = self.run(query)
        return int(rows[0]["c"]) if rows else 0

    def clear(self) -> None:
        """Delete every node and relationship (tests and `safetykg reset`)."""
        with self.transaction():
            for name in self.schema.relationships:
                self._write(f"MATCH ()-[r:{name}]->() DELETE r", {})
            for name in self.schema.labels:
                self._write(f"MATCH (n:{name}) DELETE n", {})


def _ends_by_key(start: Label, end: Label) -> str:
    """The batch rows' two ends, found by key: what every relationship write starts from."""
    return (f"UNWIND $rows AS r MATCH (a:{start.name} {{{start.key}: r.from_key}}) "
            f"MATCH (b:{end.name} {{{end.key}: r.to_key}})")


def loaded_columns(label: Label) -> list[tuple[str, str]]:
    """The stored columns a load writes, besides the key: every one but the derived (analytics) ones."""
    return [(c, t) for c, t in label.stored_columns() if c != label.key and _is_loaded_column(label, c)]


def _is_loaded_column(label: Label, column: str) -> bool:
    """Derived (analytics) properties are written by analytics only, so a reload keeps them."""
    for prop in label.properties.values():
        if column in (prop.name, prop.day_name):
            return not prop.derived
    return True


def open_store(config: StoreConfig, schema: Schema | None = None) -> Store:
    """Open the engine the configuration's address names (see `engines`); a driver is imported only when used."""
    return engine_for(config.uri).opener(config, schema)
