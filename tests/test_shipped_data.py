"""The shipped dataset (data/): sourced, resolvable, consistent with the notice, idempotent."""

from __future__ import annotations

from pathlib import Path

import pytest

from safetykg.graph.store import Store
from safetykg.loaders.load import load_paths

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture
def shipped(store: Store) -> Store:
    load_paths(store, [DATA])
    return store


def unsourced_facts(store: Store) -> int:
    """Fact-bearing nodes with no CITES link plus fact-bearing relationships with no source_ids."""
    total = 0
    for label in store.schema.labels.values():
        if label.sourced:
            total += store.run(
                f"MATCH (n:{label.name}) OPTIONAL MATCH (n)-[c:CITES]->(:Source) "
                "WITH n, count(c) AS k WHERE k = 0 RETURN count(n) AS c"
            )[0]["c"]
    for rel in store.schema.relationships.values():
        if rel.sourced:
            total += store.run(
                f"MATCH ()-[r:{rel.name}]->() WHERE r.source_ids IS NULL OR r.source_ids = '' RETURN count(r) AS c"
            )[0]["c"]
    return total


def test_every_fact_cites_a_source(shipped: Store):
    assert unsourced_facts(shipped) == 0
    no_locator = shipped.run(
        "MATCH (s:Source) WHERE (s.url IS NULL OR s.url = '') AND (s.doc_no IS NULL OR s.doc_no = '') "
        "AND NOT (s.reliability = 'official' AND s.publisher IS NOT NULL) RETURN s.id AS id"
    )
    assert no_locator == []


def test_counts_meet_the_dataset_brief(shipped: Store):
    labels = shipped.counts()["labels"]
    assert labels["Accident"] >= 60
    assert labels["Finding"] >= 15
    assert labels["Review"] >= 1
    detailed = shipped.run(
        "MATCH (a:Accident) OPTIONAL MATCH (a)-[i:INVESTIGATED_BY]->(:Investigation) "
        "OPTIONAL MATCH (a)-[c:LED_TO]->(:CriminalCase) WITH a, count(i) + count(c) AS n WHERE n > 0 "
        "RETURN count(a) AS c"
    )[0]["c"]
    assert detailed >= 9


def test_dated_accidents_on_land_resolve_below_province(shipped: Store):
    """Open-water accidents with no administrative unit in their sources are the only exception."""
    rows = shipped.run(
        "MATCH (a:Accident) WHERE a.date IS NOT NULL OPTIONAL MATCH (a)-[:OCCURRED_IN]->(r:Region) "
        "WITH a, r WHERE r IS NULL OR r.level = 'province' RETURN a.id AS id, a.kind AS kind, r.adcode AS code ORDER BY id"
    )
    assert rows == [{"id": "ACC-2016-0227-chaoliandao", "kind": "水上交通", "code": None}]


def test_songyuan_accidents_sit_under_their_counties(shipped: Store):
    rows = shipped.run(
        "MATCH (a:Accident)-[:OCCURRED_IN]->(c:Region)-[:PART_OF]->(p:Region)-[:PART_OF]->(prov:Region) "
        "WHERE a.id IN $ids RETURN a.date AS date, c.name AS county, p.name AS prefecture, prov.name AS province "
        "ORDER BY date",
        {"ids": ["ACC-2020-0415-songyuan", "ACC-2020-1004-songyuan"]},
    )
    assert rows == [
        {"date": "2020-04-15", "county": "乾安县", "prefecture": "松原市", "province": "吉林省"},
        {"date": "2020-10-04", "county": "扶余市", "prefecture": "松原市", "province": "吉林省"},
    ]


def test_review_figures_match_the_notice(shipped: Store):
    review = shipped.run(
        "MATCH (r:Review {id: 'REV-2020-HUITOUKAN'}) RETURN r.accidents_major AS major, "
        "r.accidents_especially_major AS especially, r.provinces AS provinces, r.problems_found AS problems, "
        "r.recommendations AS recs, r.notice_date AS notice, r.evaluation_done_date AS done, r.source_ids AS src"
    )
    assert review == [
        {"major": 120, "especially": None, "provinces": 28, "problems": 293, "recs": 399,
         "notice": "2020-08-10", "done": "2020-09-30", "src": ["SRC-NOTICE-2020-HUITOUKAN"]}
    ]
    # the 12 especially major accidents come from the ministry's separate review, not from the notice
    separate = shipped.run(
        "MATCH (r:Review {id: 'REV-2020-HUITOUKAN-TEBIEZHONGDA'}) RETURN r.accidents_especially_major AS n"
    )
    assert separate == [{"n": 12}]


def test_no_duplicate_enterprises_departments_or_regions(shipped: Store):
    for label, prop in (("Enterprise", "name"), ("Department", "name")):
        dupes = shipped.run(
            f"MATCH (n:{label}) WITH n.{prop} AS v, count(n) AS c WHERE c > 1 RETURN v, c ORDER BY v"
        )
        assert dupes == [], label
    dupes = shipped.run(
        "MATCH (n:Region) WHERE n.valid_until IS NULL WITH n.name AS name, n.parent_adcode AS parent, count(n) AS c "
        "WHERE c > 1 RETURN name, parent, c"
    )
    assert dupes == []


def test_loading_twice_changes_nothing(shipped: Store):
    before = shipped.counts()
    sample = shipped.run("MATCH (a:Accident) RETURN a.id AS id, a.deaths AS d, a.source_ids AS s ORDER BY id")
    load_paths(shipped, [DATA])
    assert shipped.counts() == before
    assert shipped.run("MATCH (a:Accident) RETURN a.id AS id, a.deaths AS d, a.source_ids AS s ORDER BY id") == sample
