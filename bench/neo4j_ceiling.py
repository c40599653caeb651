"""How fast Neo4j itself can write the bulk files' rows on this machine, beside the driver path.

Issue 12 asks the driver path for 50k rows/s. Whether that is a matter of our client or of the
server decides what to do about a miss, so this probe measures both on one server, file by file:

- **driver**: the file through the loader's own batched writes (`Store.upsert_nodes` /
  `upsert_relationships`: UNWIND, MERGE on the key, SET each column), as `safetykg load-bulk`
  sends it to a loaded graph;
- **server copy**: the same rows copied inside the server, in pages of the same batch size, each
  its own transaction: no rows through the driver, no parameters but the page's first key, no MERGE,
  no lookup of the ends by key. Nodes are copied into their own label under another key, so every
  constraint and index the schema declares is maintained as in the load; relationships into a type
  of their own between the same nodes (pages of start nodes).

The copy is an upper bound for any Cypher load of these rows on this server: what the driver path
cannot pass however the client is tuned. Run it on the files of `safetykg synthetic --out DIR`:

    python bench/neo4j_ceiling.py --files DIR --out bench/neo4j_ceiling.md
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from bench.benchmark import Neo4jHome, machine  # noqa: E402

COPY_PREFIX = "~"  # a copy's key: after every original key (ASCII ids and codes), so a page never meets one


def _node_copy(label: str, key: str) -> str:
    """A page of the label's nodes copied under another key (same label: same constraint and indexes)."""
    return (f"MATCH (n:{label}) WHERE n.{key} > $after AND n.{key} <= $last WITH n ORDER BY n.{key} LIMIT $batch "
            f"CREATE (m:{label}) SET m = n {{.*, {key}: '{COPY_PREFIX}' + n.{key}}} RETURN max(n.{key}) AS done")


def _rel_copy(rel: str, start: str, end: str, key: str) -> str:
    """The relationships of a page of start nodes copied into a type of their own between the same nodes."""
    return (f"MATCH (a:{start}) WHERE a.{key} > $after AND a.{key} <= $last WITH a ORDER BY a.{key} LIMIT $batch "
            f"CALL {{ WITH a MATCH (a)-[r:{rel}]->(b:{end}) CREATE (a)-[c:{rel}_CEILING]->(b) SET c = properties(r) "
            f"RETURN count(*) AS copied }} RETURN max(a.{key}) AS done")


def _copy(driver: Any, label: str, key: str, query: str, batch: int) -> float:
    """Seconds to run a copy page by page (each its own transaction, as the driver path's batches are),
    from the first key of the label to its last original one."""
    last = driver.execute_query(f"MATCH (n:{label}) RETURN max(n.{key}) AS last").records[0]["last"]
    after = ""
    began = time.perf_counter()
    while after is not None and after != last:
        after = driver.execute_query(query, after=after, last=last, batch=batch).records[0]["done"]
    return time.perf_counter() - began


def _cleanup(driver: Any, query: str, batch: int) -> None:
    with driver.session() as session:  # CALL … IN TRANSACTIONS needs an implicit transaction
        session.run(query, batch=batch).consume()


def probe(files_dir: Path, batch: int) -> dict[str, Any]:
    from neo4j import GraphDatabase

    from safetykg.graph.bulkfiles import BulkFiles, read_rows
    from safetykg.graph.schema import load_schema
    from safetykg.graph.store import StoreConfig, open_store

    files = BulkFiles.read(files_dir)
    files.check(load_schema())
    out: dict[str, Any] = {"files": str(files_dir), "batch": batch, "rows": files.rows, "tables": []}
    with tempfile.TemporaryDirectory(prefix="safetykg-ceiling-") as tmp:
        home = Neo4jHome(Path(tmp))
        if home.ctl("start", "--port", str(home.port)).returncode != 0:
            raise SystemExit("neo4jctl start failed")
        try:
            store = open_store(StoreConfig(uri=home.uri, batch_size=batch))
            schema = store.schema
            driver = GraphDatabase.driver(home.uri, notifications_min_severity="OFF")
            try:
                out["server"] = store.server_version()
                for item in files.nodes:
                    assert item.label
                    label = schema.labels[item.label]
                    began = time.perf_counter()
                    for rows in read_rows(item, batch):
                        store.upsert_nodes(label, rows)
                    driver_s = time.perf_counter() - began
                    copy_s = _copy(driver, label.name, label.key, _node_copy(label.name, label.key), batch)
                    _cleanup(driver, f"MATCH (m:{label.name}) WHERE m.{label.key} STARTS WITH '{COPY_PREFIX}' "
                             "CALL { WITH m DELETE m } IN TRANSACTIONS OF $batch ROWS", batch)
                    out["tables"].append(_table(item.label, item.rows, len(item.columns), driver_s, copy_s))
                for item in files.rels:
                    assert item.type and item.start and item.end
                    rel = schema.relationships[item.type]
                    began = time.perf_counter()
                    for rows in read_rows(item, batch):
                        store.upsert_relationships(rel, schema.labels[item.start], schema.labels[item.end], rows)
                    driver_s = time.perf_counter() - began
                    key = schema.labels[item.start].key
                    copy_s = _copy(driver, item.start, key, _rel_copy(item.type, item.start, item.end, key), batch)
                    _cleanup(driver, f"MATCH ()-[c:{item.type}_CEILING]->() CALL {{ WITH c DELETE c }} "
                             "IN TRANSACTIONS OF $batch ROWS", batch)
                    name = f"{item.type} ({item.start}→{item.end})"
                    out["tables"].append(_table(name, item.rows, len(item.columns), driver_s, copy_s))
            finally:
                driver.close()
                store.close()
        finally:
            home.ctl("stop")
    driver_s = sum(t["driver_s"] for t in out["tables"])
    copy_s = sum(t["copy_s"] for t in out["tables"])
    out["driver_s"], out["copy_s"] = round(driver_s, 2), round(copy_s, 2)
    out["driver_rows_per_s"] = round(files.rows / driver_s) if driver_s else None
    out["copy_rows_per_s"] = round(files.rows / copy_s) if copy_s else None
    return out


def _table(name: str, rows: int, columns: int, driver_s: float, copy_s: float) -> dict[str, Any]:
    return {"table": name, "rows": rows, "columns": columns, "driver_s": round(driver_s, 2),
            "copy_s": round(copy_s, 2), "driver_rows_per_s": round(rows / driver_s) if driver_s else None,
            "copy_rows_per_s": round(rows / copy_s) if copy_s else None}


def _rate(value: int | None) -> str:
    return "—" if value is None else f"{value:,}"


def render(result: dict[str, Any], host: dict[str, Any]) -> str:
    lines = [
        "# Neo4j write ceiling / Neo4j 写入上限",
        "",
        "Written by `bench/neo4j_ceiling.py` (see its docstring). One server "
        f"({result.get('server', '?')}, the benchmark's settings), the files `{result['files']}`, "
        f"batches of {result['batch']:,} rows.",
        "",
        f"Machine: {host['cpu']}, {host['cores']} cores, {host['mem_gib']} GiB; load average at start "
        f"{host['load_average_at_start']}.",
        "",
        "| table | rows | columns | driver s | driver rows/s | server copy s | server copy rows/s |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for t in result["tables"]:
        lines.append(f"| {t['table']} | {t['rows']:,} | {t['columns']} | {t['driver_s']} | "
                     f"{_rate(t['driver_rows_per_s'])} | {t['copy_s']} | {_rate(t['copy_rows_per_s'])} |")
    lines += [
        f"| **all** | {result['rows']:,} | | {result['driver_s']} | {_rate(result['driver_rows_per_s'])} | "
        f"{result['copy_s']} | {_rate(result['copy_rows_per_s'])} |",
        "",
        "The server copy writes the same rows with none of the driver path's work around them, so no "
        "tuning of the client can take the driver path past its rate on this machine.",
        "",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", required=True, type=Path, help="a bulk directory (safetykg synthetic --out)")
    parser.add_argument("--batch-size", type=int, default=5000)
    parser.add_argument("--out", type=Path, help="markdown report (JSON beside it)")
    args = parser.parse_args(argv)
    host = machine()
    result = probe(args.files, args.batch_size)
    text = render(result, host)
    print(text)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
        args.out.with_suffix(".json").write_text(
            json.dumps({"machine": host, **result}, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
