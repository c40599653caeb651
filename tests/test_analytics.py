"""Recurrence links and networkx analytics, on fixture graphs and on the shipped data, on both engines."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from typer.testing import CliRunner

from safetykg.graph.analytics import analyze, analyze_graph, open_reason, pull_graph, write_analytics
from safetykg.graph.recurrence import (
    Link,
    apply_recurrences,
    default_rules,
    derive_recurrences,
    severity_of,
    stored_links,
)
from safetykg.graph.store import Store, StoreConfig, open_store
from safetykg.loaders.load import load_paths

REPO = Path(__file__).resolve().parents[1]
FIXTURES = REPO / "tests" / "fixtures" / "analytics"
BASE = [FIXTURES / "regions.yaml", FIXTURES / "accidents.yaml", FIXTURES / "chains.yaml"]
DATA = REPO / "data"

# (later, earlier, strongest rule, every rule that fired, days)
EXPECTED = [
    ("ACC-CQ-4", "ACC-CQ-1", "province_mechanism", ("province_mechanism", "province_short_interval"), 27),
    ("ACC-CQ-4", "ACC-CQ-2", "province_mechanism", ("province_mechanism", "province_short_interval"), 27),
    ("ACC-GD-1", "ACC-HN-1", "same_operator", ("same_operator",), 1127),
    ("ACC-JL-2", "ACC-JL-1", "same_prefecture", ("same_prefecture", "province_mechanism"), 171),
    ("ACC-JL-6", "ACC-JL-4", "same_prefecture", ("same_prefecture",), 150),
    ("ACC-JL-9", "ACC-JL-6", "province_mechanism", ("province_mechanism",), 244),
    ("ACC-SX-2", "ACC-SX-1", "province_short_interval", ("province_short_interval",), 33),
    ("ACC-ZJ-2", "ACC-ZJ-1", "same_operator", ("same_operator",), 1483),
]

# Pairs that share something but must not link, and why.
NEAR_MISSES = {
    ("ACC-JL-3", "ACC-JL-2"): "outside the 365-day window (378 days)",
    ("ACC-JL-3", "ACC-JL-1"): "outside the window",
    ("ACC-JL-5", "ACC-JL-4"): "different prefecture; only the generic tag 火灾 shared",
    ("ACC-JL-6", "ACC-JL-5"): "different prefecture; only the generic tag 火灾 shared",
    ("ACC-JL-7", "ACC-JL-4"): "different kind (火灾 vs 工贸)",
    ("ACC-JL-7", "ACC-JL-6"): "different kind",
    ("ACC-JL-8", "ACC-JL-6"): "same prefecture and kind, different mechanism",
    ("ACC-JL-8", "ACC-JL-4"): "same prefecture and kind, different mechanism",
    ("ACC-SX-3", "ACC-SX-2"): "较大, not major; no shared tag",
    ("ACC-SX-4", "ACC-SX-2"): "46 days, outside the 45-day short interval",
    ("ACC-SX-4", "ACC-SX-3"): "较大 accident",
    ("ACC-HN-2", "ACC-HN-1"): "only a supervising department and a manager in common",
    ("ACC-CQ-2", "ACC-CQ-1"): "same day",
    ("ACC-CQ-1", "ACC-CQ-2"): "same day",
}


def _load(store: Store, *paths: Path) -> None:
    load_paths(store, list(paths))


def _summary(links: list[Link]) -> list[tuple[str, str, str, tuple[str, ...], int]]:
    return sorted((link.from_id, link.to_id, link.rule, link.rules, link.days) for link in links)


def _stored(store: Store) -> list[dict[str, object]]:
    return stored_links(store)


# --- rules -----------------------------------------------------------------------


def test_each_rule_links_what_it_should(store: Store):
    _load(store, *BASE)
    links = derive_recurrences(store)
    assert _summary(links) == sorted(EXPECTED)
    by_pair = {(link.from_id, link.to_id): link for link in links}
    songyuan = by_pair[("ACC-JL-2", "ACC-JL-1")]
    assert songyuan.basis == ("同一地级市:松原市", "同省:吉林省", "事故类别:道路交通", "致因标签:货车载人")
    assert songyuan.explanation == "2021-08-19 松原市扶余市事故与2021-03-01 松原市乾安县事故同属松原市、同为货车载人，相隔171天。"
    shanxi = by_pair[("ACC-SX-2", "ACC-SX-1")]
    assert shanxi.basis == ("同省:山西省", "事故等级:重大")  # SX-2 has no recorded severity: 13 deaths -> 重大
    assert shanxi.explanation == "2021-10-01 太原市迎泽区事故与2021-08-29 临汾市襄汾县事故同在山西省、均为重大事故，相隔33天。"
    assert by_pair[("ACC-GD-1", "ACC-HN-1")].basis == ("同一责任企业:重复出事工程公司",)
    assert by_pair[("ACC-ZJ-2", "ACC-ZJ-1")].basis == ("同一经营者:某经营者",)
    assert by_pair[("ACC-JL-9", "ACC-JL-6")].basis == ("同省:吉林省", "致因标签:违规动火")
    # a municipality's districts have no prefecture: only the province rules fire
    assert by_pair[("ACC-CQ-4", "ACC-CQ-2")].explanation.startswith("2021-06-01 重庆市永川区事故与2021-05-05 重庆市綦江区事故同在重庆市")


def test_rederiving_for_each_accident_alone_finds_its_links_and_they_meet_could_pair(store: Store):
    """Re-deriving after a load reads only the accidents each rule could pair (its reach, window and
    `could_pair` condition): for every accident of the fixture, which has every rule and its near
    misses, that must find exactly the links a full derivation gives it. And both ends of every link
    pass the `could_pair` condition of each rule that fired (a rule changed without its condition
    would lose links there)."""
    from safetykg.graph.recurrence import MAJOR, RULE_NAMES

    _load(store, *BASE)
    everything = derive_recurrences(store)
    assert {rule for link in everything for rule in link.rules} == set(RULE_NAMES)
    for row in store.run("MATCH (a:Accident) RETURN a.id AS id ORDER BY id"):
        one = str(row["id"])
        expected = [link for link in everything if one in (link.from_id, link.to_id)]
        assert derive_recurrences(store, touching={one}) == expected, one
    for link in everything:
        for rule_id in link.rules:
            condition = RULE_NAMES[rule_id].could_pair
            if condition is None:
                continue
            query = f"UNWIND $ids AS wanted MATCH (a:Accident {{id: wanted}}) WHERE {condition} RETURN a.id AS id"
            passed = {r["id"] for r in store.run(query, {"ids": [link.from_id, link.to_id], "major": list(MAJOR)})}
            assert passed == {link.from_id, link.to_id}, (rule_id, link.from_id, link.to_id)


def test_near_misses_do_not_link(store: Store):
    _load(store, *BASE)
    pairs = {(link.from_id, link.to_id) for link in derive_recurrences(store)}
    for (later, earlier), why in NEAR_MISSES.items():
        assert (later, earlier) not in pairs, why
        assert (earlier, later) not in pairs, why
    assert not any("ACC-CQ-3" in pair for pair in pairs), "an undated accident never links"


def test_links_point_back_in_time(store: Store):
    _load(store, *BASE)
    apply_recurrences(store, derive_recurrences(store), computed_date="2024-06-01")
    rows = store.run(
        "MATCH (a:Accident)-[e:RECURRENCE_OF]->(b:Accident) "
        "RETURN a.id AS later, b.id AS earlier, a.day AS later_day, b.day AS earlier_day, a.date AS later_date, "
        "b.date AS earlier_date, e.days AS days ORDER BY later, earlier"
    )
    assert len(rows) == len(EXPECTED)
    for row in rows:
        assert row["days"] > 0
        assert row["later_day"] - row["earlier_day"] == row["days"]
        assert row["later_date"] > row["earlier_date"]


def test_windows_are_configurable(store: Store):
    _load(store, *BASE)
    links = derive_recurrences(store, window_days=160, short_interval_days=30, operator_window_days=1200)
    assert _summary(links) == [
        ("ACC-CQ-4", "ACC-CQ-1", "province_mechanism", ("province_mechanism", "province_short_interval"), 27),
        ("ACC-CQ-4", "ACC-CQ-2", "province_mechanism", ("province_mechanism", "province_short_interval"), 27),
        ("ACC-GD-1", "ACC-HN-1", "same_operator", ("same_operator",), 1127),
        ("ACC-JL-6", "ACC-JL-4", "same_prefecture", ("same_prefecture",), 150),
    ]
    wider = derive_recurrences(store, mechanism_window_days=400, short_interval_days=46)
    added = {(link.from_id, link.to_id) for link in wider} - {(a, b) for a, b, *_ in EXPECTED}
    # JL-3 shares 货车载人 with JL-2 at 378 days; SX-4 follows SX-2 at 46 days
    assert added == {("ACC-JL-3", "ACC-JL-2"), ("ACC-SX-4", "ACC-SX-2")}
    with pytest.raises(ValueError):
        default_rules(window_days=0)


def test_severity_is_read_from_deaths_when_absent():
    assert severity_of(None, 30) == "特别重大"
    assert severity_of(None, 13) == "重大"
    assert severity_of(None, 3) == "较大"
    assert severity_of(None, 0) == "一般"
    assert severity_of("较大", 13) == "较大"
    assert severity_of(None, None) is None


# --- applying --------------------------------------------------------------------


def test_apply_is_idempotent(store: Store):
    _load(store, *BASE)
    first = apply_recurrences(store, derive_recurrences(store), computed_date="2024-06-01")
    assert (first.created, first.updated, first.deleted, first.kept) == (len(EXPECTED), 0, 0, 0)
    snapshot = _stored(store)
    second = apply_recurrences(store, derive_recurrences(store), computed_date="2024-07-01")
    assert not second.changed and second.kept == len(EXPECTED)
    assert _stored(store) == snapshot
    row = store.run(
        "MATCH (a:Accident {id: 'ACC-JL-2'})-[e:RECURRENCE_OF]->(b:Accident {id: 'ACC-JL-1'}) "
        "RETURN e.rule AS rule, e.days AS days, e.basis AS basis, e.computed_date AS computed, "
        "e.computed_day AS computed_day, e.source_ids AS sources, e.note AS note"
    )
    assert row == [{
        "rule": "same_prefecture", "days": 171,
        "basis": ["同一地级市:松原市", "同省:吉林省", "事故类别:道路交通", "致因标签:货车载人"],
        "computed": "2024-06-01", "computed_day": 19875, "sources": None,
        "note": "规则:same_prefecture+province_mechanism",
    }]
    assert store.counts()["relationships"]["RECURRENCE_OF"] == len(EXPECTED)


def test_stale_links_are_removed(store: Store):
    _load(store, *BASE)
    apply_recurrences(store, derive_recurrences(store), computed_date="2024-06-01")
    _load(store, FIXTURES / "changed" / "jl2_no_truck.yaml")
    links = derive_recurrences(store)
    assert ("ACC-JL-2", "ACC-JL-1") not in {(link.from_id, link.to_id) for link in links}
    report = apply_recurrences(store, links, computed_date="2024-07-01")
    assert (report.deleted, report.created, report.updated) == (1, 0, 0)
    assert [(r["from_key"], r["to_key"]) for r in _stored(store)] == sorted(
        (a, b) for a, b, *_ in EXPECTED if (a, b) != ("ACC-JL-2", "ACC-JL-1")
    )
    # narrower windows remove more, in the same way
    report = apply_recurrences(store, derive_recurrences(store, window_days=160, short_interval_days=30,
                                                         operator_window_days=1200), computed_date="2024-07-01")
    assert report.deleted == 3 and report.kept == 4
    assert store.counts()["relationships"]["RECURRENCE_OF"] == 4


def test_doubled_and_foreign_links_are_replaced(store: Store):
    """A pair stored twice (written by hand or by another tool) becomes one derived link; a pair no rule
    links is deleted; the rest are kept."""
    _load(store, *BASE)
    apply_recurrences(store, derive_recurrences(store), computed_date="2024-06-01")
    store.write("MATCH (a:Accident {id: 'ACC-JL-2'}), (b:Accident {id: 'ACC-JL-1'}) "
                "CREATE (a)-[:RECURRENCE_OF {rule: 'same_prefecture', days: 171}]->(b)")
    store.write("MATCH (a:Accident {id: 'ACC-JL-1'}), (b:Accident {id: 'ACC-JL-2'}) "
                "CREATE (a)-[:RECURRENCE_OF {rule: 'same_prefecture', days: 1}]->(b)")
    report = apply_recurrences(store, derive_recurrences(store), computed_date="2024-07-01")
    assert (report.created, report.updated, report.deleted, report.kept) == (0, 1, 1, len(EXPECTED) - 1)
    assert sorted((r["from_key"], r["to_key"]) for r in _stored(store)) == sorted((a, b) for a, b, *_ in EXPECTED)
    assert not apply_recurrences(store, derive_recurrences(store), computed_date="2024-08-01").changed


def test_changed_basis_updates_the_link(store: Store):
    _load(store, *BASE)
    apply_recurrences(store, derive_recurrences(store), computed_date="2024-06-01")
    _load(store, FIXTURES / "changed" / "jl1_more_tags.yaml")
    report = apply_recurrences(store, derive_recurrences(store), computed_date="2024-07-01")
    assert (report.created, report.updated, report.deleted) == (0, 1, 0)
    row = store.run(
        "MATCH (a:Accident {id: 'ACC-JL-2'})-[e:RECURRENCE_OF]->(b:Accident {id: 'ACC-JL-1'}) "
        "RETURN e.basis AS basis, e.explanation AS explanation, e.computed_date AS computed"
    )
    assert row[0]["basis"][-2:] == ["致因标签:货车载人", "致因标签:超员"]
    assert "同为货车载人、超员" in row[0]["explanation"]
    assert row[0]["computed"] == "2024-07-01"
    assert store.counts()["relationships"]["RECURRENCE_OF"] == len(EXPECTED)


def test_apply_refuses_forward_links(store: Store):
    bad = Link("ACC-A", "ACC-B", "2020-01-01", "2020-02-01", -31, "same_prefecture", ("same_prefecture",), (), "")
    with pytest.raises(ValueError):
        apply_recurrences(store, [bad], computed_date="2024-06-01")


# --- analytics -------------------------------------------------------------------


def _actors(result) -> dict[str, dict[str, object]]:
    return {a["id"]: a for a in result.actors}


def test_broken_chain_centrality_and_open_items(store: Store):
    _load(store, *BASE)
    result = analyze(store, as_of="2022-12-31")
    assert sorted(i["id"] for i in result.open_items) == ["CC-SX-1", "DIS-SX-1", "MEA-SX-2", "PEN-SX-1", "PEN-SX-3"]
    actors = _actors(result)
    assert {k: v["open_items"] for k, v in actors.items()} == {
        "DEP-SX-YJ": 2, "ENT-SX-1": 2, "ENT-SX-2": 2, "DEP-SX-ZJ": 1, "DEP-SX-JW": 1, "DEP-SX-GA": 1,
        "DEP-SX-IDLE": 0, "DEP-HN-YJ": 0, "ENT-REPEAT": 0,
    }
    assert sorted(actors["ENT-SX-2"]["items"]) == ["CC-SX-1", "PEN-SX-3"]  # via its operator PER-SX-2
    # the provincial department enforcing items of both accidents bridges the chains
    assert result.actors[0]["id"] == "DEP-SX-YJ" and actors["DEP-SX-YJ"]["centrality"] > 0
    for leaf in ("DEP-SX-ZJ", "DEP-SX-JW", "DEP-SX-GA", "DEP-SX-IDLE"):
        assert actors[leaf]["centrality"] == 0.0

    earlier = _actors(analyze(store, as_of="2022-01-15"))
    assert earlier["ENT-SX-2"]["open_items"] == 3  # PEN-SX-2 not executed yet
    assert earlier["DEP-SX-ZJ"]["open_items"] == 2  # MEA-SX-1 not verified yet
    before = _actors(analyze(store, as_of="2021-11-01"))
    assert before["ENT-SX-1"]["open_items"] == 0  # nothing recommended yet
    assert before["DEP-SX-GA"]["open_items"] == 1  # the case was filed and is stalled


def test_open_item_conventions():
    assert open_reason("Penalty", {"status": "recommended"}, "2024-01-01")
    assert open_reason("Penalty", {"executed_date": "2023-01-01"}, "2024-01-01") is None
    assert open_reason("Penalty", {"executed_date": "2023-01-01", "checked_status": "not_executed"}, "2024-01-01")
    assert open_reason("Penalty", {"checked_status": "executed", "checked_date": "2023-01-01"}, "2024-01-01") is None
    assert open_reason("Discipline", {"status": "not_executed"}, "2024-01-01")
    assert open_reason("CriminalCase", {"stage": "judged"}, "2024-01-01") is None
    assert open_reason("CriminalCase", {"stage": "prosecuted", "checked_status": "stalled"}, "2024-01-01")
    assert open_reason("Measure", {"status": "verified"}, "2024-01-01") is None
    assert open_reason("Measure", {"ordered_date": "2023-01-01", "verified_date": "2025-01-01"}, "2024-01-01")
    assert open_reason("Measure", {"status": "verified", "ordered_date": "2023-01-01", "verified_date": "2025-01-01"},
                       "2024-01-01")
    assert open_reason("Measure", {"checked_status": "not_done", "checked_date": "2025-01-01"}, "2024-01-01")
    assert open_reason("Penalty", {"checked_status": "not_executed", "checked_date": "2025-01-01",
                                   "decided_date": "2023-01-01", "executed_date": "2023-06-01"}, "2024-01-01") is None
    assert open_reason("Measure", {"ordered_date": "2025-01-01"}, "2024-01-01") is None


def test_clusters_rates_and_lead_times(store: Store):
    _load(store, *BASE)
    apply_recurrences(store, derive_recurrences(store), computed_date="2024-06-01")
    result = analyze(store, as_of="2024-06-01")
    clusters = {c.id: c.accidents for c in result.clusters}
    assert clusters == {
        "RC-ACC-CQ-1": ["ACC-CQ-1", "ACC-CQ-2", "ACC-CQ-4"],
        "RC-ACC-HN-1": ["ACC-HN-1", "ACC-GD-1"],
        "RC-ACC-JL-1": ["ACC-JL-1", "ACC-JL-2"],
        "RC-ACC-JL-4": ["ACC-JL-4", "ACC-JL-6", "ACC-JL-9"],
        "RC-ACC-SX-1": ["ACC-SX-1", "ACC-SX-2"],
        "RC-ACC-ZJ-1": ["ACC-ZJ-1", "ACC-ZJ-2"],
    }
    assert result.accident_cluster["ACC-JL-3"] is None and result.accident_cluster["ACC-CQ-3"] is None
    provinces = {r["province"]: r for r in result.rates_by_province}
    assert provinces["吉林省"] == {"province": "吉林省", "accidents": 9, "recurred": 3, "repeats": 3, "rate": 0.3333}
    assert provinces["重庆市"]["recurred"] == 2 and provinces["重庆市"]["rate"] == 0.5
    assert provinces["广东省"]["recurred"] == 0 and provinces["湖南省"]["recurred"] == 1
    kinds = {r["kind"]: r for r in result.rates_by_kind}
    assert kinds["工贸"]["recurred"] == 2 and kinds["工贸"]["accidents"] == 4
    assert sorted(r["days"] for r in result.lead_times) == sorted(e[4] for e in EXPECTED)
    assert result.lead_time_summary()["min"] == 27


def test_write_back_is_readable_and_idempotent(store: Store):
    _load(store, *BASE)
    apply_recurrences(store, derive_recurrences(store), computed_date="2024-06-01")
    first = write_analytics(store, analyze(store, as_of="2022-12-31"), computed_date="2024-06-01")
    assert first.actors == 9 and first.accidents == 22
    dep = store.run(
        "MATCH (n:Department {id: 'DEP-SX-YJ'}) RETURN n.centrality AS c, n.open_items AS o, "
        "n.analytics_date AS d, n.analytics_day AS day"
    )[0]
    assert isinstance(dep["c"], float) and dep["c"] > 0 and dep["o"] == 2
    assert (dep["d"], dep["day"]) == ("2024-06-01", 19875)
    idle = store.run("MATCH (n:Department {id: 'DEP-SX-IDLE'}) RETURN n.centrality AS c, n.open_items AS o")[0]
    assert idle == {"c": 0.0, "o": 0}
    ent = store.run("MATCH (n:Enterprise {id: 'ENT-SX-2'}) RETURN n.open_items AS o, n.analytics_date AS d")[0]
    assert ent == {"o": 2, "d": "2024-06-01"}
    accidents = {r["id"]: r for r in store.run(
        "MATCH (a:Accident) RETURN a.id AS id, a.cluster_id AS cluster, a.analytics_date AS d ORDER BY id"
    )}
    assert accidents["ACC-JL-9"]["cluster"] == "RC-ACC-JL-4"
    assert accidents["ACC-CQ-2"]["cluster"] == "RC-ACC-CQ-1"
    assert accidents["ACC-JL-3"]["cluster"] is None
    assert {r["d"] for r in accidents.values()} == {"2024-06-01"}

    def snapshot() -> list[dict[str, object]]:
        return store.run(
            "MATCH (n:Department) RETURN n.id AS id, n.centrality AS c, n.open_items AS o, n.analytics_date AS d "
            "ORDER BY id"
        ) + store.run("MATCH (a:Accident) RETURN a.id AS id, a.cluster_id AS c, a.analytics_date AS d ORDER BY id")

    before = snapshot()
    again = write_analytics(store, analyze(store, as_of="2022-12-31"), computed_date="2024-07-01")
    assert not again.changed
    assert snapshot() == before

    # the basis of JL-2 -> JL-1 goes: the link and its cluster go, and only the changed nodes are rewritten
    _load(store, FIXTURES / "changed" / "jl2_no_truck.yaml")
    apply_recurrences(store, derive_recurrences(store), computed_date="2024-07-01")
    third = write_analytics(store, analyze(store, as_of="2022-12-31"), computed_date="2024-07-01")
    assert (third.actors, third.accidents) == (0, 2)
    rows = store.run(
        "MATCH (a:Accident) WHERE a.id IN ['ACC-JL-1', 'ACC-JL-2', 'ACC-JL-4'] "
        "RETURN a.id AS id, a.cluster_id AS c, a.analytics_date AS d ORDER BY id"
    )
    assert rows == [
        {"id": "ACC-JL-1", "c": None, "d": "2024-07-01"},
        {"id": "ACC-JL-2", "c": None, "d": "2024-07-01"},
        {"id": "ACC-JL-4", "c": "RC-ACC-JL-4", "d": "2024-06-01"},
    ]


def test_write_back_commits_batch_by_batch_and_a_rerun_completes_it(store: Store, monkeypatch: pytest.MonkeyPatch):
    """Each batch is its own transaction (one transaction of a national graph's 1.85M values held ~1 GB):
    a failure keeps the batches before it, rolls back its own, and the next run writes the rest."""
    from safetykg.graph import analytics

    _load(store, *BASE)
    apply_recurrences(store, derive_recurrences(store), computed_date="2024-06-01")
    result = analyze(store, as_of="2022-12-31")
    monkeypatch.setattr(analytics, "WRITE_BATCH", 2)
    real, calls = store.write, []

    def fails_on_the_third(query: str, params: dict[str, object] | None = None) -> list[dict[str, object]]:
        calls.append(query)
        if len(calls) == 3:
            raise RuntimeError("disk full")
        return real(query, params)

    monkeypatch.setattr(store, "write", fails_on_the_third)
    with pytest.raises(RuntimeError, match="disk full"):
        write_analytics(store, result, computed_date="2024-06-01")
    monkeypatch.setattr(store, "write", real)
    dated = "MATCH (n) WHERE n.analytics_date IS NOT NULL RETURN count(n) AS n"
    assert store.run(dated)[0]["n"] == 4  # two batches of two
    rest = write_analytics(store, result, computed_date="2024-06-01")
    assert (rest.actors + rest.accidents) == 9 + 22 - 4
    assert store.run(dated)[0]["n"] == 9 + 22
    assert not write_analytics(store, result, computed_date="2024-06-01").changed


def test_reload_keeps_derived_properties(store: Store):
    _load(store, *BASE)
    apply_recurrences(store, derive_recurrences(store), computed_date="2024-06-01")
    write_analytics(store, analyze(store, as_of="2022-12-31"), computed_date="2024-06-01")
    _load(store, *BASE)
    row = store.run("MATCH (a:Accident {id: 'ACC-JL-2'}) RETURN a.cluster_id AS c, a.analytics_date AS d")
    assert row == [{"c": "RC-ACC-JL-1", "d": "2024-06-01"}]
    assert store.counts()["relationships"]["RECURRENCE_OF"] == len(EXPECTED)


# --- CLI ---------------------------------------------------------------------------


@pytest.mark.parametrize("engine", ["ladybug", "neo4j"])
def test_cli_analyze(engine: str, tmp_path: Path, request: pytest.FixtureRequest):
    from safetykg.cli.main import app

    if engine == "neo4j":
        uri = request.getfixturevalue("neo4j_uri")
        config = StoreConfig(uri=uri)
        where = ["--uri", uri]
    else:
        config = StoreConfig(data_dir=tmp_path / "graph")
        where = ["--data-dir", str(tmp_path / "graph")]
    with open_store(config) as setup:
        setup.clear()
        load_paths(setup, BASE)
    runner = CliRunner()
    args = [*where, "analyze", "--as-of", "2022-12-31", "--computed-date", "2024-06-01"]
    md = runner.invoke(app, [*args, "--out", str(tmp_path / "report.md")])
    assert md.exit_code == 0, md.output
    text = (tmp_path / "report.md").read_text(encoding="utf-8")
    assert text.startswith("# 重复发生事故与断链分析")
    assert "2021-08-19 松原市扶余市事故与2021-03-01 松原市乾安县事故同属松原市、同为货车载人，相隔171天。" in text
    assert "同省短期内再发重特大事故 (province_short_interval)" in text
    assert "山西省应急管理厅" in text and "RC-ACC-JL-4" in text
    js = runner.invoke(app, [*args, "--format", "json", "--computed-date", "2024-07-01"])
    assert js.exit_code == 0, js.output
    report = json.loads(js.stdout)
    assert sorted((link["from"], link["to"], link["rule"], link["days"]) for link in report["links"]) == sorted(
        (a, b, r, d) for a, b, r, _, d in EXPECTED
    )
    assert [link["from_date"] for link in report["links"]] == sorted(link["from_date"] for link in report["links"])
    assert report["applied"] == {"kept": len(EXPECTED), "created": 0, "updated": 0, "deleted": 0, "filled": 0}
    assert report["written"] == {"actors": 0, "accidents": 0}
    assert report["totals"] == {key: len(report[key]) for key in ("links", "actors", "open_items", "clusters", "lead_times")}
    # --list cuts every list (a national graph's report would hold a million links) and keeps the totals
    cut = runner.invoke(app, [*args, "--format", "json", "--list", "1"])
    assert cut.exit_code == 0, cut.output
    short = json.loads(cut.stdout)
    assert short["totals"] == report["totals"] and short["listed"] == 1
    for key in ("links", "actors", "open_items", "clusters", "lead_times"):
        assert short[key] == report[key][:1], key
    assert short["links"][0]["from_name"] and short["top_actors"] == report["top_actors"]
    cut_md = runner.invoke(app, [*args, "--list", "1"])
    assert f"（{len(EXPECTED)} 条，列出前 1 条 / first 1 listed）" in cut_md.stdout
    narrow = runner.invoke(app, [*where, "analyze", "--window-days", "160", "--short-interval-days", "30",
                                 "--operator-window-days", "1200", "--format", "json", "--computed-date", "2024-07-01"])
    assert narrow.exit_code == 0, narrow.output
    assert json.loads(narrow.stdout)["applied"]["deleted"] == 4
    bad = runner.invoke(app, [*where, "analyze", "--as-of", "yesterday"])
    assert bad.exit_code == 2


# --- the shipped data ----------------------------------------------------------------

SHIPPED_LINKS = [
    # 攸县“5·7” -> 郴州苏仙区 2017-04-03: two major accidents in 湖南 within 34 days (found once 郴州 was dated)
    ("ACC-2017-0507-hunan", "ACC-UNDATED-chenzhou", "province_short_interval", 34),
    # 太原“10·1” -> 襄汾“8·29”: two major accidents in 山西 within 33 days (the notice's example)
    ("ACC-2020-1001-taiyuan", "ACC-2020-0829-xiangfen", "province_short_interval", 33),
    # 松原“10·4” -> 松原“4·15”: 货车载人 road accidents in the same prefecture 172 days apart
    ("ACC-2020-1004-songyuan", "ACC-2020-0415-songyuan", "same_prefecture", 172),
]


def test_shipped_data_links(store: Store):
    load_paths(store, [DATA])
    links = derive_recurrences(store)
    assert [(link.from_id, link.to_id, link.rule, link.days) for link in links] == SHIPPED_LINKS
    by_pair = {(link.from_id, link.to_id): link for link in links}
    songyuan = by_pair[("ACC-2020-1004-songyuan", "ACC-2020-0415-songyuan")]
    assert "同一地级市:松原市" in songyuan.basis and "致因标签:货车载人" in songyuan.basis
    assert songyuan.explanation == "2020-10-04 松原市扶余市事故与2020-04-15 松原市乾安县事故同属松原市、同为货车载人，相隔172天。"
    taiyuan = by_pair[("ACC-2020-1001-taiyuan", "ACC-2020-0829-xiangfen")]
    assert taiyuan.basis == ("同省:山西省", "事故等级:重大")
    assert taiyuan.explanation == "2020-10-01 太原市迎泽区事故与2020-08-29 临汾市襄汾县事故同在山西省、均为重大事故，相隔33天。"
    report = apply_recurrences(store, links, computed_date="2026-11-29")
    assert report.created == 3
    assert not apply_recurrences(store, derive_recurrences(store), computed_date="2026-11-30").changed
    result = analyze_graph(pull_graph(store), "2026-11-29")
    assert {c.id: c.accidents for c in result.clusters} == {
        "RC-ACC-2020-0415-songyuan": ["ACC-2020-0415-songyuan", "ACC-2020-1004-songyuan"],
        "RC-ACC-2020-0829-xiangfen": ["ACC-2020-0829-xiangfen", "ACC-2020-1001-taiyuan"],
        "RC-ACC-UNDATED-chenzhou": ["ACC-UNDATED-chenzhou", "ACC-2017-0507-hunan"],
    }


# --- the streamed analytics give what the whole-graph networkx analytics gave (issue 12) ---------


def _same_as_reference(store: Store, as_of: str) -> None:
    from . import analytics_reference

    new = analyze(store, as_of=as_of)
    old = analytics_reference.analyze_graph(analytics_reference.pull_networkx(store), as_of)
    assert new.as_dict() == old.as_dict()
    assert new.accident_cluster == old.accident_cluster
    assert list(new.accident_cluster) == list(old.accident_cluster)
    assert new.betweenness == "exact"


def test_streamed_analytics_equal_the_whole_graph_ones(store: Store):
    _load(store, *BASE)
    for as_of in ("2021-11-01", "2022-01-15", "2022-12-31"):
        _same_as_reference(store, as_of)
    apply_recurrences(store, derive_recurrences(store), computed_date="2024-06-01")
    _same_as_reference(store, "2024-06-01")


def test_streamed_analytics_equal_the_whole_graph_ones_on_the_shipped_data(store: Store):
    load_paths(store, [DATA])
    apply_recurrences(store, derive_recurrences(store), computed_date="2026-11-29")
    _same_as_reference(store, "2026-11-29")


def test_betweenness_by_component_is_the_exact_betweenness(monkeypatch: pytest.MonkeyPatch):
    import networkx as nx

    from safetykg.graph import analytics

    chain = nx.Graph()
    for offset, graph in enumerate([nx.balanced_tree(3, 3), nx.path_graph(7), nx.cycle_graph(5), nx.path_graph(2)]):
        chain.add_edges_from((f"{offset}:{u}", f"{offset}:{v}") for u, v in graph.edges)
    chain.add_node("lonely:0")
    exact = nx.betweenness_centrality(chain, normalized=True)
    monkeypatch.setattr(analytics, "EXACT_WORK", 0)
    values, method = analytics.chain_betweenness(chain)
    assert method == "exact"
    assert {n: round(values.get(n, 0.0), 12) for n in chain} == {n: round(v, 12) for n, v in exact.items()}
    # beyond the budget: the same fraction of every component, seeded; small components stay exact
    monkeypatch.setattr(analytics, "BETWEENNESS_BUDGET", 1000)
    monkeypatch.setattr(analytics, "MIN_BETWEENNESS_PIVOTS", 5)
    sampled, method = analytics.chain_betweenness(chain)
    assert method.startswith("sampled: ")
    assert sampled == analytics.chain_betweenness(chain)[0]
    assert round(sampled["2:0"], 12) == round(exact["2:0"], 12)  # the 5-cycle is small enough to stay exact
    assert max(sampled, key=lambda n: sampled[n]) == "0:0"  # the root of the tree is still the bridge
    assert analytics.betweenness_plan([(40, 39), (5, 5)]) == [math.ceil(1000 / (40 * 79 + 5 * 10) * 40), 5]


def _paths_graph():
    """Cycles, a grid (many equal shortest paths) and bridges between them: every case of the sums."""
    import networkx as nx

    graph = nx.convert_node_labels_to_integers(nx.grid_2d_graph(5, 6))
    graph.add_edges_from((100 + u, 100 + v) for u, v in nx.cycle_graph(9).edges)
    graph.add_edges_from([(3, 100), (104, 200), (200, 201), (201, 29)])
    graph.add_edges_from((300 + u, 300 + v) for u, v in nx.gnm_random_graph(60, 90, seed=4).edges)
    graph.add_edge(201, 300)
    return graph.subgraph(max(nx.connected_components(graph), key=len)).copy()


def test_level_by_level_brandes_sums_what_networkx_sums_from_every_source():
    import networkx as nx

    from safetykg.graph.brandes import Adjacency, dependencies

    graph = _paths_graph()
    nodes = sorted(graph)
    raw = dependencies(Adjacency(graph, nodes), range(len(nodes)))
    exact = nx.betweenness_centrality(graph, normalized=False)  # each unordered pair once: half the sums
    assert max(exact.values()) > 100
    assert [round(raw[i] / 2, 9) for i in range(len(nodes))] == [round(exact[n], 9) for n in nodes]


def test_sampled_betweenness_draws_and_scales_as_networkx_does():
    import networkx as nx

    from safetykg.graph import analytics

    if tuple(int(p) for p in nx.__version__.split(".")[:2]) < (3, 6):
        pytest.skip("networkx before 3.6 scaled a sampled estimate differently; ours follows 3.6")
    graph = _paths_graph()
    nodes = sorted(graph)
    sub = nx.Graph()
    sub.add_nodes_from(nodes)
    sub.add_edges_from(graph.edges)
    for pivots in (2, 7, 30):
        ours = analytics._sampled_betweenness(graph, nodes, pivots)
        theirs = nx.betweenness_centrality(sub, k=pivots, normalized=False, seed=analytics.BETWEENNESS_SEED)
        assert {n: round(v, 9) for n, v in ours.items()} == {n: round(v, 9) for n, v in theirs.items()}
        assert any(ours.values())


# --- whole-label scans (`Store.iter_label_rows`) --------------------------------------------------


SCANS = [  # label, columns, pattern from n, the same read as one plain query
    ("Accident", {"id": "n.id", "kind": "n.kind", "deaths": "n.deaths"}, "",
     "MATCH (n:Accident) RETURN n.id AS id, n.kind AS kind, n.deaths AS deaths"),
    ("Accident", {"later": "n.id", "earlier": "b.id", "days": "e.days"}, "MATCH (n)-[e:RECURRENCE_OF]->(b:Accident)",
     "MATCH (n:Accident)-[e:RECURRENCE_OF]->(b:Accident) RETURN n.id AS later, b.id AS earlier, e.days AS days"),
    ("Penalty", {"item": "n.id", "accident": "a.id"},
     "MATCH (a:Accident)-[:INVESTIGATED_BY]->(:Investigation)-[:RECOMMENDS]->(n)",
     "MATCH (a:Accident)-[:INVESTIGATED_BY]->(:Investigation)-[:RECOMMENDS]->(n:Penalty) RETURN n.id AS item, a.id AS accident"),
    ("Region", {"a": "n.adcode", "b": "p.adcode"}, "MATCH (n)-[:PART_OF]->(p:Region)",
     "MATCH (n:Region)-[:PART_OF]->(p:Region) RETURN n.adcode AS a, p.adcode AS b"),
]


def _key(row: dict[str, object]) -> tuple[str, ...]:
    return tuple(str(v) for v in row.values())


def test_label_scans_in_pages_return_every_row_once(store: Store, monkeypatch: pytest.MonkeyPatch):
    """Neo4j reads a label in pages of nodes, continuing from the last key of each page: pages of one or a
    few nodes, most without a link or a penalty, must still give every row once and stop at the end
    (LadybugDB streams the one query whatever the page)."""
    _load(store, *BASE)
    apply_recurrences(store, derive_recurrences(store), computed_date="2024-06-01")
    expected = {plain: sorted(store.run(plain), key=_key) for *_, plain in SCANS}
    assert all(expected.values()), expected
    for page in (1, 2, 3, 1000):
        monkeypatch.setattr("safetykg.graph.neo4j_store.SCAN_PAGE", page)
        for label, columns, then, plain in SCANS:
            found = sorted(store.iter_label_rows(label, columns, then), key=_key)
            assert found == expected[plain], (page, label, then)
        ordered = [row["id"] for row in store.iter_label_rows("Accident", {"id": "n.id"}, in_key_order=True)]
        assert ordered == sorted(ordered) and len(ordered) == len(set(ordered)) > 3, page


def test_analytics_and_derivation_read_in_small_pages_equal_the_reference(store: Store, monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr("safetykg.graph.neo4j_store.SCAN_PAGE", 2)
    _load(store, *BASE)
    links = derive_recurrences(store)
    assert _summary(links) == sorted(EXPECTED)
    apply_recurrences(store, links, computed_date="2024-06-01")
    _same_as_reference(store, "2024-06-01")
