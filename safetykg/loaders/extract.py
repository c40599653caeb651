"""Drafting accident records from Chinese notices and investigation reports.

Extraction proposes, a person disposes: the output is a YAML draft in the record format,
every field traced to the sentence it came from (file, character offset, the span), for a
reviewer to check before `safetykg load`. Nothing here writes to the graph.
"""

from __future__ import annotations

import csv
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

LEVEL_RANK = {"province": 0, "prefecture": 1, "county": 2}
SENTENCE = re.compile(r"[^。；;\n]+[。；;]?")
FULL_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日")
TIME = re.compile(r"(\d{1,2})时(\d{1,2})分")
DEATHS = re.compile(r"(?:造成|致|导致)?(\d+)人(?:死亡|遇难)|死亡(\d+)人")
INJURIES = re.compile(r"(\d+)人受伤|受伤(\d+)人")
MISSING = re.compile(r"(\d+)人(?:失踪|下落不明)")
LOSS = re.compile(r"直接经济损失(?:约)?([\d.]+)(万|亿)元")
NAME = re.compile(r"[\u4e00-\u9fa5A-Za-z0-9（）()]{2,40}?[“\"]\d{1,2}·\d{1,2}[”\"][\u4e00-\u9fa5]{0,20}?事故")
KINDS = (
    ("道路交通", ("交通事故", "货车", "客车", "大巴", "公路")),
    ("水上交通", ("碰撞", "翻沉", "渔船", "商船")),
    ("烟花爆竹", ("烟花", "爆竹")),
    ("煤矿", ("煤矿", "瓦斯", "透水")),
    ("危险化学品", ("化工", "危险化学品", "危化品")),
    ("火灾", ("火灾", "起火", "着火")),
    ("建筑坍塌", ("坍塌", "倒塌")),
)


@dataclass(frozen=True)
class Region:
    adcode: str
    name: str
    level: str
    parent: str | None


@dataclass
class Gazetteer:
    """Names and short forms of regions, for finding the most specific place a sentence names."""

    regions: dict[str, Region] = field(default_factory=dict)
    by_name: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    names_of: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))

    @classmethod
    def from_csv(cls, path: Path) -> Gazetteer:
        gazetteer = cls()
        with path.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                if row.get("valid_until"):
                    continue  # current names only; historical codes stay for records that cite them
                region = Region(row["adcode"], row["name"], row["level"], row.get("parent_adcode") or None)
                gazetteer.add(region, [a for a in (row.get("aliases") or "").split("|") if a])
        return gazetteer

    def add(self, region: Region, aliases: list[str]) -> None:
        self.regions[region.adcode] = region
        for name in {region.name, *aliases}:
            self.by_name[name].append(region.adcode)
            self.names_of[region.adcode].add(name)

    def ancestors(self, adcode: str) -> list[str]:
        chain = []
        current = self.regions.get(adcode)
        while current and current.parent:
            chain.append(current.parent)
            current = self.regions.get(current.parent)
        return chain

    def locate(self, text: str) -> Region | None:
        """The most specific region named in `text` whose named ancestors agree with it."""
        found: set[str] = set()
        for name, codes in self.by_name.items():
            if len(name) >= 2 and name in text:
                found.update(codes)
        if not found:
            return None
        candidates = []
        for code in found:
            region = self.regions[code]
            ancestors = set(self.ancestors(code))
            named_ancestors = ancestors & found
            # an ambiguous short form (朝阳区) only counts when one of its ancestors is also named
            ambiguous = any(len(self.by_name[n]) > 1 for n in self.names_of[code] if n in text)
            if ambiguous and not named_ancestors:
                continue
            candidates.append((LEVEL_RANK[region.level], len(named_ancestors), code))
        if not candidates:
            return None
        return self.regions[max(candidates)[2]]


@dataclass
class Evidence:
    field: str
    value: Any
    offset: int
    span: str


@dataclass
class Draft:
    """One proposed Accident with the evidence behind each field."""

    fields: dict[str, Any]
    evidence: list[Evidence]

    def record(self, source_id: str, origin: str) -> dict[str, Any]:
        provenance = "; ".join(f"{e.field}@{origin}:{e.offset} 「{e.span}」" for e in self.evidence)
        return {"label": "Accident", **self.fields, "note": f"自动抽取,待人工核对 / extracted, to be reviewed: {provenance}",
                "sources": [source_id]}


def _first_int(match: re.Match[str]) -> int:
    return int(next(g for g in match.groups() if g))


def extract_accidents(text: str, gazetteer: Gazetteer) -> list[Draft]:
    """One draft per sentence that names a date and a death toll."""
    drafts: list[Draft] = []
    for sentence_match in SENTENCE.finditer(text):
        sentence, offset = sentence_match.group(0), sentence_match.start()
        date, deaths = FULL_DATE.search(sentence), DEATHS.search(sentence)
        if not date or not deaths:
            continue
        year, month, day = (int(g) for g in date.groups())
        iso = f"{year:04d}-{month:02d}-{day:02d}"
        fields: dict[str, Any] = {"date": iso, "deaths": _first_int(deaths)}
        evidence = [Evidence("date", iso, offset + date.start(), date.group(0)),
                    Evidence("deaths", fields["deaths"], offset + deaths.start(), deaths.group(0))]
        for name, pattern in (("injuries", INJURIES), ("missing", MISSING)):
            found = pattern.search(sentence)
            if found:
                fields[name] = _first_int(found)
                evidence.append(Evidence(name, fields[name], offset + found.start(), found.group(0)))
        loss = LOSS.search(sentence)
        if loss:
            amount = float(loss.group(1)) * (10000 if loss.group(2) == "亿" else 1)
            fields["direct_loss_wan"] = round(amount, 2)
            evidence.append(Evidence("direct_loss_wan", fields["direct_loss_wan"], offset + loss.start(), loss.group(0)))
        clock = TIME.search(sentence)
        if clock:
            fields["time"] = f"{int(clock.group(1)):02d}:{int(clock.group(2)):02d}"
            evidence.append(Evidence("time", fields["time"], offset + clock.start(), clock.group(0)))
        region = gazetteer.locate(sentence)
        if region:
            fields["adcode"] = region.adcode
            evidence.append(Evidence("adcode", region.adcode, offset, region.name))
        named = NAME.search(sentence)
        if named:
            fields["name"] = named.group(0)
            evidence.append(Evidence("name", fields["name"], offset + named.start(), named.group(0)))
        for kind, words in KINDS:
            word = next((w for w in words if w in sentence), None)
            if word:
                fields["kind"] = kind
                evidence.append(Evidence("kind", kind, offset + sentence.index(word), word))
                break
        fields["id"] = f"ACC-{iso[:4]}-{iso[5:7]}{iso[8:10]}-{fields.get('adcode', 'unplaced')}"
        fields.setdefault("name", f"{region.name if region else ''}{month}·{day}事故(待核名称)")
        drafts.append(Draft(fields, evidence))
    return _merge_same_accident(drafts)


def _merge_same_accident(drafts: list[Draft]) -> list[Draft]:
    """Sentences repeating one accident (same date and place) become one draft; first value wins."""
    merged: dict[str, Draft] = {}
    for draft in drafts:
        key = draft.fields["id"]
        if key not in merged:
            merged[key] = draft
            continue
        target = merged[key]
        for name, value in draft.fields.items():
            if name not in target.fields:
                target.fields[name] = value
                target.evidence.extend(e for e in draft.evidence if e.field == name)
    return list(merged.values())


def draft_document(
    path: Path, gazetteer: Gazetteer, source: dict[str, Any]
) -> dict[str, list[dict[str, Any]]]:
    text = path.read_text(encoding="utf-8")
    drafts = extract_accidents(text, gazetteer)
    return {
        "sources": [source],
        "nodes": [draft.record(source["id"], path.name) for draft in drafts],
    }
