"""A graph built before the schema gained columns keeps working: the embedded engine adds the columns
declared since when it opens for writing, and the next derivation fills them (`earlier_id` on the
recurrence links, on both engines), after which every audit answers as on a graph built today."""

from __future__ import annotations

import re
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


def _relationship_rows(store: Store) -> dict[str, list[dict[str, Any]]]:
    out = {}
    for rel in store.schema.relationships.values():
        columns = ", ".join(f"r.{name} AS {name}" for name, _ in rel.stored_columns())
        out[rel.name] = sorted(
            store.run(f"MATCH (a)-[r:{rel.name}]->(b) RETURN a.id AS a, b.id AS b, {columns}"), key=repr)
    return out


def _columns(store: Store, table: str) -> list[tuple[str, str]]:
    return [(str(r["name"]), str(r["type"])) for r in store._execute(f"CALL table_info('{table}') RETURN name, type", {})]  # type: ignore[attr-defined]


def test_relationship_sources_stored_as_lists_become_one_string(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Before `id_list`, a relationship's `source_ids` was a STRING[] column between `role` and `note`.
    Opened for writing, such a graph is retyped in place: values kept (joined by ';'), columns in the
    declared order (a bulk COPY fills them by position), audits unchanged, a reload changes nothing."""
    sourced = ["RESPONSIBLE_FOR", "AGAINST", "RECOMMENDS"]
    second = tmp_path / "second_source.yaml"  # one relationship that cites two sources
    second.write_text(
        "sources:\n  - {id: SRC-T2, title: 第二个测试来源, url: \"https://example.org/safetykg/second\"}\n"
        "relationships:\n  - {type: RESPONSIBLE_FOR, from: ENT-T-A, to: ACC-T-PEN, sources: [SRC-T2]}\n",
        encoding="utf-8")
    files = [*FIXTURES, second]
    graph = StoreConfig(data_dir=tmp_path / "g")
    with open_store(graph) as today:
        load_paths(today, files)
        derive_after_load(today)
        expected_rows, expected_answers = _relationship_rows(today), _answers(today)
        expected_columns = {t: _columns(today, t) for t in sourced}
        assert {"a": "ENT-T-A", "b": "ACC-T-PEN", "role": None, "source_ids": "SRC-T;SRC-T2", "note": None} \
            in expected_rows["RESPONSIBLE_FOR"]
        for rel in today.schema.relationships.values():  # as the previous release stored them
            today.write(f"ALTER TABLE {rel.name} ADD old_sources STRING[]")
            today.write(f"MATCH ()-[r:{rel.name}]->() WHERE r.source_ids IS NOT NULL "
                        "SET r.old_sources = string_split(r.source_ids, ';')")
            today.write(f"ALTER TABLE {rel.name} DROP source_ids")
            today.write(f"ALTER TABLE {rel.name} RENAME old_sources TO source_ids")
        assert ("source_ids", "STRING[]") in _columns(today, "RESPONSIBLE_FOR")
        assert isinstance(today.run("MATCH ()-[r:RESPONSIBLE_FOR]->() RETURN r.source_ids AS s LIMIT 1")[0]["s"], list)
    from safetykg.graph import ladybug_store

    monkeypatch.setattr(ladybug_store, "RETYPE_CHUNK", 3)  # several chunks a table
    real_execute, chunks = ladybug_store.LadybugStore._execute, []

    def killed_on_the_third_chunk(self: Any, query: str, params: Any) -> Any:
        if "SET x.source_ids__retyped" in query:
            chunks.append(query)
            if len(chunks) == 3:
                raise RuntimeError("killed")
        return real_execute(self, query, params)

    monkeypatch.setattr(ladybug_store.LadybugStore, "_execute", killed_on_the_third_chunk)
    with pytest.raises(RuntimeError, match="killed"):
        open_store(graph)
    monkeypatch.setattr(ladybug_store.LadybugStore, "_execute", real_execute)
    killed_in = re.search(r"\[x:(\w+)\]", chunks[-1]).group(1)  # type: ignore[union-attr]
    with open_store(StoreConfig(data_dir=graph.data_dir, read_only=True)) as halfway:  # two chunks copied, marked
        marked = halfway.run(f"MATCH ()-[r:{killed_in}]->() WHERE r.retyped__done RETURN count(r) AS c")
        assert marked == [{"c": 6}]
    with open_store(graph) as upgraded:  # carries on from the rows not marked
        assert {t: _columns(upgraded, t) for t in sourced} == expected_columns
        assert _relationship_rows(upgraded) == expected_rows
        assert _answers(upgraded) == expected_answers
        again = load_paths(upgraded, files)
        assert [c.lines() for c in again.changes if not c.empty] == []
        assert _relationship_rows(upgraded) == expected_rows
    with open_store(graph) as reopened:  # nothing left to retype
        assert {t: _columns(reopened, t) for t in sourced} == expected_columns


def test_a_retype_no_migration_knows_is_refused():
    from safetykg.graph.ddl import SchemaMigrationError, ladybug_retypes
    from safetykg.graph.schema import load_schema

    schema = load_schema()
    stored = {"RESPONSIBLE_FOR": {"role": "INT64", "source_ids": "STRING", "note": "STRING"}}
    with pytest.raises(SchemaMigrationError, match=r"RESPONSIBLE_FOR\.role is stored as INT64"):
        ladybug_retypes(schema, stored)
    assert ladybug_retypes(schema, {"RESPONSIBLE_FOR": {"role": "STRING", "source_ids": "STRING",
                                                                  "note": "STRING"}}) == []
