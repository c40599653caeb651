"""A graph built before the schema gained columns keeps working: the embedded engine adds the columns
declared since when it opens for writing, and the next derivation fills them (`earlier_id` on the
recurrence links, on both engines), after which every audit answers as on a graph built today."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from safetykg.graph.recurrence import refresh_recurrences
from safetykg.graph.store import Store, StoreConfig, open_store
from safetykg.loaders.load import derive_after_load, load_paths
from safetykg.queries.runner import list_audits, run_audit

AUDIT_FIXTURES = Path(__file__).resolve().parent / "fixtures" / "audits"
FIXTURES = [AUDIT_FIXTURES / n for n in ("base.yaml", "accountability.yaml", "relapse.yaml", "measures.yaml")]
LINKS = "MATCH (:Accident)-[e:RECURRENCE_OF]->(b:Accident) RETURN b.id AS earlier, e.earlier_id AS stored ORDER BY earlier"
ADDED_SINCE = (("RECURRENCE_OF", "earlier_id"), ("Penalty", "cross_province"), ("Discipline", "cross_province"),
               ("Accident", "enforcement_assignments"))


def _answers(store: Store) -> dict[str, Any]:
    out = {}
    for audit in list_audits():
        params = {"as_of": "2022-01-01"} if audit.param("as_of") else {}
        result = run_audit(store, audit, params)
        page = run_audit(store, audit, params, limit=2)
        out[audit.id] = (result.rows, result.count, page.rows, page.total)
    return out


def test_an_embedded_graph_of_an_earlier_schema_gains_the_new_columns(tmp_path: Path):
    today = open_store(StoreConfig(data_dir=tmp_path / "today"))
    load_paths(today, FIXTURES)
    derive_after_load(today)
    expected = _answers(today)
    today.close()

    graph = StoreConfig(data_dir=tmp_path / "older")
    with open_store(graph) as older:  # a graph as the previous release left it: without the columns added since
        load_paths(older, FIXTURES)
        derive_after_load(older)
        for table, column in ADDED_SINCE:
            older.write(f"ALTER TABLE {table} DROP {column}")
        assert older.run("MATCH ()-[e:RECURRENCE_OF]->() RETURN count(e) AS c")[0]["c"] > 0
    # what the previous release's graph meets without the upgrade
    with open_store(StoreConfig(data_dir=graph.data_dir, read_only=True)) as before, \
            pytest.raises(Exception, match="earlier_id"):
        before.run(LINKS)
    with open_store(graph) as upgraded:  # opened for writing with today's schema: the columns are added
        assert {row["stored"] for row in upgraded.run(LINKS)} == {None}
        derive_after_load(upgraded)
        links = upgraded.run(LINKS)
        assert links and all(row["stored"] == row["earlier"] for row in links)
        assert _answers(upgraded) == expected


def test_links_without_earlier_id_are_filled_by_the_next_whole_derivation(store: Store, monkeypatch: pytest.MonkeyPatch):
    """In one statement, not by rewriting each link (at 1M: 915k links in one transaction); a derivation
    for some accidents only leaves the others' links alone, as it always does."""
    load_paths(store, FIXTURES)
    refresh_recurrences(store)
    store.write("MATCH ()-[e:RECURRENCE_OF]->() SET e.earlier_id = NULL")
    some = {store.run(LINKS)[0]["earlier"]}
    partial = refresh_recurrences(store, touching=some)
    assert partial.filled == 0 and {row["stored"] for row in store.run(LINKS)} - {None}
    monkeypatch.setattr(store, "derive_chunk", 1)  # one link a statement: bounded statements, as Neo4j at 1M
    report = refresh_recurrences(store)
    links = store.run(LINKS)
    assert report.filled >= 2 and report.updated == 0 and report.filled + partial.updated == len(links)
    assert all(row["stored"] == row["earlier"] for row in links)
    assert refresh_recurrences(store).changed is False  # and then nothing more to do
