"""The networkx analytics as they were before issue 12: the whole graph pulled into a MultiDiGraph.

Kept only as a reference: `tests/test_analytics.py` checks that the streamed analytics of
`safetykg.graph.analytics` give the same result on every fixture and on the shipped data.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import networkx as nx

from safetykg.graph.analytics import (
    ACTOR_EDGES,
    ACTOR_LABELS,
    ANALYTICS_LABELS,
    ANALYTICS_RELS,
    CENTRALITY_DIGITS,
    ITEM_LABELS,
    AnalyticsResult,
    Cluster,
    open_reason,
)
from safetykg.graph.nxgraph import node_id, to_networkx
from safetykg.graph.recurrence import Link
from safetykg.graph.store import Store


def pull_networkx(store: Store) -> nx.MultiDiGraph:
    """The part of the graph the analytics read."""
    return to_networkx(store, labels=ANALYTICS_LABELS, rel_types=ANALYTICS_RELS)


def replace_recurrences(graph: nx.MultiDiGraph, links: Iterable[Link]) -> None:
    """Swap the graph's RECURRENCE_OF edges for derived ones (to analyse without writing)."""
    old = [(u, v, k) for u, v, k, t in graph.edges(keys=True, data="type") if t == "RECURRENCE_OF"]
    graph.remove_edges_from(old)
    for link in links:
        graph.add_edge(
            node_id("Accident", link.from_id), node_id("Accident", link.to_id), key="RECURRENCE_OF",
            type="RECURRENCE_OF", rule=link.rule, days=link.days, basis=list(link.basis),
            explanation=link.explanation,
        )


def _nodes(graph: nx.MultiDiGraph, label: str) -> list[str]:
    return sorted(n for n, lab in graph.nodes(data="label") if lab == label)


def _out(graph: nx.MultiDiGraph, node: str, rel: str) -> list[str]:
    return sorted({v for _, v, t in graph.out_edges(node, data="type") if t == rel})


def _in(graph: nx.MultiDiGraph, node: str, rel: str) -> list[str]:
    return sorted({u for u, _, t in graph.in_edges(node, data="type") if t == rel})


def province_of(graph: nx.MultiDiGraph, accident: str) -> str | None:
    """Walk OCCURRED_IN then PART_OF up to the province; returns its name."""
    places = _out(graph, accident, "OCCURRED_IN")
    seen: set[str] = set()
    while places:
        place = places[0]
        if place in seen:
            return None
        seen.add(place)
        if graph.nodes[place].get("level") == "province":
            return str(graph.nodes[place].get("name"))
        places = _out(graph, place, "PART_OF")
    return None


def _actors_of(graph: nx.MultiDiGraph, item: str) -> dict[str, str]:
    """Departments/enterprises an item touches -> how (edge type, or via a person)."""
    found: dict[str, str] = {}
    targets = [(v, rel) for rel in ACTOR_EDGES for v in _out(graph, item, rel)]
    targets += [(u, "DEFENDANT_IN") for u in _in(graph, item, "DEFENDANT_IN")]
    for target, rel in targets:
        label = graph.nodes[target].get("label")
        if label in ACTOR_LABELS:
            found.setdefault(target, rel)
        elif label == "Person":
            for employer in _out(graph, target, "WORKS_FOR"):
                if graph.nodes[employer].get("label") in ACTOR_LABELS:
                    found.setdefault(employer, f"{rel} via {target}")
    return found


def _accidents_of(graph: nx.MultiDiGraph, item: str) -> list[str]:
    if graph.nodes[item].get("label") == "CriminalCase":
        return _in(graph, item, "LED_TO")
    accidents: set[str] = set()
    for investigation in _in(graph, item, "RECOMMENDS"):
        accidents.update(_in(graph, investigation, "INVESTIGATED_BY"))
    return sorted(accidents)


def broken_chains(graph: nx.MultiDiGraph, as_of: str) -> tuple[nx.Graph, list[dict[str, Any]]]:
    """The undirected accidents–open items–actors graph and the open items."""
    chain = nx.Graph()
    items: list[dict[str, Any]] = []
    for label in ITEM_LABELS:
        for item in _nodes(graph, label):
            props = graph.nodes[item]
            reason = open_reason(label, props, as_of)
            if reason is None:
                continue
            actors = _actors_of(graph, item)
            accidents = _accidents_of(graph, item)
            chain.add_node(item, kind="item")
            for actor, how in actors.items():
                chain.add_node(actor, kind="actor")
                chain.add_edge(item, actor, how=how)
            for accident in accidents:
                chain.add_node(accident, kind="accident")
                chain.add_edge(item, accident, how="accident")
            items.append({
                "id": props["key"], "label": label, "name": props.get("name"), "reason": reason,
                "actors": [graph.nodes[a]["key"] for a in actors],
                "accidents": [graph.nodes[a]["key"] for a in accidents],
            })
    return chain, items


EXACT_BETWEENNESS_MAX = 5000  # nodes of the broken-chain graph; above it, betweenness is sampled
BETWEENNESS_SAMPLES = 500


def actor_centrality(graph: nx.MultiDiGraph, chain: nx.Graph) -> list[dict[str, Any]]:
    """Betweenness is exact up to EXACT_BETWEENNESS_MAX nodes (all shipped and fixture graphs); beyond,
    Brandes' algorithm from BETWEENNESS_SAMPLES fixed-seed pivots (O(k·E) instead of O(V·E)), so a
    national graph is analysed in minutes, with the same pivots and so the same values on every run."""
    size = chain.number_of_nodes()
    sample = {"k": BETWEENNESS_SAMPLES, "seed": 0} if size > EXACT_BETWEENNESS_MAX else {}
    betweenness = nx.betweenness_centrality(chain, normalized=True, **sample) if size > 2 else {}
    degree = nx.degree_centrality(chain) if chain.number_of_nodes() > 1 else {}
    rows = []
    for label in ACTOR_LABELS:
        for actor in _nodes(graph, label):
            props = graph.nodes[actor]
            items = sorted(graph.nodes[n]["key"] for n in chain.neighbors(actor)) if actor in chain else []
            rows.append({
                "id": props["key"], "label": label, "name": props.get("name"),
                "open_items": len(items), "items": items,
                "centrality": round(float(betweenness.get(actor, 0.0)), CENTRALITY_DIGITS),
                "degree_centrality": round(float(degree.get(actor, 0.0)), CENTRALITY_DIGITS),
            })
    rows.sort(key=lambda r: (-r["centrality"], -r["open_items"], r["label"], r["id"]))
    return rows


def recurrence_clusters(graph: nx.MultiDiGraph) -> tuple[list[Cluster], dict[str, str | None]]:
    accidents = _nodes(graph, "Accident")
    linked = nx.Graph()
    linked.add_nodes_from(accidents)
    edges = [(u, v) for u, v, t in graph.edges(data="type") if t == "RECURRENCE_OF"]
    linked.add_edges_from(edges)
    clusters: list[Cluster] = []
    membership: dict[str, str | None] = {graph.nodes[a]["key"]: None for a in accidents}

    def order(node: str) -> tuple[str, str]:
        return (str(graph.nodes[node].get("date") or "9999-99-99"), graph.nodes[node]["key"])

    for component in nx.connected_components(linked):
        if len(component) < 2:
            continue
        members = sorted(component, key=order)
        cluster_id = "RC-" + graph.nodes[members[0]]["key"]
        keys = [graph.nodes[m]["key"] for m in members]
        count = sum(1 for u, v in edges if u in component and v in component)
        clusters.append(Cluster(cluster_id, keys, count))
        for key in keys:
            membership[key] = cluster_id
    clusters.sort(key=lambda c: c.id)
    return clusters, membership


def recurrence_rates(graph: nx.MultiDiGraph) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    recurred = {v for _, v, t in graph.edges(data="type") if t == "RECURRENCE_OF"}
    repeats = {u for u, _, t in graph.edges(data="type") if t == "RECURRENCE_OF"}
    groups: dict[str, dict[str, dict[str, int]]] = {"province": defaultdict(lambda: defaultdict(int)),
                                                    "kind": defaultdict(lambda: defaultdict(int))}
    for accident in _nodes(graph, "Accident"):
        keys = {"province": province_of(graph, accident) or "不详", "kind": graph.nodes[accident].get("kind") or "不详"}
        for dim, key in keys.items():
            counts = groups[dim][key]
            counts["accidents"] += 1
            counts["recurred"] += accident in recurred
            counts["repeats"] += accident in repeats

    def rows(dim: str) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = [
            {dim: key, "accidents": c["accidents"], "recurred": c["recurred"], "repeats": c["repeats"],
             "rate": round(c["recurred"] / c["accidents"], 4)}
            for key, c in groups[dim].items()
        ]
        out.sort(key=lambda r: (-r["rate"], -r["accidents"], r[dim]))
        return out

    return rows("province"), rows("kind")


def lead_times(graph: nx.MultiDiGraph) -> list[dict[str, Any]]:
    rows = []
    for u, v, data in graph.edges(data=True):
        if data.get("type") != "RECURRENCE_OF":
            continue
        rows.append({
            "accident": graph.nodes[v]["key"], "date": graph.nodes[v].get("date"),
            "recurrence": graph.nodes[u]["key"], "recurrence_date": graph.nodes[u].get("date"),
            "days": int(data["days"]) if data.get("days") is not None else None, "rule": data.get("rule"),
        })
    rows.sort(key=lambda r: (r["date"] or "", r["accident"], r["recurrence"]))
    return rows


def analyze_graph(graph: nx.MultiDiGraph, as_of: str) -> AnalyticsResult:
    dt.date.fromisoformat(as_of)
    chain, items = broken_chains(graph, as_of)
    clusters, membership = recurrence_clusters(graph)
    by_province, by_kind = recurrence_rates(graph)
    return AnalyticsResult(
        as_of=as_of, actors=actor_centrality(graph, chain), open_items=items, clusters=clusters,
        accident_cluster=membership, rates_by_province=by_province, rates_by_kind=by_kind,
        lead_times=lead_times(graph),
    )


