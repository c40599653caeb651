"""Scale work: recurrence declared once (audits and analyze name the same pairs), paged audit rows,
links derived on load, the windowed derivation equal to comparing every pair."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from typer.testing import CliRunner

from safetykg.cli.main import app
from safetykg.graph.recurrence import (
    DEFAULT_SHORT_INTERVAL_DAYS,
    DEFAULT_WINDOW_DAYS,
    Link,
    Shared,
    default_rules,
    derive_links,
    derive_recurrences,
    explain,
    read_accidents,
    refresh_recurrences,
)
from safetykg.graph.store import Store, StoreConfig, open_store
from safetykg.loaders.load import load_paths
from safetykg.queries.runner import get_audit, list_audits, run_audit

REPO = Path(__file__).resolve().parents[1]
AUDIT_FIXTURES = REPO / "tests" / "fixtures" / "audits"
ANALYTICS_FIXTURES = REPO / "tests" / "fixtures" / "analytics"
FIXTURE_SETS = {
    "audits": [AUDIT_FIXTURES / "base.yaml", AUDIT_FIXTURES / "repeat.yaml", AUDIT_FIXTURES / "relapse.yaml"],
    "analytics": [ANALYTICS_FIXTURES / n for n in ("regions.yaml", "accidents.yaml", "chains.yaml")],
    "shipped": [REPO / "data"],
}
# which rule each recurrence audit reads
AUDIT_RULE = {"repeat-incidents": "same_prefecture", "short-interval-relapse": "province_short_interval"}
FAR_FUTURE = "2100-01-01"


def _pairs_by_rule(links: list[Link], rule: str) -> set[tuple[str, str]]:
    return {(link.to_id, link.from_id) for link in links if rule in link.rules}


@pytest.mark.parametrize("fixture", sorted(FIXTURE_SETS))
def test_audits_and_analyze_name_the_same_pairs(store: Store, fixture: str):
    load_paths(store, FIXTURE_SETS[fixture])
    links = derive_recurrences(store)
    refresh_recurrences(store)
    for audit_id, rule in AUDIT_RULE.items():
        found = run_audit(store, get_audit(audit_id), {"as_of": FAR_FUTURE}).rows
        assert {(r["earlier_id"], r["later_id"]) for r in found} == _pairs_by_rule(links, rule), (fixture, audit_id)
    if fixture == "shipped":
        repeat = {(r["earlier_id"], r["later_id"]) for r in run_audit(store, get_audit("repeat-incidents"), {}).rows}
        assert ("ACC-2020-0415-songyuan", "ACC-2020-1004-songyuan") in repeat
        # 綦江 “9·27” and 永川 “12·4”: same kind (煤矿), no shared cause, different districts of 重庆 -> no pair
        assert ("ACC-2020-0927-qijiang", "ACC-2020-1204-yongchuan") not in repeat


def test_audit_windows_default_to_the_rule_windows():
    """One definition: the audits' window parameters default to the rules' windows."""
    assert get_audit("repeat-incidents").param("window_days").default == str(DEFAULT_WINDOW_DAYS)  # type: ignore[union-attr]
    assert get_audit("short-interval-relapse").param("days").default == str(DEFAULT_SHORT_INTERVAL_DAYS)  # type: ignore[union-attr]
    windows = {rule.id: rule.window_days for rule in default_rules()}
    assert windows["same_prefecture"] == DEFAULT_WINDOW_DAYS
    assert windows["province_short_interval"] == DEFAULT_SHORT_INTERVAL_DAYS


def _every_pair(accidents: list, rules: list) -> list[Link]:  # type: ignore[type-arg]
    """The definition itself: every (later, earlier) pair checked against every rule."""
    dated = sorted((a for a in accidents if a.day is not None), key=lambda a: (a.day, a.id))
    links = []
    for earlier, later in itertools.combinations(dated, 2):
        days = later.day - earlier.day
        if days <= 0:
            continue
        fired, shared = [], Shared()
        for rule in rules:
            found = rule.check(later, earlier, days)
            if found is not None:
                fired.append(rule.id)
                shared.merge(found)
        if fired:
            links.append(Link(later.id, earlier.id, later.date, earlier.date, days, fired[0], tuple(fired),
                              tuple(shared.basis()), explain(later, earlier, shared, days)))
    return sorted(links, key=lambda link: (link.from_date, link.from_id, link.to_date, link.to_id))


@pytest.mark.parametrize("fixture", sorted(FIXTURE_SETS))
def test_windowed_derivation_equals_every_pair(ladybug_store: Store, fixture: str):
    load_paths(ladybug_store, FIXTURE_SETS[fixture])
    accidents = read_accidents(ladybug_store)
    for rules in (default_rules(), default_rules(window_days=2000, short_interval_days=400)):
        assert derive_links(accidents, rules) == _every_pair(accidents, rules)
    # incremental: the links touching some accidents are exactly those of the full set
    touching = {a.id for a in accidents[::3]}
    full = derive_links(accidents, default_rules())
    assert derive_links(accidents, default_rules(), touching) == [
        link for link in full if link.from_id in touching or link.to_id in touching
    ]


def test_operators_of_a_single_accident_are_left_out_and_change_no_link(store: Store):
    """Reading every accident skips operators responsible for no other one (memory at 1M); reading them by
    key keeps all. The same links follow, same-operator links among them."""
    load_paths(store, FIXTURE_SETS["shipped"])  # operators of one accident each
    load_paths(store, FIXTURE_SETS["analytics"])  # enterprises responsible for several
    every = read_accidents(store)
    by_key = read_accidents(store, within={a.id for a in every})
    assert [a.id for a in every] == [a.id for a in by_key]
    assert sum(map(len, (a.operators for a in every))) < sum(map(len, (a.operators for a in by_key)))
    shared = {key for a in by_key for key, _ in a.operators}
    assert {key for a in every for key, _ in a.operators} <= shared
    links = derive_links(every, default_rules())
    assert any("same_operator" in link.rules for link in links)
    assert links == derive_links(by_key, default_rules())


def test_release_memory_leaves_the_store_as_it_was(ladybug_store: Store):
    """`analyze` lets go of its derivation's memory between phases (LadybugDB reopens its database; a
    server engine has nothing to release): the store answers as before after it, and inside a
    transaction it does nothing (the transaction goes on and commits)."""
    store = ladybug_store
    load_paths(store, FIXTURE_SETS["audits"])
    before = store.counts()
    first = store.run("MATCH (a:Accident) RETURN a.id AS id ORDER BY id LIMIT 1")[0]["id"]
    store.release_memory()
    assert store.counts() == before
    with store.transaction():
        store.write("MATCH (a:Accident {id: $id}) SET a.note = 'released'", {"id": first})
        store.release_memory()
    store.release_memory()
    assert store.run("MATCH (a:Accident {id: $id}) RETURN a.note AS note", {"id": first}) == [{"note": "released"}]


def test_audit_rows_are_paged_with_the_total(store: Store):
    load_paths(store, [AUDIT_FIXTURES / n for n in ("base.yaml", "accountability.yaml", "relapse.yaml", "measures.yaml")])
    refresh_recurrences(store)
    for audit in list_audits():
        params = {"as_of": "2022-01-01"} if audit.param("as_of") else {}
        every = run_audit(store, audit, params)
        assert every.total == len(every.rows)
        for offset in range(0, len(every.rows) + 2, 2):
            page = run_audit(store, audit, params, limit=2, offset=offset)
            assert page.rows == every.rows[offset : offset + 2], (audit.id, offset)
            assert (page.total, page.offset, page.limit) == (len(every.rows), offset, 2)
    assert len(run_audit(store, get_audit("short-interval-relapse"), {"as_of": "2022-01-01"}).rows) >= 3
    claimed = [audit for audit in list_audits() if audit.total_is_x]
    assert len(claimed) >= 4
    for as_of in ("2019-06-30", "2020-09-30", "2021-06-01", "2022-01-01"):  # the header's claim `total: x`
        for audit in claimed:
            every = run_audit(store, audit, {"as_of": as_of})
            assert every.count and every.count[0] == len(every.rows), (audit.id, as_of)
            page = run_audit(store, audit, {"as_of": as_of}, limit=1, offset=0)
            assert page.total == len(every.rows) and page.count == every.count, (audit.id, as_of)


def test_cli_load_derives_links_and_pages(tmp_path: Path):
    """`safetykg load` derives RECURRENCE_OF, so the recurrence audits answer before `analyze` runs."""
    graph = tmp_path / "graph"
    runner = CliRunner(env={"NEO4J_URI": ""})
    files = [str(p) for p in (AUDIT_FIXTURES / "base.yaml", AUDIT_FIXTURES / "relapse.yaml")]
    assert runner.invoke(app, ["--data-dir", str(graph), "load", *files]).exit_code == 0
    result = runner.invoke(app, ["--data-dir", str(graph), "audit", "run", "short-interval-relapse",
                                 "--as-of", "2021-12-31", "-f", "json", "--limit", "1", "--offset", "1"])
    assert result.exit_code == 0, result.output
    assert "ACC-T-S8" in result.stdout and "ACC-T-S4" not in result.stdout
    assert "2–2 / 4" in result.stderr
    with open_store(StoreConfig(data_dir=graph, read_only=True)) as opened:
        assert opened.counts()["relationships"]["RECURRENCE_OF"] == 4
