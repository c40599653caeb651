"""Finding things and describing one node: the search across labels, an entity's links grouped by
role, its timeline, the sources its own facts cite, and — for an accident — the published
accountability counts beside what the graph names.

Everything here reads the cached networkx graph of the whole (read-only) store, so a search
or an entity page costs no query.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from ..graph.schema import Schema, id_items, load_schema

SEARCHED = ("Accident", "Enterprise", "Person", "Department", "Investigation", "Penalty", "Discipline",
            "CriminalCase", "Measure", "Approval", "Finding", "Review", "Region")
SEARCH_FIELDS = ("name", "title", "key", "place", "aliases", "credit_code", "position", "doc_no", "report_title")
LABEL_RANK = {label: rank for rank, label in enumerate(SEARCHED)}


@dataclass(frozen=True)
class Hit:
    node: str
    label: str
    name: str
    exact: bool
    where: str  # place or position, to tell namesakes apart


def node_name(attrs: dict[str, Any], node: str) -> str:
    return str(attrs.get("name") or attrs.get("title") or attrs.get("key") or node)


def _texts(attrs: dict[str, Any]) -> list[str]:
    found: list[str] = []
    for prop in SEARCH_FIELDS:
        value = attrs.get(prop)
        if isinstance(value, list):
            found.extend(str(v) for v in value)
        elif value:
            found.append(str(value))
    return found


def search(graph: nx.MultiDiGraph, text: str, limit: int = 60, accidents: set[str] | None = None) -> list[Hit]:
    """Nodes whose name, alias, id, place, credit code or position contains `text` (exact names first).

    `accidents`, when given, keeps only those accidents (the filters in force); other labels are kept.
    """
    needle = text.strip().lower()
    if not needle:
        return []
    hits: list[Hit] = []
    for node, attrs in graph.nodes(data=True):
        label = str(attrs.get("label", ""))
        if label not in LABEL_RANK:
            continue
        if label == "Accident" and accidents is not None and str(attrs.get("key")) not in accidents:
            continue
        texts = [t.lower() for t in _texts(attrs)] + [node.lower()]
        if not any(needle in t for t in texts):
            continue
        name = node_name(attrs, node)
        exact = name.lower() == needle or str(attrs.get("key", "")).lower() == needle
        where = str(attrs.get("place") or attrs.get("position") or attrs.get("date") or "")
        hits.append(Hit(node, label, name, exact, where))
    hits.sort(key=lambda h: (not h.exact, LABEL_RANK[h.label], len(h.name), h.name))
    return hits[:limit]


def unique_exact(hits: list[Hit]) -> Hit | None:
    exact = [h for h in hits if h.exact]
    return exact[0] if len(exact) == 1 else None


@dataclass
class Neighbour:
    node: str
    label: str
    name: str
    props: dict[str, Any]  # the relationship's properties


@dataclass
class LinkGroup:
    """Links of one role: one relationship type in one direction to one label."""

    rel: str
    outgoing: bool
    label: str
    members: list[Neighbour] = field(default_factory=list)


def link_groups(graph: nx.MultiDiGraph, node: str, schema: Schema | None = None) -> list[LinkGroup]:
    """The node's relationships grouped by role (type, direction, other label); sources left out."""
    schema = schema or load_schema()
    groups: dict[tuple[str, bool, str], LinkGroup] = {}

    def add(rel: str, outgoing: bool, other: str, props: dict[str, Any]) -> None:
        attrs = graph.nodes[other]
        label = str(attrs.get("label", ""))
        if label == "Source":
            return
        group = groups.setdefault((rel, outgoing, label), LinkGroup(rel, outgoing, label))
        group.members.append(Neighbour(other, label, node_name(attrs, other), props))

    for _, other, attrs in graph.out_edges(node, data=True):
        add(str(attrs.get("type", "")), True, other, dict(attrs))
    for other, _, attrs in graph.in_edges(node, data=True):
        add(str(attrs.get("type", "")), False, other, dict(attrs))
    rel_order = {name: rank for rank, name in enumerate(schema.relationships)}
    for group in groups.values():
        group.members.sort(key=lambda m: (str(m.props.get("role") or ""), m.name))
    return sorted(groups.values(), key=lambda g: (rel_order.get(g.rel, 99), not g.outgoing, g.label))


@dataclass(frozen=True)
class Dated:
    date: str
    node: str
    label: str
    name: str
    what: str  # the date property
    status: str


def timeline(graph: nx.MultiDiGraph, node: str, schema: Schema | None = None) -> list[Dated]:
    """The node's own dated facts and those of the items directly linked to it, oldest first."""
    schema = schema or load_schema()
    seen = {node} | set(graph.successors(node)) | set(graph.predecessors(node))
    events: list[Dated] = []
    for other in seen:
        attrs = graph.nodes[other]
        label = schema.labels.get(str(attrs.get("label", "")))
        if label is None or label.name in ("Source", "Region"):
            continue
        status = str(attrs.get("checked_status") or attrs.get("status") or attrs.get("stage") or "")
        for prop in label.properties.values():
            if prop.type == "date" and not prop.derived and attrs.get(prop.name):
                events.append(Dated(str(attrs[prop.name])[:10], other, label.name, node_name(attrs, other),
                                    prop.name, status))
    return sorted(events, key=lambda e: (e.date, e.node != node, e.name))


def own_sources(graph: nx.MultiDiGraph, node: str) -> list[str]:
    """Ids of the sources the node's own facts and its own relationships cite (never a neighbour's)."""
    ids = set(id_items(graph.nodes[node].get("source_ids")))
    for _, _, attrs in graph.out_edges(node, data=True):
        ids.update(id_items(attrs.get("source_ids")))
    for _, _, attrs in graph.in_edges(node, data=True):
        ids.update(id_items(attrs.get("source_ids")))
    return sorted(ids)


def missing_marks(attrs: dict[str, Any], schema: Schema | None = None) -> list[str]:
    """'date' and/or 'status' for an item whose label has stages but that records none."""
    schema = schema or load_schema()
    label = schema.labels.get(str(attrs.get("label", "")))
    if label is None or not label.stages:
        return []
    marks = []
    if not any(attrs.get(p) for p in label.properties if p.endswith("_date")):
        marks.append("date")
    if not any(attrs.get(p) for p in ("status", "stage", "checked_status")):
        marks.append("status")
    return marks


def by_label(hits: list[Hit]) -> dict[str, list[Hit]]:
    grouped: dict[str, list[Hit]] = defaultdict(list)
    for hit in hits:
        grouped[hit.label].append(hit)
    return dict(grouped)
