"""Saved audit queries on an engine: expected rows on small fixture graphs, on both engines; CLI, shipped data.

Every test taking `store` runs twice, on the embedded engine and on a real Neo4j server, with the
same expected rows, so passing both is the parity check. Parser and runner unit tests without an
engine are in test_audit_parser.py. `test_fixture_parity_every_audit` and
`test_shipped_data_must_show_and_parity` also compare whole results engine against engine.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from safetykg.cli.main import app
from safetykg.graph.recurrence import refresh_recurrences
from safetykg.graph.store import Store, StoreConfig, open_store
from safetykg.loaders.load import derive_after_load, load_paths
from safetykg.queries.runner import audit_subgraph, get_audit, list_audits, run_audit

from .conftest import make_store
from .test_audit_parser import AUDIT_IDS, HEADER, D

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "audits"
FIXTURE_NAMES = (
    "accountability", "criminal", "crossprov", "repeat", "relapse", "measures", "approvals", "blindspots",
    "scorecard", "review", "gaps",
)


def load(store: Store, *names: str) -> None:
    """Load fixtures and derive what `safetykg load` derives (RECURRENCE_OF, enforcement values): the audits read it."""
    load_paths(store, [FIXTURES / "base.yaml", *(FIXTURES / f"{name}.yaml" for name in names)])
    derive_after_load(store)


def run(store: Store, audit_id: str, **params: Any) -> Any:
    return run_audit(store, get_audit(audit_id), params)


def rows(store: Store, audit_id: str, **params: Any) -> list[dict[str, Any]]:
    return run(store, audit_id, **params).rows


def ids(found: list[dict[str, Any]], column: str) -> list[Any]:
    return [row[column] for row in found]


# ---------------------------------------------------------------------------- penalties and discipline
ACC_PEN = "测试“1·10”重大事故"


def test_unexecuted_penalties(store: Store):
    load(store, "accountability")
    result = run(store, "unexecuted-penalties", as_of=D)
    assert result.rows == [
        {
            "penalty_id": "PEN-T-LATE-EXEC", "penalty": "对测试甲公司负责人罚款", "kind": "罚款", "amount_wan": None,
            "against": ["张某"], "enforced_by": [], "accident": [ACC_PEN], "stage": "recommended",
            "recommended_date": "2020-03-01", "decided_date": None, "checked_status": None, "checked_date": None,
            "days_open": 213,
        },
        {
            "penalty_id": "PEN-T-OPEN", "penalty": "对测试甲公司罚款", "kind": "罚款", "amount_wan": 50.0,
            "against": ["测试甲公司"], "enforced_by": ["吉林省应急管理厅"], "accident": [ACC_PEN], "stage": "decided",
            "recommended_date": "2020-03-01", "decided_date": "2020-04-01", "checked_status": None,
            "checked_date": None, "days_open": 213,
        },
        {
            "penalty_id": "PEN-T-LIC-LATER", "penalty": "吊销测试甲公司营业执照", "kind": "吊销营业执照", "amount_wan": None,
            "against": ["测试甲公司"], "enforced_by": [], "accident": [ACC_PEN], "stage": "decided",
            "recommended_date": None, "decided_date": "2020-05-01", "checked_status": None, "checked_date": None,
            "days_open": 152,
        },
        {
            "penalty_id": "PEN-T-LIC-OPEN", "penalty": "吊销测试甲公司安全生产许可证", "kind": "吊销安全生产许可证",
            "amount_wan": None, "against": ["测试甲公司"], "enforced_by": ["吉林省应急管理厅"], "accident": [ACC_PEN],
            "stage": "decided", "recommended_date": None, "decided_date": "2020-05-01", "checked_status": None,
            "checked_date": None, "days_open": 152,
        },
        {
            "penalty_id": "PEN-T-CHECKED", "penalty": "核查发现未执行的处罚", "kind": None, "amount_wan": None,
            "against": [], "enforced_by": ["松原市住房和城乡建设局"], "accident": [], "stage": None,
            "recommended_date": None, "decided_date": None, "checked_status": "not_executed",
            "checked_date": "2020-09-30", "days_open": 0,
        },
    ]
    # executed, checked executed, status executed, undated and later-known penalties are absent
    assert result.count == (5, 9)
    assert ids(rows(store, "unexecuted-penalties", as_of=D, min_days=200), "penalty_id") == [
        "PEN-T-LATE-EXEC", "PEN-T-OPEN",
    ]
    later = rows(store, "unexecuted-penalties", as_of="2021-01-01")
    assert [(r["penalty_id"], r["days_open"]) for r in later] == [
        ("PEN-T-OPEN", 306), ("PEN-T-LIC-OPEN", 245), ("PEN-T-CHECKED", 93), ("PEN-T-FUTURE", 78),
    ]
    # before its check found it executed, PEN-T-CHECKED-EXEC was open; an undated 'executed' status never is
    assert [(r["penalty_id"], r["days_open"]) for r in rows(store, "unexecuted-penalties", as_of="2020-02-29")] == [
        ("PEN-T-CHECKED-EXEC", 28),
    ]
    assert rows(store, "unexecuted-penalties", as_of="2020-01-31") == []


def test_licence_not_revoked(store: Store):
    load(store, "accountability")
    result = run(store, "licence-not-revoked", as_of=D)
    assert [(r["penalty_id"], r["kind"], r["against"], r["days_open"]) for r in result.rows] == [
        ("PEN-T-LIC-LATER", "吊销营业执照", ["测试甲公司"], 152),
        ("PEN-T-LIC-OPEN", "吊销安全生产许可证", ["测试甲公司"], 152),
    ]
    assert result.count == (2, 3)
    # revoked before the reference date: PEN-T-LIC-REVOKED never appears; PEN-T-LIC-LATER leaves on its day
    assert ids(rows(store, "licence-not-revoked", as_of="2020-10-10"), "penalty_id") == ["PEN-T-LIC-OPEN"]
    assert rows(store, "licence-not-revoked", as_of="2020-04-30") == []


def test_undisciplined_officials(store: Store):
    load(store, "accountability")
    result = run(store, "undisciplined-officials", as_of=D)
    assert result.rows == [
        {
            "discipline_id": "DIS-T-OPEN", "discipline": "对张某给予政务处分", "kind": "政务处分", "officials_count": 1,
            "against": ["张某"], "enforced_by": ["吉林省纪委监委"], "accident": [ACC_PEN], "stage": "recommended",
            "recommended_date": "2020-02-01", "decided_date": None, "checked_status": None, "checked_date": None,
            "days_open": 242,
        },
        {
            "discipline_id": "DIS-T-CHECKED", "discipline": "对松原市公安局通报批评", "kind": "通报批评",
            "officials_count": None, "against": ["松原市公安局"], "enforced_by": [], "accident": [], "stage": None,
            "recommended_date": None, "decided_date": None, "checked_status": "not_executed",
            "checked_date": "2020-09-30", "days_open": 0,
        },
    ]
    assert result.count == (2, 3)
    assert ids(rows(store, "undisciplined-officials", as_of="2020-09-29"), "discipline_id") == ["DIS-T-OPEN"]


# ---------------------------------------------------------------------------- criminal cases
def test_stalled_criminal_cases(store: Store):
    load(store, "criminal")
    result = run(store, "stalled-criminal-cases", as_of=D)
    assert result.rows == [
        {
            "case_id": "CC-T-JUDGED-LATER", "case_name": "迟迟判决的案件", "accident_id": "ACC-T-CC-B",
            "accident": "测试“6·1”事故", "accident_date": "2015-06-01", "stage": "arrested",
            "last_progress_date": "2016-01-01", "days_without_progress": 1734, "checked_status": None,
            "checked_date": None, "defendants": None, "handled_by": [],
        },
        {
            "case_id": "CC-T-STALL-AGE", "case_name": "逮捕后未起诉的案件", "accident_id": "ACC-T-CC-A",
            "accident": "测试“1·1”事故", "accident_date": "2017-01-01", "stage": "arrested",
            "last_progress_date": "2017-03-01", "days_without_progress": 1309, "checked_status": None,
            "checked_date": None, "defendants": 3, "handled_by": ["乾安县人民法院"],
        },
        {
            "case_id": "CC-T-CHECKED", "case_name": "核查认定停滞的案件", "accident_id": "ACC-T-CC-C",
            "accident": "测试“12·1”事故", "accident_date": "2019-12-01", "stage": "unknown",
            "last_progress_date": "2019-12-01", "days_without_progress": 304, "checked_status": "stalled",
            "checked_date": "2020-09-30", "defendants": None, "handled_by": [],
        },
    ]
    assert result.count == (3, 6)
    # the day before the review's check, only the age rule applies
    assert ids(rows(store, "stalled-criminal-cases", as_of="2020-09-29"), "case_id") == [
        "CC-T-JUDGED-LATER", "CC-T-STALL-AGE",
    ]
    later = rows(store, "stalled-criminal-cases", as_of="2021-07-01")
    assert [(r["case_id"], r["stage"], r["days_without_progress"]) for r in later] == [
        ("CC-T-STALL-AGE", "arrested", 1583), ("CC-T-PROGRESS", "prosecuted", 761), ("CC-T-CHECKED", "unknown", 578),
    ]
    assert ids(rows(store, "stalled-criminal-cases", as_of=D, years=4), "case_id") == [
        "CC-T-JUDGED-LATER", "CC-T-CHECKED",
    ]


# ---------------------------------------------------------------------------- cross-province
def test_cross_province_accountability_breaks(store: Store):
    load(store, "crossprov")
    common = {
        "accident_id": "ACC-T-XP", "accident": "测试“10·4”跨省事故", "accident_province": "吉林省",
        "investigation_id": "INV-T-XP",
    }
    result = run(store, "cross-province-accountability-breaks", as_of="2021-12-31")
    assert result.rows == [
        {
            **common, "item_type": "Discipline", "item_id": "DIS-T-XP-BJ", "item": "移交北京市朝阳区处理",
            "department_id": "DEP-T-BJ", "department": "北京市朝阳区应急管理局", "department_province": "北京市",
            "status": "executed",
        },
        {
            **common, "item_type": "Penalty", "item_id": "PEN-T-XP-HEBEI", "item": "由河北省应急管理厅处理外省企业",
            "department_id": "DEP-T-HB-YJ", "department": "河北省应急管理厅", "department_province": "河北省",
            "status": "recommended",
        },
    ]
    assert result.count == (2, 5)  # PEN-T-XP-CITY shares a PART_OF edge with the accident: counted on both engines
    assert [r["status"] for r in rows(store, "cross-province-accountability-breaks", as_of="2020-10-04")] == [None, None]
    assert rows(store, "cross-province-accountability-breaks", as_of="2020-10-03") == []


# ---------------------------------------------------------------------------- repeat incidents
def test_repeat_incidents(store: Store):
    load(store, "repeat")
    result = run(store, "repeat-incidents", as_of="2022-01-01")
    assert result.rows == [
        {
            "prefecture_code": "220700", "prefecture": "松原市",
            "earlier_id": "ACC-T-R1", "earlier": "测试松原“4·15”事故", "earlier_date": "2020-04-15", "earlier_place": "乾安县",
            "later_id": "ACC-T-R2", "later": "测试松原“10·4”事故", "later_date": "2020-10-04", "later_place": "扶余市",
            "days_between": 172, "kind": "道路交通", "shared_mechanisms": ["货车载人"],
        },
    ]
    # placed in a prefecture: R1-R6, R12 (北京's districts, 湖北's direct county-level cities and the
    # province-level record have no prefecture); in a pair: R1, R2
    assert result.count == (2, 7)


def test_repeat_incidents_negatives_and_window(store: Store):
    load(store, "repeat")
    pairs = [(r["earlier_id"], r["later_id"]) for r in rows(store, "repeat-incidents", as_of="2022-01-01")]
    assert ("ACC-T-R1", "ACC-T-R6") not in pairs  # different prefecture (长春)
    assert ("ACC-T-R2", "ACC-T-R3") not in pairs  # 366 days: outside the window
    assert ("ACC-T-R1", "ACC-T-R4") not in pairs  # different kind, no shared mechanism
    assert ("ACC-T-R5", "ACC-T-R2") not in pairs  # shares 超员 but not the kind: kind AND mechanism
    assert ("ACC-T-R3", "ACC-T-R12") not in pairs  # same kind, no mechanism recorded
    assert ("ACC-T-R7", "ACC-T-R8") not in pairs  # 北京's districts: no prefecture (the province rules compare them)
    assert ("ACC-T-R9", "ACC-T-R10") not in pairs  # two county-level cities directly under 湖北
    # the window can narrow the derived one, not widen it
    assert rows(store, "repeat-incidents", as_of="2022-01-01", window_days=171) == []
    assert [(r["earlier_id"], r["later_id"]) for r in rows(store, "repeat-incidents", as_of="2022-01-01",
                                                           window_days=366)] == [("ACC-T-R1", "ACC-T-R2")]
    # the later accident must have happened by the reference date
    assert rows(store, "repeat-incidents", as_of="2020-10-03") == []
    assert len(rows(store, "repeat-incidents", as_of="2020-10-04")) == 1


def test_short_interval_relapse(store: Store):
    load(store, "relapse")
    result = run(store, "short-interval-relapse", as_of="2021-12-31")
    assert result.rows == [
        {
            "province_code": "140000", "province": "山西省",
            "earlier_id": "ACC-T-S1", "earlier": "测试襄汾“8·29”坍塌", "earlier_date": "2020-08-29",
            "earlier_severity": "重大", "earlier_deaths": 29,
            "later_id": "ACC-T-S2", "later": "测试太原“10·1”火灾", "later_date": "2020-10-01",
            "later_severity": "重大", "later_deaths": 13, "days_between": 33,
        },
        {
            "province_code": "140000", "province": "山西省",
            "earlier_id": "ACC-T-S1", "earlier": "测试襄汾“8·29”坍塌", "earlier_date": "2020-08-29",
            "earlier_severity": "重大", "earlier_deaths": 29,
            "later_id": "ACC-T-S8", "later": "测试襄汾“9·10”事故", "later_date": "2020-09-10",
            "later_severity": "重大", "later_deaths": 11, "days_between": 12,
        },
        {
            "province_code": "140000", "province": "山西省",
            "earlier_id": "ACC-T-S8", "earlier": "测试襄汾“9·10”事故", "earlier_date": "2020-09-10",
            "earlier_severity": "重大", "earlier_deaths": 11,
            "later_id": "ACC-T-S2", "later": "测试太原“10·1”火灾", "later_date": "2020-10-01",
            "later_severity": "重大", "later_deaths": 13, "days_between": 21,
        },
        {
            "province_code": "140000", "province": "山西省",
            "earlier_id": "ACC-T-S4", "earlier": "测试襄汾“12·15”事故", "earlier_date": "2020-12-15",
            "earlier_severity": None, "earlier_deaths": 12,
            "later_id": "ACC-T-S5", "later": "测试太原“1·10”事故", "later_date": "2021-01-10",
            "later_severity": None, "later_deaths": 10, "days_between": 26,
        },
    ]
    assert result.count == (5, 6)
    pairs = [(r["earlier_id"], r["later_id"]) for r in rows(store, "short-interval-relapse", as_of="2021-12-31", days=30)]
    assert pairs == [("ACC-T-S1", "ACC-T-S8"), ("ACC-T-S8", "ACC-T-S2"), ("ACC-T-S4", "ACC-T-S5")]
    assert [(r["earlier_id"], r["later_id"]) for r in rows(store, "short-interval-relapse", as_of="2020-09-30")] == [
        ("ACC-T-S1", "ACC-T-S8"),
    ]
    assert ids(rows(store, "short-interval-relapse", as_of="2020-10-01"), "later_id") == [
        "ACC-T-S2", "ACC-T-S8", "ACC-T-S2",
    ]


# ---------------------------------------------------------------------------- measures
def test_rectification_overdue(store: Store):
    load(store, "measures")
    result = run(store, "rectification-overdue", as_of=D)
    assert result.rows == [
        {
            "measure_id": "MEA-T-OVERDUE", "measure": "完善危险作业审批制度", "assigned_to": ["测试乙公司"],
            "accident": ["测试“6·1”整改事故"], "ordered_date": "2019-09-01", "due_date": "2020-03-01",
            "days_overdue": 213, "checked_status": None, "checked_date": None,
        },
        {
            "measure_id": "MEA-T-CHECKED", "measure": "开展同类企业排查", "assigned_to": ["吉林省应急管理厅"],
            "accident": [], "ordered_date": None, "due_date": None, "days_overdue": None,
            "checked_status": "not_done", "checked_date": "2020-09-30",
        },
        {
            "measure_id": "MEA-T-RESUMED-FLAG", "measure": "未整改即准许生产", "assigned_to": [], "accident": [],
            "ordered_date": None, "due_date": None, "days_overdue": None, "checked_status": "not_done",
            "checked_date": "2020-09-30",
        },
    ]
    assert result.count == (3, 9)
    assert [(r["measure_id"], r["days_overdue"]) for r in rows(store, "rectification-overdue", as_of="2020-05-01")] == [
        ("MEA-T-OVERDUE", 61), ("MEA-T-VERIFIED-LATE", 61),
    ]


def test_resumed_before_rectified(store: Store):
    load(store, "measures")
    result = run(store, "resumed-before-rectified", as_of=D)
    assert result.rows == [
        {
            "measure_id": "MEA-T-RESUMED", "measure": "停产整顿后复产", "assigned_to": ["测试乙公司"],
            "accident": ["测试“6·1”整改事故"], "resumed_date": "2020-01-15", "verified_date": "2020-04-01",
            "days_before_verification": 77, "checked_status": None, "checked_date": None,
        },
        {
            "measure_id": "MEA-T-RESUMED-OPEN", "measure": "边整改边生产", "assigned_to": ["测试乙公司"], "accident": [],
            "resumed_date": "2020-08-01", "verified_date": None, "days_before_verification": 60,
            "checked_status": None, "checked_date": None,
        },
        {
            "measure_id": "MEA-T-RESUMED-FLAG", "measure": "未整改即准许生产", "assigned_to": [], "accident": [],
            "resumed_date": None, "verified_date": None, "days_before_verification": None,
            "checked_status": "not_done", "checked_date": "2020-09-30",
        },
    ]
    assert result.count == (3, 4)
    assert rows(store, "resumed-before-rectified", as_of="2020-01-14") == []


# ---------------------------------------------------------------------------- approvals, blind spots
def test_approval_chain_failures(store: Store):
    load(store, "approvals")
    result = run(store, "approval-chain-failures", as_of=D)
    assert result.rows == [
        {
            "enterprise_id": "ENT-T-AP", "enterprise": "测试酒店", "accident_id": "ACC-T-AP", "accident": "测试“3·7”酒店坍塌",
            "approvals": 2, "approval_names": ["测试酒店消防检查合格意见", "测试酒店装修施工许可"],
            "missing_prerequisites": ["合法建设手续", "消防验收"],
            "granted_by": ["松原市住房和城乡建设局", "松原市消防救援支队"],
        },
        {
            "enterprise_id": None, "enterprise": None, "accident_id": "ACC-T-AP2", "accident": "测试“8·1”厂房坍塌",
            "approvals": 1, "approval_names": ["测试厂房多部门审批"], "missing_prerequisites": ["准生证"],
            "granted_by": [],
        },
    ]
    assert result.count == (3, 4)
    later = rows(store, "approval-chain-failures", as_of="2021-06-01")
    assert (later[0]["approvals"], later[0]["missing_prerequisites"]) == (3, ["合法建设手续", "整改验收", "消防验收"])


def test_regulatory_blind_spots(store: Store):
    load(store, "blindspots")
    result = run(store, "regulatory-blind-spots", as_of=D)
    assert result.rows == [
        {
            "kind": "enterprise", "subject_id": "ENT-T-B1", "subject": "测试无人监管公司", "region": "乾安县",
            "accident_id": "ACC-T-B", "accident": "测试“1·1”盲区事故", "category": "仓储",
            "detail": "图中无监管部门 / no supervising department in the graph",
        },
        {
            "kind": "finding", "subject_id": "FND-T-BLIND", "subject": "测试小型装修工程不纳入监管", "region": "松原市",
            "accident_id": None, "accident": None, "category": "三个必须落实不到位", "detail": "监管盲区",
        },
    ]
    assert result.count == (1, 2)
    later = rows(store, "regulatory-blind-spots", as_of="2021-06-01", terms="空白")
    assert [(r["kind"], r["subject_id"], r["region"]) for r in later] == [
        ("enterprise", "ENT-T-B1", "乾安县"), ("finding", "FND-T-GAP", None),
    ]


# ---------------------------------------------------------------------------- scorecard, review tallies
def test_department_scorecard(store: Store):
    load(store, "scorecard")
    result = run(store, "department-scorecard", as_of=D)
    zero = {"penalties_open": 0, "penalties": 0, "disciplines_open": 0, "disciplines": 0, "measures_open": 0,
            "measures": 0, "criminal_cases_open": 0, "criminal_cases": 0}
    assert result.rows == [
        {
            "department_id": "DEP-T-JL-YJ", "department": "吉林省应急管理厅", "level": "province", "province": "吉林省",
            **zero, "penalties_open": 1, "penalties": 2, "disciplines_open": 1, "disciplines": 1,
            "measures_open": 1, "measures": 2, "open_items": 3, "items": 5,
        },
        {
            "department_id": "DEP-T-COURT", "department": "乾安县人民法院", "level": "county", "province": "吉林省",
            **zero, "criminal_cases_open": 1, "criminal_cases": 2, "open_items": 1, "items": 2,
        },
        {
            "department_id": "DEP-T-NAT", "department": "应急管理部", "level": "national", "province": None,
            **zero, "penalties_open": 1, "penalties": 1, "open_items": 1, "items": 1,
        },
    ]
    assert result.count == (5, 8)
    after = {r["department_id"]: (r["open_items"], r["items"]) for r in rows(store, "department-scorecard",
                                                                            as_of="2020-12-31")}
    assert after["DEP-T-JL-YJ"] == (4, 6)  # PEN-T-SC3 recommended 2020-12-01 is now known and open


def test_review_findings_by_category(store: Store):
    load(store, "review")
    result = run(store, "review-findings-by-category", as_of=D)
    assert result.rows == [
        {
            "review_id": "REV-T", "review": "测试回头看", "category": "甲类", "findings": 2, "findings_in_graph": 2,
            "problems_found": 10, "reviewed_accidents_in_graph": 2, "accidents_in_notice": 4,
        },
    ]
    assert result.count == (2, 10)
    later = rows(store, "review-findings-by-category", as_of="2021-06-01")
    assert [(r["category"], r["findings"], r["findings_in_graph"]) for r in later] == [("甲类", 2, 3), ("乙类", 1, 3)]


# ---------------------------------------------------------------------------- subgraphs
EXPECTED_EDGES = [
    ("unexecuted-penalties", D, ("PEN-T-OPEN", "Penalty", "ENFORCED_BY", "DEP-T-JL-YJ", "Department")),
    ("unexecuted-penalties", D, ("PEN-T-LATE-EXEC", "Penalty", "AGAINST", "PER-T-OFFICIAL", "Person")),
    ("unexecuted-penalties", D, ("ACC-T-PEN", "Accident", "INVESTIGATED_BY", "INV-T-PEN", "Investigation")),
    ("licence-not-revoked", D, ("PEN-T-LIC-OPEN", "Penalty", "AGAINST", "ENT-T-A", "Enterprise")),
    ("undisciplined-officials", D, ("DIS-T-CHECKED", "Discipline", "AGAINST", "DEP-T-JL-GA", "Department")),
    ("stalled-criminal-cases", D, ("ACC-T-CC-A", "Accident", "LED_TO", "CC-T-STALL-AGE", "CriminalCase")),
    ("stalled-criminal-cases", D, ("PER-T-OFFICIAL", "Person", "DEFENDANT_IN", "CC-T-STALL-AGE", "CriminalCase")),
    ("cross-province-accountability-breaks", "2021-12-31",
     ("PEN-T-XP-HEBEI", "Penalty", "ENFORCED_BY", "DEP-T-HB-YJ", "Department")),
    ("cross-province-accountability-breaks", "2021-12-31", ("DEP-T-HB-YJ", "Department", "IN_REGION", "130000", "Region")),
    ("repeat-incidents", "2022-01-01", ("ACC-T-R2", "Accident", "RECURRENCE_OF", "ACC-T-R1", "Accident")),
    ("repeat-incidents", "2022-01-01", ("220723", "Region", "PART_OF", "220700", "Region")),
    ("short-interval-relapse", "2021-12-31", ("ACC-T-S2", "Accident", "RECURRENCE_OF", "ACC-T-S1", "Accident")),
    ("rectification-overdue", D, ("MEA-T-OVERDUE", "Measure", "ASSIGNED_TO", "ENT-T-M", "Enterprise")),
    ("resumed-before-rectified", D, ("INV-T-M", "Investigation", "RECOMMENDS", "MEA-T-RESUMED", "Measure")),
    ("approval-chain-failures", D, ("APR-T-1", "Approval", "GRANTED_BY", "DEP-T-JL-ZJ", "Department")),
    ("approval-chain-failures", D, ("FND-T-AP", "Finding", "CONCERNS", "ACC-T-AP2", "Accident")),
    ("regulatory-blind-spots", D, ("FND-T-BLIND", "Finding", "CONCERNS", "220700", "Region")),
    ("review-findings-by-category", D, ("REV-T", "Review", "FOUND", "FND-T-RV1", "Finding")),
]


def test_subgraph_edges(store: Store):
    load(store, *FIXTURE_NAMES)
    for audit_id, as_of, edge in EXPECTED_EDGES:
        edges = audit_subgraph(store, get_audit(audit_id), {"as_of": as_of})
        found = {(e["src"], e["src_label"], e["rel"], e["dst"], e["dst_label"]) for e in edges}
        assert edge in found, (audit_id, edge)
        for e in edges:
            assert all(isinstance(e[c], str) and e[c] for c in ("src", "src_label", "rel", "dst", "dst_label")), e
    # nothing flagged, nothing drawn
    assert audit_subgraph(store, get_audit("repeat-incidents"), {"as_of": "2019-01-01"}) == []


# ---------------------------------------------------------------------------- parity, engine against engine
@pytest.fixture
def both_engines(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[list[Store]]:
    stores = [make_store("ladybug", tmp_path, request), make_store("neo4j", tmp_path, request)]
    try:
        yield stores
    finally:
        for opened in stores:
            opened.close()


def _everything(store: Store, as_of: str) -> dict[str, Any]:
    out = {}
    for audit in list_audits():
        params = {"as_of": as_of}
        result = run_audit(store, audit, params)
        out[audit.id] = {"rows": result.rows, "count": result.count, "edges": audit_subgraph(store, audit, params)}
    return out


def test_fixture_parity_every_audit(both_engines: list[Store]):
    for opened in both_engines:
        load(opened, *FIXTURE_NAMES)
    for as_of in ("2020-09-30", "2021-06-01", dt.date.today().isoformat()):
        lady, neo = (_everything(opened, as_of) for opened in both_engines)
        for audit_id in lady:
            assert lady[audit_id] == neo[audit_id], (audit_id, as_of)
        assert any(v["rows"] for v in lady.values())


# ---------------------------------------------------------------------------- the shipped dataset
def _shipped_or_skip(store: Store) -> None:
    """The shipped data must validate and load: a failure here is a failure, not a skip."""
    load_paths(store, [REPO / "data"])
    refresh_recurrences(store)


def _must_show(store: Store) -> None:
    repeat = rows(store, "repeat-incidents")
    songyuan = [r for r in repeat if (r["earlier_id"], r["later_id"]) == ("ACC-2020-0415-songyuan", "ACC-2020-1004-songyuan")]
    assert len(songyuan) == 1, "repeat-incidents must return the 松原 pair"
    assert (songyuan[0]["days_between"], songyuan[0]["prefecture_code"]) == (172, "220700")
    assert (songyuan[0]["earlier_place"], songyuan[0]["later_place"]) == ("乾安县", "扶余市")

    relapse = rows(store, "short-interval-relapse")
    shanxi = [r for r in relapse if (r["earlier_id"], r["later_id"]) == ("ACC-2020-0829-xiangfen", "ACC-2020-1001-taiyuan")]
    assert len(shanxi) == 1 and shanxi[0]["days_between"] == 33 and shanxi[0]["province_code"] == "140000"

    licence = rows(store, "licence-not-revoked", as_of=D)
    assert "浏阳市碧溪烟花制造有限公司" in [name for r in licence for name in r["against"]]

    stalled = rows(store, "stalled-criminal-cases", as_of=D)
    assert {"ACC-2015-0406-zhangzhou", "ACC-2016-1220-zhangzhou"} <= set(ids(stalled, "accident_id"))

    for as_of in (D, None):
        found = rows(store, "unexecuted-penalties", **({"as_of": as_of} if as_of else {}))
        by_id = {r["penalty_id"]: r for r in found}
        assert {"PEN-ZJ-ZHUJIAN-UNEXECUTED", "PEN-JIXI-ZIRAN-UNEXECUTED"} <= set(by_id)
        assert any("浙江" in d for d in by_id["PEN-ZJ-ZHUJIAN-UNEXECUTED"]["enforced_by"])
        assert any("鸡西" in d for d in by_id["PEN-JIXI-ZIRAN-UNEXECUTED"]["enforced_by"])


def test_shipped_data_must_show_and_parity(both_engines: list[Store]):
    for opened in both_engines:
        _shipped_or_skip(opened)
    for opened in both_engines:
        _must_show(opened)
    for as_of in (D, dt.date.today().isoformat()):
        lady, neo = (_everything(opened, as_of) for opened in both_engines)
        for audit_id in lady:
            assert lady[audit_id] == neo[audit_id], (audit_id, as_of)



# ---------------------------------------------------------------------------- the runner on an engine
def test_engine_variant_replaces_the_query_on_its_engine(store: Store, tmp_path: Path):
    (tmp_path / "sample.cypher").write_text(HEADER + "RETURN 'portable' AS which", encoding="utf-8")
    (tmp_path / "sample.ladybug.cypher").write_text(
        "// why: test of the variant mechanism\nRETURN 'ladybug' AS which", encoding="utf-8"
    )
    audit = get_audit("sample", tmp_path)
    assert [a.id for a in list_audits(tmp_path)] == ["sample"]
    expected = "ladybug" if store.engine == "ladybug" else "portable"
    assert run_audit(store, audit, {}).rows == [{"which": expected}]


def test_audit_on_empty_graph_returns_nothing(store: Store):
    for audit in list_audits():
        result = run_audit(store, audit, {"as_of": D})
        assert result.rows == [], audit.id
        assert result.columns == audit.columns
        assert result.count is not None and result.count[0] == 0, audit.id


# ---------------------------------------------------------------------------- the CLI
@pytest.fixture(scope="module")
def fixture_graph(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("audit-cli") / "graph"
    with open_store(StoreConfig(data_dir=folder)) as opened:
        load(opened, "accountability", "repeat")
    return folder


def cli(graph: Path, *args: str) -> Any:
    return CliRunner().invoke(app, ["--data-dir", str(graph), *args], env={"NEO4J_URI": ""})


def test_cli_list(fixture_graph: Path):
    result = cli(fixture_graph, "audit", "list", "-f", "json")
    assert result.exit_code == 0, result.output
    listed = json.loads(result.stdout)
    assert {row["id"] for row in listed} == AUDIT_IDS
    assert "window_days:int=365" in next(r["params"] for r in listed if r["id"] == "repeat-incidents")


def test_cli_run(fixture_graph: Path):
    result = cli(fixture_graph, "audit", "run", "repeat-incidents", "--as-of", "2022-01-01", "-f", "json")
    assert result.exit_code == 0, result.output
    # same prefecture, same kind and a shared mechanism tag (the one declared rule; see test_repeat_incidents)
    assert [(r["earlier_id"], r["later_id"], r["days_between"]) for r in json.loads(result.stdout)] == [
        ("ACC-T-R1", "ACC-T-R2", 172),
    ]
    result = cli(fixture_graph, "audit", "run", "repeat-incidents", "--as-of", "2022-01-01", "--param",
                 "window_days=200", "-f", "csv")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert len(lines) == 2 and "ACC-T-R1" in lines[1]
    assert "prefecture_code" not in lines[0]  # CSV is for people: Chinese headers (JSON keeps identifiers)
    result = cli(fixture_graph, "audit", "run", "repeat-incidents", "--as-of", "2022-01-01", "--param",
                 "window_days=100", "-f", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout) == []  # 172 days apart: outside a 100-day window
    result = cli(fixture_graph, "audit", "run", "licence-not-revoked", "--as-of", D, "-f", "md")
    assert result.exit_code == 0, result.output
    assert "吊销许可证照建议未落实" in result.stdout and "PEN-T-LIC-OPEN" in result.stdout
    assert "统计 / count: 2 / 3" in result.stdout
    result = cli(fixture_graph, "audit", "run", "undisciplined-officials", "--as-of", D)
    assert result.exit_code == 0, result.output
    assert "公职人员问责建议未落实" in result.stdout and "2 行 / rows" in result.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("audit", "run", "no-such-audit"),
        ("audit", "run", "repeat-incidents", "--param", "window_days=abc"),
        ("audit", "run", "repeat-incidents", "--param", "window=3"),
        ("audit", "run", "repeat-incidents", "--param", "window_days"),
        ("audit", "run", "repeat-incidents", "--as-of", "2020-13-01"),
        ("audit", "all", "--as-of", "yesterday"),
    ],
)
def test_cli_bad_input_exits_2(fixture_graph: Path, args: tuple[str, ...]):
    result = cli(fixture_graph, *args)
    assert result.exit_code == 2, result.output


def test_cli_all_writes_one_report(fixture_graph: Path, tmp_path: Path):
    out = tmp_path / "report.md"
    result = cli(fixture_graph, "audit", "all", "--as-of", D, "--out", str(out))
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert text.startswith("# 生产安全事故问责审计报告 / Accountability audit report")
    assert "基准日 / as of: **2020-09-30**" in text
    for audit in list_audits():
        heading = f"{audit.title_zh} / {audit.title_en}"
        assert f". {heading}\n" in text, audit.id
        assert " ".join(audit.explains_zh.split()) in text
    assert text.index("**说明**") < text.index("**Explanation**")
    assert "PEN-T-LIC-OPEN" in text and "`as_of` = 2020-09-30" in text


def test_cli_snapshot_and_diff(fixture_graph: Path, tmp_path: Path):
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    assert cli(fixture_graph, "audit", "snapshot", "--as-of", D, "--out", str(first)).exit_code == 0
    assert cli(fixture_graph, "audit", "snapshot", "--as-of", "2021-01-01", "-o", str(second)).exit_code == 0
    data = json.loads(first.read_text(encoding="utf-8"))
    assert data["format"] == "safetykg-audit-snapshot" and data["as_of"] == D
    assert set(data["audits"]) == AUDIT_IDS
    assert data["audits"]["licence-not-revoked"]["count"] == [2, 3]
    result = cli(fixture_graph, "audit", "diff", str(first), str(second), "-f", "json")
    assert result.exit_code == 0, result.output
    diff = {d["id"]: d for d in json.loads(result.stdout)}
    penalties = diff["unexecuted-penalties"]
    assert [r["penalty_id"] for r in penalties["appeared"]] == ["PEN-T-FUTURE"]
    assert sorted(r["penalty_id"] for r in penalties["disappeared"]) == ["PEN-T-LATE-EXEC", "PEN-T-LIC-LATER"]
    assert {r["penalty_id"] for r in penalties["changed"]} == {"PEN-T-OPEN", "PEN-T-LIC-OPEN", "PEN-T-CHECKED"}
    assert [(r["earlier_id"], r["later_id"]) for r in diff["repeat-incidents"]["appeared"]] == [
        ("ACC-T-R1", "ACC-T-R2"),
    ]
    text = cli(fixture_graph, "audit", "diff", str(first), str(second)).stdout
    assert "新增 / appeared" in text and "消失 / disappeared" in text and "PEN-T-FUTURE" in text
    same = cli(fixture_graph, "audit", "diff", str(first), str(first))
    assert same.exit_code == 0 and "无变化 / no differences" in same.stdout
    bogus = tmp_path / "bogus.json"
    bogus.write_text('{"rows": []}', encoding="utf-8")
    assert cli(fixture_graph, "audit", "diff", str(first), str(bogus)).exit_code == 2


