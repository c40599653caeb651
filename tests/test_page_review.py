"""The 抽取审核 page under Streamlit's AppTest: spans highlighted, decisions written as loadable records."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

pytest.importorskip("streamlit")
from streamlit.testing.v1 import AppTest  # noqa: E402

from safetykg.loaders.extract.draft import extract  # noqa: E402
from safetykg.loaders.extract.places import load_gazetteer  # noqa: E402
from safetykg.loaders.extract.review import still_pending  # noqa: E402
from safetykg.loaders.extract.text import read_document  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
PAGE = REPO / "safetykg" / "dashboard" / "page_review.py"
# Written for this test; facts: /work/shared/research/public-facts.md §5. The <b> checks escaping.
TEXT = "标题: 测试<b>通报</b>\n网址: https://example.invalid/r\n\n2020年10月4日5时30分许，吉林省松原市扶余市发生重大道路交通事故，造成18人死亡、1人受伤。\n"


def test_review_page_highlights_spans_and_writes_decisions(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = tmp_path / "notice.txt"
    source.write_text(TEXT, encoding="utf-8")
    draft = extract(read_document(source), load_gazetteer(REPO / "data" / "regions" / "regions.csv")).as_dict()
    draft_path = tmp_path / "draft.yaml"
    draft_path.write_text(yaml.safe_dump(draft, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("SAFETYKG_REVIEW_DRAFT", str(draft_path))
    at = AppTest.from_file(str(PAGE), default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    shown = "".join(m.value for m in at.markdown)
    assert '<mark title="ACC-2020-1004-220781/deaths">18人死亡' in shown
    assert "<b>通报" not in shown  # the document's own markup is escaped
    accident_id = "ACC-2020-1004-220781"
    at.button(key="rev_bulk").click().run()
    at.radio(key=f"rev:{accident_id}/injuries").set_value("rejected").run()
    at.radio(key=f"rev:{accident_id}/deaths").set_value("corrected").run()
    at.text_input(key=f"rev:{accident_id}/deaths:value").set_value("17").run()
    for radio in at.radio:
        if radio.value == "pending":
            radio.set_value("rejected")
    at.run()
    at.button(key="rev_write").click().run()
    assert not at.exception, at.exception
    written = yaml.safe_load((tmp_path / "draft.reviewed.yaml").read_text(encoding="utf-8"))
    accident = next(n for n in written["nodes"] if n["id"] == accident_id)
    assert "injuries" not in accident and accident["deaths"] == 17
    assert accident["_fields"]["deaths"]["status"] == "corrected"
    assert still_pending(written) == []
