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
    assert rows == [{"e": "某企业", "role": "事故责任单位", "s": ["S1"], "g": "松原市"}]


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
