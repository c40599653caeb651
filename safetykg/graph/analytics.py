"""Analytics of the broken accountability chains and of recurrence, read from the store column by column.

Nothing pulls the whole graph: every computation reads, with a narrow streamed query
(`Store.iter_rows`), only the columns and edges it needs, so memory grows with the open
items and the links, not with every property of every node (issue 12: toward 1M accidents).

- **Broken chains.** Open accountability items as of a date — penalties and
  disciplinary measures not executed, criminal cases stalled, rectification measures
  not verified — joined to the departments and enterprises they are against, enforced
  by, assigned to or handled by (a person is replaced by the enterprises/departments
  they work for), and to the accident they stem from. Only the stage, status and check
  columns of the items are read; the open ones and their edges make an undirected,
  bipartite-ish networkx graph (accidents – items – actors). On it every department and
  enterprise gets `open_items` (how many open items touch it) and `centrality`
  (normalised betweenness: how much of the broken chains runs through it). Degree
  centrality is reported too.
- **Betweenness, exact or sampled.** Brandes' algorithm costs one traversal of the
  source's component (its nodes + edges) per source node, so exact betweenness costs the
  sum of nodes × (nodes + edges) over the components. While that fits `EXACT_WORK` (every
  fixture and the shipped data; under 10 s) the graph is computed whole and exactly, as
  networkx always did. Beyond it, betweenness is computed component by component (two
  nodes in different components have no path between them, so nothing is lost;
  components of one or two nodes are 0), and every component starts from the same
  fraction of its nodes, drawn with a fixed seed
  (networkx `k=`, `seed=0`, the sums rescaled by nodes/k), at least
  `MIN_BETWEENNESS_PIVOTS` (a small component stays exact), the fraction chosen so the
  work stays near `BETWEENNESS_BUDGET` however large the graph. The same graph gives the same
  values on every run. Sampled values are estimates: a department that bridges many
  chains stays high, but actors with close values can swap places, and a small bridge
  that no pivot's paths cross can read 0. `AnalyticsResult.betweenness` says which it was.
- **Clusters.** Connected components of accidents joined by RECURRENCE_OF (read from those
  edges only); a component of two or more accidents gets `cluster_id` = "RC-" + its
  earliest accident's id.
- **Recurrence rates.** Per province and per kind: accidents that recurred (a later
  accident links to them) / accidents, from the accidents' id, kind and place (the
  province of each region is found once, not once per accident).
- **Lead times.** Days from an accident to each recurrence (the links' `days`).

Results are written back with the date they were computed (`analytics_date`): only
nodes whose values changed (or that were never analysed) are written, so re-running
with the same graph writes nothing and keeps the date the values were first computed.
The stored values are compared as they stream in, and writes go in batches of
`WRITE_BATCH` rows inside the one transaction.

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
import math
import random
import statistics
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from .brandes import Adjacency, dependencies
from .nxgraph import node_id
from .recurrence import Link, day_of, read_regions
from .schema import load_schema
from .store import Row, Store

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
    betweenness: str = "exact"  # or "sampled k=… seed=…" (see the module docstring); not in as_dict

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


@dataclass
class GraphSource:
    """What the analytics read: the store, queried narrowly when `analyze_graph` runs.

    `links`, when set, stand in for the stored RECURRENCE_OF edges (a dry run analyses the
    links it derived without writing them)."""

    store: Store
    links: list[Link] | None = None


def pull_graph(store: Store) -> GraphSource:
    """The source the analytics read from; nothing is read until `analyze_graph` (kept for callers of the
    former whole-graph pull: the CLI and the benchmark)."""
    return GraphSource(store)


def replace_recurrences(graph: GraphSource, links: Iterable[Link]) -> None:
    """Analyse these links instead of the stored RECURRENCE_OF edges (to analyse without writing)."""
    graph.links = list(links)


def _columns(store: Store, label: str, wanted: Iterable[str]) -> list[str]:
    stored = {c for c, _ in store.schema.label(label).stored_columns()}
    return [c for c in dict.fromkeys(wanted) if c in stored]


def _nodes(store: Store, label: str, columns: Sequence[str]) -> Iterator[Row]:
    """Some properties of every node of a label, streamed."""
    return store.iter_label_rows(label, {c: f"n.{c}" for c in columns})


def _edges(store: Store, rel: str, start: str | None = None, end: str | None = None) -> Iterator[tuple[str, str, str, str]]:
    """(start label, start key, end label, end key) of every `rel` edge between the given labels, streamed.

    The read walks the end with more nodes: an engine that pages over the walked label's nodes (Neo4j)
    then holds a few edges per node in a page, never a department's 850k supervised enterprises."""
    schema = store.schema
    for a, b in schema.relationships[rel].ends:
        if (start and a != start) or (end and b != end):
            continue
        ka, kb = schema.labels[a].key, schema.labels[b].key
        if a == b or _node_count(store, a) >= _node_count(store, b):
            rows = store.iter_label_rows(a, {"a": f"n.{ka}", "b": f"b.{kb}"}, f"MATCH (n)-[:{rel}]->(b:{b})")
        else:
            rows = store.iter_label_rows(b, {"a": f"a.{ka}", "b": f"n.{kb}"}, f"MATCH (a:{a})-[:{rel}]->(n)")
        for row in rows:
            yield a, str(row["a"]), b, str(row["b"])


def _node_count(store: Store, label: str) -> int:
    return int(store.run(f"MATCH (n:{label}) RETURN count(n) AS c")[0]["c"])


# --- broken chains -------------------------------------------------------------------

# the item columns `open_reason` reads (those a label does not have are left out of its query)
ITEM_COLUMNS = ("id", "name", "status", "stage", "checked_status", "checked_date", "executed_date", "verified_date",
                "resumed_before_verified")


def _open_items(store: Store, label: str, as_of: str) -> dict[str, tuple[Any, str]]:
    """key -> (name, reason) of the items of one label that are open as of the date."""
    columns = _columns(store, label, (*ITEM_COLUMNS, *STAGE_DATES[label]))
    found: dict[str, tuple[Any, str]] = {}
    for row in _nodes(store, label, columns):
        reason = open_reason(label, row, as_of)
        if reason is not None:
            found[str(row["id"])] = (row.get("name"), reason)
    return found


def _employers(store: Store) -> dict[str, list[str]]:
    """Person key -> the departments/enterprises they work for, as sorted node ids."""
    employers: dict[str, set[str]] = defaultdict(set)
    for _, person, label, key in _edges(store, "WORKS_FOR", start="Person"):
        if label in ACTOR_LABELS:
            employers[person].add(node_id(label, key))
    return {person: sorted(ids) for person, ids in employers.items()}


def _item_actors(store: Store, label: str, open_keys: Mapping[str, Any],
                 employers: Mapping[str, list[str]]) -> dict[str, dict[str, str]]:
    """Open item key -> {actor node id: how}, in the order of ACTOR_EDGES, then defendants; within one
    edge type by node id (a person's employers take the person's place)."""
    targets: dict[str, list[tuple[int, str, str]]] = defaultdict(list)  # item -> (edge rank, node id, rel)
    for rank, rel in enumerate(ACTOR_EDGES):
        for _, item, end, key in _edges(store, rel, start=label):
            if item in open_keys:
                targets[item].append((rank, node_id(end, key), rel))
    for start, key, _, item in _edges(store, "DEFENDANT_IN", end=label):
        if item in open_keys:
            targets[item].append((len(ACTOR_EDGES), node_id(start, key), "DEFENDANT_IN"))
    actors: dict[str, dict[str, str]] = {}
    for item, found in targets.items():
        out: dict[str, str] = {}
        for _, target, rel in sorted(set(found)):
            target_label, target_key = target.split(":", 1)
            if target_label in ACTOR_LABELS:
                out.setdefault(target, rel)
            elif target_label == "Person":
                for employer in employers.get(target_key, ()):
                    out.setdefault(employer, f"{rel} via {target}")
        actors[item] = out
    return actors


def _item_accidents(store: Store, label: str, open_keys: Mapping[str, Any]) -> dict[str, list[str]]:
    """Open item key -> the accidents it stems from (sorted node ids): a criminal case through LED_TO,
    the other items through the investigation that recommended them."""
    if label == "CriminalCase":
        then = "MATCH (a:Accident)-[:LED_TO]->(n)"
    else:
        then = "MATCH (a:Accident)-[:INVESTIGATED_BY]->(:Investigation)-[:RECOMMENDS]->(n)"
    accidents: dict[str, set[str]] = defaultdict(set)
    for row in store.iter_label_rows(label, {"item": "n.id", "accident": "a.id"}, then):
        item = str(row["item"])
        if item in open_keys:
            accidents[item].add(node_id("Accident", str(row["accident"])))
    return {item: sorted(ids) for item, ids in accidents.items()}


def _key(nid: str) -> str:
    return nid.split(":", 1)[1]


def broken_chains(graph: GraphSource, as_of: str) -> tuple[nx.Graph, list[dict[str, Any]]]:
    """The undirected accidents–open items–actors graph and the open items (by label, then id)."""
    store = graph.store
    employers = _employers(store)
    chain = nx.Graph()
    items: list[dict[str, Any]] = []
    for label in ITEM_LABELS:
        open_items = _open_items(store, label, as_of)
        if not open_items:
            continue
        actors_of = _item_actors(store, label, open_items, employers)
        accidents_of = _item_accidents(store, label, open_items)
        for key in sorted(open_items):
            name, reason = open_items[key]
            item = node_id(label, key)
            actors = actors_of.get(key, {})
            accidents = accidents_of.get(key, [])
            chain.add_node(item)
            for actor in actors:
                chain.add_edge(item, actor)
            for accident in accidents:
                chain.add_edge(item, accident)
            items.append({
                "id": key, "label": label, "name": name, "reason": reason,
                "actors": [_key(a) for a in actors], "accidents": [_key(a) for a in accidents],
            })
    return chain, items


# Brandes' algorithm costs one traversal of the source's component (its nodes + edges) per source
# node, so the exact work is the sum of nodes × (nodes + edges) over the components. networkx does
# roughly 0.3M of these units a second on an idle core (a tenth of that on a crowded machine).
EXACT_WORK = 3_000_000  # exact up to here: under 10 s; every fixture and the shipped data are far below
BETWEENNESS_BUDGET = 15_000_000  # beyond, the sampled work is kept near this, whatever the graph's size
MIN_BETWEENNESS_PIVOTS = 4  # a component this small stays exact
BETWEENNESS_SEED = 0


def betweenness_plan(sizes: Sequence[tuple[int, int]]) -> list[int] | None:
    """Source nodes (pivots) per component, given each component's (nodes, edges); None: exact, all of
    them. Beyond EXACT_WORK, the same fraction of every component, at least MIN_BETWEENNESS_PIVOTS,
    the fraction chosen so the work is about BETWEENNESS_BUDGET."""
    costs = [n * (n + e) for n, e in sizes]
    total = sum(costs)
    if total <= EXACT_WORK:
        return None
    fraction = BETWEENNESS_BUDGET / total
    return [min(n, max(MIN_BETWEENNESS_PIVOTS, math.ceil(fraction * n))) for n, _ in sizes]


def chain_betweenness(chain: nx.Graph) -> tuple[dict[Any, float], str]:
    """Normalised betweenness of the chain graph and how it was computed: "exact", or "sampled: …" with
    the pivots used. A pair of nodes in different components has no path, so each component's
    betweenness is its own; only the normalisation (by the whole graph's (V-1)(V-2)) is shared."""
    size = chain.number_of_nodes()
    if size <= 2:
        return {}, "exact"
    components = [sorted(c) for c in nx.connected_components(chain) if len(c) > 2]  # smaller ones: all 0
    sizes = [(len(c), sum(chain.degree(n) for n in c) // 2) for c in components]
    plan = betweenness_plan(sizes)
    if plan is None:
        return nx.betweenness_centrality(chain, normalized=True), "exact"
    scale = 2 / ((size - 1) * (size - 2))  # networkx's normalisation of an undirected graph's pair counts
    values: dict[Any, float] = {}
    for nodes, pivots in zip(components, plan, strict=True):
        found = _sampled_betweenness(chain, nodes, pivots) if pivots < len(nodes) else _exact_betweenness(chain, nodes)
        for node, value in found.items():
            if value:
                values[node] = value * scale
    sampled = [(p, n) for p, (n, _) in zip(plan, sizes, strict=True) if p < n]
    if not sampled:
        return values, "exact"
    return values, (f"sampled: {sum(p for p, _ in sampled)} pivots of {sum(n for _, n in sampled)} nodes "
                    f"in {len(sampled)} components, seed {BETWEENNESS_SEED}")


def _exact_betweenness(chain: nx.Graph, nodes: list[Any]) -> dict[Any, float]:
    """A component's betweenness from every node, unnormalised (each pair of nodes counted once)."""
    sub = nx.Graph()
    sub.add_nodes_from(nodes)
    sub.add_edges_from((u, v) for u in nodes for v in chain[u])
    found: dict[Any, float] = nx.betweenness_centrality(sub, normalized=False)
    return found


def _sampled_betweenness(chain: nx.Graph, nodes: list[Any], pivots: int) -> dict[Any, float]:
    """A component's betweenness estimated from `pivots` source nodes, unnormalised, as networkx 3.6's
    `betweenness_centrality(sub, k=pivots, normalized=False, seed=BETWEENNESS_SEED)` estimates it — the
    same sources drawn from the sorted nodes, the same scaling — but each search runs a level at a time
    in numpy (`brandes`): at 1M accidents networkx took seconds per source in the largest component.

    A node's dependency sums from k sources estimate its sum over all n - 1 other sources: scaled by
    (n - 1) / k, or (n - 1) / (k - 1) for a source (it is not a source of its own paths); halved,
    because an undirected pair was counted from both ends."""
    size = len(nodes)
    chosen = random.Random(BETWEENNESS_SEED).sample(nodes, pivots)  # networkx's draw for seed=0
    adjacency = Adjacency(chain, nodes)
    raw = dependencies(adjacency, [adjacency.position[node] for node in chosen])
    sources = set(chosen)
    as_source = (size - 1) / ((pivots - 1) * 2) if pivots > 1 else math.nan
    otherwise = (size - 1) / (pivots * 2)
    return {node: float(raw[i]) * (as_source if node in sources else otherwise) for i, node in enumerate(nodes)}


def actor_centrality(graph: GraphSource, chain: nx.Graph) -> tuple[list[dict[str, Any]], str]:
    """Every department and enterprise with its open items and centralities, most central first."""
    betweenness, method = chain_betweenness(chain)
    degree = nx.degree_centrality(chain) if chain.number_of_nodes() > 1 else {}
    rows: list[dict[str, Any]] = []
    for label in ACTOR_LABELS:
        for row in _nodes(graph.store, label, ("id", "name")):
            key = str(row["id"])
            actor = node_id(label, key)
            items = sorted(_key(n) for n in chain.neighbors(actor)) if actor in chain else []
            rows.append({
                "id": key, "label": label, "name": row.get("name"),
                "open_items": len(items), "items": items,
                "centrality": round(float(betweenness.get(actor, 0.0)), CENTRALITY_DIGITS),
                "degree_centrality": round(float(degree.get(actor, 0.0)), CENTRALITY_DIGITS),
            })
    rows.sort(key=lambda r: (-r["centrality"], -r["open_items"], r["label"], r["id"]))
    return rows, method


# --- recurrence ----------------------------------------------------------------------


@dataclass
class _Recurrence:
    """RECURRENCE_OF links, (later, earlier) -> (days, rule), and what the accidents add to them."""

    links: dict[tuple[str, str], tuple[int | None, Any]]
    dates: dict[str, Any] = field(default_factory=dict)  # linked accidents only
    accidents: list[str] = field(default_factory=list)  # every accident id
    by_province: dict[str, dict[str, int]] = field(default_factory=dict)
    by_kind: dict[str, dict[str, int]] = field(default_factory=dict)


def _links(graph: GraphSource) -> dict[tuple[str, str], tuple[int | None, Any]]:
    def days(value: Any) -> int | None:
        return int(value) if value is not None else None

    if graph.links is not None:
        return {(link.from_id, link.to_id): (days(link.days), link.rule) for link in graph.links}
    rows = graph.store.iter_label_rows(
        "Accident", {"later": "n.id", "earlier": "b.id", "days": "e.days", "rule": "e.rule"},
        "MATCH (n)-[e:RECURRENCE_OF]->(b:Accident)",
    )
    return {(str(r["later"]), str(r["earlier"])): (days(r["days"]), r["rule"]) for r in rows}


def region_provinces(store: Store) -> dict[str, str | None]:
    """Region adcode -> the name of its province: the region, then its first PART_OF parent (by adcode),
    up to the first region whose level is province; None when there is none or the walk loops.
    The gazetteer is read as recurrence reads it (`read_regions`), parents sorted by adcode."""
    units, parents = read_regions(store)

    def walk(start: str) -> str | None:
        places = [start]
        seen: set[str] = set()
        while places:
            place = places[0]
            if place in seen:
                return None
            seen.add(place)
            unit = units.get(place)
            if unit is not None and unit.level == "province":
                return unit.name
            places = sorted(set(parents.get(place, ())))
        return None

    return {adcode: walk(adcode) for adcode in units}


def _read_recurrence(graph: GraphSource) -> _Recurrence:
    """One pass over the accidents (id, kind, date, place): rates counted as they stream by."""
    store = graph.store
    rec = _Recurrence(_links(graph))
    recurred = {earlier for _, earlier in rec.links}
    repeats = {later for later, _ in rec.links}
    linked = recurred | repeats
    provinces = region_provinces(store)
    place: dict[str, str] = {}  # accident -> its first place (by adcode), as `province_of` walked it
    for _, accident, _, adcode in _edges(store, "OCCURRED_IN", start="Accident", end="Region"):
        if accident not in place or adcode < place[accident]:
            place[accident] = adcode
    groups: dict[str, dict[str, dict[str, int]]] = {"province": {}, "kind": {}}
    for row in _nodes(store, "Accident", ("id", "kind", "date")):
        accident = str(row["id"])
        rec.accidents.append(accident)
        if accident in linked:
            rec.dates[accident] = row.get("date")
        where = place.pop(accident) if accident in place else None
        keys = {"province": (provinces.get(where) if where else None) or "不详", "kind": row.get("kind") or "不详"}
        for dim, key in keys.items():
            counts = groups[dim].setdefault(key, {"accidents": 0, "recurred": 0, "repeats": 0})
            counts["accidents"] += 1
            counts["recurred"] += accident in recurred
            counts["repeats"] += accident in repeats
    rec.by_province, rec.by_kind = groups["province"], groups["kind"]
    rec.accidents.sort()
    return rec


def recurrence_clusters(rec: _Recurrence) -> tuple[list[Cluster], dict[str, str | None]]:
    """Components of two or more accidents joined by RECURRENCE_OF; every accident's cluster or None."""
    linked = nx.Graph()
    linked.add_edges_from(rec.links)
    clusters: list[Cluster] = []
    membership: dict[str, str | None] = dict.fromkeys(rec.accidents)
    component_of: dict[str, int] = {}

    def order(accident: str) -> tuple[str, str]:
        return (str(rec.dates.get(accident) or "9999-99-99"), accident)

    components = list(nx.connected_components(linked))
    for index, component in enumerate(components):
        for accident in component:
            component_of[accident] = index
    counts: dict[int, int] = defaultdict(int)
    for later, _ in rec.links:
        counts[component_of[later]] += 1
    for index, component in enumerate(components):
        members = sorted(component, key=order)
        cluster_id = "RC-" + members[0]
        clusters.append(Cluster(cluster_id, members, counts[index]))
        for accident in members:
            membership[accident] = cluster_id
    clusters.sort(key=lambda c: c.id)
    return clusters, membership


def recurrence_rates(rec: _Recurrence) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    def rows(dim: str, groups: dict[str, dict[str, int]]) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = [
            {dim: key, "accidents": c["accidents"], "recurred": c["recurred"], "repeats": c["repeats"],
             "rate": round(c["recurred"] / c["accidents"], 4)}
            for key, c in groups.items()
        ]
        out.sort(key=lambda r: (-r["rate"], -r["accidents"], r[dim]))
        return out

    return rows("province", rec.by_province), rows("kind", rec.by_kind)


def lead_times(rec: _Recurrence) -> list[dict[str, Any]]:
    rows = [
        {"accident": earlier, "date": rec.dates.get(earlier), "recurrence": later,
         "recurrence_date": rec.dates.get(later), "days": days, "rule": rule}
        for (later, earlier), (days, rule) in rec.links.items()
    ]
    rows.sort(key=lambda r: (r["date"] or "", r["accident"], r["recurrence"]))
    return rows


def analyze_graph(graph: GraphSource, as_of: str) -> AnalyticsResult:
    dt.date.fromisoformat(as_of)
    chain, items = broken_chains(graph, as_of)
    actors, method = actor_centrality(graph, chain)
    del chain
    rec = _read_recurrence(graph)
    clusters, membership = recurrence_clusters(rec)
    by_province, by_kind = recurrence_rates(rec)
    return AnalyticsResult(
        as_of=as_of, actors=actors, open_items=items, clusters=clusters, accident_cluster=membership,
        rates_by_province=by_province, rates_by_kind=by_kind, lead_times=lead_times(rec), betweenness=method,
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


WRITE_BATCH = 20_000  # rows per UNWIND write: one parameter list of a national graph's accidents is too big


def write_analytics(
    store: Store, result: AnalyticsResult, computed_date: str | None = None, force: bool = False
) -> WriteReport:
    """Write centrality/open_items and cluster_id with analytics_date; only changed nodes unless `force`."""
    computed = computed_date or dt.date.today().isoformat()
    computed_day = day_of(computed)
    report = WriteReport()
    v = store.value_expr

    def write(query: str, rows: list[tuple[Any, ...]], fields: tuple[str, ...]) -> None:
        """Each batch a statement of its own, outside any transaction, so each commits on its own. A first
        analysis at 1M changes 1.85M nodes: as one LadybugDB transaction, `safetykg analyze` peaked at
        4,672 MiB, batched at 3,989. The values are derived, each with its analytics_date: a failure
        keeps the batches before it, and the next run writes the rest.
        The changed values are held as tuples and made into parameter maps a batch at a time (184
        bytes a map, 56-64 a tuple)."""
        for begin in range(0, len(rows), WRITE_BATCH):
            batch = [dict(zip(fields, row, strict=True), analytics_date=computed, analytics_day=computed_day)
                     for row in rows[begin:begin + WRITE_BATCH]]
            store.write(query, {"rows": batch})

    for label in ACTOR_LABELS:
        wanted = {actor["id"]: actor for actor in result.actors if actor["label"] == label}
        changed: list[tuple[Any, ...]] = []
        for old in _nodes(store, label, ("id", "centrality", "open_items", "analytics_date")):
            actor = wanted.get(old["id"])
            if actor is None:
                continue
            unchanged = (
                old["analytics_date"] is not None
                and _same_float(old["centrality"], actor["centrality"])
                and old["open_items"] is not None and int(old["open_items"]) == actor["open_items"]
            )
            if unchanged and not force:
                continue
            changed.append((actor["id"], float(actor["centrality"]), actor["open_items"]))
        del wanted
        changed.sort(key=lambda r: str(r[0]))
        write(
            f"UNWIND $rows AS r MATCH (n:{label} {{id: r.id}}) "
            f"SET n.centrality = {v('r', 'centrality', 'float')}, n.open_items = {v('r', 'open_items', 'int')}, "
            f"n.analytics_date = r.analytics_date, n.analytics_day = {v('r', 'analytics_day', 'int')}",
            changed, ("id", "centrality", "open_items"),
        )
        report.actors += len(changed)
    rows: list[tuple[Any, ...]] = []
    for stored in _nodes(store, "Accident", ("id", "cluster_id", "analytics_date")):
        accident = stored["id"]
        if accident not in result.accident_cluster:
            continue
        cluster_id = result.accident_cluster[accident]
        if not force and stored["analytics_date"] is not None and stored["cluster_id"] == cluster_id:
            continue
        rows.append((accident, cluster_id))
    rows.sort(key=lambda r: str(r[0]))
    write(
        "UNWIND $rows AS r MATCH (n:Accident {id: r.id}) SET n.cluster_id = r.cluster_id, "
        f"n.analytics_date = r.analytics_date, n.analytics_day = {v('r', 'analytics_day', 'int')}",
        rows, ("id", "cluster_id"),
    )
    report.accidents += len(rows)
    return report


def top_actors(result: AnalyticsResult, limit: int = 10) -> list[dict[str, Any]]:
    return [a for a in result.actors if a["open_items"] > 0][:limit]


def link_rows(links: Sequence[Link]) -> list[dict[str, Any]]:
    return [link.as_dict() for link in links]
