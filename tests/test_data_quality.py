"""Data quality of the shipped dataset (data/, including data/chains/): places valid on their dates,
one node per real-world entity, findable sources, and records that rest on secondary sources only.

The shipped graph is loaded once per module on the embedded engine (these are checks of the data, not of
the engines); the unsourced-fact count on both engines is tests/test_shipped_data.py's job and covers every
sourced label the schema declares (AccountabilityCount and Metric included — asserted below).

Secondary-only records are listed against tests/fixtures/secondary_only.txt, so the list cannot grow (or
shrink) unnoticed: after improving or adding data, review the printed difference and refresh the file with
`python tests/test_data_quality.py --write-allowlist`.
"""

from __future__ import annotations

import csv
import re
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest

from safetykg.graph.schema import id_items, load_schema
from safetykg.graph.store import Store, StoreConfig, open_store
from safetykg.loaders.load import load_paths

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "data"
ALLOWLIST = Path(__file__).resolve().parent / "fixtures" / "secondary_only.txt"
WEAK = {"secondary", "mirror"}
# 文号: an issuing-office prefix, a year in 〔〕 (or [] / () as some sites print it), a number and 号
DOC_NO = re.compile(r"^\S*[〔\[（(](?:19|20)\d{2}[〕\]）)]\S*?\d+号$")
GAZETTEER_SOURCES = ("SRC-GAZ-",)


@pytest.fixture(scope="module")
def shipped(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Store]:
    with open_store(StoreConfig(data_dir=tmp_path_factory.mktemp("quality") / "graph")) as store:
        load_paths(store, [DATA])
        yield store


def test_every_sourced_label_is_checked_for_sources():
    sourced = {name for name, label in load_schema().labels.items() if label.sourced}
    assert {"AccountabilityCount", "Metric", "Accident", "Penalty", "Discipline", "CriminalCase"} <= sourced


def test_every_accident_place_is_a_unit_valid_on_its_date(shipped: Store):
    rows = shipped.run(
        "MATCH (a:Accident)-[:OCCURRED_IN]->(r:Region) WHERE a.date IS NOT NULL "
        "RETURN a.id AS id, a.date AS date, r.adcode AS code, r.name AS name, r.valid_from AS since, "
        "r.valid_until AS until ORDER BY id"
    )
    assert len(rows) >= 50  # dated accidents placed in a unit (open-water ones have none)
    invalid = []
    for row in rows:
        year = int(row["date"][:4])
        if row["since"] and year < int(row["since"]):
            invalid.append((row["id"], row["code"], row["name"], f"created {row['since']}"))
        if row["until"] and year > int(row["until"]):
            invalid.append((row["id"], row["code"], row["name"], f"abolished {row['until']}"))
    assert invalid == []


def test_the_2015_shenzhen_landslide_sits_in_baoan_not_the_2018_guangming_district(shipped: Store):
    rows = shipped.run(
        "MATCH (a:Accident {id: 'ACC-2015-1220-shenzhen'})-[:OCCURRED_IN]->(r:Region) RETURN r.adcode AS code"
    )
    assert rows == [{"code": "440306"}]


def _norm(name: str) -> str:
    """Full/half-width, spaces and quotation marks do not make a different enterprise."""
    text = unicodedata.normalize("NFKC", name)
    return re.sub(r"[\s\"'“”‘’「」]", "", text)


def test_no_two_nodes_for_one_enterprise(shipped: Store):
    by_name: dict[str, list[str]] = defaultdict(list)
    by_code: dict[str, list[str]] = defaultdict(list)
    for row in shipped.run("MATCH (e:Enterprise) RETURN e.id AS id, e.name AS name, e.credit_code AS code"):
        by_name[_norm(row["name"])].append(row["id"])
        if row["code"]:
            by_code[row["code"]].append(row["id"])
    assert {k: v for k, v in by_name.items() if len(v) > 1} == {}
    assert {k: v for k, v in by_code.items() if len(v) > 1} == {}


def test_no_two_nodes_for_one_person(shipped: Store):
    """Same name at the same employer is the same person (withheld names like 祁某华 are compared as written)."""
    rows = shipped.run(
        "MATCH (p:Person)-[:WORKS_FOR]->(o) RETURN p.id AS id, p.name AS name, o.id AS org ORDER BY id"
    )
    seen: dict[tuple[str, str], list[str]] = defaultdict(list)
    for row in rows:
        seen[(_norm(row["name"]), row["org"])].append(row["id"])
    assert {k: v for k, v in seen.items() if len(v) > 1} == {}


def test_no_two_nodes_for_one_accident(shipped: Store):
    rows = shipped.run(
        "MATCH (a:Accident) WHERE a.date IS NOT NULL OPTIONAL MATCH (a)-[:OCCURRED_IN]->(r:Region) "
        "RETURN a.id AS id, a.date AS date, r.adcode AS code ORDER BY id"
    )
    seen: dict[tuple[str, str | None], list[str]] = defaultdict(list)
    for row in rows:
        seen[(row["date"], row["code"])].append(row["id"])
    assert {k: v for k, v in seen.items() if len(v) > 1} == {}


def _plausible_url(url: str) -> bool:
    parsed = urlparse(url)
    return parsed.scheme in ("http", "https") and "." in parsed.netloc and " " not in url


def test_every_source_is_findable(shipped: Store):
    problems = []
    for row in shipped.run(
        "MATCH (s:Source) RETURN s.id AS id, s.url AS url, s.doc_no AS doc_no, s.publisher AS publisher, "
        "s.reliability AS reliability, s.kind AS kind ORDER BY id"
    ):
        if row["url"] and not _plausible_url(row["url"]):
            problems.append((row["id"], "url", row["url"]))
        if row["doc_no"] and not DOC_NO.match(row["doc_no"]):
            problems.append((row["id"], "doc_no", row["doc_no"]))
        if not (row["url"] or row["doc_no"]) and not (row["publisher"] and row["reliability"] == "official"):
            problems.append((row["id"], "locator", None))
    assert problems == []


def test_doc_no_and_url_checks_reject_junk():
    assert DOC_NO.match("建督罚字〔2022〕31号") and DOC_NO.match("国函〔2016〕157号") and DOC_NO.match("应急〔2020〕59号")
    assert not DOC_NO.match("31号") and not DOC_NO.match("〔22〕31号") and not DOC_NO.match("见网页")
    assert _plausible_url("https://www.mohurd.gov.cn/a.html") and not _plausible_url("ftp://x.cn/a")
    assert not _plausible_url("http://localhost/a") and not _plausible_url("www.example.org/a")


def secondary_only(store: Store) -> list[str]:
    """Fact-bearing records whose every source is a mirror or secondary aggregator (gazetteer rows aside)."""
    reliability = {r["id"]: r["rel"] for r in store.run("MATCH (s:Source) RETURN s.id AS id, s.reliability AS rel")}
    schema = store.schema
    weak = []

    def only_weak(value: list[str] | str | None) -> bool:
        ids = id_items(value)  # a node's sources are a list, a relationship's one string
        return bool(ids) and not any(i.startswith(GAZETTEER_SOURCES) for i in ids) and all(
            reliability.get(i) in WEAK for i in ids)

    for label in schema.labels.values():
        if label.sourced:
            for row in store.run(f"MATCH (n:{label.name}) RETURN n.{label.key} AS id, n.source_ids AS s"):
                if only_weak(row["s"]):
                    weak.append(f"{label.name} {row['id']}")
    derived = {prop.link.type for _, prop in schema.links() if prop.link}
    for rel in schema.relationships.values():
        if rel.sourced and rel.name not in derived:
            for row in store.run(f"MATCH (a)-[r:{rel.name}]->(b) RETURN a.id AS a, b.id AS b, r.source_ids AS s"):
                if only_weak(row["s"]):
                    weak.append(f"{rel.name} {row['a']} -> {row['b']}")
    return sorted(weak)


def _allowlist() -> list[str]:
    lines = ALLOWLIST.read_text(encoding="utf-8").splitlines() if ALLOWLIST.exists() else []
    return sorted(line for line in lines if line and not line.startswith("#"))


def test_secondary_only_records_are_the_known_ones(shipped: Store):
    found, allowed = secondary_only(shipped), _allowlist()
    new = sorted(set(found) - set(allowed))
    gone = sorted(set(allowed) - set(found))
    print(f"\n{len(found)} records rest on mirror/secondary sources only")
    assert new == [], f"records resting on mirror/secondary sources only, not in {ALLOWLIST.name}: {new}"
    assert gone == [], f"no longer secondary-only (good): remove from {ALLOWLIST.name}: {gone}"


if __name__ == "__main__" and "--write-allowlist" in sys.argv:
    import tempfile

    with tempfile.TemporaryDirectory() as scratch, open_store(StoreConfig(data_dir=Path(scratch) / "graph")) as graph:
        load_paths(graph, [DATA])
        header = ("# Records whose every source is a mirror or secondary aggregator (tests/test_data_quality.py).\n"
                  "# Regenerate after a data change: python tests/test_data_quality.py --write-allowlist\n")
        ALLOWLIST.write_text(header + "\n".join(secondary_only(graph)) + "\n", encoding="utf-8")
        print(f"wrote {ALLOWLIST}")


def test_the_notice_figures_are_numbers_a_query_can_compare(shipped: Store):
    """docs/accountability.md's query: shares and changes above 50 %, as the notice states them."""
    rows = shipped.run(
        "MATCH (f:Finding)-[:HAS_METRIC]->(m:Metric) WHERE m.kind IN ['share', 'change'] AND m.value > 50 "
        "RETURN f.id AS finding, m.value AS value, m.unit AS unit, m.qualifier AS q ORDER BY value DESC"
    )
    assert [(r["finding"], r["value"], r["unit"], r["q"]) for r in rows] == [
        ("FND-14", 466.7, "%", None), ("FND-14", 400.0, "%", None), ("FND-15", 96.0, "%", "at_least"),
        ("FND-13", 57.1, "%", None), ("FND-13", 52.8, "%", None),
    ]
    interval = shipped.run("MATCH (:Finding {id: 'FND-02'})-[:HAS_METRIC]->(m:Metric) RETURN m.value AS v, m.unit AS u")
    assert interval == [{"v": 33.0, "u": "天"}]
    assert shipped.run("MATCH (f:Finding) WHERE f.metrics IS NOT NULL RETURN count(f) AS c") == [{"c": 0}]


def test_every_unit_shares_its_provinces_leading_digits():
    """The cross-province audit compares provinces by the first two digits of place codes."""
    path = Path(__file__).resolve().parents[1] / "data" / "regions" / "regions.csv"
    with path.open(encoding="utf-8", newline="") as handle:
        units = {r["adcode"]: r for r in csv.DictReader(handle)}
    provinces = 0
    for code, unit in units.items():
        top = unit
        for _ in range(3):
            if not top["parent_adcode"]:
                break
            top = units[top["parent_adcode"]]
        assert top["level"] == "province", code
        assert top["adcode"] == code[:2] + "0000", (code, top["adcode"])
        provinces += code == top["adcode"]
    assert provinces >= 31
