"""The bulk path for national scale: bulk files (chunked CSV) into a graph, then recurrence derived.

Row-by-row MERGE is right for curated data (idempotent, validated); hundreds of thousands of
accidents want the engine's own loader. A store that can (`store.supports_bulk_copy`, LadybugDB:
`COPY … FROM` the files) copies them into an empty graph; any other (Neo4j through the driver)
takes the same files in batched UNWIND writes, one transaction per batch. For a first national
load into Neo4j, `tools/neo4j/neo4jctl import DIR` runs `neo4j-admin database import full` on the
same files.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from ..graph import enforcement
from ..graph.bulkfiles import BulkFiles, BulkWriter, read_rows
from ..graph.recurrence import ApplyReport
from ..graph.store import BulkTargetNotEmpty, Store
from .load import derive_after_load

__all__ = ["BulkTargetNotEmpty", "add_files", "bulk_load", "derive_after_load", "load_files", "load_rows"]

NodeRows = dict[str, list[dict[str, Any]]]
RelRows = dict[tuple[str, str, str], list[dict[str, Any]]]


def load_files(store: Store, files: BulkFiles, batch_size: int | None = None, merge: bool = False) -> int:
    """Load a bulk directory: native copy when the store has one, else batched UNWIND; rows written.

    `merge`: always the UNWIND/MERGE path, so rows join a graph that is already loaded.
    """
    if store.supports_bulk_copy and not merge:
        return store.bulk_copy(files)
    files.check(store.schema)
    schema = store.schema
    size = batch_size or store.batch_size
    touched = enforcement.Touched()
    for item in files.nodes:
        assert item.label
        for rows in read_rows(item, size):
            if item.label in PLACED:
                moved = _moved(store, item.label, rows)
                (touched.accidents if item.label == "Accident" else touched.departments).update(moved)
            store.upsert_nodes(schema.labels[item.label], rows)
    for item in files.rels:
        assert item.type and item.start and item.end
        for rows in read_rows(item, size):
            store.upsert_relationships(
                schema.relationships[item.type], schema.labels[item.start], schema.labels[item.end], rows
            )
            if item.type in enforcement.TOUCHING_RELATIONSHIPS:
                for row in rows:
                    touched.add_relationship(item.type, item.start, item.end, str(row["from_key"]), str(row["to_key"]))
    enforcement.invalidate(store, touched)
    return files.rows


PLACED = ("Accident", "Department")  # labels whose place code derived enforcement values read


def _moved(store: Store, label: str, rows: list[dict[str, Any]]) -> set[str]:
    """Keys of stored nodes whose place code these rows change (a restated node with the same code, as
    every increment restates the departments, changes nothing derived)."""
    key = store.schema.labels[label].key
    stated = {str(row[key]): row.get("adcode") for row in rows}
    stored = store.run(
        f"UNWIND $keys AS k MATCH (n:{label} {{{key}: k}}) RETURN n.{key} AS k, n.adcode AS adcode",
        {"keys": list(stated)},
    )
    return {row["k"] for row in stored if row["adcode"] != stated[row["k"]]}


def load_rows(store: Store, nodes: NodeRows, rels: RelRows) -> int:
    """In-memory rows (every stored column may be present) through the same files."""
    with tempfile.TemporaryDirectory(prefix="safetykg-bulk-") as tmp:
        writer = BulkWriter(store.schema, Path(tmp) / "files")
        for label, rows in nodes.items():
            for row in rows:
                writer.node(label, row)
        for (rtype, start, end), rows in rels.items():
            for row in rows:
                writer.rel(rtype, start, end, row["from_key"], row["to_key"], row)
        return load_files(store, writer.close())


def bulk_load(store: Store, nodes: NodeRows, rels: RelRows) -> int:
    """Load in-memory rows and derive RECURRENCE_OF for them; returns the rows written."""
    written = load_rows(store, nodes, rels)
    derive_after_load(store)
    return written


def add_files(store: Store, files: BulkFiles, batch_size: int | None = None) -> tuple[int, ApplyReport]:
    """Incremental: merge a batch of files into a loaded graph and re-derive recurrence only for the
    accidents in it (links between two old accidents are not re-examined: nothing about them changed)."""
    written = load_files(store, files, batch_size, merge=True)
    added = {
        str(row["id"]) for item in files.nodes if item.label == "Accident" for rows in read_rows(item, 10_000)
        for row in rows
    }
    return written, derive_after_load(store, added)
