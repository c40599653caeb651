"""Published accountability counts against named items: the count model, the gaps audit, `safetykg coverage`.

Store tests run on both engines with the same expectations (the parity check); the fixture is
tests/fixtures/audits/gaps.yaml, whose header says what each count is for.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from safetykg.cli.main import app
from safetykg.graph.counts import COUNTS_PATH, CountModelError, gaps_audit_text, load_measures, parse_measures
from safetykg.graph.schema import load_schema
from safetykg.graph.store import Store, StoreConfig, open_store
from safetykg.loaders.load import load_paths
from safetykg.queries.coverage import accountability_counts, coverage_rows, coverage_summary, coverage_totals
from safetykg.queries.runner import QUERIES_DIR, audit_subgraph, get_audit, run_audit

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "audits"


def _load(store: Store) -> None:
    load_paths(store, [FIXTURES / "base.yaml", FIXTURES / "gaps.yaml"])


def test_the_saved_audit_is_generated_from_the_declaration():
    shipped = (QUERIES_DIR / "accountability-gaps.cypher").read_text(encoding="utf-8")
    assert shipped == gaps_audit_text(), "regenerate: python -c 'from safetykg.graph.counts import ...'"


def test_every_schema_measure_is_declared_once():
    measures = load_measures()
    assert set(measures) == set(load_schema().label("AccountabilityCount").properties["measure"].enum)
    assert measures["convicted"].named is not None and measures["held_accountable"].named is None
    with pytest.raises(CountModelError, match="missing"):
        parse_measures({"measures": {"convicted": {"zh": "获刑"}}})
    with pytest.raises(CountModelError, match=r"\(a\)"):
        parse_measures({"measures": {"convicted": {"named": {"match": "(b)-[:LED_TO]->(x:CriminalCase)"}}}})
    assert COUNTS_PATH.name == "counts.yaml"


def test_gaps_audit_rows_count_and_edges(store: Store):
    _load(store)
    audit = get_audit("accountability-gaps")
    result = run_audit(store, audit, {"as_of": "2020-09-30"})
    assert [(r["count_id"], r["published"], r["named"], r["unnamed"]) for r in result.rows] == [
        ("CNT-T-G1-OFF", 5, 2, 3),
        ("CNT-T-G1-CONV", 3, 1, 2),
        ("CNT-T-G2-UNITS", 2, 0, 2),
    ]
    assert result.rows[0]["sources"] == ["SRC-T"]
    assert result.count == (3, 5)
    # a count published later appears once the reference date passes it
    later = run_audit(store, audit, {"as_of": "2021-06-01"}).rows
    assert ("CNT-T-G1-LATE", 4, 2, 2) in [(r["count_id"], r["published"], r["named"], r["unnamed"]) for r in later]
    edges = audit_subgraph(store, audit, {"as_of": "2020-09-30"})
    assert {(e["src"], e["rel"], e["dst"]) for e in edges} == {
        ("CNT-T-G1-OFF", "COUNTED_FOR", "ACC-T-G1"), ("CNT-T-G1-CONV", "COUNTED_FOR", "ACC-T-G1"),
        ("CNT-T-G2-UNITS", "COUNTED_FOR", "ACC-T-G2"),
    }


def test_accountability_counts_named_of_published(store: Store):
    _load(store)
    found = {r["count_id"]: (r["published"], r["named"]) for r in accountability_counts(store, "ACC-T-G1")}
    assert found == {
        "CNT-T-G1-OFF": (5, 2),
        "CNT-T-G1-CONV": (3, 1),
        "CNT-T-G1-CONV-OFF": (1, 0),  # of the convicted, officials only: the operator does not count
        "CNT-T-G1-DEPT": (2, 2),
        "CNT-T-G1-LIC": (1, 1),
        "CNT-T-G1-ALL": (9, None),  # a mixed total has no named counterpart: empty, never 0
        "CNT-T-G1-LATE": (4, 2),
    }
    order = [r["count_id"] for r in accountability_counts(store, "ACC-T-G1")]
    assert order.index("CNT-T-G1-CONV-OFF") == order.index("CNT-T-G1-CONV") + 1
    assert accountability_counts(store, "ACC-NOT-THERE") == []


def test_coverage_rows_and_summary(store: Store):
    _load(store)
    rows = {r["accident_id"]: r for r in coverage_rows(store)}
    g1, g2 = rows["ACC-T-G1"], rows["ACC-T-G2"]
    assert g1["investigation"] and g1["lead"] == "测试应急局" and g1["report_date"] == "2019-10-01"
    assert (g1["counts"], g1["departments"], g1["enterprises"], g1["defendants"], g1["criminal_cases"]) == (7, 2, 1, 2, 1)
    assert (g1["penalties"], g1["penalties_with_amount"], g1["disciplines"], g1["persons"]) == (1, 1, 1, 3)
    # top-level mapped counts: OFF 2/5, CONV 1/3, DEPT 2/2, LIC 1/1, LATE 2/4
    assert g1["named_of_published"] == "8/15" and g1["complete"]
    assert not g2["investigation"] and g2["counts"] == 1 and not g2["complete"]
    summary = coverage_summary(list(rows.values()))
    assert (summary["complete"], summary["with_counts"]) == (1, 2)
    assert summary["line_en"].startswith(f"1 of {len(rows)} accidents")
    # the overview's totals, counted without a row per accident, say the same
    assert coverage_totals(store) == summary


@pytest.fixture(scope="module")
def fixture_graph(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("coverage") / "graph"
    with open_store(StoreConfig(data_dir=path)) as store:
        _load(store)
    return path


def test_cli_coverage(fixture_graph: Path):
    runner = CliRunner()
    result = runner.invoke(app, ["--data-dir", str(fixture_graph), "coverage", "-f", "json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["summary"]["complete"] == 1
    assert {r["accident_id"] for r in payload["accidents"]} >= {"ACC-T-G1", "ACC-T-G2"}
    csv_out = runner.invoke(app, ["--data-dir", str(fixture_graph), "coverage", "--incomplete", "-f", "csv"])
    assert csv_out.exit_code == 0 and "事故编号 accident_id" in csv_out.stdout.splitlines()[0]
    assert "ACC-T-G2" in csv_out.stdout and "ACC-T-G1" not in csv_out.stdout
    one = runner.invoke(app, ["--data-dir", str(fixture_graph), "coverage", "-a", "ACC-T-G1", "-f", "json"])
    assert one.exit_code == 0
    assert {r["count_id"]: r["named"] for r in json.loads(one.stdout)}["CNT-T-G1-OFF"] == 2


def test_quanzhou_must_show_on_shipped_data(ladybug_store: Store):
    """泉州欣佳酒店: officials held accountable 49 (named k) and convicted 20 (named k), from data."""
    load_paths(ladybug_store, [REPO / "data"])
    counts = {r["measure"]: r for r in accountability_counts(ladybug_store, "ACC-2020-0307-quanzhou")
              if r["within_id"] is None}
    officials, convicted = counts["officials_held_accountable"], counts["convicted"]
    assert officials["published"] == 49 and isinstance(officials["named"], int) and officials["sources"]
    assert convicted["published"] == 20 and 1 <= convicted["named"] <= 20 and convicted["sources"]
    assert coverage_totals(ladybug_store) == coverage_summary(coverage_rows(ladybug_store))
