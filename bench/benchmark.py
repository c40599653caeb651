"""Side-by-side benchmark of the two engines: load rows/s, audit latency, peak memory.

    python bench/benchmark.py --accidents 10000 [--neo4j-uri bolt://127.0.0.1:7687] [--out bench/results.md]

Without --neo4j-uri it starts a throw-away Neo4j with tools/neo4j/neo4jctl when Java and Maven
are present (and stops it afterwards). Numbers, not assertions: tests never time anything.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

from safetykg.graph.schema import load_schema
from safetykg.graph.store import Store, StoreConfig, open_store
from safetykg.loaders.bulk import bulk_load
from safetykg.loaders.synthetic import SyntheticGraph, generate

REPO = Path(__file__).resolve().parents[1]
NEO4JCTL = REPO / "tools" / "neo4j" / "neo4jctl"
FALLBACK_QUERIES = {
    "open-penalties-by-department": (
        "MATCH (p:Penalty)-[:ENFORCED_BY]->(d:Department) WHERE p.executed_day IS NULL "
        "RETURN d.name AS department, count(p) AS open ORDER BY open DESC, department LIMIT 20"
    ),
    "accidents-per-province": (
        "MATCH (a:Accident)-[:OCCURRED_IN]->(:Region)-[:PART_OF*1..2]->(p:Region {level: 'province'}) "
        "RETURN p.adcode AS province, count(a) AS accidents, sum(a.deaths) AS deaths ORDER BY province"
    ),
}


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def server_peak_mib(pid_file: Path) -> float | None:
    try:
        pid = pid_file.read_text().strip()
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def load(store: Store, graph: SyntheticGraph) -> float:
    schema = store.schema
    began = time.perf_counter()
    # one transaction per batch: a national graph in one Neo4j transaction exceeds its memory limit
    for label, rows in graph.nodes.items():
        store.upsert_nodes(schema.labels[label], rows)
    for (rtype, start, end), rows in graph.rels.items():
        store.upsert_relationships(schema.relationships[rtype], schema.labels[start], schema.labels[end], rows)
    return time.perf_counter() - began


def audit_latencies(store: Store, repeats: int) -> dict[str, float]:
    timings: dict[str, list[float]] = {}
    try:
        from safetykg.queries.runner import list_audits, run_audit

        runs: list[tuple[str, Any]] = [(a.id, lambda a=a: run_audit(store, a, {})) for a in list_audits()]
    except ImportError:
        runs = [(name, lambda q=q: store.run(q)) for name, q in FALLBACK_QUERIES.items()]
    for name, call in runs:
        for _ in range(repeats):
            began = time.perf_counter()
            call()
            timings.setdefault(name, []).append(time.perf_counter() - began)
    return {name: statistics.median(values) * 1000 for name, values in timings.items()}


def bulk(store: Store, graph: SyntheticGraph) -> float:
    began = time.perf_counter()
    bulk_load(store, graph.nodes, graph.rels)
    return time.perf_counter() - began


def bench_engine(config: StoreConfig, graph: SyntheticGraph, repeats: int, use_bulk: bool = False) -> dict[str, Any]:
    with open_store(config) as store:
        if config.uri:
            store.clear()
        seconds = bulk(store, graph) if use_bulk else load(store, graph)
        latencies = audit_latencies(store, repeats)
        version = store.server_version()
    return {
        "engine": version + (" COPY (bulk)" if use_bulk else " UNWIND/MERGE"),
        "rows": graph.row_count(),
        "load_seconds": round(seconds, 2),
        "rows_per_second": round(graph.row_count() / seconds),
        "audit_ms_median": {k: round(v, 1) for k, v in latencies.items()},
        "client_peak_rss_mib": round(peak_rss_mib(), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accidents", type=int, default=10000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--counties", type=int, default=3300, help="synthetic counties (10 per prefecture, ~national: 3300)")
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--neo4j-uri", default=os.environ.get("NEO4J_URI"))
    parser.add_argument("--out", type=Path, default=REPO / "bench" / "results.md")
    args = parser.parse_args()
    graph = generate(load_schema(), args.accidents, counties=args.counties)
    results = []
    for use_bulk in (False, True):
        with tempfile.TemporaryDirectory() as tmp:
            config = StoreConfig(data_dir=Path(tmp), batch_size=args.batch_size)
            results.append(bench_engine(config, graph, args.repeats, use_bulk))
    uri, started = args.neo4j_uri, False
    if not uri and shutil.which("java") and shutil.which("mvn"):
        port = "7697"
        subprocess.run([str(NEO4JCTL), "start", "--port", port], check=True, capture_output=True)
        uri, started = f"bolt://127.0.0.1:{port}", True
    if uri:
        try:
            neo = bench_engine(StoreConfig(uri=uri, batch_size=args.batch_size), graph, args.repeats)
            peak = server_peak_mib(REPO / ".neo4j" / "neo4j.pid") if started else None
            neo["server_peak_rss_mib"] = round(peak, 1) if peak else None
            results.append(neo)
        finally:
            if started:
                subprocess.run([str(NEO4JCTL), "stop"], capture_output=True)
    lines = [
        f"# safetykg benchmark — {args.accidents} synthetic accidents, {args.counties} counties "
        f"({graph.row_count()} rows), batch {args.batch_size}",
        "",
        "| engine | load s | rows/s | client peak RSS MiB | server peak RSS MiB |",
        "|---|---|---|---|---|",
    ]
    for r in results:
        lines.append(
            f"| {r['engine']} | {r['load_seconds']} | {r['rows_per_second']} | {r['client_peak_rss_mib']} | "
            f"{r.get('server_peak_rss_mib') or '—'} |"
        )
    lines += ["", "Median audit latency (ms):", "", "| audit | " + " | ".join(r["engine"] for r in results) + " |",
              "|---|" + "---|" * len(results)]
    for name in results[0]["audit_ms_median"]:
        lines.append(f"| {name} | " + " | ".join(str(r["audit_ms_median"].get(name, "")) for r in results) + " |")
    report = "\n".join(lines) + "\n"
    args.out.write_text(report, encoding="utf-8")
    args.out.with_suffix(".json").write_text(json.dumps(results, ensure_ascii=False, indent=2), encoding="utf-8")
    print(report)


if __name__ == "__main__":
    main()
