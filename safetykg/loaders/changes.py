"""What a load would change in the stored graph, and the rule that a reload never erases silently.

A record that omits a field the stored node (or relationship) already has keeps the stored value:
files are often partial (a correction gives the name and a new source), and a null written over
a death toll would be a silent loss. Clearing a field takes an explicit `--replace` (the record
is the whole truth) or `--blank FIELD`. A value given and different is an edit: it updates.

`plan_changes` fills the kept values into the batch before it is written and returns, per record,
the fields changed, added and cleared and the links added and removed — what `load --dry-run`
prints.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from ..graph.schema import Label, Schema, id_items, joined_ids
from ..graph.store import Store
from .validate import Batch

LOOKUP_CHUNK = 1000


@dataclass
class RecordChange:
    """The difference one record makes; `new` records have every given field in `added`."""

    kind: str  # node | relationship
    name: str  # label or relationship type
    key: str  # node key, or "from->to"
    new: bool
    changed: dict[str, tuple[Any, Any]] = field(default_factory=dict)
    added: dict[str, Any] = field(default_factory=dict)
    cleared: dict[str, Any] = field(default_factory=dict)
    kept: list[str] = field(default_factory=list)
    links_added: list[str] = field(default_factory=list)
    links_removed: list[str] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.new or self.changed or self.added or self.cleared or self.links_added or self.links_removed)

    def lines(self) -> list[str]:
        head = f"{'+' if self.new else '~'} {self.name} {self.key}"
        out = [head + (" (新 / new)" if self.new else "")]
        out += [f"    {name}: {old!r} -> {new!r}" for name, (old, new) in self.changed.items()]
        out += [f"    + {name}: {value!r}" for name, value in self.added.items() if not self.new]
        out += [f"    - {name}: {value!r} (清空 / cleared)" for name, value in self.cleared.items()]
        out += [f"    + link {link}" for link in self.links_added]
        out += [f"    - link {link}" for link in self.links_removed]
        return out


def _blank_columns(label_or_type: str, props: Iterable[tuple[str, str | None]], blank: set[str]) -> set[str]:
    """The columns `--blank` names for this label: `field` or `Label.field`; a date takes its day ordinal."""
    out: set[str] = set()
    for name, day in props:
        if name in blank or f"{label_or_type}.{name}" in blank:
            out.add(name)
            if day:
                out.add(day)
    return out


def _loaded_columns(label: Label) -> list[str]:
    derived = {p.name for p in label.properties.values() if p.derived}
    derived |= {p.day_name for p in label.properties.values() if p.derived and p.day_name}
    return [c for c, _ in label.stored_columns() if c != label.key and c not in derived]


def _stored_nodes(store: Store, label: Label, keys: list[str]) -> dict[str, dict[str, Any]]:
    columns = _loaded_columns(label)
    found: dict[str, dict[str, Any]] = {}
    returns = ", ".join([f"n.{label.key} AS __key", *(f"n.{c} AS {c}" for c in columns)])
    for start in range(0, len(keys), LOOKUP_CHUNK):
        rows = store.run(
            f"MATCH (n:{label.name}) WHERE n.{label.key} IN $keys RETURN {returns}", {"keys": keys[start : start + LOOKUP_CHUNK]}
        )
        for row in rows:
            found[str(row.pop("__key"))] = row
    return found


def _merge(
    row: dict[str, Any], stored: dict[str, Any], columns: list[str], blank: set[str], replace: bool, change: RecordChange
) -> None:
    for column in columns:
        old, new = stored.get(column), row.get(column)
        if new in (None, []) and old not in (None, []):
            if replace or column in blank:
                change.cleared[column] = old
            else:
                row[column] = old  # omitted: the stored value stays
                change.kept.append(column)
        elif old in (None, []) and new not in (None, []):
            change.added[column] = new
        elif new != old and not (isinstance(new, (int, float)) and isinstance(old, (int, float)) and float(new) == float(old)):
            change.changed[column] = (old, new)


def plan_changes(store: Store, batch: Batch, replace: bool = False, blank: Iterable[str] = ()) -> list[RecordChange]:
    """Merge stored values into omitted fields (unless replaced or blanked) and describe every change."""
    schema: Schema = store.schema
    blank_set = set(blank)
    changes: list[RecordChange] = []
    for label_name, rows in batch.nodes.items():
        if not rows:
            continue
        label = schema.labels[label_name]
        columns = _loaded_columns(label)
        blanked = _blank_columns(label_name, ((p.name, p.day_name) for p in label.properties.values()), blank_set)
        stored = _stored_nodes(store, label, list(rows))
        for key, row in rows.items():
            old = stored.get(key)
            change = RecordChange("node", label_name, key, new=old is None)
            if old is None:
                change.added = {c: row[c] for c in columns if row.get(c) not in (None, [])}
            else:
                _merge(row, old, columns, blanked, replace, change)
            _link_changes(schema, label, row, old, change)
            changes.append(change)
    for (rel_name, start, end), rel_rows in batch.relationships.items():
        rel = schema.relationships[rel_name]
        if rel.name == "CITES" or any(p.link and p.link.type == rel.name for _, p in schema.links()):
            continue  # derived from node fields: reported with the node
        columns = [c for c, _ in rel.stored_columns()]
        blanked = _blank_columns(rel_name, ((p.name, p.day_name) for p in rel.properties.values()), blank_set)
        stored_rels = _stored_relationships(store, rel_name, schema.labels[start], schema.labels[end], list(rel_rows), columns)
        id_columns = [c for c, kind in rel.stored_columns() if kind == "id_list"]
        for pair, row in rel_rows.items():
            old = stored_rels.get(pair)
            if old is not None:  # a graph written before id_list may hold a list
                old.update({column: joined_ids(id_items(old.get(column))) for column in id_columns})
            change = RecordChange("relationship", rel_name, f"{pair[0]}->{pair[1]}", new=old is None)
            if old is None:
                change.added = {c: row[c] for c in columns if row.get(c) not in (None, [])}
                change.links_added.append(f"({pair[0]})-[:{rel_name}]->({pair[1]})")
            else:
                _merge(row, old, columns, blanked, replace, change)
            changes.append(change)
    return changes


def _stored_relationships(
    store: Store, rel: str, start: Label, end: Label, pairs: list[tuple[str, str]], columns: list[str]
) -> dict[tuple[str, str], dict[str, Any]]:
    found: dict[tuple[str, str], dict[str, Any]] = {}
    returns = ", ".join(["r.a AS __a", "r.b AS __b", *(f"e.{c} AS {c}" for c in columns)])
    for offset in range(0, len(pairs), LOOKUP_CHUNK):
        chunk = [{"a": a, "b": b} for a, b in pairs[offset : offset + LOOKUP_CHUNK]]
        rows = store.run(
            f"UNWIND $pairs AS r MATCH (x:{start.name} {{{start.key}: r.a}})-[e:{rel}]->(y:{end.name} {{{end.key}: r.b}}) "
            f"RETURN {returns}",
            {"pairs": chunk},
        )
        for row in rows:
            found[(str(row.pop("__a")), str(row.pop("__b")))] = row
    return found


def _link_changes(schema: Schema, label: Label, row: dict[str, Any], old: dict[str, Any] | None, change: RecordChange) -> None:
    """Links derived from fields (adcode -> OCCURRED_IN, sources -> CITES) follow the fields."""
    for prop in label.properties.values():
        if prop.link is None:
            continue
        before = (old or {}).get(prop.name)
        after = row.get(prop.name)
        if before != after:
            if before:
                change.links_removed.append(f"-[:{prop.link.type}]->({before})")
            if after:
                change.links_added.append(f"-[:{prop.link.type}]->({after})")
    if label.sourced:
        before_sources = set((old or {}).get("source_ids") or [])
        after_sources = set(row.get("source_ids") or [])
        change.links_removed += [f"-[:CITES]->({s})" for s in sorted(before_sources - after_sources)]
        change.links_added += [f"-[:CITES]->({s})" for s in sorted(after_sources - before_sources)]
