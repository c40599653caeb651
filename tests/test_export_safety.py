"""Exports that cannot attack their reader: no formula in any CSV, no live Markdown from a name,
XML files networkx reads back whatever the text holds, and a Cypher replay that reproduces
hostile strings exactly on a real Neo4j."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest
from markdown_it import MarkdownIt

from safetykg.dashboard import export
from safetykg.graph.store import StoreConfig, open_store
from safetykg.output import md_escape, neutralise_formula, to_csv

FORMULAS = ['=HYPERLINK("http://evil.example","点此")', "@SUM(1+1)*cmd|' /C calc'!A0", "+1+1", "-2+3", "\tx", "\rx",
            "＝1+1"]
HOSTILE = [
    "引号'和\"双引号\"", "反斜杠\\n不是换行\\", "换行\n回车\r制表\t", "行分隔\u2028段分隔\u2029NEL\x85",
    "注释 // 和 /* 块 */", "`反引号`", "{map: 1}", "\\u2028 literal", "末尾反斜杠\\",
]
DATA = """sources:
  - {id: S1, title: 测试来源, url: "http://example.org/a", kind: news, reliability: media}
nodes:
  - {label: Accident, id: ACC-F, name: "=HYPERLINK(\\"http://evil.example\\",\\"点此\\")", deaths: -0, sources: [S1]}
  - {label: Enterprise, id: "@E1", name: "+1+1", sources: [S1]}
"""


def test_csv_cells_never_start_a_formula():
    rows = [{"v": text, "n": -5, "f": -2.5} for text in FORMULAS]
    parsed = list(csv.DictReader(io.StringIO(to_csv(rows))))
    for row, text in zip(parsed, FORMULAS, strict=True):
        assert row["v"] == "'" + text
        assert row["n"] == "-5" and row["f"] == "-2.5"  # numbers stay numbers
    assert neutralise_formula("-5") == "-5" and neutralise_formula("正常") == "正常"


def _cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEO4J_")}
    return subprocess.run([sys.executable, "-m", "safetykg", "--data-dir", str(cwd / "g"), *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def test_query_and_export_csv_neutralise_formulas(tmp_path: Path):
    data = tmp_path / "f.yaml"
    data.write_text(DATA, encoding="utf-8")
    assert _cli("load", str(data), cwd=tmp_path).returncode == 0
    out = _cli("query", "MATCH (n) WHERE n.name IS NOT NULL RETURN n.name AS name ORDER BY name", "-f", "csv", cwd=tmp_path)
    names = [row[0] for row in list(csv.reader(io.StringIO(out.stdout)))[1:]]
    assert names and all(not name.startswith(("=", "+", "-", "@")) for name in names), names
    exported = _cli("export", "--format", "csv", "-o", str(tmp_path / "csv"), cwd=tmp_path)
    assert exported.returncode == 0, exported.stderr
    for path in (tmp_path / "csv").rglob("*.csv"):
        for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8"))):
            assert not any(cell.startswith(("=", "+", "@", "\t", "\r")) for cell in row), (path.name, row)
    enterprise = (tmp_path / "csv" / "nodes" / "Enterprise.csv").read_text(encoding="utf-8")
    assert "'+1+1" in enterprise


def test_names_are_not_live_markdown():
    renderer = MarkdownIt("commonmark")
    for name in ["[点此查看](https://evil.example)", "# 大标题", "<img src=x onerror=alert(1)>", "![x](http://evil/x.png)",
                 "- 列表\n1. 列表", "**粗** _斜_", "<https://evil.example>", "行一\n# 行二", ":red[红]", "$x$"]:
        html = renderer.render(md_escape(name))
        assert "<a" not in html and "<h1" not in html and "<img" not in html and "<li" not in html
        assert "<strong" not in html and "<em" not in html
        assert html.startswith("<p>") and html.count("<p>") == 1
    assert renderer.render(md_escape("[点此查看](https://evil.example)")).strip() == "<p>[点此查看](https://evil.example)</p>"


def _hostile_graph(texts: list[str]) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    for index, text in enumerate(texts):
        graph.add_node(f"Accident:A{index}", label="Accident", key=f"A{index}", id=f"A{index}", name=f"事故{index}",
                       note=text, mechanisms=[text, "普通"])
    graph.add_node("Enterprise:E", label="Enterprise", key="E", id="E", name="某公司")
    graph.add_edge("Enterprise:E", "Accident:A0", type="RESPONSIBLE_FOR", role=texts[0], source_ids=["S1"])
    return graph


def test_control_characters_do_not_break_graphml_or_gexf():
    texts = [*HOSTILE, "分隔符\x1c\x1d\x1e\x1f", "NUL\x00", "\ufffe"]
    graph = _hostile_graph(texts)
    back = nx.read_graphml(io.BytesIO(export.to_graphml(graph)))
    assert back.number_of_nodes() == graph.number_of_nodes()
    assert back.nodes["Accident:A9"]["note"] == "分隔符\ufffd\ufffd\ufffd\ufffd"
    gexf = nx.read_gexf(io.BytesIO(export.to_gexf(graph)))
    assert gexf.number_of_nodes() == graph.number_of_nodes()
    json.loads(export.to_node_link(graph))


def test_cypher_script_is_one_statement_per_line_whatever_the_strings():
    script = export.to_cypher(_hostile_graph(HOSTILE))
    for raw in ("\r", "\x85", "\u2028", "\u2029"):
        assert raw not in script
    statements = export.cypher_statements(script)
    assert all(line.endswith(";") or line.startswith("//") for line in script.strip().split("\n"))
    assert len(statements) == len([line for line in script.split("\n") if line and not line.startswith("//")])


@pytest.mark.neo4j
def test_cypher_replay_reproduces_hostile_strings_exactly(neo4j_uri: str):
    graph = _hostile_graph(HOSTILE)
    with open_store(StoreConfig(uri=neo4j_uri)) as store:
        store.clear()
        for statement in export.cypher_statements(export.to_cypher(graph)):
            store.write(statement)
        rows = store.run("MATCH (a:Accident) RETURN a.id AS id, a.note AS note, a.mechanisms AS m ORDER BY id")
        role = store.run("MATCH (:Enterprise)-[r:RESPONSIBLE_FOR]->(:Accident) RETURN r.role AS role")
        store.clear()
    assert {row["id"]: row["note"] for row in rows} == {f"A{i}": text for i, text in enumerate(HOSTILE)}
    assert all(row["m"][0] == HOSTILE[int(row["id"][1:])] for row in rows)
    assert role == [{"role": HOSTILE[0]}]
