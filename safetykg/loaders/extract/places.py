"""Places named in a text, resolved to GB/T 2260 units through the gazetteer (data/regions/regions.csv).

Documents abbreviate (吉林松原, 临汾襄汾), name a county without its province (浏阳市), and share
short names across provinces (朝阳). A mention keeps its literal span; which unit it means is
decided from the other places named nearby and in the whole document.
"""
# ruff: noqa: E501  (regular expressions and Chinese test prose read better unwrapped)

from __future__ import annotations

import csv
import os
from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

LEVEL_RANK = {"province": 0, "prefecture": 1, "county": 2}
# names that are also ordinary words in these documents; they count only beside a named parent
GENERIC = frozenset({"城区", "郊区", "矿区", "新区", "市辖区", "开发区", "东方", "和平", "江南", "白云", "新华", "长安",
                     "永安", "城中", "市中", "城东", "城西", "城北", "城南", "中山", "河口", "南山", "北山", "东山",
                     "西山", "青山", "金山", "铁山", "大通", "红旗", "新城", "平安", "安全", "普陀", "和田", "东风",
                     "前进", "公安", "资源", "和政", "大安", "和安", "定安", "泰山", "向阳", "新兴", "长城", "龙山", "南岗", "新市", "海港", "海城", "海州", "吉利", "通道",
                     "永定", "新乐", "安定", "建华", "铁东", "铁西", "南开", "河东", "河西", "城关", "芒市", "五四"})
GAZETTEER_ENV = "SAFETYKG_GAZETTEER"


class GazetteerMissing(FileNotFoundError):
    """No regions.csv found where it was looked for; the message says where and how to fix it."""


@dataclass(frozen=True)
class Region:
    adcode: str
    name: str
    level: str
    parent: str | None
    valid_until: int | None = None


@dataclass(frozen=True)
class PlaceMention:
    start: int
    end: int
    codes: tuple[str, ...]


@dataclass
class Gazetteer:
    regions: dict[str, Region] = field(default_factory=dict)
    by_name: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    longest: int = 2
    heads: set[str] = field(default_factory=set)  # first two characters of every name: most positions stop here

    @classmethod
    def from_csv(cls, path: Path) -> Gazetteer:
        gazetteer = cls()
        with path.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                until = (row.get("valid_until") or "").strip()
                region = Region(row["adcode"], row["name"], row["level"], row.get("parent_adcode") or None,
                                int(until[:4]) if until[:4].isdigit() else None)
                aliases = [a for a in (row.get("aliases") or "").split("|") if a]
                gazetteer.add(region, aliases)
        return gazetteer

    def add(self, region: Region, aliases: list[str]) -> None:
        self.regions[region.adcode] = region
        for name in dict.fromkeys([region.name, *aliases]):
            if len(name) >= 2:
                self.by_name[name].append(region.adcode)
                self.heads.add(name[:2])
                self.longest = max(self.longest, len(name))

    def ancestors(self, adcode: str) -> list[str]:
        chain: list[str] = []
        current = self.regions.get(adcode)
        while current and current.parent and current.parent not in chain:
            chain.append(current.parent)
            current = self.regions.get(current.parent)
        return chain

    def province(self, adcode: str) -> str:
        return adcode[:2] + "0000"

    def valid_on(self, adcode: str, year: int | None) -> bool:
        until = self.regions[adcode].valid_until
        return until is None or year is None or year <= until

    def mentions(self, norm: str) -> list[PlaceMention]:
        """Longest place names at each position, left to right, without overlaps."""
        found: list[PlaceMention] = []
        index, size = 0, len(norm)
        by_name = self.by_name
        while index < size:
            if norm[index:index + 2] not in self.heads:
                index += 1
                continue
            for length in range(min(self.longest, size - index), 1, -1):
                codes = by_name.get(norm[index:index + length])
                if codes:
                    found.append(PlaceMention(index, index + length, tuple(codes)))
                    index += length
                    break
            else:
                index += 1
        return found


@dataclass
class PlaceResolver:
    """Chooses the unit a window of text names, using the document's other places as context."""

    gazetteer: Gazetteer
    mentions: list[PlaceMention]
    norm: str
    context: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        counts: dict[str, int] = defaultdict(int)
        for mention in self.mentions:
            region = self.gazetteer.regions[mention.codes[0]]
            literal = self.norm[mention.start:mention.end]
            if len(mention.codes) == 1 and (region.level != "county" or literal == region.name) and literal not in GENERIC:
                for code in [mention.codes[0], *self.gazetteer.ancestors(mention.codes[0])]:
                    counts[code] += 1
        self.context = dict(counts)

    def within(self, start: int, end: int) -> list[PlaceMention]:
        if not hasattr(self, "_starts"):
            self._starts = [m.start for m in self.mentions]
        lo, hi = bisect_left(self._starts, start), bisect_left(self._starts, end)
        return [m for m in self.mentions[lo:hi] if m.end <= end]

    def _usable(self, mention: PlaceMention, window: list[PlaceMention]) -> list[str]:
        name = self.norm[mention.start:mention.end]
        named = {c for m in window if m is not mention for c in m.codes}
        codes = list(mention.codes)
        supported = [c for c in codes if named & set(self.gazetteer.ancestors(c))]
        if name in GENERIC:
            return supported
        if len(codes) == 1 and self.gazetteer.regions[codes[0]].level == "county" and name != self.gazetteer.regions[codes[0]].name:
            # a bare county short form (襄汾) needs its parent named nearby or somewhere in the document
            return codes  # unique and not an ordinary word (GENERIC): 襄汾 alone still means 襄汾县
        if len(codes) > 1:
            if supported:
                return supported
            ranked = sorted(codes, key=lambda c: -self.context.get(self.gazetteer.province(c), 0))
            best = self.context.get(self.gazetteer.province(ranked[0]), 0)
            return [ranked[0]] if best > 0 and self.context.get(self.gazetteer.province(ranked[1]), 0) < best else []
        return codes

    def resolve(self, start: int, end: int, anchor: int, year: int | None = None) -> tuple[str, PlaceMention] | None:
        """The most specific unit in [start, end) that the other places there agree with, nearest the anchor."""
        window = self.within(start, end)
        candidates: list[tuple[int, int, int, str, PlaceMention]] = []
        for mention in window:
            for code in self._usable(mention, window):
                if not self.gazetteer.valid_on(code, year):
                    continue
                lineage = {code, *self.gazetteer.ancestors(code)}
                support = sum(1 for m in window if lineage & set(m.codes))
                level = LEVEL_RANK.get(self.gazetteer.regions[code].level, 0)
                distance = abs(mention.start - anchor)
                candidates.append((support, level, -distance, code, mention))
        if not candidates:
            return None
        best = max(candidates, key=lambda c: (c[0], c[1], c[2]))
        return best[3], best[4]


def default_gazetteer_path(explicit: Path | None = None) -> Path:
    """--gazetteer, else $SAFETYKG_GAZETTEER, else ./data/regions/regions.csv, else the source checkout's copy."""
    tried: list[Path] = []
    candidates = [explicit] if explicit else []
    if not explicit:
        if os.environ.get(GAZETTEER_ENV):
            candidates.append(Path(os.environ[GAZETTEER_ENV]))
        candidates.append(Path.cwd() / "data" / "regions" / "regions.csv")
        candidates.append(Path(__file__).resolve().parents[3] / "data" / "regions" / "regions.csv")
    for path in candidates:
        tried.append(path)
        if path.is_file():
            return path
    raise GazetteerMissing(
        "找不到行政区划表 / gazetteer regions.csv not found (tried: " + ", ".join(str(p) for p in tried) + "); "
        f"pass --gazetteer PATH or set {GAZETTEER_ENV} (the file is data/regions/regions.csv in the safetykg repository)"
    )


_CACHE: dict[Path, Gazetteer] = {}


def load_gazetteer(path: Path | None = None) -> Gazetteer:
    resolved = default_gazetteer_path(path).resolve()
    if resolved not in _CACHE:
        _CACHE[resolved] = Gazetteer.from_csv(resolved)
    return _CACHE[resolved]
