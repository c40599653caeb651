"""The bulk path writes the same graph as the validated path would, on both engines."""

from __future__ import annotations

import pytest

from safetykg.graph.ladybug_store import LadybugStore
from safetykg.graph.store import Store
from safetykg.loaders.bulk import BulkTargetNotEmpty, bulk_load
from safetykg.loaders.synthetic import generate


def test_synthetic_graph_bulk_loads_with_its_shape(store: Store):
    graph = generate(store.schema, 40, counties=100)
    written = bulk_load(store, graph.nodes, graph.rels)
    assert written == graph.row_count()
    counts = store.counts()
    assert counts["labels"]["Accident"] == 40 and counts["labels"]["Penalty"] == 80
    assert counts["relationships"]["ENFORCED_BY"] == 80
    rows = store.run(
        "MATCH (a:Accident)-[:OCCURRED_IN]->(:Region)-[:PART_OF]->(:Region)-[:PART_OF]->(p:Region {level: 'province'}) "
        "RETURN count(a) AS c"
    )
    assert rows == [{"c": 40}]
    days = store.run("MATCH (a:Accident) WHERE a.day IS NULL OR a.date IS NULL RETURN count(a) AS c")
    assert days == [{"c": 0}]


def test_bulk_copy_refuses_a_non_empty_embedded_graph(ladybug_store: Store):
    assert isinstance(ladybug_store, LadybugStore)
    graph = generate(ladybug_store.schema, 5, counties=100)
    bulk_load(ladybug_store, graph.nodes, graph.rels)
    with pytest.raises(BulkTargetNotEmpty):
        bulk_load(ladybug_store, graph.nodes, graph.rels)
