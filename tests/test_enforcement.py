"""Derived enforcement values (graph/enforcement.py) are a shortcut, never an answer of their own: the
cross-province audit answers the same from them, without them (null: never derived or cleared) and after
every write that could change them, because each write clears exactly the values it could change."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from safetykg.graph.bulkfiles import BulkWriter
from safetykg.graph.enforcement import ACCIDENT_COUNT, ITEM_FLAG
from safetykg.graph.store import Store
from safetykg.loaders.bulk import load_files
from safetykg.loaders.load import derive_after_load, load_paths
from safetykg.loaders.synthetic import write_files
from safetykg.queries.runner import get_audit, run_audit

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "audits"
XP = "cross-province-accountability-breaks"
AS_OF = "2021-12-31"
DERIVED = {
    "PEN-T-XP-HEBEI": True, "DIS-T-XP-BJ": True,  # enforced in a province left out of the investigation
    "PEN-T-XP-LOCAL": False, "PEN-T-XP-CITY": False,  # the accident's own province
    "DIS-T-XP-SX": False,  # a member of the investigation
    "PEN-T-XP-NAT": False,  # a national body: no province
}


def item_flags(store: Store) -> dict[str, Any]:
    rows = store.run(
        f"MATCH (p:Penalty) RETURN p.id AS id, p.{ITEM_FLAG} AS flag "
        f"UNION ALL MATCH (p:Discipline) RETURN p.id AS id, p.{ITEM_FLAG} AS flag"
    )
    return {row["id"]: row["flag"] for row in rows}


def accident_counts(store: Store) -> dict[str, Any]:
    return {row["id"]: row["n"] for row in store.run(f"MATCH (a:Accident) RETURN a.id AS id, a.{ACCIDENT_COUNT} AS n")}


def answer(store: Store, as_of: str = AS_OF) -> tuple[list[dict[str, Any]], Any]:
    result = run_audit(store, get_audit(XP), {"as_of": as_of})
    return result.rows, result.count


def answer_from_the_graph_alone(store: Store, as_of: str = AS_OF) -> tuple[list[dict[str, Any]], Any]:
    """The audit with every derived value cleared: it then checks every assignment itself."""
    store.write(f"MATCH (p:Penalty) SET p.{ITEM_FLAG} = NULL")
    store.write(f"MATCH (p:Discipline) SET p.{ITEM_FLAG} = NULL")
    store.write(f"MATCH (a:Accident) SET a.{ACCIDENT_COUNT} = NULL")
    return answer(store, as_of)


def write_yaml(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def load_fixtures(store: Store) -> None:
    load_paths(store, [FIXTURES / "base.yaml", FIXTURES / "crossprov.yaml", FIXTURES / "accountability.yaml"])


def test_derived_values_answer_as_the_graph_does(store: Store):
    load_fixtures(store)
    assert {k: v for k, v in item_flags(store).items() if k in DERIVED} == dict.fromkeys(DERIVED)
    underived = answer(store)
    derive_after_load(store)
    flags = item_flags(store)
    assert {k: flags[k] for k in DERIVED} == DERIVED
    assert None not in flags.values() and None not in accident_counts(store).values()
    assert accident_counts(store)["ACC-T-XP"] == 5  # the national body has no place code: not an assignment
    assert answer(store) == underived
    assert underived[1][0] == 2 and [r["item_id"] for r in underived[0]] == ["DIS-T-XP-BJ", "PEN-T-XP-HEBEI"]
    assert answer(store, "2020-10-03") == answer_from_the_graph_alone(store, "2020-10-03")


def test_a_curated_write_clears_what_it_could_change_and_nothing_else(store: Store, tmp_path: Path):
    load_fixtures(store)
    derive_after_load(store)
    others = {k: v for k, v in item_flags(store).items() if k not in DERIVED}
    assert others and None not in others.values()
    y = answer(store)[1][1]
    # 河北 joins the investigation: its penalty is no longer a break
    load_paths(store, [write_yaml(tmp_path / "member.yaml", (
        "relationships:\n"
        "  - {type: MEMBER, from: INV-T-XP, to: DEP-T-HB-YJ, sources: [SRC-T]}\n"
    ))])
    flags = item_flags(store)
    assert {k: flags[k] for k in DERIVED} == dict.fromkeys(DERIVED)  # every item of that investigation cleared
    assert {k: v for k, v in flags.items() if k not in DERIVED} == others  # the other accidents' items kept
    assert accident_counts(store)["ACC-T-XP"] is None
    derive_after_load(store)
    assert item_flags(store)["PEN-T-XP-HEBEI"] is False
    rows, count = answer(store)
    assert [r["item_id"] for r in rows] == ["DIS-T-XP-BJ"] and count == (1, y)
    # the Beijing department turns out to sit in 吉林: its item is no longer a break either
    load_paths(store, [write_yaml(tmp_path / "moved.yaml", (
        "nodes:\n"
        "  - {label: Department, id: DEP-T-BJ, name: 北京市朝阳区应急管理局, adcode: \"220781\", sources: [SRC-T]}\n"
    ))])
    assert item_flags(store)["DIS-T-XP-BJ"] is None
    derive_after_load(store)
    assert item_flags(store)["DIS-T-XP-BJ"] is False
    assert answer(store) == ([], (0, y))
    assert answer(store) == answer_from_the_graph_alone(store)


def test_a_bulk_merge_clears_only_what_moved(store: Store, tmp_path: Path):
    first = write_files(store.schema, tmp_path / "first", 400, seed=5)
    load_files(store, first)
    derive_after_load(store)
    derived = answer(store, "2021-06-30")
    assert derived[0], "the synthetic graph has cross-province breaks"
    # the next batch restates every department unchanged: the derived values of the first batch stay
    more = write_files(store.schema, tmp_path / "more", 20, seed=6, batch="T")
    load_files(store, more, merge=True)
    flags = item_flags(store)
    assert all(v is not None for k, v in flags.items() if "-S" in k)
    assert any(v is None for k, v in flags.items() if "-T" in k)  # the new items wait for the derivation
    derive_after_load(store)
    # one department moves to another province: the items it enforces are cleared, and only those
    enforced = store.run("MATCH (p:Penalty)-[:ENFORCED_BY]->(d:Department) RETURN d.id AS d, d.adcode AS code, "
                         "d.name AS name, count(p) AS n ORDER BY n DESC, d LIMIT 1")[0]
    writer = BulkWriter(store.schema, tmp_path / "moved")
    moved_to = "110000" if not enforced["code"].startswith("11") else "120000"
    writer.node("Department", {"id": enforced["d"], "name": enforced["name"], "adcode": moved_to,
                               "level": "province", "source_ids": []})
    load_files(store, writer.close(), merge=True)
    cleared = {k for k, v in item_flags(store).items() if v is None}
    theirs = {r["p"] for r in store.run(
        "MATCH (p:Penalty)-[:ENFORCED_BY]->(:Department {id: $d}) RETURN p.id AS p "
        "UNION MATCH (p:Discipline)-[:ENFORCED_BY]->(:Department {id: $d}) RETURN p.id AS p "
        "UNION MATCH (:Department {id: $d})<-[:LED_BY|MEMBER]-(:Investigation)-[:RECOMMENDS]->(p:Penalty) RETURN p.id AS p "
        "UNION MATCH (:Department {id: $d})<-[:LED_BY|MEMBER]-(:Investigation)-[:RECOMMENDS]->(p:Discipline) "
        "RETURN p.id AS p", {"d": enforced["d"]})}
    assert cleared == theirs and len(cleared) >= enforced["n"]
    derive_after_load(store)
    after = answer(store, "2021-06-30")
    assert after != derived  # the move changed the answer
    assert after == answer_from_the_graph_alone(store, "2021-06-30")


def test_underived_values_are_derived_in_one_pass_or_in_chunks(store: Store, monkeypatch: pytest.MonkeyPatch):
    """Neo4j derives in chunks (its transactions are held in memory), LadybugDB in one statement; chunks
    smaller than the work end and give the values one pass gives, on either engine."""
    from safetykg.graph import enforcement

    load_fixtures(store)
    monkeypatch.setattr(store, "derive_chunk", None)
    whole = enforcement.refresh(store)
    once = item_flags(store), accident_counts(store)
    answer_from_the_graph_alone(store)
    monkeypatch.setattr(store, "derive_chunk", 2)
    chunked = enforcement.refresh(store)
    assert (item_flags(store), accident_counts(store)) == once
    assert (chunked.items, chunked.accidents) == (whole.items, whole.accidents) and whole.items > 2
