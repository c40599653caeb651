"""Synthetic national-scale graphs for benchmarks: realistic shapes, obviously fake names.

Every synthetic fact cites one synthetic Source (`SRC-SYNTHETIC`), so a synthetic graph can
never be mistaken for the shipped, sourced data.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ..graph.schema import Label, Schema
from .validate import day_ordinal

KINDS = ("道路交通", "建筑施工", "火灾", "煤矿", "危险化学品", "工贸", "水上交通", "非煤矿山")
MECHANISMS = ("货车载人", "违法建设", "超员", "瓦斯爆炸", "动火作业", "疲劳驾驶", "违规改装")
PENALTY_STATUS = ("recommended", "decided", "executed", "executed", "executed", "not_executed")
SOURCE_ID = "SRC-SYNTHETIC"


@dataclass
class SyntheticGraph:
    nodes: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    rels: dict[tuple[str, str, str], list[dict[str, Any]]] = field(default_factory=dict)

    def row_count(self) -> int:
        return sum(len(v) for v in self.nodes.values()) + sum(len(v) for v in self.rels.values())


def _blank(label: Label) -> dict[str, Any]:
    return {c: None for c, _ in label.stored_columns()}


def _iso(day: int) -> str:
    import datetime as dt

    return (dt.date(1970, 1, 1) + dt.timedelta(days=day)).isoformat()


def generate(schema: Schema, accidents: int, seed: int = 7, counties: int = 300) -> SyntheticGraph:
    """`accidents` accidents with one enterprise, one investigation and two penalties each."""
    rng = random.Random(seed)
    g = SyntheticGraph()
    lab = schema.labels

    def node(label: str, **values: Any) -> dict[str, Any]:
        row = _blank(lab[label]) | values
        row["source_ids"] = [SOURCE_ID]
        for prop in lab[label].properties.values():
            if prop.day_name and row.get(prop.name):
                row[prop.day_name] = day_ordinal(row[prop.name])
        g.nodes.setdefault(label, []).append(row)
        return row

    def rel(rtype: str, start: str, end: str, a: str, b: str) -> None:
        row: dict[str, Any] = {c: None for c, _ in schema.relationships[rtype].stored_columns()}
        row.update(from_key=a, to_key=b, source_ids=[SOURCE_ID] if schema.relationships[rtype].sourced else [])
        g.rels.setdefault((rtype, start, end), []).append(row)

    g.nodes["Source"] = [_blank(lab["Source"]) | {"id": SOURCE_ID, "title": "合成数据 / synthetic", "url": "synthetic:", "source_ids": []}]
    provinces = [f"{p:02d}0000" for p in range(11, 11 + max(1, counties // 100))]
    prefectures = [f"{p[:2]}{q:02d}00" for p in provinces for q in range(1, 11)]
    county_codes = [f"{p[:4]}{c:02d}" for p in prefectures for c in range(1, max(2, counties // len(prefectures)) + 1)]
    for code in provinces:
        node("Region", adcode=code, name=f"合成省{code}", level="province")
    for code in prefectures:
        node("Region", adcode=code, name=f"合成市{code}", level="prefecture", parent_adcode=f"{code[:2]}0000")
        rel("PART_OF", "Region", "Region", code, f"{code[:2]}0000")
    for code in county_codes:
        node("Region", adcode=code, name=f"合成县{code}", level="county", parent_adcode=f"{code[:4]}00")
        rel("PART_OF", "Region", "Region", code, f"{code[:4]}00")
    departments = []
    for code in prefectures:
        dep = f"DEP-{code}-zhujian"
        departments.append(dep)
        node("Department", id=dep, name=f"合成住建局{code}", function="住房城乡建设", level="prefecture", adcode=code)
        rel("IN_REGION", "Department", "Region", dep, code)
    start_day = day_ordinal("2015-01-01")
    for i in range(accidents):
        county = rng.choice(county_codes)
        day = start_day + rng.randrange(6 * 365)
        acc, ent, inv = f"ACC-S{i:07d}", f"ENT-S{i:07d}", f"INV-S{i:07d}"
        node("Accident", id=acc, name=f"合成事故{i}", date=_iso(day), kind=rng.choice(KINDS),
             mechanisms=rng.sample(MECHANISMS, 1), deaths=rng.randrange(0, 30), adcode=county, severity="较大")
        rel("OCCURRED_IN", "Accident", "Region", acc, county)
        node("Enterprise", id=ent, name=f"合成企业{i}", adcode=county)
        rel("RESPONSIBLE_FOR", "Enterprise", "Accident", ent, acc)
        node("Investigation", id=inv, name=f"合成调查{i}", published_date=_iso(day + 120))
        rel("INVESTIGATED_BY", "Accident", "Investigation", acc, inv)
        for j in range(2):
            pen = f"PEN-S{i:07d}-{j}"
            status = rng.choice(PENALTY_STATUS)
            node("Penalty", id=pen, name=f"合成处罚{i}-{j}", kind="罚款", status=status, recommended_date=_iso(day + 120),
                 executed_date=_iso(day + 200) if status == "executed" else None)
            rel("RECOMMENDS", "Investigation", "Penalty", inv, pen)
            rel("AGAINST", "Penalty", "Enterprise", pen, ent)
            rel("ENFORCED_BY", "Penalty", "Department", pen, departments[(i + j) % len(departments)])
    return g


def iter_batches(rows: list[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]
