"""A reload never erases silently: omitted fields are kept unless --replace or --blank says so;
--dry-run prints what would change; the same load twice changes nothing; an edited value updates."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from safetykg.cli.main import app
from safetykg.graph.store import Store
from safetykg.loaders.load import load_paths

FULL = """sources:
  - {id: S1, title: 测试来源, url: "http://example.org/a", kind: news, reliability: media}
  - {id: S2, title: 第二来源, url: "http://example.org/b", kind: news, reliability: media}
nodes:
  - {label: Region, adcode: "220000", name: 吉林省, level: province, sources: [S1]}
  - {label: Enterprise, id: E1, name: 某公司, sources: [S1]}
  - {label: Accident, id: ACC-R, name: 原名, date: 2020-04-15, deaths: 5, injuries: 2, adcode: "220000", sources: [S1]}
relationships:
  - {type: RESPONSIBLE_FOR, from: E1, to: ACC-R, role: 事故责任单位, sources: [S1]}
"""
PARTIAL = """nodes:
  - {label: Accident, id: ACC-R, name: 新名, sources: [S1]}
relationships:
  - {type: RESPONSIBLE_FOR, from: E1, to: ACC-R, sources: [S1]}
"""
ACCIDENT = (
    "MATCH (a:Accident {id: 'ACC-R'}) OPTIONAL MATCH (a)-[:OCCURRED_IN]->(r:Region) "
    "RETURN a.name AS name, a.date AS date, a.day AS day, a.deaths AS deaths, a.injuries AS injuries, r.adcode AS region"
)
ROLE = "MATCH (:Enterprise {id: 'E1'})-[e:RESPONSIBLE_FOR]->(:Accident {id: 'ACC-R'}) RETURN e.role AS role"
CITES = "MATCH (:Accident {id: 'ACC-R'})-[:CITES]->(s:Source) RETURN s.id AS sid ORDER BY sid"


def _write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_reload_with_omitted_fields_keeps_them(store: Store, tmp_path: Path):
    load_paths(store, [_write(tmp_path, "full.yaml", FULL)])
    before = store.run(ACCIDENT)[0]
    report = load_paths(store, [_write(tmp_path, "partial.yaml", PARTIAL)])
    after = store.run(ACCIDENT)[0]
    assert after == {**before, "name": "新名"}  # the edit updates, nothing else moves
    assert after["deaths"] == 5 and after["region"] == "220000" and after["date"] == "2020-04-15"
    assert store.run(ROLE) == [{"role": "事故责任单位"}]
    assert store.run(CITES) == [{"sid": "S1"}]
    change = next(c for c in report.changes if c.key == "ACC-R")
    assert change.changed == {"name": ("原名", "新名")} and "deaths" in change.kept and not change.cleared


def test_replace_and_blank_clear_on_purpose(store: Store, tmp_path: Path):
    full = _write(tmp_path, "full.yaml", FULL)
    partial = _write(tmp_path, "partial.yaml", PARTIAL)
    load_paths(store, [full])
    load_paths(store, [partial], blank=["Accident.deaths"])
    row = store.run(ACCIDENT)[0]
    assert row["deaths"] is None and row["injuries"] == 2 and row["region"] == "220000"
    load_paths(store, [partial], replace=True)
    row = store.run(ACCIDENT)[0]
    assert (row["date"], row["day"], row["injuries"], row["region"]) == (None, None, None, None)
    assert store.run(ROLE) == [{"role": None}]


def test_same_load_twice_changes_nothing_and_edits_update(store: Store, tmp_path: Path):
    full = _write(tmp_path, "full.yaml", FULL)
    load_paths(store, [full])
    counts = store.counts()
    again = load_paths(store, [full])
    assert [c for c in again.changes if not c.empty] == []
    assert store.counts() == counts
    edited = _write(tmp_path, "edited.yaml", FULL.replace("deaths: 5", "deaths: 6").replace("sources: [S1]}\nrel", "sources: [S2]}\nrel"))
    report = load_paths(store, [edited])
    change = next(c for c in report.changes if c.key == "ACC-R")
    assert change.changed["deaths"] == (5, 6)
    assert change.links_added == ["-[:CITES]->(S2)"] and change.links_removed == ["-[:CITES]->(S1)"]
    assert store.run(ACCIDENT)[0]["deaths"] == 6
    assert store.run(CITES) == [{"sid": "S2"}]


def test_cli_dry_run_prints_the_diff_and_writes_nothing(tmp_path: Path):
    runner = CliRunner()
    data_dir = ["--data-dir", str(tmp_path / "g")]
    assert runner.invoke(app, [*data_dir, "load", str(_write(tmp_path, "full.yaml", FULL))]).exit_code == 0
    moved = PARTIAL.replace("name: 新名,", 'name: 新名, adcode: "220000", deaths: 7,')
    moved = moved.replace('adcode: "220000"', 'adcode: "220000"').replace("sources: [S1]}\nrel", "sources: [S2]}\nrel")
    result = runner.invoke(app, [*data_dir, "load", "--dry-run", "--blank", "injuries", str(_write(tmp_path, "p.yaml", moved))])
    assert result.exit_code == 0, result.output
    out = result.output
    assert "~ Accident ACC-R" in out
    assert "name: '原名' -> '新名'" in out and "deaths: 5 -> 7" in out
    assert "- injuries: 2 (清空 / cleared)" in out
    assert "+ link -[:CITES]->(S2)" in out and "- link -[:CITES]->(S1)" in out
    stats = runner.invoke(app, [*data_dir, "query", "MATCH (a:Accident) RETURN a.deaths AS d, a.injuries AS i", "-f", "json"])
    assert '"d": 5' in stats.output and '"i": 2' in stats.output
    unknown = runner.invoke(app, [*data_dir, "load", "--blank", "no_such_field", str(tmp_path / "p.yaml")])
    assert unknown.exit_code == 2 and "no_such_field" in unknown.output
