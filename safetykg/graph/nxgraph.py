"""The stored graph as a networkx MultiDiGraph, for analytics and exports.

Node ids are `Label:key` so ids from different labels never collide; every node keeps
its label, key and stored properties; every edge its type and stored properties.
"""

from __future__ import annotations

from collections.abc import Iterable

import networkx as nx

from .store import Store


def node_id(label: str, key: str) -> str:
    return f"{label}:{key}"


def to_networkx(store: Store, labels: Iterable[str] | None = None, rel_types: Iterable[str] | None = None) -> nx.MultiDiGraph:
    schema = store.schema
    wanted_labels = set(labels) if labels is not None else set(schema.labels)
    wanted_rels = set(rel_types) if rel_types is not None else set(schema.relationships)
    graph = nx.MultiDiGraph()
    for label in schema.labels.values():
        if label.name not in wanted_labels:
            continue
        columns = [c for c, _ in label.stored_columns()]
        ret = ", ".join(f"n.{c} AS {c}" for c in columns)
        for row in store.run(f"MATCH (n:{label.name}) RETURN {ret}"):
            key = str(row[label.key])
            graph.add_node(node_id(label.name, key), label=label.name, key=key, **row)
    for rel in schema.relationships.values():
        if rel.name not in wanted_rels:
            continue
        columns = [c for c, _ in rel.stored_columns()]
        for start, end in rel.ends:
            if start not in wanted_labels or end not in wanted_labels:
                continue
            a, b = schema.labels[start], schema.labels[end]
            ret = "".join(f", e.{c} AS {c}" for c in columns)
            query = f"MATCH (a:{start})-[e:{rel.name}]->(b:{end}) RETURN a.{a.key} AS _from, b.{b.key} AS _to{ret}"
            for row in store.run(query):
                src, dst = node_id(start, str(row.pop("_from"))), node_id(end, str(row.pop("_to")))
                graph.add_edge(src, dst, key=rel.name, type=rel.name, **row)
    return graph


def ego(graph: nx.MultiDiGraph, center: str, depth: int = 1, labels: Iterable[str] | None = None) -> nx.MultiDiGraph:
    """Nodes within `depth` hops of `center` (direction ignored), optionally only some labels."""
    allowed = set(labels) if labels else None
    undirected = graph.to_undirected(as_view=True)
    keep = {center}
    frontier = {center}
    for _ in range(depth):
        nxt = set()
        for node in frontier:
            for neighbour in undirected.neighbors(node):
                if neighbour in keep:
                    continue
                if allowed is None or graph.nodes[neighbour].get("label") in allowed:
                    nxt.add(neighbour)
        keep |= nxt
        frontier = nxt
    return graph.subgraph(keep).copy()
