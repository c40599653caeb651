"""An accident's accountability chain, gathered with parameterised reads.

From the accident outwards: who was held responsible (enterprises, persons, departments),
the investigation (who led it, who sat on it, what it recommended), penalties, discipline,
rectification measures, criminal cases (defendants, courts), approvals of the responsible
enterprises, reviews and findings that concern any of these, and recurrences. Every query
names its labels and relationship types from the schema (portable Cypher, no label
functions), so both engines answer alike. Each fact keeps its `source_ids`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from ..graph.nxgraph import node_id
from ..graph.schema import Schema, id_items, load_schema

Run = Callable[[str, Mapping[str, Any]], list[dict[str, Any]]]

# (relationship type, direction) followed from a node of each label. Parties (enterprises,
# persons, departments) are followed further only when they answer for the accident itself
# (RESPONSIBLE_FOR) or stand trial for it (DEFENDANT_IN): a department that merely sat on the
# investigation would otherwise pull in every other accident it ever dealt with.
FOLLOW: dict[str, list[tuple[str, str]]] = {
    "Accident": [
        ("RESPONSIBLE_FOR", "in"), ("INVESTIGATED_BY", "out"), ("LED_TO", "out"), ("REVIEWED", "in"),
        ("CONCERNS", "in"), ("RECURRENCE_OF", "out"), ("RECURRENCE_OF", "in"),
    ],
    "Investigation": [("LED_BY", "out"), ("MEMBER", "out"), ("RECOMMENDS", "out"), ("CONCERNS", "in")],
    "Penalty": [("AGAINST", "out"), ("ENFORCED_BY", "out"), ("CONCERNS", "in")],
    "Discipline": [("AGAINST", "out"), ("ENFORCED_BY", "out"), ("CONCERNS", "in")],
    "Measure": [("ASSIGNED_TO", "out"), ("CONCERNS", "in")],
    "CriminalCase": [("DEFENDANT_IN", "in"), ("HANDLED_BY", "out"), ("CONCERNS", "in")],
    "Approval": [("GRANTED_BY", "out"), ("CONCERNS", "in")],
    "Enterprise": [("AGAINST", "in"), ("APPROVAL_FOR", "in"), ("WORKS_FOR", "in"), ("ASSIGNED_TO", "in")],
    "Person": [("AGAINST", "in"), ("WORKS_FOR", "out"), ("DEFENDANT_IN", "out")],
    "Department": [("AGAINST", "in"), ("ASSIGNED_TO", "in")],
}
PARTIES = ("Enterprise", "Person", "Department")
PARTY_REASONS = ("RESPONSIBLE_FOR", "DEFENDANT_IN")
SECTIONS = (
    "Enterprise", "Person", "Department", "Investigation", "Penalty", "Discipline", "CriminalCase", "Measure",
    "Approval", "Finding", "Review", "Accident",
)


@dataclass
class Link:
    rel: str
    other: str  # node id of the other end
    outgoing: bool  # True when this item is the relationship's start
    props: dict[str, Any]


@dataclass
class Item:
    label: str
    key: str
    props: dict[str, Any]
    links: list[Link] = field(default_factory=list)

    @property
    def id(self) -> str:
        return node_id(self.label, self.key)

    @property
    def name(self) -> str:
        return str(self.props.get("name") or self.props.get("title") or self.key)


@dataclass
class Chain:
    accident: Item
    items: dict[str, Item]  # node id -> item, the accident included
    edges: list[tuple[str, str, str, dict[str, Any]]]  # (start id, type, end id, props)
    sources: dict[str, dict[str, Any]]

    def section(self, label: str) -> list[Item]:
        found = [i for i in self.items.values() if i.label == label and i.id != self.accident.id]
        return sorted(found, key=lambda i: (str(i.props.get("name") or ""), i.key))

    def graph(self) -> nx.MultiDiGraph:
        graph = nx.MultiDiGraph()
        for item in self.items.values():
            graph.add_node(item.id, label=item.label, key=item.key, **item.props)
        for start, rel, end, props in self.edges:
            graph.add_edge(start, end, key=rel, type=rel, **props)
        return graph


def _columns(schema: Schema, label: str) -> list[str]:
    return [c for c, _ in schema.labels[label].stored_columns()]


def fetch_node(run: Run, label: str, key: str, schema: Schema | None = None) -> dict[str, Any] | None:
    schema = schema or load_schema()
    found = schema.labels[label]
    ret = ", ".join(f"n.{c} AS {c}" for c in _columns(schema, label))
    rows = run(f"MATCH (n:{label}) WHERE n.{found.key} = $key RETURN {ret}", {"key": key})
    return rows[0] if rows else None


def neighbours(
    run: Run, label: str, keys: list[str], rel: str, direction: str, schema: Schema | None = None
) -> list[tuple[str, str, dict[str, Any], dict[str, Any]]]:
    """(from key, other label, other node's properties, relationship properties) for each hop."""
    schema = schema or load_schema()
    rel_type = schema.relationships[rel]
    key = schema.labels[label].key
    rel_cols = [c for c, _ in rel_type.stored_columns()]
    found: list[tuple[str, str, dict[str, Any], dict[str, Any]]] = []
    for start, end in rel_type.ends:
        if direction == "out" and start == label:
            other, pattern = end, f"(a:{label})-[e:{rel}]->(b:{end})"
        elif direction == "in" and end == label:
            other, pattern = start, f"(a:{label})<-[e:{rel}]-(b:{start})"
        else:
            continue
        node_ret = ", ".join(f"b.{c} AS n_{c}" for c in _columns(schema, other))
        rel_ret = "".join(f", e.{c} AS e_{c}" for c in rel_cols)
        query = f"MATCH {pattern} WHERE a.{key} IN $keys RETURN a.{key} AS _from, {node_ret}{rel_ret}"
        for row in run(query, {"keys": keys}):
            node = {k[2:]: v for k, v in row.items() if k.startswith("n_")}
            props = {k[2:]: v for k, v in row.items() if k.startswith("e_")}
            found.append((str(row["_from"]), other, node, props))
    return found


def accountability_chain(run: Run, accident_id: str, schema: Schema | None = None, max_items: int = 400) -> Chain:
    schema = schema or load_schema()
    root_props = fetch_node(run, "Accident", accident_id, schema)
    if root_props is None:
        raise KeyError(f"no accident {accident_id!r}")
    root = Item("Accident", accident_id, root_props)
    items: dict[str, Item] = {root.id: root}
    edges: dict[tuple[str, str, str], dict[str, Any]] = {}
    frontier: dict[str, set[str]] = {"Accident": {accident_id}}
    walked = {root.id}
    while frontier and len(items) < max_items:
        nxt: dict[str, set[str]] = {}
        for label, keys in frontier.items():
            for rel, direction in FOLLOW.get(label, []):
                for from_key, other_label, props, rel_props in neighbours(run, label, sorted(keys), rel, direction, schema):
                    other_key = str(props[schema.labels[other_label].key])
                    here, there = node_id(label, from_key), node_id(other_label, other_key)
                    start, end = (here, there) if direction == "out" else (there, here)
                    if there not in items:
                        items[there] = Item(other_label, other_key, props)
                    if there not in walked and _expands(other_label, rel):
                        walked.add(there)  # a party met first as an employee may still answer for the accident
                        nxt.setdefault(other_label, set()).add(other_key)
                    if (start, rel, end) in edges:
                        continue  # met again from its other end
                    edges[(start, rel, end)] = rel_props
                    items[here].links.append(Link(rel, there, direction == "out", rel_props))
                    items[there].links.append(Link(rel, here, direction != "out", rel_props))
        frontier = nxt
    source_ids = sorted(
        {s for item in items.values() for s in id_items(item.props.get("source_ids"))}
        | {s for props in edges.values() for s in id_items(props.get("source_ids"))}
    )
    sources = fetch_sources(run, source_ids, schema)
    return Chain(root, items, [(a, r, b, p) for (a, r, b), p in edges.items()], sources)


def _expands(label: str, reached_by: str) -> bool:
    if label == "Accident":
        return False  # a recurrence is shown, not walked
    if label in PARTIES:
        return reached_by in PARTY_REASONS
    return label in FOLLOW


def fetch_sources(run: Run, ids: list[str], schema: Schema | None = None) -> dict[str, dict[str, Any]]:
    if not ids:
        return {}
    schema = schema or load_schema()
    ret = ", ".join(f"s.{c} AS {c}" for c in _columns(schema, "Source"))
    return {str(r["id"]): r for r in run(f"MATCH (s:Source) WHERE s.id IN $ids RETURN {ret}", {"ids": ids})}


@dataclass
class Event:
    date: str
    label: str
    item: str
    item_id: str
    what: str  # the date property (e.g. decided_date)
    status: str | None
    source_ids: list[str]


def timeline(chain: Chain, schema: Schema | None = None) -> list[Event]:
    """Every dated fact of the chain, oldest first: the accident, the investigation's steps, each stage."""
    schema = schema or load_schema()
    events: list[Event] = []
    for item in chain.items.values():
        label = schema.labels[item.label]
        if item.label in ("Region", "Source"):
            continue
        if item.label == "Accident" and item.id != chain.accident.id:
            continue
        status = item.props.get("checked_status") or item.props.get("status") or item.props.get("stage")
        for prop in label.properties.values():
            if prop.type != "date" or prop.derived:
                continue
            value = item.props.get(prop.name)
            if value:
                events.append(
                    Event(str(value)[:10], item.label, item.name, item.id, prop.name,
                          str(status) if status else None, id_items(item.props.get("source_ids")))
                )
    return sorted(events, key=lambda e: (e.date, SECTIONS.index(e.label) if e.label in SECTIONS else 99, e.item))
