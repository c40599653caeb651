"""Extraction drafts records with literal spans; review and the load gate decide; the graph gains no duplicates."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from safetykg.graph.store import Store
from safetykg.loaders.extract.draft import extract
from safetykg.loaders.extract.evaluate import evaluate_dir, project, span_errors
from safetykg.loaders.extract.places import Gazetteer, load_gazetteer
from safetykg.loaders.extract.review import accept_above, apply_decisions, reject_pending
from safetykg.loaders.extract.text import document_from_text, read_document
from safetykg.loaders.load import LoadFailed, load_paths

REPO = Path(__file__).resolve().parents[1]
GOLD = REPO / "tests" / "extract_gold"
SEED = REPO.parent / "shared" / "seed" / "000_21a1ba0c0b61fa3e.txt"
if not SEED.exists():
    SEED = Path("/work/shared/seed/000_21a1ba0c0b61fa3e.txt")

# Test prose written for this test; facts from /work/shared/research/public-facts.md §1, §2, §4, §5.
TEXT = (
    "标题: 测试通报\n网址: https://example.invalid/notice\n日期: 2020-12-01\n\n"
    "2020年4月15日，吉林松原一辆货车违法载人发生交通事故，造成12人死亡；"
    "10月4日，松原再次发生货车载人重大交通事故，造成１８人死亡。"
    "山西临汾襄汾「8.29」饭店坍塌事故造成二十九人死亡，相隔33天，太原“10·1”火灾事故又造成13人死亡。\n"
)


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return load_gazetteer(REPO / "data" / "regions" / "regions.csv")


def test_every_span_is_the_literal_text_at_its_offset_in_every_gold_document(gazetteer: Gazetteer) -> None:
    checked = 0
    for path in sorted(GOLD.glob("*.txt")):
        doc = read_document(path)
        draft = extract(doc, gazetteer).as_dict()
        assert span_errors(doc.text, draft) == [], path.name
        checked += sum(len(r.get("_fields") or {}) for section in draft.values() for r in section)
    assert checked > 200


def test_gold_scores_meet_the_targets(gazetteer: Gazetteer) -> None:
    report = evaluate_dir(GOLD, gazetteer)
    assert report["documents"] >= 20
    assert report["accidents"]["strict_recall"] >= 0.95
    assert report["accountability"]["recall"] >= 0.85 and report["accountability"]["precision"] >= 0.9
    assert report["review_figures"]["right"] == report["review_figures"]["checked"] > 0
    assert report["span_errors"] == 0


def test_traps_years_lists_numerals_and_recurrences(gazetteer: Gazetteer) -> None:
    doc = document_from_text(TEXT)
    got = project(extract(doc, gazetteer).as_dict())
    accidents = {a["date"]: (a.get("adcode"), a.get("deaths")) for a in got["accidents"]}
    assert accidents == {"2020-04-15": ("220700", 12), "2020-10-04": ("220700", 18),
                         "2020-08-29": ("141023", 29), "2020-10-01": ("140100", 13)}
    assert {(r["earlier"], r["later"], r["days"]) for r in got["recurrences"]} == {
        ("2020-04-15", "2020-10-04", 172), ("2020-08-29", "2020-10-01", 33)}


def test_gbk_file_is_read_and_spans_hold(tmp_path: Path, gazetteer: Gazetteer) -> None:
    path = tmp_path / "gbk.txt"
    path.write_bytes("2019年“4·25”衡水市施工升降机坠落事故造成11人死亡。".encode("gbk"))
    doc = read_document(path)
    assert doc.encoding == "gb18030"
    draft = extract(doc, gazetteer).as_dict()
    assert draft["nodes"][0]["date"] == "2019-04-25" and draft["nodes"][0]["deaths"] == 11
    assert span_errors(doc.text, draft) == []


@pytest.mark.skipif(not SEED.exists(), reason="the shared seed notice is not on this machine")
def test_seed_notice(gazetteer: Gazetteer) -> None:
    started = time.process_time()  # CPU seconds: a busy machine cannot fail it
    doc = read_document(SEED)
    got = project(extract(doc, gazetteer).as_dict())
    accidents = {a["date"]: (a.get("adcode"), a.get("deaths")) for a in got["accidents"]}
    assert accidents == {
        "2020-08-29": ("141023", 29), "2020-10-01": ("140100", None), "2020-03-07": ("350500", 29),
        "2020-04-15": ("220700", 12), "2020-10-04": ("220700", 18), "2019-12-04": ("430181", None),
        "2019-04-25": ("131100", None), "2015-04-06": ("350600", None), "2016-12-20": ("350600", None)}
    assert got["review"] == {"provinces": 28, "accidents_major": 120, "problems_found": 293, "recommendations": 399}
    assert {(r["earlier"], r["later"], r["days"]) for r in got["recurrences"]} == {
        ("2020-08-29", "2020-10-01", 33), ("2020-04-15", "2020-10-04", 172)}
    licence = [i for i in got["items"] if i["label"] == "Penalty"]
    assert licence and licence[0]["kind"] == "吊销安全生产许可证" and licence[0]["status"] == "not_executed"
    assert "碧溪烟花" in licence[0]["who"]
    assert time.process_time() - started < 5


def test_a_40k_character_report_extracts_in_under_5_seconds(gazetteer: Gazetteer) -> None:
    text = "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in sorted(GOLD.glob("g0*.txt")) if "gbk" not in p.name)
    big = document_from_text((text * (40000 // len(text) + 1))[:40000])
    started = time.process_time()  # CPU seconds: a busy machine cannot fail it
    extract(big, gazetteer)
    assert time.process_time() - started < 5


def test_load_refuses_pending_fields_and_an_incomplete_source(ladybug_store: Store, tmp_path: Path, gazetteer: Gazetteer) -> None:
    doc = document_from_text("2020年4月15日，吉林松原发生重大交通事故，造成12人死亡。")
    draft = extract(doc, gazetteer).as_dict()
    path = tmp_path / "draft.yaml"
    path.write_text(yaml.safe_dump(draft, allow_unicode=True), encoding="utf-8")
    with pytest.raises(LoadFailed) as failed:
        load_paths(ladybug_store, [REPO / "data" / "regions", path])
    messages = [str(e) for e in failed.value.errors]
    assert any("field 'deaths'" in m and "pending" in m and "draft.yaml" in m for m in messages)
    assert any("url|doc_no" in m for m in messages)
    assert ladybug_store.run("MATCH (a:Accident) RETURN count(a) AS n")[0]["n"] == 0


def _cli(*args: str, cwd: Path, env_dir: Path) -> subprocess.CompletedProcess[str]:
    import os

    env = {**os.environ, "SAFETYKG_DATA_DIR": str(env_dir)}
    env.pop("NEO4J_URI", None)
    return subprocess.run([sys.executable, "-m", "safetykg", *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=600)


def test_extract_review_load_surfaces_the_stated_recurrence_without_duplicates(tmp_path: Path) -> None:
    """End to end on the embedded engine, run from outside the repository (default gazetteer must still be found)."""
    graph = tmp_path / "graph"
    loaded = _cli("load", str(REPO / "data"), cwd=tmp_path, env_dir=graph)
    assert loaded.returncode == 0, loaded.stderr
    # The 松原 pair is in the shipped data and must be matched, not duplicated; the 渭南 pair is FICTITIOUS
    # (invented for this test only, never data) so that the audit has a new recurrence to find.
    (tmp_path / "notice.txt").write_text(
        "标题: 测试通报(端到端)\n网址: https://example.invalid/e2e\n日期: 2020-12-01\n\n"
        "2020年4月15日，吉林松原一辆货车违法载人发生交通事故，造成12人死亡；10月4日，松原再次发生货车载人重大交通事故，造成18人死亡。"
        "2020年3月2日，陕西渭南一辆货车违法载人发生交通事故，造成5人死亡；4月6日，渭南再次发生货车载人交通事故，造成7人死亡。"
        "天津港“8·12”瑞海公司危险品仓库特别重大火灾爆炸事故的整改仍未到位。\n", encoding="utf-8")
    extracted = _cli("extract", "notice.txt", "-o", "draft.yaml", cwd=tmp_path, env_dir=graph)
    assert extracted.returncode == 0, extracted.stderr
    draft = yaml.safe_load((tmp_path / "draft.yaml").read_text(encoding="utf-8"))
    matched = {n["_match"]["id"] for n in draft["nodes"] if n.get("_match")}
    # a bare “8·12” gets the document's year (2020); the graph's 2015 accident of that day and place is proposed
    assert {"ACC-2020-0415-songyuan", "ACC-2020-1004-songyuan", "ACC-2015-0812-tianjin"} <= matched
    refused = _cli("load", "draft.yaml", cwd=tmp_path, env_dir=graph)
    assert refused.returncode == 2 and "pending" in refused.stderr
    # the reviewer accepts the sure fields, then the mechanism tags the recurrence rule needs (drafted at 0.7)
    reviewed = _cli("review", "draft.yaml", "--accept-above", "0.9", "--accept", "ACC-2020-0302-610500/mechanisms",
                    "--accept", "ACC-2020-0406-610500/mechanisms", "--reject-rest", "-o", "reviewed.yaml",
                    cwd=tmp_path, env_dir=graph)
    assert reviewed.returncode == 0, reviewed.stderr
    result = _cli("load", "reviewed.yaml", cwd=tmp_path, env_dir=graph)
    assert result.returncode == 0, result.stderr
    rows = _cli("query", "MATCH (a:Accident) WHERE a.date IN ['2020-04-15','2020-10-04'] RETURN count(a) AS n", "-f", "json",
                cwd=tmp_path, env_dir=graph)
    assert '"n": 2' in rows.stdout
    audit = _cli("audit", "run", "repeat-incidents", "-p", "as_of=2020-12-31", "-f", "json", cwd=tmp_path, env_dir=graph)
    assert audit.returncode == 0, audit.stderr
    assert "2020-03-02" in audit.stdout and "2020-04-06" in audit.stdout


def test_review_accept_above_and_rejections(gazetteer: Gazetteer) -> None:
    draft = extract(document_from_text(TEXT), gazetteer).as_dict()
    accepted = accept_above(draft, 0.9)
    assert accepted > 0
    reject_pending(draft)
    reviewed = apply_decisions(draft)
    statuses = {e["status"] for r in reviewed["nodes"] for e in r["_fields"].values()}
    assert "pending" not in statuses
    for record in reviewed["nodes"]:
        for name, entry in record["_fields"].items():
            assert (name in record) == (entry["status"] != "rejected")
