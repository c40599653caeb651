"""Every label and relationship type of the schema survives a load on both engines, twice."""

from __future__ import annotations

import json
from pathlib import Path

from safetykg.graph.store import Store
from safetykg.loaders.load import load_paths

from .schema_samples import sample_records


def _write(tmp_path: Path, store: Store) -> Path:
    path = tmp_path / "samples.json"
    path.write_text(json.dumps(sample_records(store.schema), ensure_ascii=False), encoding="utf-8")
    return path


def _snapshot(store: Store) -> dict[str, object]:
    snapshot: dict[str, object] = {"counts": store.counts()}
    for label in store.schema.labels.values():
        columns = [c for c, _ in label.stored_columns()]
        ret = ", ".join(f"n.{c} AS {c}" for c in columns)
        snapshot[label.name] = store.run(f"MATCH (n:{label.name}) RETURN {ret} ORDER BY n.{label.key}")
    for rel in store.schema.relationships.values():
        a, b = rel.ends[0]
        ret = ", ".join(f"e.{c} AS {c}" for c, _ in rel.stored_columns())
        query = f"MATCH (a)-[e:{rel.name}]->(b) RETURN count(e) AS n"
        if ret:
            query = f"MATCH (a)-[e:{rel.name}]->(b) RETURN {ret}"
        snapshot[rel.name] = sorted(store.run(query), key=lambda row: json.dumps(row, sort_keys=True))
    return snapshot


def test_every_label_and_relationship_round_trips(store: Store, tmp_path: Path):
    path = _write(tmp_path, store)
    records = sample_records(store.schema)
    load_paths(store, [path])
    counts = store.counts()
    for name in store.schema.labels:
        assert counts["labels"][name] >= 1, name
    for name in store.schema.relationships:
        if name != "RECURRENCE_OF":  # derived by analytics, never loaded
            assert counts["relationships"][name] >= 1, name
    accident = next(r for r in records["nodes"] if r["label"] == "Accident")
    row = store.run(
        "MATCH (a:Accident {id: $id})-[:OCCURRED_IN]->(r:Region)-[:PART_OF]->(p:Region) "
        "RETURN a.name AS name, a.day AS day, a.mechanisms AS mechanisms, a.direct_loss_wan AS loss, "
        "a.deaths AS deaths, a.source_ids AS sources, r.adcode AS county, p.adcode AS province",
        {"id": accident["id"]},
    )
    assert row == [
        {
            "name": accident["name"], "day": 18367, "mechanisms": ["货车载人", "第二项"], "loss": 606.1,
            "deaths": 7, "sources": ["SRC-SAMPLE"], "county": "220700", "province": "220000",
        }
    ]
    for label in store.schema.labels.values():
        key = "220700" if label.name == "Region" else ("SRC-SAMPLE" if label.name == "Source" else f"{label.name.upper()}-1")
        cites = store.run(
            f"MATCH (n:{label.name} {{{label.key}: $k}}) OPTIONAL MATCH (n)-[c:CITES]->(s:Source) RETURN count(c) AS c",
            {"k": key},
        )
        assert cites[0]["c"] == (1 if label.sourced else 0), label.name


def test_loading_twice_changes_nothing(store: Store, tmp_path: Path):
    path = _write(tmp_path, store)
    load_paths(store, [path])
    first = _snapshot(store)
    load_paths(store, [path])
    assert _snapshot(store) == first
