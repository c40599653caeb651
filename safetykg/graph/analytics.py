"""networkx analytics over the graph pulled from either engine (`to_networkx`).

What Cypher does badly is done here, on the MultiDiGraph:

- **Broken chains.** Open accountability items as of a date — penalties and
  disciplinary measures not executed, criminal cases stalled, rectification measures
  not verified — joined to the departments and enterprises they are against, enforced
  by, assigned to or handled by (a person is replaced by the enterprises/departments
  they work for), and to the accident they stem from. On that undirected, bipartite-ish
  graph (accidents – items – actors) every department and enterprise gets
  `open_items` (how many open items touch it) and `centrality` (normalised betweenness:
  how much of the broken chains runs through it). Degree centrality is reported too.
- **Clusters.** Connected components of accidents joined by RECURRENCE_OF; a
  component of two or more accidents gets `cluster_id` = "RC-" + its earliest accident's id.
- **Recurrence rates.** Per province and per kind: accidents that recurred (a later
  accident links to them) / accidents.
- **Lead times.** Days from an accident to each recurrence.

Results are written back with the date they were computed (`analytics_date`): only
nodes whose values changed (or that were never analysed) are written, so re-running
with the same graph writes nothing and keeps the date the values were first computed.

Open-item conventions (as of date D; an item whose first dated stage is after D did not exist yet):
- Penalty / Discipline: open when the check found it `not_executed` / `unenforceable`
  (status or checked_status), or when it was not executed by D: `executed_date` after D
  or, without an `executed_date`, neither status nor a check on or before D says executed.
- CriminalCase: open when its stage or check is `stalled`.
- Measure: open when the check found it `not_done`, or it was not verified by D (the same
  way, with `verified_date`); a measure resumed before verification says so.
- A check dated after D is ignored; the stored status is the latest, so a dated stage wins over it.
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from .nxgraph import node_id, to_networkx
from .recurrence import Link, day_of
from .schema import load_schema
from .store import Store

ACTOR_LABELS = ("Department", "Enterprise")
ITEM_LABELS = ("Penalty", "Discipline", "CriminalCase", "Measure")
ACTOR_EDGES = ("AGAINST", "ENFORCED_BY", "ASSIGNED_TO", "HANDLED_BY")
ANALYTICS_LABELS = ("Accident", "Region", "Department", "Enterprise", "Person", "Investigation", *ITEM_LABELS)
ANALYTICS_RELS = (
    "OCCURRED_IN", "PART_OF", "RECURRENCE_OF", "INVESTIGATED_BY", "RECOMMENDS", "LED_TO", "WORKS_FOR",
    "DEFENDANT_IN", *ACTOR_EDGES,
)
# the dated stages of each item label, in order, as declared in schema.yaml (`stages:`)
STAGE_DATES = {label: load_schema().label(label).stage_dates for label in ITEM_LABELS}
CENTRALITY_DIGITS = 6


def _on_or_before(date: Any, as_of: str) -> bool:
    return bool(date) and str(date) <= as_of


def _closed(item: dict[str, Any], closing_date: str, says_closed: bool, as_of: str) -> bool:
    """Closed as of the date: by the dated closing stage when there is one, else by status or check."""
    if item.get(closing_date):
        return _on_or_before(item.get(closing_date), as_of)
    return says_closed


def open_reason(label: str, item: dict[str, Any], as_of: str) -> str | None:
    """Why an item is open as of `as_of` (Chinese), or None when it is closed or did not exist yet."""
    dated = [str(item[k]) for k in STAGE_DATES.get(label, ()) if item.get(k)]
    if dated and min(dated) > as_of:
        return None
    status = item.get("status") or item.get("stage")
    checked = item.get("checked_status") if (not item.get("checked_date") or _on_or_before(item.get("checked_date"), as_of)) else None
    if label in ("Penalty", "Discipline"):
        for value in (checked, status):
            if value == "not_executed":
                return "核查未执行 / not executed"
            if value == "unenforceable":
                return "无法执行 / unenforceable"
        if _closed(item, "executed_date", status == "executed" or checked == "executed", as_of):
            return None
        return "未见执行 / no execution recorded"
    if label == "CriminalCase":
        if status == "stalled" or checked == "stalled":
            return "刑事案件停滞 / stalled"
        return None
    if label == "Measure":
        if checked == "not_done" or status == "not_done":
            return "整改未完成 / not done"
        if _closed(item, "verified_date", status == "verified" or checked == "verified", as_of):
            return None
        if item.get("resumed_before_verified"):
            return "未验收即复产 / resumed before verified"
        return "整改未验收 / not verified"
    return None


@dataclass
class Cluster:
    id: str
    accidents: list[str]
    links: int


@dataclass
class AnalyticsResult:
    as_of: str
    actors: list[dict[str, Any]] = field(default_factory=list)
    open_items: list[dict[str, Any]] = field(default_factory=list)
    clusters: list[Cluster] = field(default_factory=list)
    accident_cluster: dict[str, str | None] = field(default_factory=dict)
    rates_by_province: list[dict[str, Any]] = field(default_factory=list)
    rates_by_kind: list[dict[str, Any]] = field(default_factory=list)
    lead_times: list[dict[str, Any]] = field(default_factory=list)

    def lead_time_summary(self) -> dict[str, Any]:
        days = [row["days"] for row in self.lead_times]
        if not days:
            return {"links": 0}
        return {
            "links": len(days), "min": min(days), "median": statistics.median(days), "max": max(days),
            "mean": round(statistics.mean(days), 1),
        }

    def as_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of,
            "actors": self.actors,
            "open_items": self.open_items,
            "clusters": [{"id": c.id, "accidents": c.accidents, "links": c.links} for c in self.clusters],
            "rates_by_province": self.rates_by_province,
            "rates_by_kind": self.rates_by_kind,
            "lead_times": self.lead_times,
            "lead_time_summary": self.lead_time_summary(),
        }


def pull_graph(store: Store) -> nx.MultiDiGraph:
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


def analyze(store: Store, as_of: str | None = None) -> AnalyticsResult:
    return analyze_graph(pull_graph(store), as_of or dt.date.today().isoformat())


# --- writing back ------------------------------------------------------------------


@dataclass
class WriteReport:
    actors: int = 0
    accidents: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.actors or self.accidents)


def _same_float(a: Any, b: Any) -> bool:
    return a is not None and b is not None and abs(float(a) - float(b)) < 10 ** -(CENTRALITY_DIGITS + 2)


def write_analytics(
    store: Store, result: AnalyticsResult, computed_date: str | None = None, force: bool = False
) -> WriteReport:
    """Write centrality/open_items and cluster_id with analytics_date; only changed nodes unless `force`."""
    computed = computed_date or dt.date.today().isoformat()
    computed_day = day_of(computed)
    report = WriteReport()
    v = store.value_expr
    with store.transaction():
        for label in ACTOR_LABELS:
            current = {
                r["id"]: r for r in store.run(
                    f"MATCH (n:{label}) RETURN n.id AS id, n.centrality AS centrality, "
                    "n.open_items AS open_items, n.analytics_date AS analytics_date"
                )
            }
            rows = []
            for actor in result.actors:
                if actor["label"] != label or actor["id"] not in current:
                    continue
                old = current[actor["id"]]
                unchanged = (
                    old["analytics_date"] is not None
                    and _same_float(old["centrality"], actor["centrality"])
                    and old["open_items"] is not None and int(old["open_items"]) == actor["open_items"]
                )
                if unchanged and not force:
                    continue
                rows.append({
                    "id": actor["id"], "centrality": float(actor["centrality"]), "open_items": actor["open_items"],
                    "analytics_date": computed, "analytics_day": computed_day,
                })
            if rows:
                store.write(
                    f"UNWIND $rows AS r MATCH (n:{label} {{id: r.id}}) "
                    f"SET n.centrality = {v('r', 'centrality', 'float')}, n.open_items = {v('r', 'open_items', 'int')}, "
                    f"n.analytics_date = r.analytics_date, n.analytics_day = {v('r', 'analytics_day', 'int')}",
                    {"rows": rows},
                )
                report.actors += len(rows)
        current = {
            r["id"]: r for r in store.run(
                "MATCH (n:Accident) RETURN n.id AS id, n.cluster_id AS cluster_id, n.analytics_date AS analytics_date"
            )
        }
        rows = []
        for accident, cluster_id in sorted(result.accident_cluster.items()):
            stored = current.get(accident)
            if stored is None:
                continue
            if not force and stored["analytics_date"] is not None and stored["cluster_id"] == cluster_id:
                continue
            rows.append({"id": accident, "cluster_id": cluster_id, "analytics_date": computed,
                         "analytics_day": computed_day})
        if rows:
            store.write(
                "UNWIND $rows AS r MATCH (n:Accident {id: r.id}) SET n.cluster_id = r.cluster_id, "
                f"n.analytics_date = r.analytics_date, n.analytics_day = {v('r', 'analytics_day', 'int')}",
                {"rows": rows},
            )
            report.accidents += len(rows)
    return report


def top_actors(result: AnalyticsResult, limit: int = 10) -> list[dict[str, Any]]:
    return [a for a in result.actors if a["open_items"] > 0][:limit]


def link_rows(links: Sequence[Link]) -> list[dict[str, Any]]:
    return [link.as_dict() for link in links]
