"""Which part of the graph a picture or an export shows: all of it, an audit's subgraph, or
the neighbourhood of one node. Node ids are `Label:key` as in safetykg/graph/nxgraph.py."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import networkx as nx

from ..graph.nxgraph import ego, node_id, to_networkx
from ..graph.store import Store
from . import audits


def resolve_node(graph: nx.MultiDiGraph, text: str) -> str | None:
    """`Label:key`, or a bare key when exactly one label has it (ids are unique across labels)."""
    text = text.strip()
    if text in graph:
        return text
    matches = [node for node, attrs in graph.nodes(data=True) if str(attrs.get("key")) == text]
    return matches[0] if len(matches) == 1 else None


def around(graph: nx.MultiDiGraph, node: str, depth: int = 1, labels: Iterable[str] | None = None) -> nx.MultiDiGraph:
    """The ego network of `node`: everything within `depth` hops, optionally only some labels."""
    center = resolve_node(graph, node)
    if center is None:
        raise KeyError(f"no node {node!r} (use Label:key, e.g. Accident:ACC-2020-0307-quanzhou)")
    return ego(graph, center, depth, list(labels) if labels else None)


def edges_graph(full: nx.MultiDiGraph, rows: Sequence[Mapping[str, Any]]) -> nx.MultiDiGraph:
    """A graph from subgraph rows (src, src_label, rel, dst, dst_label), nodes carrying their stored properties."""
    graph = nx.MultiDiGraph()

    def add(label: str, key: Any, name: Any) -> str:
        raw = str(key)
        node = raw if raw.startswith(f"{label}:") else node_id(label, raw)
        if node not in graph:
            attrs = dict(full.nodes[node]) if node in full else {"label": label, "key": raw.split(":", 1)[-1]}
            if name and not attrs.get("name"):  # a graph too large to hold whole: the row names the node
                attrs["name"] = name
            graph.add_node(node, **attrs)
        return node

    for row in rows:
        src = add(str(row["src_label"]), row["src"], row.get("src_name"))
        dst = add(str(row["dst_label"]), row["dst"], row.get("dst_name"))
        rel = str(row["rel"])
        attrs: dict[str, Any] = {"type": rel}
        if full.has_edge(src, dst, key=rel):
            attrs = dict(full.edges[src, dst, rel])
        graph.add_edge(src, dst, key=rel, **attrs)
    return graph


def audit_graph(
    store: Store, audit_id: str, params: Mapping[str, Any], full: nx.MultiDiGraph | None = None
) -> nx.MultiDiGraph:
    audit = audits.get_audit(audit_id)
    rows = audits.subgraph_rows(store, audit, params)
    return edges_graph(full if full is not None else to_networkx(store), rows)
