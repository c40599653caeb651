"""Extraction drafts records with provenance; the drafts load once reviewed."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from safetykg.graph.store import Store
from safetykg.loaders.extract import Gazetteer, draft_document, extract_accidents
from safetykg.loaders.load import load_paths

REPO = Path(__file__).resolve().parents[1]
GAZETTEER = REPO / "data" / "regions" / "regions.csv"
SEED = REPO.parent / "shared" / "seed" / "000_21a1ba0c0b61fa3e.txt"

# Test prose written for this test (not quoted from any source).
TEXT = (
    "据通报，2020年10月4日5时30分，松原市扶余市一条省道上两辆货车相撞，共有18人遇难，另有1人受伤，"
    "直接经济损失606.1万元。\n"
    "另悉，2019年12月4日浏阳市一家烟花厂爆炸，造成13人死亡。\n"
    "会议要求各地加强安全管理，此句没有事故。\n"
)


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.from_csv(GAZETTEER)


def test_fields_and_places_are_extracted_with_evidence(gazetteer: Gazetteer):
    drafts = extract_accidents(TEXT, gazetteer)
    fields = [d.fields for d in drafts]
    assert [f["date"] for f in fields] == ["2020-10-04", "2019-12-04"]
    first, second = fields
    assert (first["deaths"], first["injuries"], first["direct_loss_wan"], first["time"]) == (18, 1, 606.1, "05:30")
    assert first["adcode"] == "220781"  # 扶余市, not 松原市 or 吉林省
    assert first["kind"] == "道路交通"
    assert second["adcode"] == "430181" and second["deaths"] == 13 and second["kind"] == "烟花爆竹"
    spans = {e.field: e for e in drafts[0].evidence}
    assert TEXT[spans["deaths"].offset:].startswith(spans["deaths"].span)


def test_drafts_load_into_the_graph(store: Store, tmp_path: Path, gazetteer: Gazetteer):
    document = tmp_path / "notice.txt"
    document.write_text(TEXT, encoding="utf-8")
    draft = draft_document(document, gazetteer, {"id": "SRC-T", "title": "测试通报", "doc_no": "测〔2020〕1号"})
    (tmp_path / "draft.yaml").write_text(yaml.safe_dump(draft, allow_unicode=True), encoding="utf-8")
    load_paths(store, [GAZETTEER.parent, tmp_path / "draft.yaml"])
    rows = store.run(
        "MATCH (a:Accident)-[:OCCURRED_IN]->(r:Region) MATCH (a)-[:CITES]->(s:Source) "
        "RETURN a.date AS date, r.name AS place, s.doc_no AS doc, a.note AS note ORDER BY date"
    )
    assert [(r["date"], r["place"], r["doc"]) for r in rows] == [
        ("2019-12-04", "浏阳市", "测〔2020〕1号"), ("2020-10-04", "扶余市", "测〔2020〕1号")
    ]
    assert "notice.txt:" in rows[1]["note"] and "18人遇难" in rows[1]["note"]


@pytest.mark.skipif(not SEED.exists(), reason="shared/seed notice not beside this checkout")
def test_the_look_back_notice_yields_the_songyuan_accident(gazetteer: Gazetteer):
    drafts = extract_accidents(SEED.read_text(encoding="utf-8"), gazetteer)
    found = {(d.fields["date"], d.fields["deaths"], d.fields.get("adcode")) for d in drafts}
    assert ("2020-04-15", 12, "220700") in found
