"""Synthetic national-scale graphs for benchmarks: a realistic shape, obviously fake names.

Rows are streamed to a sink (`BulkWriter` files, or memory for small tests), one accident at a
time, so generating 1M accidents needs no more memory than generating 1k. Shape:

- places: the real gazetteer units of `data/regions/regions.csv` (provinces, prefectures,
  counties with their PART_OF links); accidents fall on counties;
- kinds and sectors in plausible (not statistical) proportions, road traffic the most common;
  severity from a death toll skewed to small accidents (一般 ≫ 较大 ≫ 重大 ≫ 特别重大);
- mechanism tags where an investigation report would state one: on most 较大 and larger accidents
  (60%) and on few 一般 ones (5%, whose records rarely say why), drawn per kind, generic tags
  (火灾, 爆炸 …) on about a third of them. The rate matters beyond realism: the province-level
  recurrence rule pairs every two accidents with a shared tag within a year, so the number of
  RECURRENCE_OF links grows with the square of the tagged accidents per province;
- enterprises with several accidents (one accident in seven is at an enterprise that had one before);
- per accident an investigation with penalties, discipline (较大 and above), a criminal case
  (some), and rectification measures, each with dated stages and broken chains at set rates
  (penalties not executed, discipline not carried out, cases stalled, measures not verified);
- cross-province enforcement: in a few investigations (3%) one penalty falls to another province's
  department (the enterprise's qualification was issued there), and only half of those provinces
  were invited into the investigation, the break the 2020 look-back found. These draws come from a
  second random stream, so adding them left every other synthetic row as it was.

Every fact cites one synthetic Source (`SRC-SYNTHETIC`): a synthetic graph is never loaded into
the shipped data's graph (bulk copy refuses a non-empty graph) and can't be mistaken for it.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, Protocol

from ..graph.bulkfiles import BulkFiles, BulkWriter
from ..graph.schema import Schema
from .validate import day_ordinal

REPO_REGIONS = Path(__file__).resolve().parents[2] / "data" / "regions" / "regions.csv"
SOURCE_ID = "SRC-SYNTHETIC"
# (kind, weight, sector, specific mechanism tags of that kind)
KINDS: tuple[tuple[str, int, str, tuple[str, ...]], ...] = (
    ("道路交通", 40, "交通运输", ("货车载人", "超员", "疲劳驾驶", "违规改装", "超速", "非法营运")),
    ("建筑施工", 16, "建筑业", ("高处坠落", "脚手架坍塌", "违法建设", "起重机械倾覆")),
    ("工贸", 12, "工贸", ("粉尘爆炸", "有限空间作业", "机械伤害")),
    ("火灾", 9, "商贸服务", ("电气短路", "违规动火", "消防通道堵塞")),
    ("危险化学品", 5, "化工", ("动火作业", "违规储存", "反应失控")),
    ("煤矿", 5, "采矿业", ("瓦斯爆炸", "透水", "顶板垮落", "一氧化碳超限")),
    ("非煤矿山", 4, "采矿业", ("炸药爆炸", "尾矿库溃坝", "冒顶片帮")),
    ("水上交通", 3, "交通运输", ("超载", "违规航行")),
    ("其他", 6, "其他", ("设备缺陷",)),
)
GENERIC_TAGS = ("火灾", "爆炸", "坍塌", "中毒")
TAG_RATE = {"一般": 0.05}  # share of accidents with a mechanism tag, by severity
TAG_RATE_LARGER = 0.6     # 较大, 重大, 特别重大
GENERIC_TAG_SHARE = 0.35  # of the tagged, the share whose tag is generic
REPEAT_ENTERPRISE_RATE = 0.15
CROSS_PROVINCE_RATE = 0.03     # investigations with one penalty for another province's department
CROSS_PROVINCE_INVITED = 0.5   # of those, the share where that province's department was a member
PENALTY_OUTCOMES = (("executed", 80), ("decided", 8), ("recommended", 5), ("not_executed", 5), ("unenforceable", 2))
DISCIPLINE_OUTCOMES = (("executed", 85), ("decided", 7), ("recommended", 5), ("not_executed", 3))
CASE_STAGES = ("filed", "detained", "arrested", "prosecuted", "judged", "final")
START = day_ordinal("2015-01-01")
YEARS = 6


class Sink(Protocol):
    def node(self, label: str, row: dict[str, Any]) -> None: ...

    def rel(self, rtype: str, start: str, end: str, from_key: str, to_key: str,
            row: dict[str, Any] | None = None) -> None: ...


@dataclass
class SyntheticGraph:
    """An in-memory sink, for tests and small graphs."""

    nodes: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    rels: dict[tuple[str, str, str], list[dict[str, Any]]] = field(default_factory=dict)

    def node(self, label: str, row: dict[str, Any]) -> None:
        self.nodes.setdefault(label, []).append(row)

    def rel(self, rtype: str, start: str, end: str, from_key: str, to_key: str,
            row: dict[str, Any] | None = None) -> None:
        self.rels.setdefault((rtype, start, end), []).append({**(row or {}), "from_key": from_key, "to_key": to_key})

    def row_count(self) -> int:
        return sum(len(v) for v in self.nodes.values()) + sum(len(v) for v in self.rels.values())


@dataclass(frozen=True)
class Unit:
    adcode: str
    name: str
    level: str
    parent: str | None


def read_gazetteer(path: Path = REPO_REGIONS) -> list[Unit]:
    """Current units of the shipped gazetteer (no withdrawn codes), parents before children."""
    with path.open(encoding="utf-8", newline="") as handle:
        units = [
            Unit(r["adcode"], r["name"], r["level"], r["parent_adcode"] or None)
            for r in csv.DictReader(handle)
            if not r.get("valid_until")
        ]
    order = {"province": 0, "prefecture": 1, "county": 2}
    return sorted(units, key=lambda u: (order[u.level], u.adcode))


@lru_cache(maxsize=8192)
def _iso(day: int) -> str:
    return (dt.date(1970, 1, 1) + dt.timedelta(days=day)).isoformat()


_day = lru_cache(maxsize=8192)(day_ordinal)


def _pick(rng: random.Random, weighted: tuple[tuple[str, int], ...]) -> str:
    return rng.choices([v for v, _ in weighted], weights=[w for _, w in weighted])[0]


class _Emitter:
    def __init__(self, schema: Schema, sink: Sink) -> None:
        self.schema, self.sink = schema, sink
        self.days = {
            label.name: [(p.name, p.day_name) for p in label.properties.values() if p.day_name]
            for label in schema.labels.values()
        }

    def node(self, label: str, **values: Any) -> None:
        values["source_ids"] = [SOURCE_ID] if label != "Source" else []
        for name, day_name in self.days[label]:
            if values.get(name):
                values[day_name] = _day(values[name])
        self.sink.node(label, values)

    def rel(self, rtype: str, start: str, end: str, a: str, b: str, **values: Any) -> None:
        values["source_ids"] = SOURCE_ID if self.schema.relationships[rtype].sourced else None  # an id_list
        self.sink.rel(rtype, start, end, a, b, values)


def emit(schema: Schema, sink: Sink, accidents: int, seed: int = 7, gazetteer: Path = REPO_REGIONS,
         batch: str = "S", period: tuple[str, str] | None = None) -> None:
    """Stream a synthetic graph of `accidents` accidents into `sink`.

    `batch` goes into every accident-side id (ACC-S0000001): a second batch (e.g. "T") adds new
    accidents, enterprises and chains to the same regions and departments (incremental loads).
    `period` (first and last day, ISO) is when the accidents happen, by default six years from 2015: a later
    batch can be the next quarter's accidents, as a regulator's new records are.
    """
    first_day = day_ordinal(period[0]) if period else START
    span = day_ordinal(period[1]) - first_day + 1 if period else YEARS * 365
    if span < 1:
        raise ValueError(f"synthetic period {period}: the last day is before the first")
    rng = random.Random(seed)
    far = random.Random(seed * 7919 + 1)  # cross-province draws, apart so the main stream is unchanged
    out = _Emitter(schema, sink)
    out.node("Source", id=SOURCE_ID, title="合成数据 / synthetic benchmark data", url="synthetic:")
    units = read_gazetteer(gazetteer)
    for unit in units:
        out.node("Region", adcode=unit.adcode, name=unit.name, level=unit.level, parent_adcode=unit.parent)
        if unit.parent:
            out.rel("PART_OF", "Region", "Region", unit.adcode, unit.parent)
    counties = [u for u in units if u.level == "county"]
    by_code = {u.adcode: u for u in units}
    # a safety department per prefecture-level unit (or province for direct counties)
    departments: dict[str, str] = {}
    for unit in units:
        if unit.level in ("province", "prefecture"):
            dep = f"DEP-S-{unit.adcode}"
            departments[unit.adcode] = dep
            out.node("Department", id=dep, name=f"合成{unit.name}应急管理局", function="应急管理", level=unit.level,
                     adcode=unit.adcode)
            out.rel("IN_REGION", "Department", "Region", dep, unit.adcode)
    province_deps = [(u.adcode[:2], departments[u.adcode]) for u in units if u.level == "province"]
    elsewhere = {home: [dep for code, dep in province_deps if code != home] for home, _ in province_deps}
    kinds = tuple((k, w) for k, w, _, _ in KINDS)
    spec = {k: (sector, tags) for k, _, sector, tags in KINDS}
    enterprises = 0
    for i in range(accidents):
        county = rng.choice(counties)
        parent = by_code.get(county.parent or "")
        dep = departments.get(parent.adcode if parent else "", next(iter(departments.values())))
        day = first_day + rng.randrange(span)
        kind = _pick(rng, kinds)
        sector, specific = spec[kind]
        deaths = min(int(rng.paretovariate(2.2)) - 1, 60)
        severity = "特别重大" if deaths >= 30 else "重大" if deaths >= 10 else "较大" if deaths >= 3 else "一般"
        mechanisms: list[str] = []
        if rng.random() < TAG_RATE.get(severity, TAG_RATE_LARGER):
            mechanisms = [rng.choice(GENERIC_TAGS if rng.random() < GENERIC_TAG_SHARE else specific)]
        acc = f"ACC-{batch}{i:07d}"
        out.node("Accident", id=acc, name=f"合成事故{i}", date=_iso(day), kind=kind, severity=severity, deaths=deaths,
                 mechanisms=mechanisms or None, adcode=county.adcode, place=county.name)
        out.rel("OCCURRED_IN", "Accident", "Region", acc, county.adcode)
        # one accident in seven is at an enterprise that had one before (repeat offenders)
        repeat = enterprises > 0 and rng.random() < REPEAT_ENTERPRISE_RATE
        number = rng.randrange(enterprises) if repeat else enterprises
        ent = f"ENT-{batch}{number:07d}"
        if not repeat:
            enterprises += 1
            out.node("Enterprise", id=ent, name=f"合成企业{number}", sector=sector, adcode=county.adcode)
            out.rel("IN_REGION", "Enterprise", "Region", ent, county.adcode)
            out.rel("SUPERVISES", "Department", "Enterprise", dep, ent)
        out.rel("RESPONSIBLE_FOR", "Enterprise", "Accident", ent, acc)
        inv = f"INV-{batch}{i:07d}"
        published = day + rng.randrange(60, 200)
        out.node("Investigation", id=inv, name=f"合成事故{i}调查", formed_date=_iso(day + 2), published_date=_iso(published))
        out.rel("INVESTIGATED_BY", "Accident", "Investigation", acc, inv)
        out.rel("LED_BY", "Investigation", "Department", inv, dep)
        for j in range(1 + (severity != "一般") + (rng.random() < 0.3)):
            pen = f"PEN-{batch}{i:07d}-{j}"
            status = _pick(rng, PENALTY_OUTCOMES)
            decided, executed = _penalty_days(rng, status, published, (10, 90))
            out.node("Penalty", id=pen, name=f"合成处罚{i}-{j}", kind="罚款", amount_wan=float(rng.randrange(5, 200)),
                     status=status, recommended_date=_iso(published), decided_date=_iso(decided) if decided else None,
                     executed_date=_iso(executed) if executed else None)
            out.rel("RECOMMENDS", "Investigation", "Penalty", inv, pen)
            out.rel("AGAINST", "Penalty", "Enterprise", pen, ent)
            out.rel("ENFORCED_BY", "Penalty", "Department", pen, dep)
        if far.random() < CROSS_PROVINCE_RATE:
            _cross_province_penalty(out, far, elsewhere[county.adcode[:2]], f"{batch}{i:07d}", i, inv, ent, published)
        if severity != "一般":
            dis = f"DIS-{batch}{i:07d}"
            status = _pick(rng, DISCIPLINE_OUTCOMES)
            decided = published + rng.randrange(20, 120) if status != "recommended" else None
            executed = decided + rng.randrange(5, 60) if decided and status == "executed" else None
            out.node("Discipline", id=dis, name=f"合成问责{i}", kind="政务处分", officials_count=rng.randrange(1, 12),
                     status=status, recommended_date=_iso(published), decided_date=_iso(decided) if decided else None,
                     executed_date=_iso(executed) if executed else None)
            out.rel("RECOMMENDS", "Investigation", "Discipline", inv, dis)
            out.rel("AGAINST", "Discipline", "Department", dis, dep)
            out.rel("ENFORCED_BY", "Discipline", "Department", dis, dep)
            if rng.random() < 0.5:
                case = f"CC-{batch}{i:07d}"
                reached = rng.randrange(1, len(CASE_STAGES) + 1)
                stalled = reached < 4 and rng.random() < 0.3
                dates = {f"{s}_date": _iso(day + 10 + 120 * n) for n, s in enumerate(CASE_STAGES[:reached])}
                out.node("CriminalCase", id=case, name=f"合成刑事案件{i}", stage="stalled" if stalled else CASE_STAGES[reached - 1],
                         defendants_count=rng.randrange(1, 6), **dates)
                out.rel("LED_TO", "Accident", "CriminalCase", acc, case)
                out.rel("HANDLED_BY", "CriminalCase", "Department", case, dep)
        mea = f"MEA-{batch}{i:07d}"
        verified = published + rng.randrange(30, 300) if rng.random() < 0.85 else None
        resumed = published + rng.randrange(0, 200) if rng.random() < 0.3 else None
        out.node("Measure", id=mea, name=f"合成整改{i}", status="verified" if verified else "ordered",
                 ordered_date=_iso(published), due_date=_iso(published + 180),
                 verified_date=_iso(verified) if verified else None, resumed_date=_iso(resumed) if resumed else None,
                 resumed_before_verified=bool(resumed and (verified is None or resumed < verified)))
        out.rel("RECOMMENDS", "Investigation", "Measure", inv, mea)
        out.rel("ASSIGNED_TO", "Measure", "Enterprise", mea, ent)


def _penalty_days(rng: random.Random, status: str, published: int, decide_within: tuple[int, int]) -> tuple[int | None, int | None]:
    """The decision and execution days a penalty's outcome implies (None where it never got there)."""
    decided = published + rng.randrange(*decide_within) if status in ("decided", "executed", "not_executed", "unenforceable") else None
    executed = decided + rng.randrange(10, 120) if decided and status == "executed" else None
    return decided, executed


def _cross_province_penalty(out: _Emitter, rng: random.Random, other_provinces: list[str], key: str, number: int,
                            inv: str, ent: str, published: int) -> None:
    """A penalty for a department of another province, which joined the investigation or not."""
    dep = rng.choice(other_provinces)
    pen = f"PEN-{key}-X"
    status = _pick(rng, PENALTY_OUTCOMES)
    decided, executed = _penalty_days(rng, status, published, (30, 180))
    out.node("Penalty", id=pen, name=f"合成外省处罚{number}", kind="吊销资质证书", status=status,
             recommended_date=_iso(published), decided_date=_iso(decided) if decided else None,
             executed_date=_iso(executed) if executed else None)
    out.rel("RECOMMENDS", "Investigation", "Penalty", inv, pen)
    out.rel("AGAINST", "Penalty", "Enterprise", pen, ent)
    out.rel("ENFORCED_BY", "Penalty", "Department", pen, dep)
    if rng.random() < CROSS_PROVINCE_INVITED:
        out.rel("MEMBER", "Investigation", "Department", inv, dep)


def generate(schema: Schema, accidents: int, seed: int = 7, batch: str = "S") -> SyntheticGraph:
    """The synthetic graph in memory (tests and small sizes)."""
    graph = SyntheticGraph()
    emit(schema, graph, accidents, seed, batch=batch)
    return graph


def write_files(schema: Schema, root: Path, accidents: int, seed: int = 7, chunk_rows: int = 500_000,
                batch: str = "S", period: tuple[str, str] | None = None) -> BulkFiles:
    """The synthetic graph as bulk files under `root` (a new directory), in flat memory."""
    writer = BulkWriter(schema, root, chunk_rows)
    emit(schema, writer, accidents, seed, batch=batch, period=period)
    return writer.close()


def iter_batches(rows: list[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]
