"""The bulk path for national scale: engine-native bulk copy into an empty embedded graph.

Row-by-row MERGE is right for curated data (idempotent, validated); hundreds of thousands of
accidents want LadybugDB's `COPY … FROM` a DataFrame instead (measured in bench/results.md).
Neo4j takes the same rows through batched UNWIND writes, or — for a first import of a
national graph — the `neo4j-admin database import` CSVs that `safetykg export --format csv` writes.
"""

from __future__ import annotations

from typing import Any

from ..graph.ladybug_store import LadybugStore
from ..graph.store import Store

NodeRows = dict[str, list[dict[str, Any]]]
RelRows = dict[tuple[str, str, str], list[dict[str, Any]]]


class BulkTargetNotEmpty(RuntimeError):
    """COPY appends without checking keys, so it only runs into empty tables."""


def bulk_load(store: Store, nodes: NodeRows, rels: RelRows) -> int:
    """Load pre-shaped rows (every stored column present); returns the number of rows written."""
    if isinstance(store, LadybugStore):
        return _copy_into_ladybug(store, nodes, rels)
    schema = store.schema
    # One transaction per batch, not one for the whole load: a national graph in a single Neo4j
    # transaction exceeds the server's transaction memory limit. Re-running converges (MERGE).
    for label, rows in nodes.items():
        store.upsert_nodes(schema.labels[label], rows)
    for (rtype, start, end), rows in rels.items():
        store.upsert_relationships(schema.relationships[rtype], schema.labels[start], schema.labels[end], rows)
    return sum(map(len, nodes.values())) + sum(map(len, rels.values()))


def _copy_into_ladybug(store: LadybugStore, nodes: NodeRows, rels: RelRows) -> int:
    import pandas as pd

    schema = store.schema
    for label in nodes:
        existing = store.run(f"MATCH (n:{label}) RETURN count(n) AS c")[0]["c"]
        if existing:
            raise BulkTargetNotEmpty(f"{label} already holds {existing} nodes; bulk copy needs an empty graph")
    written = 0
    connection = store.connection
    for label, rows in nodes.items():
        columns = [c for c, _ in schema.labels[label].stored_columns()]
        # Ladybug's COPY reads the DataFrame by its variable name in this frame
        frame = pd.DataFrame([[row.get(c) for c in columns] for row in rows], columns=columns, dtype=object)  # noqa: F841
        connection.execute(f"COPY {label} FROM frame")
        written += len(rows)
    for (rtype, start, end), rows in rels.items():
        columns = [c for c, _ in schema.relationships[rtype].stored_columns()]
        frame = pd.DataFrame(  # noqa: F841 - read by name by COPY
            [[row["from_key"], row["to_key"], *(row.get(c) for c in columns)] for row in rows],
            columns=["from", "to", *columns], dtype=object,
        )
        connection.execute(f"COPY {rtype} FROM frame (from='{start}', to='{end}')")
        written += len(rows)
    return written
