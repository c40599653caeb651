"""Loading record files into a store: read, validate everything, then write in one transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ..graph.store import Store
from .records import read_records
from .validate import Batch, LoadError, Validator

Progress = Callable[[int, int], None]  # (rows written so far, total rows)


class LoadFailed(Exception):
    """Validation found errors; nothing was written."""

    def __init__(self, errors: list[LoadError]) -> None:
        self.errors = errors
        super().__init__(f"{len(errors)} error(s); nothing was written")


@dataclass
class LoadReport:
    files: int
    nodes: int
    relationships: int
    written: bool
    per_label: dict[str, int] = field(default_factory=dict)


def stored_keys(store: Store) -> Callable[[str, list[str]], set[str]]:
    """Which of these keys already exist in the graph, so files can refer to earlier loads."""

    def lookup(label: str, keys: list[str]) -> set[str]:
        key = store.schema.labels[label].key
        rows = store.run(f"MATCH (n:{label}) WHERE n.{key} IN $keys RETURN n.{key} AS k", {"keys": keys})
        return {row["k"] for row in rows}

    return lookup


def validate_paths(store: Store, paths: Iterable[Path]) -> tuple[Batch, int]:
    path_list = list(paths)
    records = read_records(path_list, store.schema)
    files = len({r.file for r in records})
    batch = Validator(store.schema, stored_keys(store)).validate(records)
    return batch, files


def write_batch(store: Store, batch: Batch, progress: Progress | None = None) -> None:
    """Nodes before relationships, all in one transaction: a failure leaves the graph as it was."""
    total = batch.node_count() + batch.relationship_count()
    done = 0
    with store.transaction():
        for label_name, rows in batch.nodes.items():
            if rows:
                done += store.upsert_nodes(store.schema.labels[label_name], list(rows.values()))
                if progress:
                    progress(done, total)
        for (rel_name, start, end), rel_rows in batch.relationships.items():
            if rel_rows:
                done += store.upsert_relationships(
                    store.schema.relationships[rel_name],
                    store.schema.labels[start],
                    store.schema.labels[end],
                    list(rel_rows.values()),
                )
                if progress:
                    progress(done, total)


def load_paths(
    store: Store, paths: Iterable[Path], dry_run: bool = False, progress: Progress | None = None
) -> LoadReport:
    batch, files = validate_paths(store, paths)
    if batch.errors:
        raise LoadFailed(batch.errors)
    if not dry_run:
        write_batch(store, batch, progress)
    return LoadReport(
        files=files,
        nodes=batch.node_count(),
        relationships=batch.relationship_count(),
        written=not dry_run,
        per_label={k: len(v) for k, v in batch.nodes.items() if v},
    )
