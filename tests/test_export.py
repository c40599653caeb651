"""Exports: offline HTML pictures, GraphML/GEXF/JSON read back, neo4j-admin CSV (imported by the real
neo4j-admin when the Neo4j jars are there), and the Cypher script loaded into a real Neo4j."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import networkx as nx
import pytest
from typer.testing import CliRunner

from safetykg.cli.main import app as cli  # noqa: E402
from safetykg.dashboard import export, network  # noqa: E402
from safetykg.graph.nxgraph import to_networkx  # noqa: E402
from safetykg.graph.recurrence import refresh_recurrences
from safetykg.graph.schema import load_schema  # noqa: E402
from safetykg.graph.store import StoreConfig, open_store  # noqa: E402
from safetykg.loaders.load import load_paths  # noqa: E402

from .browser.smallgraph import ACCIDENT, ROAD_1, ROAD_2, TRICKY, load_small  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"


@pytest.fixture(scope="module")
def small_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("small") / "graph"
    load_small(data_dir)
    return data_dir


@pytest.fixture(scope="module")
def small(small_dir: Path) -> nx.MultiDiGraph:
    with open_store(StoreConfig(data_dir=small_dir, read_only=True)) as store:
        return to_networkx(store)


@pytest.fixture(scope="module")
def shipped_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shipped data/ loaded into an embedded graph, as `make run` builds it."""
    data_dir = tmp_path_factory.mktemp("shipped") / "graph"
    with open_store(StoreConfig(data_dir=data_dir)) as store:
        load_paths(store, [DATA])
        refresh_recurrences(store)  # as `safetykg load` does
    return data_dir


def cli_run(*args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([sys.executable, "-m", "safetykg", *args], capture_output=True, timeout=300)


def stats_totals(data_dir: Path) -> tuple[int, int]:
    done = cli_run("--data-dir", str(data_dir), "stats", "-f", "json")
    assert done.returncode == 0, done.stderr
    stats = json.loads(done.stdout)
    return sum(stats["labels"].values()), sum(stats["relationships"].values())


# --- offline HTML ------------------------------------------------------------------------

def test_picture_is_offline_and_carries_every_node(small: nx.MultiDiGraph):
    picture = network.render(small, title="测试")
    page = picture.html
    assert network.offline_problems(page) == []
    assert not re.search(r"<link\b", page, re.IGNORECASE)
    assert not re.search(r"<script\b[^>]*\bsrc=", page, re.IGNORECASE)
    assert "jsdelivr" not in page and "cdnjs" not in page and "bootstrap.min" not in page
    assert "new vis.Network(" in page and "vis-network" in page  # vis-network inlined
    assert network.nodes_in(page) == small.number_of_nodes() == picture.shown_nodes
    assert picture.note is None
    assert "<b>标记</b>" not in page  # data never becomes markup (tojson escapes < and >)


def test_offline_rewrite_of_a_cdn_page():
    from pyvis.network import Network

    net = Network(cdn_resources="remote", select_menu=True)
    net.add_node("a", label="甲")
    net.add_node("b", label="乙")
    net.add_edge("a", "b")
    raw = net.generate_html()
    assert "cdnjs.cloudflare.com" in raw and "cdn.jsdelivr.net" in raw
    page = network.make_offline(raw)
    assert network.offline_problems(page) == []
    assert "vis-network" in page and "new vis.Network(" in page


def test_big_graph_is_cut_down_with_a_note(small: nx.MultiDiGraph):
    picture = network.render(small, limit=8)
    assert picture.shown_nodes == 8 and picture.total_nodes == small.number_of_nodes()
    assert picture.note and "超过上限 8" in picture.note and 'id="skg-note"' in picture.html
    degrees = dict(small.degree())
    kept, how = network.cut_down(small, 8)
    assert how == "degree"
    assert min(degrees[n] for n in kept) >= max(degrees[n] for n in small if n not in kept)
    center = f"Accident:{ROAD_2}"
    kept, how = network.cut_down(small, 3, center=center)
    assert how == "depth" and center in kept
    english = network.render(small, limit=8, lang="en")
    assert english.note and "more than the limit of 8" in english.note


def test_recurrence_links_are_highlighted_and_in_the_legend():
    graph = nx.MultiDiGraph()
    graph.add_node("Accident:A", label="Accident", key="A", name="甲事故", status=None)
    graph.add_node("Accident:B", label="Accident", key="B", name="乙事故")
    graph.add_node("Penalty:P", label="Penalty", key="P", name="罚款", status="not_executed")
    graph.add_edge("Accident:B", "Accident:A", key="RECURRENCE_OF", type="RECURRENCE_OF", rule="same_prefecture")
    graph.add_edge("Accident:A", "Penalty:P", key="X", type="RECOMMENDS")
    picture = network.render(graph, colour_by="status")
    edges = json.loads(re.search(r"edges = new vis\.DataSet\((\[.*?\])\);", picture.html, re.DOTALL).group(1))
    recurrence = [e for e in edges if "RECURRENCE_OF" in e["title"]]
    assert recurrence and recurrence[0]["color"] == network.recurrence_colour() and recurrence[0]["width"] >= 3
    assert ("重复发生（RECURRENCE_OF）", network.recurrence_colour(), "edge") in picture.legend
    assert ("未落实/停滞", load_schema().status_colour("failed"), "node") in picture.legend
    nodes = json.loads(re.search(r"nodes = new vis\.DataSet\((\[.*?\])\);", picture.html, re.DOTALL).group(1))
    assert {n["id"]: n["color"] for n in nodes}["Penalty:P"] == load_schema().status_colour("failed")


def test_source_urls_do_not_leak_into_pictures(small: nx.MultiDiGraph):
    page = network.render(small).html  # Source nodes carry https URLs in their properties
    assert "example.org/report" in page
    assert network.offline_problems(page) == []


# --- GraphML, GEXF, JSON ------------------------------------------------------------------

def test_graphml_and_gexf_flatten_lists_and_drop_empty_values(small: nx.MultiDiGraph):
    back = nx.read_graphml(io.BytesIO(export.to_graphml(small)))
    assert (back.number_of_nodes(), back.number_of_edges()) == (small.number_of_nodes(), small.number_of_edges())
    accident = back.nodes[f"Accident:{ACCIDENT}"]
    assert accident["mechanisms"] == "违法建设;违规加固施工"
    assert accident["neo4j_label"] == "Accident" and accident["label"].startswith("福建省泉州市")
    assert accident["note"] == TRICKY and accident["deaths"] == 29
    assert "missing" not in accident  # absent facts stay absent
    assert {d["rel_type"] for _, _, d in back.edges(data=True)} >= {"RESPONSIBLE_FOR", "CITES"}
    gexf = nx.read_gexf(io.BytesIO(export.to_gexf(small)))
    assert (gexf.number_of_nodes(), gexf.number_of_edges()) == (small.number_of_nodes(), small.number_of_edges())
    assert gexf.nodes[f"Accident:{ACCIDENT}"]["label"].startswith("福建省泉州市")


def test_node_link_json_uses_links(small: nx.MultiDiGraph):
    data = json.loads(export.to_node_link(small))
    assert set(data) >= {"nodes", "links"} and "edges" not in data
    assert len(data["nodes"]) == small.number_of_nodes() and len(data["links"]) == small.number_of_edges()
    back = nx.node_link_graph(data, edges="links")
    assert back.nodes[f"Accident:{ACCIDENT}"]["mechanisms"] == ["违法建设", "违规加固施工"]
    assert all(v is not None for n in data["nodes"] for v in n.values())


def test_whole_shipped_graph_reads_back_with_the_counts_of_stats(shipped_dir: Path, tmp_path: Path):
    nodes, rels = stats_totals(shipped_dir)
    assert nodes > 3000 and rels > 3000
    for fmt, reader in (("graphml", nx.read_graphml), ("gexf", nx.read_gexf)):
        out = tmp_path / f"all.{fmt}"
        done = cli_run("--data-dir", str(shipped_dir), "export", "--format", fmt, "-o", str(out))
        assert done.returncode == 0, done.stderr
        graph = reader(out)
        assert (graph.number_of_nodes(), graph.number_of_edges()) == (nodes, rels), fmt
    out = tmp_path / "all.json"
    assert cli_run("--data-dir", str(shipped_dir), "export", "--format", "json", "-o", str(out)).returncode == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert (len(data["nodes"]), len(data["links"])) == (nodes, rels)


# --- CLI -----------------------------------------------------------------------------------

def test_cli_audit_export_is_offline(shipped_dir: Path, tmp_path: Path):
    out = tmp_path / "x.html"
    done = cli_run("--data-dir", str(shipped_dir), "export", "--format", "html", "--audit", "repeat-incidents",
                   "-o", str(out))
    assert done.returncode == 0, done.stderr
    page = out.read_text(encoding="utf-8")
    assert not re.search(r"https?://", page)
    assert network.nodes_in(page) > 0


def test_cli_around_stdout_and_errors(small_dir: Path):
    runner = CliRunner()
    result = runner.invoke(cli, ["--data-dir", str(small_dir), "export", "--format", "json",
                                 "--around", f"Accident:{ACCIDENT}", "--depth", "1", "-o", "-"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    ids = {n["id"] for n in data["nodes"]}
    assert f"Accident:{ACCIDENT}" in ids and "Enterprise:ENT-T-XINXING" in ids and "Person:PER-T-YANG" in ids
    assert "Penalty:PEN-T-FINE" not in ids  # two hops away
    bare = runner.invoke(cli, ["--data-dir", str(small_dir), "export", "--format", "json",
                               "--around", ACCIDENT, "--labels", "Accident,Investigation", "-o", "-"])
    assert bare.exit_code == 0
    assert {n["id"] for n in json.loads(bare.stdout)["nodes"]} == {f"Accident:{ACCIDENT}", "Investigation:INV-T-QZ"}
    missing = runner.invoke(cli, ["--data-dir", str(small_dir), "export", "--format", "json", "--around", "nope",
                                  "-o", "-"])
    assert missing.exit_code == 2
    bad = runner.invoke(cli, ["--data-dir", str(small_dir), "export", "--format", "png", "-o", "-"])
    assert bad.exit_code == 2
    unknown = runner.invoke(cli, ["--data-dir", str(small_dir), "export", "--format", "json",
                                  "--audit", "no-such-audit", "-o", "-"])
    assert unknown.exit_code == 2
    pair = runner.invoke(cli, ["--data-dir", str(small_dir), "export", "--format", "json", "--audit",
                               "repeat-incidents", "--param", "window_days=365", "-o", "-"])
    assert pair.exit_code == 0, pair.output
    assert {f"Accident:{ROAD_1}", f"Accident:{ROAD_2}"} <= {n["id"] for n in json.loads(pair.stdout)["nodes"]}


def test_dashboard_command_fails_fast_without_a_graph(tmp_path: Path):
    done = cli_run("--data-dir", str(tmp_path / "none"), "dashboard", "--port", "1")
    assert done.returncode == 3
    assert b"safetykg load data/" in done.stderr


# --- neo4j-admin CSV -----------------------------------------------------------------------

def test_csv_files_follow_the_neo4j_admin_header_format(small: nx.MultiDiGraph, tmp_path: Path):
    files = export.csv_files(small)
    header = files["nodes/Accident.csv"].splitlines()[0].split(",")
    assert header[0] == ":ID" and header[-1] == ":LABEL"
    assert {"id:string", "deaths:long", "direct_loss_wan:double", "mechanisms:string[]"} <= set(header)
    rel_header = files["relationships/RESPONSIBLE_FOR.csv"].splitlines()[0].split(",")
    assert rel_header[:2] == [":START_ID", ":END_ID"] and rel_header[-1] == ":TYPE"
    parsed = {name: list(csv.reader(io.StringIO(content))) for name, content in files.items() if name.endswith(".csv")}
    assert sum(len(rows) - 1 for n, rows in parsed.items() if n.startswith("nodes/")) == small.number_of_nodes()
    assert sum(len(rows) - 1 for n, rows in parsed.items() if n.startswith("relationships/")) == small.number_of_edges()
    accident = dict(zip(header, next(r for r in parsed["nodes/Accident.csv"] if r[0] == f"Accident:{ACCIDENT}"),
                        strict=True))
    assert accident["note:string"] == TRICKY and accident["mechanisms:string[]"] == "违法建设;违规加固施工"
    assert accident["missing:long"] == ""
    script = files["import.sh"]
    assert "neo4j-admin" in script and "database import full" in script and "--nodes=nodes/Accident.csv" in script
    assert "CREATE CONSTRAINT accident_id_unique" in files["constraints.cypher"]
    archive = zipfile.ZipFile(io.BytesIO(export.to_csv_zip(small)))
    assert "safetykg-csv/import.sh" in archive.namelist()


def _admin_tool() -> list[str] | None:
    home = Path(os.environ.get("SAFETYKG_NEO4J_HOME", REPO / ".neo4j"))
    lib = home / "lib"
    java = shutil.which("java")
    if java is None or not any(lib.glob("org.neo4j.neo4j-import-tool-*.jar")):
        return None
    return [java, "-cp", f"{lib}/*", "org.neo4j.cli.AdminTool"]


@pytest.mark.neo4j
def test_csv_import_with_the_real_neo4j_admin(shipped_dir: Path, tmp_path: Path, neo4j_uri: str):
    """The generated import.sh run by neo4j-admin (from the same jars the test server uses)."""
    tool = _admin_tool()
    if tool is None:
        message = "neo4j-admin jars not found (tools/neo4j/neo4jctl fetch puts them in .neo4j/lib)"
        if os.environ.get("REQUIRE_NEO4J") == "1":
            pytest.fail(message)
        pytest.skip(message)
    nodes, rels = stats_totals(shipped_dir)
    out = tmp_path / "csv"
    assert cli_run("--data-dir", str(shipped_dir), "export", "--format", "csv", "-o", str(out)).returncode == 0
    wrapper = tmp_path / "neo4j-admin"
    wrapper.write_text("#!/usr/bin/env bash\nexec " + " ".join(f"'{p}'" for p in tool) + ' "$@"\n', encoding="utf-8")
    wrapper.chmod(0o755)
    home = tmp_path / "home"
    (home / "conf").mkdir(parents=True)
    (home / "conf" / "neo4j.conf").write_text("", encoding="utf-8")
    env = {**os.environ, "NEO4J_HOME": str(home), "NEO4J_CONF": str(home / "conf"), "NEO4J_ADMIN": str(wrapper)}
    done = subprocess.run(["bash", str(out / "import.sh")], env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    report = done.stdout + done.stderr
    assert re.search(rf"\b{nodes} nodes\b", report), report[-1500:]
    assert re.search(rf"\b{rels} relationships\b", report), report[-1500:]


# --- Cypher script ------------------------------------------------------------------------

def test_cypher_literals_escape_strings():
    assert export.cypher_string("a'b\\c\n") == "'a\\'b\\\\c\\n'"
    assert export.cypher_literal(["x", 1, 2.5, True, None]) == "['x', 1, 2.5, true, null]"
    assert export.cypher_literal({"a b": 1}) == "{`a b`: 1}"
    script = export.to_cypher(nx.MultiDiGraph())
    assert script.splitlines()[3].startswith("CREATE CONSTRAINT")


def _load_script(uri: str, script: str) -> dict[str, dict[str, int]]:
    with open_store(StoreConfig(uri=uri)) as store:
        store.clear()
        for statement in export.cypher_statements(script):
            store.write(statement)
        return store.counts()


@pytest.mark.neo4j
def test_cypher_script_rebuilds_the_shipped_graph_in_neo4j(shipped_dir: Path, neo4j_uri: str, tmp_path: Path):
    out = tmp_path / "graph.cypher"
    assert cli_run("--data-dir", str(shipped_dir), "export", "--format", "cypher", "-o", str(out)).returncode == 0
    with open_store(StoreConfig(data_dir=shipped_dir, read_only=True)) as store:
        expected = store.counts()
    assert _load_script(neo4j_uri, out.read_text(encoding="utf-8")) == expected


@pytest.mark.neo4j
def test_cypher_script_keeps_values_exactly(small: nx.MultiDiGraph, small_dir: Path, neo4j_uri: str):
    script = export.to_cypher(small)
    with open_store(StoreConfig(data_dir=small_dir, read_only=True)) as store:
        expected = store.counts()
    assert _load_script(neo4j_uri, script) == expected
    with open_store(StoreConfig(uri=neo4j_uri)) as store:
        row = store.run(
            "MATCH (a:Accident {id: $id}) RETURN a.note AS note, a.mechanisms AS m, a.deaths AS d, "
            "a.direct_loss_wan AS loss, a.day AS day", {"id": ACCIDENT},
        )
        assert row == [{"note": TRICKY, "m": ["违法建设", "违规加固施工"], "d": 29, "loss": 5794.0, "day": 18328}]
        rel = store.run("MATCH (:Enterprise)-[r:RESPONSIBLE_FOR]->(:Accident {id: $id}) RETURN r.role AS role",
                        {"id": ACCIDENT})
        assert rel == [{"role": "事故责任单位"}]
        assert _load_script(neo4j_uri, script + script) == expected  # MERGE: running twice changes nothing
