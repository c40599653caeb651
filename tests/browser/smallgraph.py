"""A small accountability graph for the dashboard and export tests: one accident with its whole
chain (泉州-like), two road accidents in one prefecture (松原-like, a repeat pair), the regions
they need, a review with a finding. Tricky text (quotes, backslash, newline, markup) on purpose."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from safetykg.graph.recurrence import refresh_recurrences
from safetykg.graph.store import StoreConfig, open_store
from safetykg.loaders.load import load_paths

ACCIDENT = "ACC-T-2020-0307-quanzhou"
ROAD_1 = "ACC-T-2020-0415-songyuan"
ROAD_2 = "ACC-T-2020-1004-songyuan"
TRICKY = "含'单引号'、\"双引号\"、反斜杠\\、<b>标记</b>和换行\n第二行"

S = ["SRC-T-REPORT"]


def records() -> dict[str, list[dict[str, Any]]]:
    sources = [
        {"id": "SRC-T-REPORT", "title": "测试调查报告", "url": "https://example.org/report", "kind": "report",
         "reliability": "official", "published_date": "2020-07-14"},
        {"id": "SRC-T-NOTICE", "title": "测试通报", "doc_no": "测试〔2020〕1号", "kind": "notice", "reliability": "official"},
    ]
    regions = [
        ("350000", "福建省", "province", None), ("350500", "泉州市", "prefecture", "350000"),
        ("350502", "鲤城区", "county", "350500"), ("220000", "吉林省", "province", None),
        ("220700", "松原市", "prefecture", "220000"), ("220723", "乾安县", "county", "220700"),
    ]
    nodes: list[dict[str, Any]] = [
        {"label": "Region", "adcode": code, "name": name, "level": level, "sources": ["SRC-T-NOTICE"],
         **({"parent_adcode": parent} if parent else {})}
        for code, name, level, parent in regions
    ]
    nodes += [
        {"label": "Accident", "id": ACCIDENT, "name": "福建省泉州市欣佳酒店“3·7”坍塌事故（测试）", "date": "2020-03-07",
         "severity": "重大", "kind": "建筑坍塌", "mechanisms": ["违法建设", "违规加固施工"], "deaths": 29, "injuries": 42,
         "direct_loss_wan": 5794.0, "adcode": "350502", "place": "泉州市鲤城区", "summary": "楼房整体倒塌。",
         "note": TRICKY, "sources": S},
        {"label": "Accident", "id": ROAD_1, "name": "松原“4·15”重大道路交通事故（测试）", "date": "2020-04-15",
         "severity": "重大", "kind": "道路运输", "mechanisms": ["货车载人"], "deaths": 7, "adcode": "220723", "sources": S},
        {"label": "Accident", "id": ROAD_2, "name": "松原“10·4”重大道路交通事故（测试）", "date": "2020-10-04",
         "severity": "重大", "kind": "道路运输", "mechanisms": ["货车载人"], "deaths": 5, "adcode": "220723", "sources": S},
        {"label": "Enterprise", "id": "ENT-T-XINXING", "name": "泉州市新星机电工贸有限公司（测试）", "adcode": "350500", "sources": S},
        {"label": "Person", "id": "PER-T-YANG", "name": "杨某", "role": "operator", "position": "法定代表人", "sources": S},
        {"label": "Department", "id": "DEP-T-ZHUJIAN", "name": "福建省住房和城乡建设厅（测试）", "level": "province",
         "adcode": "350000", "sources": S},
        {"label": "Department", "id": "DEP-T-COURT", "name": "泉州市中级人民法院（测试）", "level": "prefecture",
         "adcode": "350500", "sources": S},
        {"label": "Department", "id": "DEP-T-MEM", "name": "应急管理部（测试）", "level": "national", "sources": S},
        {"label": "Investigation", "id": "INV-T-QZ", "name": "泉州坍塌事故调查组（测试）", "kind": "国务院提级调查",
         "formed_date": "2020-03-08", "published_date": "2020-07-14", "sources": S},
        {"label": "Penalty", "id": "PEN-T-FINE", "name": "对新星公司罚款（测试）", "kind": "罚款", "amount_wan": 100.0,
         "status": "decided", "recommended_date": "2020-07-14", "decided_date": "2020-09-03", "sources": S},
        {"label": "Penalty", "id": "PEN-T-LICENCE", "name": "吊销新星公司营业执照（测试）", "kind": "吊销营业执照",
         "status": "recommended", "recommended_date": "2020-07-14", "sources": ["SRC-T-NOTICE"]},
        {"label": "Discipline", "id": "DIS-T-49", "name": "公职人员追责问责（测试）", "officials_count": 49,
         "status": "executed", "executed_date": "2020-12-01", "sources": S},
        {"label": "CriminalCase", "id": "CC-T-QZ", "name": "坍塌事故刑事案件（测试）", "charges": ["重大责任事故罪"],
         "stage": "judged", "filed_date": "2020-03-10", "judged_date": "2021-10-17", "convicted_count": 20, "sources": S},
        {"label": "Measure", "id": "MEA-T-1", "name": "开展既有建筑安全隐患排查（测试）", "status": "ordered",
         "ordered_date": "2020-07-14", "due_date": "2021-01-01", "sources": S},
        {"label": "Approval", "id": "APR-T-1", "name": "消防设计备案（测试）", "kind": "消防设计备案", "sources": S},
        {"label": "Review", "id": "REV-T", "name": "整改措施落实情况“回头看”（测试）", "period_from": "2015",
         "period_to": "2019", "accidents_major": 120, "provinces": 28, "problems_found": 293,
         "recommendations": 399, "notice_date": "2020-08-10", "sources": ["SRC-T-NOTICE"]},
        {"label": "Finding", "id": "FND-T-1", "name": "审批把关不严（测试）", "category": "审批许可",
         "sources": ["SRC-T-NOTICE"]},
    ]
    rels = [
        ("RESPONSIBLE_FOR", "ENT-T-XINXING", ACCIDENT, {"role": "事故责任单位"}),
        ("RESPONSIBLE_FOR", "PER-T-YANG", ACCIDENT, {"role": "主要责任人"}),
        ("RESPONSIBLE_FOR", "DEP-T-ZHUJIAN", ACCIDENT, {"role": "监管责任"}),
        ("WORKS_FOR", "PER-T-YANG", "ENT-T-XINXING", {"position": "法定代表人"}),
        ("INVESTIGATED_BY", ACCIDENT, "INV-T-QZ", {}),
        ("LED_BY", "INV-T-QZ", "DEP-T-MEM", {}),
        ("RECOMMENDS", "INV-T-QZ", "PEN-T-FINE", {}),
        ("RECOMMENDS", "INV-T-QZ", "PEN-T-LICENCE", {}),
        ("RECOMMENDS", "INV-T-QZ", "DIS-T-49", {}),
        ("RECOMMENDS", "INV-T-QZ", "MEA-T-1", {}),
        ("AGAINST", "PEN-T-FINE", "ENT-T-XINXING", {}),
        ("AGAINST", "PEN-T-LICENCE", "ENT-T-XINXING", {}),
        ("AGAINST", "DIS-T-49", "DEP-T-ZHUJIAN", {}),
        ("LED_TO", ACCIDENT, "CC-T-QZ", {}),
        ("DEFENDANT_IN", "PER-T-YANG", "CC-T-QZ", {}),
        ("HANDLED_BY", "CC-T-QZ", "DEP-T-COURT", {}),
        ("ASSIGNED_TO", "MEA-T-1", "ENT-T-XINXING", {}),
        ("APPROVAL_FOR", "APR-T-1", "ENT-T-XINXING", {}),
        ("REVIEWED", "REV-T", ACCIDENT, {}),
        ("FOUND", "REV-T", "FND-T-1", {}),
        ("CONCERNS", "FND-T-1", ACCIDENT, {}),
    ]
    relationships = [{"type": t, "from": a, "to": b, "sources": S, **props} for t, a, b, props in rels]
    return {"sources": sources, "nodes": nodes, "relationships": relationships}


def load_small(data_dir: Path) -> Path:
    """Write the records beside the graph and load them into an embedded store at `data_dir`."""
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir.parent / "small-records.json"
    path.write_text(json.dumps(records(), ensure_ascii=False), encoding="utf-8")
    with open_store(StoreConfig(data_dir=data_dir)) as store:
        load_paths(store, [path])
        refresh_recurrences(store)  # as `safetykg load` does: the recurrence audits read the links
    return path
