"""Bad input: a clear error naming file, record and field; nothing from that load is written."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from safetykg.graph.store import Store
from safetykg.loaders.load import LoadFailed, load_paths

GOOD = """
sources:
  - {id: S1, title: 测试来源, url: "http://example.org/a", kind: news, reliability: media}
nodes:
  - {label: Region, adcode: "220000", name: 吉林省, level: province, sources: [S1]}
  - {label: Region, adcode: "220700", name: 松原市, level: prefecture, parent_adcode: "220000", sources: [S1]}
  - {label: Accident, id: ACC-OK, name: 正常事故, date: 2020-04-15, adcode: "220700", sources: [S1]}
"""

BAD_RECORDS = {
    "missing key": ("{label: Accident, name: 无编号事故, date: 2020-04-15, sources: [S1]}", "field 'id'"),
    "bad date": ("{label: Accident, id: ACC-BAD-DATE, name: 坏日期, date: 2020-02-30, sources: [S1]}", "field 'date'"),
    "unknown region code": (
        '{label: Accident, id: ACC-BAD-REGION, name: 坏代码, date: 2020-04-15, adcode: "999999", sources: [S1]}',
        "field 'adcode'",
    ),
    "no source": ("{label: Accident, id: ACC-NO-SOURCE, name: 无来源, date: 2020-04-15}", "field 'sources'"),
    "source id with the id delimiter": (
        "{label: Accident, id: ACC-SEMI, name: 分号来源, date: 2020-04-15, sources: [S1;S2]}", "field 'sources'"),
}


def _bad_file(tmp_path: Path, record: str) -> Path:
    path = tmp_path / "bad.yaml"
    path.write_text(GOOD + "  - " + record + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("case", sorted(BAD_RECORDS))
def test_bad_record_names_file_record_and_field_and_writes_nothing(store: Store, tmp_path: Path, case: str):
    record, field = BAD_RECORDS[case]
    before = store.counts()
    path = _bad_file(tmp_path, record)
    with pytest.raises(LoadFailed) as failure:
        load_paths(store, [path])
    message = "\n".join(str(e) for e in failure.value.errors)
    assert str(path) in message
    assert "nodes #4" in message
    assert field in message
    assert store.counts() == before


def test_reference_to_a_node_of_an_earlier_load_resolves(store: Store, tmp_path: Path):
    first = tmp_path / "first.yaml"
    first.write_text(GOOD, encoding="utf-8")
    load_paths(store, [first])
    second = tmp_path / "second.json"
    second.write_text(json.dumps({
        "nodes": [{"label": "Enterprise", "id": "ENT-1", "name": "某公司", "adcode": "220700", "sources": ["S1"]}],
        "relationships": [{"type": "RESPONSIBLE_FOR", "from": "ENT-1", "to": "ACC-OK", "sources": ["S1"]}],
    }, ensure_ascii=False), encoding="utf-8")
    load_paths(store, [second])
    rows = store.run("MATCH (e:Enterprise)-[:RESPONSIBLE_FOR]->(a:Accident) RETURN e.id AS e, a.id AS a")
    assert rows == [{"e": "ENT-1", "a": "ACC-OK"}]


def test_csv_nodes_and_relationships(store: Store, tmp_path: Path):
    (tmp_path / "a.yaml").write_text(GOOD, encoding="utf-8")
    (tmp_path / "enterprises.csv").write_text(
        "label,id,name,adcode,sources\nEnterprise,ENT-CSV,某企业,220700,S1\n", encoding="utf-8"
    )
    (tmp_path / "links.csv").write_text(
        "type,from,to,role,sources\nRESPONSIBLE_FOR,ENT-CSV,ACC-OK,事故责任单位,S1\n", encoding="utf-8"
    )
    load_paths(store, [tmp_path])
    rows = store.run(
        "MATCH (e:Enterprise)-[r:RESPONSIBLE_FOR]->(a:Accident) MATCH (e)-[:IN_REGION]->(g:Region) "
        "RETURN e.name AS e, r.role AS role, r.source_ids AS s, g.name AS g"
    )
    assert rows == [{"e": "某企业", "role": "事故责任单位", "s": "S1", "g": "松原市"}]


def test_relationship_endpoint_not_allowed(store: Store, tmp_path: Path):
    path = tmp_path / "r.yaml"
    path.write_text(GOOD + "relationships:\n  - {type: OCCURRED_IN, from: ACC-OK, to: S1, sources: [S1]}\n", encoding="utf-8")
    with pytest.raises(LoadFailed) as failure:
        load_paths(store, [path])
    assert "derived" in str(failure.value.errors[0]) or "does not allow" in str(failure.value.errors[0])


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    return subprocess.run(
        [sys.executable, "-m", "safetykg", "--data-dir", str(cwd / "g"), *args],
        cwd=cwd, env=env, capture_output=True, text=True, timeout=120,
    )


def test_cli_load_bad_file_exits_non_zero_and_stats_unchanged(tmp_path: Path):
    good = tmp_path / "good.yaml"
    good.write_text(GOOD, encoding="utf-8")
    assert _cli("load", str(good), cwd=tmp_path).returncode == 0
    before = _cli("stats", "--format", "json", cwd=tmp_path)
    assert json.loads(before.stdout)["labels"]["Accident"] == 1
    bad = tmp_path / "bad.yaml"
    bad.write_text(GOOD + "  - " + BAD_RECORDS["unknown region code"][0] + "\n", encoding="utf-8")
    result = _cli("load", str(bad), cwd=tmp_path)
    assert result.returncode == 2
    assert "bad.yaml" in result.stderr and "nodes #4" in result.stderr and "'adcode'" in result.stderr
    assert "999999" in result.stderr
    after = _cli("stats", "--format", "json", cwd=tmp_path)
    assert after.stdout == before.stdout


def test_cli_query_is_read_only(tmp_path: Path):
    good = tmp_path / "good.yaml"
    good.write_text(GOOD, encoding="utf-8")
    _cli("load", str(good), cwd=tmp_path)
    refused = _cli("query", "MATCH (n:Accident) DETACH DELETE n", cwd=tmp_path)
    assert refused.returncode == 2
    assert "write clause refused" in refused.stderr
    query = "MATCH (a:Accident) WHERE a.id = $id RETURN a.name AS name"
    ok = _cli("query", query, "--param", "id=ACC-OK", "--format", "json", cwd=tmp_path)
    assert json.loads(ok.stdout) == [{"name": "正常事故"}]


MORE_BAD_RECORDS = {
    "not a number": ('{label: Accident, id: ACC-NAN, name: 坏数字, direct_loss_wan: nan, sources: [S1]}', "'direct_loss_wan'"),
    "underscored integer": ('{label: Accident, id: ACC-US, name: 坏整数, deaths: "1_000", sources: [S1]}', "'deaths'"),
    "relationship key on a node": ("{label: Accident, id: ACC-FROM, name: 多余键, from: S1, sources: [S1]}", "'from'"),
}


@pytest.mark.parametrize("case", sorted(MORE_BAD_RECORDS))
def test_values_yaml_or_numbers_would_mangle_are_refused(ladybug_store: Store, tmp_path: Path, case: str):
    record, field = MORE_BAD_RECORDS[case]
    with pytest.raises(LoadFailed) as failure:
        load_paths(ladybug_store, [_bad_file(tmp_path, record)])
    assert field in "\n".join(str(e) for e in failure.value.errors)


def test_yaml_yes_no_words_stay_the_text_written(ladybug_store: Store, tmp_path: Path):
    load_paths(ladybug_store, [_bad_file(tmp_path, "{label: Accident, id: ACC-NO, name: 否, kind: no, place: on, sources: [S1]}")])
    rows = ladybug_store.run("MATCH (a:Accident {id: 'ACC-NO'}) RETURN a.kind AS kind, a.place AS place")
    assert rows == [{"kind": "no", "place": "on"}]


def _with_relationships(tmp_path: Path, *records: str) -> Path:
    path = tmp_path / "rels.yaml"
    extra = "\n  - {label: Enterprise, id: E1, name: 某公司, sources: [S1]}\nrelationships:\n"
    path.write_text(GOOD + extra + "".join(f"  - {r}\n" for r in records), encoding="utf-8")
    return path


def test_links_derived_from_fields_cannot_be_loaded_as_records(ladybug_store: Store, tmp_path: Path):
    path = _with_relationships(tmp_path, '{type: OCCURRED_IN, from: ACC-OK, to: "220000", sources: [S1]}')
    with pytest.raises(LoadFailed) as failure:
        load_paths(ladybug_store, [path])
    assert "Accident.adcode" in str(failure.value.errors[0]) and "relationships #1" in str(failure.value.errors[0])


def test_conflicting_duplicate_relationships_are_refused(ladybug_store: Store, tmp_path: Path):
    path = _with_relationships(
        tmp_path,
        "{type: RESPONSIBLE_FOR, from: E1, to: ACC-OK, role: 甲, sources: [S1]}",
        "{type: RESPONSIBLE_FOR, from: E1, to: ACC-OK, role: 乙, sources: [S1]}",
    )
    with pytest.raises(LoadFailed) as failure:
        load_paths(ladybug_store, [path])
    assert "field 'role'" in str(failure.value.errors[0])


def test_unknown_endpoint_label_is_a_clear_error(ladybug_store: Store, tmp_path: Path):
    path = _with_relationships(tmp_path, "{type: RESPONSIBLE_FOR, from: E1, from_label: Foo, to: ACC-OK, sources: [S1]}")
    with pytest.raises(LoadFailed) as failure:
        load_paths(ladybug_store, [path])
    assert "field 'from'" in str(failure.value.errors[0])


def test_a_write_that_fails_midway_leaves_the_graph_as_it_was(store: Store, tmp_path: Path):
    good = tmp_path / "good.yaml"
    good.write_text(GOOD, encoding="utf-8")
    load_paths(store, [good])
    before = store.counts()
    with pytest.raises(Exception), store.transaction():  # noqa: B017 - any engine error will do
        store.write("UNWIND $rows AS r MERGE (n:Enterprise {id: r.id})", {"rows": [{"id": "ENT-HALF"}]})
        store.write("MATCH (n:Enterprise) RETURN n.no_such_property_anywhere + 'x' AS broken, 1 / 0 AS boom")
    assert store.counts() == before


READ_ONLY_BYPASSES = [
    "LOAD FROM '/etc/passwd' (file_format='csv', delim=':') RETURN *",
    "MATCH (`'`:Source) WITH count(*) AS c CREATE (x:Source {id: 'Z'}) RETURN c AS `'`",
    "CALL db.labels() YIELD label CALL apoc.help('x') YIELD name RETURN name",
    "USE neo4j MATCH (n) RETURN n",
]


@pytest.mark.parametrize("query", READ_ONLY_BYPASSES)
def test_read_only_check_has_no_known_bypass(store: Store, query: str):
    from safetykg.graph.store import ReadOnlyViolation

    with pytest.raises(ReadOnlyViolation):
        store.run(query)
    assert store.run("MATCH (n:Source) RETURN count(n) AS c") == [{"c": 0}]


def test_read_only_check_lets_reads_with_keyword_text_through(store: Store):
    rows = store.run("MATCH (n:Source) WHERE n.title CONTAINS 'CREATE' OR n.title = $t RETURN count(n) AS `set`", {"t": "x"})
    assert rows == [{"set": 0}]


def test_a_source_id_may_not_hold_the_id_delimiter(store: Store, tmp_path: Path):
    path = tmp_path / "s.yaml"
    path.write_text(GOOD.replace("sources:\n", "sources:\n  - {id: S1;S2, title: 两个来源, url: \"http://example.org/b\"}\n", 1),
                    encoding="utf-8")
    with pytest.raises(LoadFailed) as failure:
        load_paths(store, [path])
    message = "\n".join(str(e) for e in failure.value.errors)
    assert str(path) in message and "sources #1" in message and "field 'id'" in message
    assert store.counts()["labels"]["Source"] == 0


def test_a_relationship_stated_twice_keeps_both_sources_in_one_string(store: Store, tmp_path: Path):
    """A relationship's sources are an id_list: one string, ids joined by ';', on both engines."""
    base = tmp_path / "base.yaml"
    base.write_text(GOOD.replace("sources:\n", "sources:\n  - {id: S2, title: 第二来源, url: \"http://example.org/b\"}\n", 1)
                    + "  - {label: Enterprise, id: ENT-1, name: 某企业, sources: [S1]}\n", encoding="utf-8")
    first, second = tmp_path / "first.yaml", tmp_path / "second.yaml"
    first.write_text("relationships:\n  - {type: RESPONSIBLE_FOR, from: ENT-1, to: ACC-OK, role: 事故责任单位, sources: [S1]}\n",
                     encoding="utf-8")
    second.write_text("relationships:\n  - {type: RESPONSIBLE_FOR, from: ENT-1, to: ACC-OK, sources: [S2, S1]}\n",
                      encoding="utf-8")
    load_paths(store, [base, first, second])
    query = "MATCH (:Enterprise)-[r:RESPONSIBLE_FOR]->(:Accident) RETURN r.role AS role, r.source_ids AS s"
    assert store.run(query) == [{"role": "事故责任单位", "s": "S1;S2"}]
    again = load_paths(store, [base, first, second])
    assert [c.lines() for c in again.changes if not c.empty] == []
    assert store.run(query) == [{"role": "事故责任单位", "s": "S1;S2"}]
