"""Loading record files into a store: read, validate everything, then write in one transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..graph import enforcement
from ..graph.recovery import free_space_error
from ..graph.recurrence import ApplyReport, refresh_recurrences
from ..graph.store import Store
from .changes import RecordChange, plan_changes
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
    changes: list[RecordChange] = field(default_factory=list)


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
        drop_stale_derived_links(store, batch)
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
        enforcement.invalidate(store, touched_by(batch))


def touched_by(batch: Batch) -> enforcement.Touched:
    """What a curated batch touched that derived enforcement values read. A record of an accident or a
    department may restate or change its place code; which one is not worth finding out for a curated
    batch, so every one counts as changed."""
    touched = enforcement.Touched(
        accidents=set(batch.nodes.get("Accident", {})), departments=set(batch.nodes.get("Department", {}))
    )
    for (rel_name, start, end), rel_rows in batch.relationships.items():
        for from_key, to_key in rel_rows:
            touched.add_relationship(rel_name, start, end, from_key, to_key)
    return touched


def drop_stale_derived_links(store: Store, batch: Batch) -> None:
    """A record that now names another region or other sources loses the links it no longer states.

    Links derived from a record's own fields (adcode -> OCCURRED_IN, sources -> CITES) belong
    to that record, so reloading an edited record must not leave the old ones behind.
    """
    schema = store.schema
    for label_name, rows in batch.nodes.items():
        if not rows:
            continue
        label = schema.labels[label_name]
        for prop in label.properties.values():
            if prop.link is None:
                continue
            target = schema.labels[prop.link.to]
            params = {"rows": [{"k": k, "t": row.get(prop.name) or ""} for k, row in rows.items()]}
            store.write(
                f"UNWIND $rows AS r MATCH (n:{label.name} {{{label.key}: r.k}})-[e:{prop.link.type}]->(m:{target.name}) "
                f"WHERE m.{target.key} <> r.t DELETE e",
                params,
            )
        if label.sourced:
            params = {"rows": [{"k": k, "s": row.get("source_ids") or []} for k, row in rows.items()]}
            store.write(
                f"UNWIND $rows AS r MATCH (n:{label.name} {{{label.key}: r.k}})-[e:CITES]->(s:Source) "
                "WHERE NOT s.id IN r.s DELETE e",
                params,
            )


def derive_after_load(store: Store, touching: set[str] | None = None) -> ApplyReport:
    """What follows every load (`safetykg load`, the bulk loaders): the recurrence audits read RECURRENCE_OF
    (re-derived for the `touching` accidents, or all), and the cross-province audit the derived enforcement
    values (every one a write cleared, or never derived)."""
    report = refresh_recurrences(store, touching)
    enforcement.refresh(store)
    return report


class NotEnoughSpace(OSError):
    """The disk holding the embedded store has less room than the load needs; nothing was written."""


class UnknownField(ValueError):
    """`--blank` names a field no label or relationship type declares."""


def _check_blank(store: Store, blank: Sequence[str]) -> None:
    schema = store.schema
    known = {p for lab in schema.labels.values() for p in lab.properties} | {
        p for rel in schema.relationships.values() for p in rel.properties
    }
    known |= {f"{lab.name}.{p}" for lab in schema.labels.values() for p in lab.properties}
    known |= {f"{rel.name}.{p}" for rel in schema.relationships.values() for p in rel.properties}
    unknown = [name for name in blank if name not in known]
    if unknown:
        raise UnknownField(f"--blank: 未声明的字段 / no label or relationship declares {', '.join(unknown)}")


def load_paths(
    store: Store,
    paths: Iterable[Path],
    dry_run: bool = False,
    progress: Progress | None = None,
    replace: bool = False,
    blank: Sequence[str] = (),
) -> LoadReport:
    """Validate, merge with what is stored (omitted fields are kept unless `replace` or `blank`), write."""
    _check_blank(store, blank)
    paths = list(paths)
    store_dir = getattr(store, "path", None)
    if not dry_run and isinstance(store_dir, Path):
        problem = free_space_error(store_dir.parent, paths)
        if problem:
            raise NotEnoughSpace(problem)
    batch, files = validate_paths(store, paths)
    if batch.errors:
        raise LoadFailed(batch.errors)
    changes = plan_changes(store, batch, replace=replace, blank=blank)
    if not dry_run:
        write_batch(store, batch, progress)
        if store.engine == "ladybug":
            # Fold the WAL into the database file now, so a later crash's WAL holds only that later,
            # unfinished write and moving it aside (graph/recovery.py) loses nothing committed.
            store.write("CHECKPOINT")
    return LoadReport(
        files=files,
        nodes=batch.node_count(),
        relationships=batch.relationship_count(),
        written=not dry_run,
        per_label={k: len(v) for k, v in batch.nodes.items() if v},
        changes=changes,
    )
