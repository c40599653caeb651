"""RECURRENCE_OF: why did it happen again? Links derived from declared rules, never hand-entered.

Each rule is a small declarative object (id, Chinese and English name, the basis it
states, its window) that compares a later accident with an earlier one and, when it
fires, returns the attributes the two share. All rules that fire for a pair are
combined into ONE link from the later accident to the earlier one:

- `rule` is the strongest rule that fired (the order of `RULES_IN_ORDER`);
- `basis` lists every shared attribute that triggered any of them, e.g.
  "同一地级市:松原市", "致因标签:货车载人", "同省:山西省";
- `explanation` is one Chinese sentence built from that basis;
- `note` names every rule that fired ("规则:same_prefecture+province_mechanism").

Time direction: links always point from the later accident to the earlier one and
`days` > 0. Undated accidents and pairs on the same day are skipped (there is no
order between them, and a same-day pair is a coincidence, not a lesson unlearnt).

Regions are resolved through the graph (Accident-OCCURRED_IN->Region-PART_OF*->Region):
the prefecture is the county's parent prefecture (or the place itself when the
accident is recorded at prefecture level); districts of 北京/天津/上海/重庆 and
province-administered counties have no prefecture, only a province.

Severity is the recorded one; when it is absent it is read from the death toll by
the thresholds of 《生产安全事故报告和调查处理条例》 art. 3 (≥30 特别重大, 10–29 重大,
3–9 较大, otherwise 一般). Responsible operators are enterprises, and persons whose
role is `operator`, with RESPONSIBLE_FOR to the accident; departments are supervisors,
not operators, and never trigger the operator rule.

`apply_recurrences` replaces the stored links with the derived set in one
transaction: links no longer derived are deleted, new or changed ones are written,
unchanged ones are left alone (so their `computed_date` keeps the day their current
basis was first computed and re-running writes nothing).
"""

from __future__ import annotations

import datetime as dt
import gc
from collections import defaultdict
from collections.abc import Hashable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain, islice
from typing import Any, ClassVar

from .store import Row, Store

EPOCH = dt.date(1970, 1, 1)

# Tags that only restate what happened (a fire, an explosion) and say nothing about
# why: sharing one of them within a province is no sign of an unlearnt lesson.
GENERIC_MECHANISMS = frozenset({"火灾", "爆炸", "坍塌", "中毒", "窒息", "其他", "不详"})
MAJOR = ("特别重大", "重大")

DEFAULT_WINDOW_DAYS = 365
DEFAULT_SHORT_INTERVAL_DAYS = 45
DEFAULT_OPERATOR_WINDOW_DAYS = 3650


def day_of(iso: str) -> int:
    return (dt.date.fromisoformat(iso) - EPOCH).days


def severity_of(recorded: str | None, deaths: int | None) -> str | None:
    """The recorded severity, else the one the death toll implies (条例 art. 3)."""
    if recorded:
        return recorded
    if deaths is None:
        return None
    if deaths >= 30:
        return "特别重大"
    if deaths >= 10:
        return "重大"
    if deaths >= 3:
        return "较大"
    return "一般"


@dataclass(frozen=True)
class Place:
    adcode: str
    name: str
    level: str


@dataclass(slots=True)
class AccidentFacts:
    """What the rules compare, read from the graph."""

    id: str
    date: str | None
    day: int | None
    kind: str | None
    mechanisms: tuple[str, ...]
    severity: str | None
    deaths: int | None
    place: Place | None = None
    prefecture: Place | None = None
    province: Place | None = None
    # (id, basis text) pairs, sorted by id: a tuple, not a dict (200 bytes less per accident at 1M);
    # when every accident is read, only operators responsible for another accident too (ENTERPRISES)
    operators: tuple[tuple[str, str], ...] = ()

    @property
    def place_label(self) -> str:
        """"松原市扶余市", "重庆市永川区", "白山市", "山西省" — how the explanation names the place."""
        if self.place is None:
            return "地点不详"
        if self.place.level == "county":
            parent = self.prefecture or self.province
            return f"{parent.name}{self.place.name}" if parent else self.place.name
        return self.place.name


@dataclass
class Shared:
    """The attributes a rule found in common; merged across the rules that fired."""

    operators: list[str] = field(default_factory=list)
    prefecture: str | None = None
    province: str | None = None
    kind: str | None = None
    tags: list[str] = field(default_factory=list)
    severities: tuple[str, str] | None = None

    def merge(self, other: Shared) -> None:
        self.operators += [o for o in other.operators if o not in self.operators]
        self.prefecture = self.prefecture or other.prefecture
        self.province = self.province or other.province
        self.kind = self.kind or other.kind
        self.tags += [t for t in other.tags if t not in self.tags]
        self.severities = self.severities or other.severities

    def basis(self) -> list[str]:
        items = list(self.operators)
        if self.prefecture:
            items.append(f"同一地级市:{self.prefecture}")
        if self.province:
            items.append(f"同省:{self.province}")
        if self.kind:
            items.append(f"事故类别:{self.kind}")
        items += [f"致因标签:{t}" for t in self.tags]
        if self.severities:
            later, earlier = self.severities
            items.append(f"事故等级:{later}" if later == earlier else f"事故等级:{later}/{earlier}")
        return items


def _shared_tags(a: AccidentFacts, b: AccidentFacts, specific_only: bool) -> list[str]:
    theirs = set(b.mechanisms)
    return [t for t in a.mechanisms if t in theirs and not (specific_only and t in GENERIC_MECHANISMS)]


@dataclass(frozen=True)
class Rule:
    """A declared reason for a recurrence; `check(later, earlier, days)` returns what they share."""

    id: ClassVar[str] = ""
    zh: ClassVar[str] = ""
    en: ClassVar[str] = ""
    basis_zh: ClassVar[str] = ""
    # which accidents the rule can pair a given one with: "operator" (one sharing a responsible
    # operator), "province" (one in the same province) or "all"; re-deriving after adding accidents
    # reads only that neighbourhood of the new ones, so its cost does not grow with the graph
    reach: ClassVar[str] = "all"
    # a Cypher condition on an accident `a` that every accident this rule can pair satisfies (None: any),
    # with `$major` the major severities: re-deriving reads only the neighbours that pass one of them
    could_pair: ClassVar[str | None] = None
    window_days: int = DEFAULT_WINDOW_DAYS

    def check(self, later: AccidentFacts, earlier: AccidentFacts, days: int) -> Shared | None:
        raise NotImplementedError

    def keys(self, accident: AccidentFacts) -> Iterable[Hashable] | None:
        """Blocking keys: the rule can only fire for two accidents that share one of them.

        Deriving compares an accident only with earlier ones under a shared key and inside the
        window (a sliding window over day numbers), never every pair; `None` means "compare with
        every accident" for a rule that cannot say.
        """
        return None

    def describe(self) -> dict[str, Any]:
        return {"id": self.id, "zh": self.zh, "en": self.en, "basis": self.basis_zh, "window_days": self.window_days}


@dataclass(frozen=True)
class SameOperator(Rule):
    id: ClassVar[str] = "same_operator"
    zh: ClassVar[str] = "同一企业或经营者再次发生事故"
    en: ClassVar[str] = "same enterprise or operator again"
    basis_zh: ClassVar[str] = "两起事故有同一负有责任的企业或经营者(RESPONSIBLE_FOR)，间隔不超过窗口"
    reach: ClassVar[str] = "operator"
    window_days: int = DEFAULT_OPERATOR_WINDOW_DAYS

    def check(self, later: AccidentFacts, earlier: AccidentFacts, days: int) -> Shared | None:
        if days > self.window_days:
            return None
        theirs = {key for key, _ in earlier.operators}
        common = [text for key, text in later.operators if key in theirs]
        return Shared(operators=common) if common else None

    def keys(self, accident: AccidentFacts) -> Iterable[Hashable]:
        return [key for key, _ in accident.operators]


@dataclass(frozen=True)
class SamePrefecture(Rule):
    id: ClassVar[str] = "same_prefecture"
    zh: ClassVar[str] = "同一地级市、同类事故、同一致因"
    en: ClassVar[str] = "same prefecture, same kind and a shared mechanism tag"
    basis_zh: ClassVar[str] = "同一地级市、事故类别相同且至少有一个相同致因标签，间隔不超过窗口"
    reach: ClassVar[str] = "province"
    could_pair: ClassVar[str | None] = "a.kind IS NOT NULL AND size(a.mechanisms) > 0"

    def check(self, later: AccidentFacts, earlier: AccidentFacts, days: int) -> Shared | None:
        if days > self.window_days or not later.prefecture or later.prefecture != earlier.prefecture:
            return None
        if not later.kind or later.kind != earlier.kind:
            return None
        tags = _shared_tags(later, earlier, specific_only=False)
        if not tags:
            return None
        return Shared(prefecture=later.prefecture.name, kind=later.kind, tags=tags)

    def keys(self, accident: AccidentFacts) -> Iterable[Hashable]:
        if not accident.prefecture or not accident.kind:
            return []
        return [(accident.prefecture.adcode, accident.kind, tag) for tag in set(accident.mechanisms)]


@dataclass(frozen=True)
class ProvinceMechanism(Rule):
    id: ClassVar[str] = "province_mechanism"
    zh: ClassVar[str] = "同省同一具体致因"
    en: ClassVar[str] = "same specific mechanism tag within a province"
    basis_zh: ClassVar[str] = "同一省份且有相同的具体致因标签(火灾、爆炸等泛称不计)，间隔不超过窗口"
    reach: ClassVar[str] = "province"
    could_pair: ClassVar[str | None] = "size(a.mechanisms) > 0"

    def check(self, later: AccidentFacts, earlier: AccidentFacts, days: int) -> Shared | None:
        if days > self.window_days or not later.province or later.province != earlier.province:
            return None
        tags = _shared_tags(later, earlier, specific_only=True)
        return Shared(province=later.province.name, tags=tags) if tags else None

    def keys(self, accident: AccidentFacts) -> Iterable[Hashable]:
        if not accident.province:
            return []
        return [(accident.province.adcode, t) for t in set(accident.mechanisms) if t not in GENERIC_MECHANISMS]


@dataclass(frozen=True)
class ProvinceShortInterval(Rule):
    id: ClassVar[str] = "province_short_interval"
    zh: ClassVar[str] = "同省短期内再发重特大事故"
    en: ClassVar[str] = "another major accident in the same province within a short interval"
    basis_zh: ClassVar[str] = "同一省份、两起均为重大或特别重大事故，间隔不超过短期窗口"
    reach: ClassVar[str] = "province"
    # major as recorded, or by the death toll when not recorded (`severity_of`); deaths alone are enough
    # here: a wider net than the rule, never a narrower one
    could_pair: ClassVar[str | None] = "a.severity IN $major OR a.deaths >= 10"
    window_days: int = DEFAULT_SHORT_INTERVAL_DAYS

    def check(self, later: AccidentFacts, earlier: AccidentFacts, days: int) -> Shared | None:
        if days > self.window_days or not later.province or later.province != earlier.province:
            return None
        if later.severity not in MAJOR or earlier.severity not in MAJOR:
            return None
        assert later.severity and earlier.severity
        return Shared(province=later.province.name, severities=(later.severity, earlier.severity))

    def keys(self, accident: AccidentFacts) -> Iterable[Hashable]:
        return [accident.province.adcode] if accident.province and accident.severity in MAJOR else []


RULES_IN_ORDER: tuple[type[Rule], ...] = (SameOperator, SamePrefecture, ProvinceMechanism, ProvinceShortInterval)
RULE_NAMES: dict[str, Rule] = {cls.id: cls() for cls in RULES_IN_ORDER}


def default_rules(
    window_days: int = DEFAULT_WINDOW_DAYS,
    short_interval_days: int = DEFAULT_SHORT_INTERVAL_DAYS,
    operator_window_days: int = DEFAULT_OPERATOR_WINDOW_DAYS,
    mechanism_window_days: int | None = None,
) -> list[Rule]:
    """The four rules, strongest first; `mechanism_window_days` defaults to `window_days`."""
    for name, value in (
        ("window_days", window_days),
        ("short_interval_days", short_interval_days),
        ("operator_window_days", operator_window_days),
        ("mechanism_window_days", mechanism_window_days),
    ):
        if value is not None and value < 1:
            raise ValueError(f"{name} must be at least 1 day, got {value}")
    return [
        SameOperator(window_days=operator_window_days),
        SamePrefecture(window_days=window_days),
        ProvinceMechanism(window_days=mechanism_window_days if mechanism_window_days is not None else window_days),
        ProvinceShortInterval(window_days=short_interval_days),
    ]


@dataclass(frozen=True, slots=True)
class Link:
    """One RECURRENCE_OF link: from the later accident to the earlier one (slotted: a million of them at 1M)."""

    from_id: str
    to_id: str
    from_date: str
    to_date: str
    days: int
    rule: str
    rules: tuple[str, ...]
    basis: tuple[str, ...]
    explanation: str

    @property
    def note(self) -> str:
        return "规则:" + "+".join(self.rules)

    def content(self) -> tuple[Any, ...]:
        """What makes two stored links the same (computed_date is not part of it)."""
        return (self.rule, list(self.rules), self.days, self.to_id, list(self.basis), self.explanation, self.note)

    def as_dict(self) -> dict[str, Any]:
        rule = RULE_NAMES[self.rule]
        return {
            "from": self.from_id,
            "to": self.to_id,
            "from_date": self.from_date,
            "to_date": self.to_date,
            "days": self.days,
            "rule": self.rule,
            "rule_zh": rule.zh,
            "rule_en": rule.en,
            "rules": list(self.rules),
            "basis": list(self.basis),
            "explanation": self.explanation,
        }


def explain(later: AccidentFacts, earlier: AccidentFacts, shared: Shared, days: int) -> str:
    """"2020-10-04 松原市扶余市事故与2020-04-15 松原市乾安县事故同属松原市、同为货车载人，相隔172天。\""""
    clauses: list[str] = []
    if shared.operators:
        names = "、".join(o.split(":", 1)[1] for o in shared.operators)
        clauses.append(f"责任主体同为{names}")
    if shared.prefecture:
        clauses.append(f"同属{shared.prefecture}")
    elif shared.province:
        clauses.append(f"同在{shared.province}")
    if shared.tags:
        clauses.append("同为" + "、".join(shared.tags))
    elif shared.kind:
        clauses.append(f"同为{shared.kind}事故")
    if shared.severities:
        a, b = shared.severities
        clauses.append(f"均为{a}事故" if a == b else "均为重特大事故")
    return (
        f"{later.date} {later.place_label}事故与{earlier.date} {earlier.place_label}事故"
        f"{'、'.join(clauses)}，相隔{days}天。"
    )


# --- reading the graph -----------------------------------------------------------

# what the rules compare (no name: deriving never shows one; `analyze` looks up the names it lists)
FACT_PROPERTIES = ("id", "date", "day", "kind", "mechanisms", "severity", "deaths")
FACTS = ", ".join(f"a.{p} AS {p}" for p in FACT_PROPERTIES)
# Places: the gazetteer (a few thousand units) is read once and each accident's recorded unit walked up
# in Python — the same units as OCCURRED_IN->(r)-[:PART_OF*0..2]->(u), without one row per accident
# and ancestor (three million rows at national scale).
REGIONS = (
    "MATCH (r:Region) OPTIONAL MATCH (r)-[:PART_OF]->(p:Region) "
    "RETURN r.adcode AS adcode, r.name AS name, r.level AS level, p.adcode AS parent ORDER BY adcode, parent"
)
# every accident's recorded units (`Store.iter_label_rows`: columns, then the pattern from the accident `n`)
PLACES = ({"id": "n.id", "place": "r.adcode"}, "MATCH (n)-[:OCCURRED_IN]->(r:Region)")
# the same reads for some accidents only (key lookups, not a scan testing every id against a list)
WITHIN = "UNWIND $ids AS wanted MATCH (a:Accident {id: wanted}) "
# What hangs off the accidents found is read with OPTIONAL MATCH, the rows without a match dropped after:
# the answer a MATCH gives, on both engines. LadybugDB 0.22 plans a MATCH that follows the lookup as a
# hash join with the whole pattern, built over every accident's place or operator (0.8-1.3 s at 1M
# accidents, for no ids as for 14k); an OPTIONAL MATCH extends from the accidents found (0.01-0.3 s).
ACCIDENTS_WITHIN = WITHIN + "RETURN " + FACTS
PLACES_WITHIN = WITHIN + (
    "OPTIONAL MATCH (a)-[:OCCURRED_IN]->(r:Region) WITH a, r WHERE r IS NOT NULL "
    "RETURN a.id AS id, a.day AS day, r.adcode AS place"
)
ENTERPRISES_WITHIN = WITHIN + (
    "OPTIONAL MATCH (e:Enterprise)-[:RESPONSIBLE_FOR]->(a) WITH a, e WHERE e IS NOT NULL "
    "RETURN a.id AS accident, e.id AS id, e.name AS name"
)
OPERATORS_WITHIN = WITHIN + (
    "OPTIONAL MATCH (p:Person)-[:RESPONSIBLE_FOR]->(a) WITH a, p WHERE p IS NOT NULL AND p.role = 'operator' "
    "RETURN a.id AS accident, p.id AS id, p.name AS name"
)
# the accidents (and their places) of some days (an undated one too: its day is read from its date); the
# accident table's day column is scanned first, a cheap columnar filter, and its places sorted out after
def _near_days(could_pair: str | None) -> str:
    """Only the accidents passing `could_pair` too (a Cypher condition on `a`), when given."""
    condition = f" AND ({could_pair})" if could_pair else ""
    return ("MATCH (a:Accident) WHERE (a.day IS NULL OR (a.day >= $lo AND a.day <= $hi))" + condition +
            " MATCH (a)-[:OCCURRED_IN]->(r:Region) RETURN a.id AS id, a.day AS day, r.adcode AS place")
SHARING_OPERATOR = (
    WITHIN + "OPTIONAL MATCH (a)<-[:RESPONSIBLE_FOR]-(e:Enterprise)-[:RESPONSIBLE_FOR]->(b:Accident) "
    "WITH b WHERE b IS NOT NULL RETURN b.id AS id "
    "UNION " + WITHIN + "OPTIONAL MATCH (a)<-[:RESPONSIBLE_FOR]-(p:Person)-[:RESPONSIBLE_FOR]->(b:Accident) "
    "WITH p, b WHERE b IS NOT NULL AND p.role = 'operator' RETURN b.id AS id"
)
# Every accident read: only the operators responsible for more than one accident. One responsible for a
# single accident is never shared, so the same-operator rule cannot fire on it. At 1M accidents 277k
# operator entries are kept of 1M, and with the names no longer read the records take 176 MiB, 483 before.
ENTERPRISES = (
    "MATCH (e:Enterprise)-[:RESPONSIBLE_FOR]->(a:Accident) WITH e, count(a) AS n WHERE n > 1 "
    "MATCH (e)-[:RESPONSIBLE_FOR]->(a:Accident) RETURN a.id AS accident, e.id AS id, e.name AS name ORDER BY accident, id"
)
OPERATORS = (
    "MATCH (p:Person)-[:RESPONSIBLE_FOR]->(a:Accident) WHERE p.role = 'operator' WITH p, count(a) AS n WHERE n > 1 "
    "MATCH (p)-[:RESPONSIBLE_FOR]->(a:Accident) RETURN a.id AS accident, p.id AS id, p.name AS name ORDER BY accident, id"
)


Gazetteer = tuple[dict[str, Place], dict[str, list[str]]]  # units by adcode, and each one's PART_OF parents


def read_regions(store: Store) -> Gazetteer:
    """Every Region as a Place, and each one's PART_OF parents."""
    units: dict[str, Place] = {}
    parents: dict[str, list[str]] = defaultdict(list)
    for row in store.iter_rows(REGIONS):
        units[row["adcode"]] = Place(row["adcode"], row["name"], row["level"])
        if row["parent"] is not None:
            parents[row["adcode"]].append(row["parent"])
    return units, parents


def _up_to_two_levels(adcode: str, parents: dict[str, list[str]]) -> list[str]:
    """The unit and its ancestors one and two PART_OF steps up (one entry per path, as a graph walk)."""
    found = [adcode]
    for parent in parents.get(adcode, ()):
        found.append(parent)
        found += parents.get(parent, [])
    return found


def read_accidents(
    store: Store, within: set[str] | None = None, regions: Gazetteer | None = None
) -> list[AccidentFacts]:
    """The rules' facts of every accident, or of the accidents `within` (sorted by id either way).

    An operator responsible for no other accident is left out of `operators` when every accident is
    read (see ENTERPRISES): it cannot pair two accidents, so the links are the same.
    """
    ids = {"ids": sorted(within)} if within is not None else {}
    facts: dict[str, AccidentFacts] = {}
    # Dates, kinds, severities, tag lists and operator names repeat across a million accidents: one
    # object each instead of one per accident (about 300 MB at 1M).
    seen: dict[Any, Any] = {}
    rows = store.iter_rows(ACCIDENTS_WITHIN, ids) if within is not None else store.iter_label_rows(
        "Accident", {p: f"n.{p}" for p in FACT_PROPERTIES}, in_key_order=True)
    for row in sorted(rows, key=lambda r: str(r["id"])) if within is not None else rows:
        date = seen.setdefault(row["date"], row["date"]) or None
        day = row["day"] if row["day"] is not None else (day_of(date) if date else None)
        day = seen.setdefault(("day", day), day)
        mechanisms = tuple(str(t).strip() for t in (row["mechanisms"] or []) if str(t).strip())
        deaths = int(row["deaths"]) if row["deaths"] is not None else None
        severity = severity_of(row["severity"], deaths)
        facts[row["id"]] = AccidentFacts(
            id=row["id"], date=date, day=day,
            kind=seen.setdefault(row["kind"], row["kind"]) or None, mechanisms=seen.setdefault(mechanisms, mechanisms),
            severity=seen.setdefault(severity, severity), deaths=deaths,
        )
    units, parents = regions or read_regions(store)
    # most accidents have one place: the adcode itself (one shared str), a list only for a second one
    recorded: dict[str, str | list[str]] = {}
    for row in store.iter_rows(PLACES_WITHIN, ids) if within is not None else store.iter_label_rows("Accident", *PLACES):
        if row["id"] in facts:
            unit_code = str(seen.setdefault(row["place"], row["place"]))
            before = recorded.get(row["id"])
            recorded[row["id"]] = unit_code if before is None else [
                *([before] if isinstance(before, str) else before), unit_code]
    for accident_id, found in recorded.items():
        acc = facts[accident_id]
        places = [found] if isinstance(found, str) else found
        reached = sorted((u, place) for place in places for u in _up_to_two_levels(place, parents))
        for adcode, place in reached:  # in adcode order, as the graph walk returned them
            unit = units[adcode]
            if adcode == place:
                acc.place = unit
            if unit.level == "prefecture":
                acc.prefecture = unit
            elif unit.level == "province":
                acc.province = unit
    operator_queries = ((ENTERPRISES_WITHIN, ids), (OPERATORS_WITHIN, ids)) if within is not None else (
        (ENTERPRISES, {}), (OPERATORS, {}))
    for (query, args), prefix in zip(operator_queries, ("同一责任企业", "同一经营者"), strict=True):
        rows_in_order = store.iter_rows(query, args)
        if within is not None:
            rows_in_order = iter(sorted(rows_in_order, key=lambda r: (str(r["accident"]), str(r["id"]))))
        for row in rows_in_order:
            operated = facts.get(row["accident"])
            if operated is not None:
                key, text = str(row["id"]), f"{prefix}:{row['name']}"
                pair = (seen.setdefault(key, key), seen.setdefault(text, text))
                operated.operators = tuple(sorted((*(o for o in operated.operators if o[0] != key), pair)))
    return list(facts.values())


def candidate_pairs(
    dated: Sequence[AccidentFacts], rules: Sequence[Rule], touching: set[str] | None = None
) -> set[tuple[int, int]]:
    """(later, earlier) positions in `dated` (sorted by day) that some rule could link.

    Per rule, accidents are grouped by the rule's blocking keys and each group is walked once with
    a window over its sorted day numbers: the work grows with the pairs inside the windows, not with
    the square of the accidents. `touching` keeps only pairs with an end among those accident ids
    (incremental re-derivation after adding accidents).
    """
    size = len(dated)
    return {divmod(code, size) for code in _candidate_codes(dated, rules, touching)}


def _candidate_codes(
    dated: Sequence[AccidentFacts], rules: Sequence[Rule], touching: set[str] | None = None
) -> set[int]:
    """`candidate_pairs` as `later * len(dated) + earlier`: one int per pair, not a tuple of two (at 1M
    accidents there are millions of candidates)."""
    size = len(dated)
    pairs: set[int] = set()
    for rule in rules:
        groups: dict[Hashable, list[int]] = defaultdict(list)
        for index, accident in enumerate(dated):
            keys = rule.keys(accident)
            if keys is None:
                groups = {None: list(range(len(dated)))}
                break
            for key in keys:
                groups[key].append(index)
        window = rule.window_days
        for members in groups.values():
            start = 0
            for position, later in enumerate(members):
                later_day = dated[later].day
                assert later_day is not None
                while later_day - (dated[members[start]].day or 0) > window:
                    start += 1
                for earlier in members[start:position]:
                    if dated[earlier].day == later_day:  # same day: no order, no recurrence
                        continue
                    if touching is not None and dated[later].id not in touching and dated[earlier].id not in touching:
                        continue
                    pairs.add(later * size + earlier)
    return pairs


def derive_links(
    accidents: Iterable[AccidentFacts], rules: Sequence[Rule], touching: set[str] | None = None
) -> list[Link]:
    """One link per (later, earlier) pair of dated accidents for which any rule fires.

    The result is the same as comparing every pair (`candidate_pairs` only skips pairs no rule can
    link); `touching` limits it to links with an end among those accident ids.
    """
    links = list(iter_links(accidents, rules, touching))
    links.sort(key=lambda link: (link.from_date, link.from_id, link.to_date, link.to_id))
    return links


def iter_links(
    accidents: Iterable[AccidentFacts], rules: Sequence[Rule], touching: set[str] | None = None
) -> Iterator[Link]:
    """`derive_links` unsorted, one link at a time: a first derivation at national scale writes them as
    they come instead of holding a million in memory."""
    dated = sorted((a for a in accidents if a.day is not None), key=lambda a: (a.day, a.id))
    size = len(dated)
    for code in _candidate_codes(dated, rules, touching):
        later_at, earlier_at = divmod(code, size)
        later, earlier = dated[later_at], dated[earlier_at]
        assert later.day is not None and earlier.day is not None
        days = later.day - earlier.day
        if days <= 0:
            continue
        fired: list[str] = []
        shared = Shared()
        for rule in rules:
            found = rule.check(later, earlier, days)
            if found is not None:
                fired.append(rule.id)
                shared.merge(found)
        if not fired:
            continue
        assert later.date and earlier.date
        yield Link(
            from_id=later.id, to_id=earlier.id, from_date=later.date, to_date=earlier.date, days=days,
            rule=fired[0], rules=tuple(fired), basis=tuple(shared.basis()),
            explanation=explain(later, earlier, shared, days),
        )


def derive_recurrences(
    store: Store,
    window_days: int = DEFAULT_WINDOW_DAYS,
    short_interval_days: int = DEFAULT_SHORT_INTERVAL_DAYS,
    operator_window_days: int = DEFAULT_OPERATOR_WINDOW_DAYS,
    mechanism_window_days: int | None = None,
    rules: Sequence[Rule] | None = None,
    touching: set[str] | None = None,
) -> list[Link]:
    """Read the accidents and derive the current set of links (nothing is written).

    `touching`: only the links with an end among these accident ids (after adding accidents).
    """
    chosen = rules if rules is not None else default_rules(
        window_days, short_interval_days, operator_window_days, mechanism_window_days
    )
    reaches = {rule.reach for rule in chosen}
    if touching is not None and "all" not in reaches:
        regions = read_regions(store)  # read once: the neighbourhood and the facts both walk it
        within = neighbourhood(store, touching, reaches, regions, [rule for rule in chosen if rule.reach == "province"])
        return derive_links(read_accidents(store, within, regions), chosen, touching)
    return derive_links(read_accidents(store), chosen, touching)


def neighbourhood(
    store: Store, touching: set[str], reaches: set[str],
    regions: Gazetteer | None = None, province_rules: Sequence[Rule] | None = None,
) -> set[str]:
    """`touching` and every accident a rule of these reaches could pair with one of them: those sharing
    a responsible operator ("operator"), and those of their provinces ("province"). Given the province
    rules, only those within the longest of their windows of one of them in the same province, and
    only those that pass one of the rules' `could_pair` conditions.

    That is what keeps re-deriving after adding a quarter's accidents to a national graph small: the
    province rules compare accidents at most a year apart and need a shared tag or two major
    accidents, so the rest of the province's decade, and its untagged minor accidents, cannot pair
    with the new ones.
    """
    window = max((rule.window_days for rule in province_rules), default=None) if province_rules else None
    conditions = [rule.could_pair for rule in province_rules or ()]
    could_pair = " OR ".join(f"({c})" for c in conditions) if conditions and all(conditions) else None
    found = set(touching)
    ids = {"ids": sorted(touching)}
    if "operator" in reaches:
        found.update(str(row["id"]) for row in store.iter_rows(SHARING_OPERATOR, ids))
    if "province" in reaches:
        units, parents = regions or read_regions(store)
        # each touched province with the days of the accidents in it (None: undated)
        days_in: dict[str, set[int | None]] = defaultdict(set)
        for row in store.iter_rows(PLACES_WITHIN, ids):
            for unit in _up_to_two_levels(row["place"], parents):
                if unit in units and units[unit].level == "province":
                    days_in[unit].add(row["day"])
        spans = {province: day_spans(days, window) for province, days in days_in.items()}
        if spans:
            lo = min(span[0] for found_spans in spans.values() for span in found_spans)
            hi = max(span[1] for found_spans in spans.values() for span in found_spans)
            query = _near_days(could_pair)
            provinces_of: dict[str, list[str]] = {}
            for row in store.iter_rows(query, {"lo": lo, "hi": hi, "major": list(MAJOR)}):
                place, day = row["place"], row["day"]
                if place not in provinces_of:
                    provinces_of[place] = [u for u in _up_to_two_levels(place, parents) if u in spans]
                if any(day is None or any(a <= day <= b for a, b in spans[u]) for u in provinces_of[place]):
                    found.add(str(row["id"]))
    return found


# day numbers far outside any accident's: a span with these bounds takes every day
ALL_DAYS = (-10**7, 10**7)


def day_spans(days: set[int | None], window: int | None) -> list[tuple[int, int]]:
    """The days within `window` of any of `days`, as merged (lo, hi) spans; every day when the window
    is unknown or a day is missing (an undated accident read by date alone: no window to trust)."""
    if window is None or None in days:
        return [ALL_DAYS]
    spans: list[tuple[int, int]] = []
    for day in sorted(d for d in days if d is not None):
        lo, hi = day - window, day + window
        if spans and lo <= spans[-1][1] + 1:
            spans[-1] = (spans[-1][0], max(spans[-1][1], hi))
        else:
            spans.append((lo, hi))
    return spans


# --- writing ---------------------------------------------------------------------

LINK_PROPERTIES = ("rule", "rules", "days", "earlier_id", "basis", "explanation", "note", "computed_date")
STORED = (
    "MATCH (a:Accident)-[e:RECURRENCE_OF]->(b:Accident) RETURN a.id AS from_key, b.id AS to_key, "
    + ", ".join(f"e.{p} AS {p}" for p in LINK_PROPERTIES)
)
# the same, every link, read as a scan of the accidents (`Store.iter_label_rows`)
STORED_SCAN = ({"from_key": "n.id", "to_key": "b.id", **{p: f"e.{p}" for p in LINK_PROPERTIES}},
               "MATCH (n)-[e:RECURRENCE_OF]->(b:Accident)")
DELETE = (
    "UNWIND $rows AS r MATCH (a:Accident {id: r.from_key})-[e:RECURRENCE_OF]->(b:Accident {id: r.to_key}) DELETE e"
)


ANY_STORED = "MATCH (:Accident)-[e:RECURRENCE_OF]->(:Accident) RETURN e.days AS days LIMIT 1"
# links stored before `earlier_id` existed (a graph of an earlier release): a whole derivation fills the
# id in one statement (12.9 s for 916k links at 1M on LadybugDB) rather than rewriting each link in its
# one transaction; their other content is then compared as usual
FILL_EARLIER_IDS = ("MATCH (:Accident)-[e:RECURRENCE_OF]->(b:Accident) WHERE e.earlier_id IS NULL{limit} "
                    "SET e.earlier_id = b.id RETURN count(e) AS n")
BULK_LINKS = 10_000
# LadybugDB 0.22 copies RECURRENCE_OF (Accident to Accident) with a page cache of 1 GiB up to here; on 1M
# accidents even 10k links failed after 96 s with "buffer pool is full", while batched MERGE of the same
# links took 5 s per 20k. Above it, a first derivation is written in batches instead.
COPY_LINKS_MAX_ACCIDENTS = 200_000
ACCIDENT_COUNT = "MATCH (a:Accident) RETURN count(a) AS c"
# links per write transaction in a first derivation, whatever the store's batch size: each row carries
# an explanation sentence and three lists, and at 1M accidents with a 640 MiB page cache LadybugDB ran
# out of it with 5,000 per transaction (the benchmark's batch size) but not with 1,000
LINK_BATCH = 1000


def _link_row(link: Link, computed: str, computed_day: int) -> dict[str, Any]:
    return {
        "from_key": link.from_id,
        "to_key": link.to_id,
        "rule": link.rule,
        "rules": list(link.rules),
        "days": link.days,
        "earlier_id": link.to_id,
        "basis": list(link.basis),
        "explanation": link.explanation,
        "computed_date": computed,
        "computed_day": computed_day,
        "source_ids": None,  # derived by the declared rules, from no source
        "note": link.note,
    }


def _copy_links(store: Store, links: Iterable[Link], computed: str, computed_day: int) -> int:
    import tempfile
    from pathlib import Path

    from .bulkfiles import BulkWriter

    with tempfile.TemporaryDirectory(prefix="safetykg-links-") as tmp:
        writer = BulkWriter(store.schema, Path(tmp) / "links")
        for link in links:
            _check_points_back(link)
            writer.rel("RECURRENCE_OF", "Accident", "Accident", link.from_id, link.to_id,
                       _link_row(link, computed, computed_day))
        files = writer.close()
        store.bulk_copy(files)
        return files.rows


def _batch_links(store: Store, links: Iterable[Link], computed: str, computed_day: int) -> int:
    """Batched UNWIND CREATEs (none is stored yet), one transaction per batch: memory and each
    transaction stay small. Killed half-way, the next derivation finds some stored and compares."""
    rel, accident = store.schema.rel("RECURRENCE_OF"), store.schema.label("Accident")
    size = min(store.batch_size, LINK_BATCH)
    batch: list[dict[str, Any]] = []
    written = 0
    with store.bulk_writes():
        for link in links:
            _check_points_back(link)
            batch.append(_link_row(link, computed, computed_day))
            if len(batch) >= size:
                written += store.create_relationships(rel, accident, accident, batch)
                batch = []
        if batch:
            written += store.create_relationships(rel, accident, accident, batch)
    return written


def _write_new_links(store: Store, links: Iterable[Link], computed: str, computed_day: int) -> int:
    """Links into a graph that holds none: COPY where the engine can take them, else batches."""
    if store.supports_bulk_copy and store.run(ACCIDENT_COUNT)[0]["c"] <= COPY_LINKS_MAX_ACCIDENTS:
        return _copy_links(store, links, computed, computed_day)
    return _batch_links(store, links, computed, computed_day)


def _check_points_back(link: Link) -> None:
    if link.days <= 0 or link.from_date <= link.to_date:
        raise ValueError(f"link {link.from_id} -> {link.to_id} does not point back in time")


@dataclass
class ApplyReport:
    kept: int = 0
    created: int = 0
    updated: int = 0
    deleted: int = 0
    filled: int = 0  # stored links given the earlier_id they lacked (see FILL_EARLIER_IDS)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated or self.deleted or self.filled)


# the stored links with an end among some accidents: found from each end by key (OPTIONAL MATCH: see WITHIN)
KEYS_FROM = ("UNWIND $ids AS wanted MATCH (a:Accident {id: wanted}) OPTIONAL MATCH (a)-[:RECURRENCE_OF]->(b:Accident) "
             "WITH a, b WHERE b IS NOT NULL RETURN a.id AS from_key, b.id AS to_key")
KEYS_TO = ("UNWIND $ids AS wanted MATCH (b:Accident {id: wanted}) OPTIONAL MATCH (a:Accident)-[:RECURRENCE_OF]->(b) "
           "WITH a, b WHERE a IS NOT NULL RETURN a.id AS from_key, b.id AS to_key")
STORED_PAIRS = STORED.replace(
    "MATCH (a:Accident)-[e:RECURRENCE_OF]->(b:Accident)",
    "UNWIND $pairs AS pair MATCH (a:Accident {id: pair.from_key}) OPTIONAL MATCH (a)-[e:RECURRENCE_OF]->(b:Accident) "
    "WITH pair, a, e, b WHERE b.id = pair.to_key", 1)


def _stored_rows(store: Store, touching: set[str] | None) -> Iterable[Row]:
    """The stored links, or those with an end among `touching` (each once, found by key lookups).

    The pairs first, then the links' properties for those pairs only: reading the explanation and list
    columns along the lookups took 1.7 s per thousand accidents at 1M, the keys alone 0.5 s, and new
    accidents have no stored links at all."""
    if touching is None:
        yield from store.iter_label_rows("Accident", *STORED_SCAN)
        return
    ids = {"ids": sorted(touching)}
    pairs = {(row["from_key"], row["to_key"]) for query in (KEYS_FROM, KEYS_TO) for row in store.iter_rows(query, ids)}
    if pairs:
        yield from store.iter_rows(STORED_PAIRS, {"pairs": [{"from_key": a, "to_key": b} for a, b in sorted(pairs)]})


def stored_links(store: Store) -> list[Row]:
    rows = store.run(STORED)
    return sorted(rows, key=lambda r: (r["from_key"], r["to_key"]))


def apply_recurrences(
    store: Store, links: Sequence[Link], computed_date: str | None = None, touching: set[str] | None = None
) -> ApplyReport:
    """Make the stored RECURRENCE_OF links equal the derived ones, in one transaction (a whole derivation
    first fills the `earlier_id` of links stored before it existed, in statements of their own: the value
    follows from the link's end, so it needs no comparison).

    With `touching` (the links were derived for those accidents only), stored links with no end
    among them are left as they are.
    """
    computed = computed_date or dt.date.today().isoformat()
    computed_day = day_of(computed)
    wanted = {(link.from_id, link.to_id): link for link in links}
    if len(wanted) != len(links):
        raise ValueError("two links for the same pair")
    for link in links:
        _check_points_back(link)
    report = ApplyReport()
    rel = store.schema.rel("RECURRENCE_OF")
    accident = store.schema.label("Accident")
    if len(links) >= BULK_LINKS and not store.run(ANY_STORED):
        # a first derivation on a bulk-loaded graph: COPY or batches, not one transaction of MERGEs
        report.created = _write_new_links(store, links, computed, computed_day)
        return report
    if touching is None:  # before the comparison, in chunks of their own where the engine wants them
        report.filled = store.write_in_chunks(
            FILL_EARLIER_IDS.format(limit=store.chunk_limit("e, b")))
    with store.transaction():
        # each stored pair and whether its (first) link equals the derived one: compared as the rows
        # stream by, not held (at 1M the 915k stored rows took ~1.2 GB)
        same: dict[tuple[str, str], bool] = {}
        doubled: set[tuple[str, str]] = set()
        for row in _stored_rows(store, touching):
            pair = (row["from_key"], row["to_key"])
            if pair in same:
                doubled.add(pair)
                continue
            derived = wanted.get(pair)
            same[pair] = derived is not None and _content(row) == derived.content()
        stale = [pair for pair in same if pair not in wanted]
        rewrite: list[Link] = []
        for pair, link in wanted.items():
            if same.get(pair) and pair not in doubled:
                report.kept += 1
                continue
            if pair in doubled:  # duplicates from elsewhere: drop them, write one
                stale.append(pair)
            rewrite.append(link)
            if pair in same:
                report.updated += 1
            else:
                report.created += 1
        report.deleted = sum(1 for pair in stale if pair not in wanted)
        if stale:
            store.write(DELETE, {"rows": [{"from_key": a, "to_key": b} for a, b in sorted(stale)]})
        if rewrite:
            rows_out = [_link_row(link, computed, computed_day) for link in rewrite]
            store.upsert_relationships(rel, accident, accident, rows_out)
    return report


def refresh_recurrences(store: Store, touching: set[str] | None = None, computed_date: str | None = None) -> ApplyReport:
    """Derive the links by the default rules and store them: what loading runs so audits read current links.

    `touching`: only re-derive the links of these accidents (the ones just added or changed).
    """
    if touching is None and not store.run(ANY_STORED):
        with store.bulk_writes():  # the whole first derivation: its accident records sit beside the page cache
            accidents = read_accidents(store)
            with _frozen_for_the_collector():
                return _first_derivation(store, iter_links(accidents, default_rules()), computed_date)
    return apply_recurrences(store, derive_recurrences(store, touching=touching), computed_date, touching)


@contextmanager
def _frozen_for_the_collector() -> Iterator[None]:
    """At 1M accidents Python's cycle collector walked the million accident records again and again
    while the links were written (a tenth of the time). Frozen, they are skipped; the collector stays on,
    because the engine's query results do form cycles: with it off, 915 write batches kept ~2.6 MB
    each and the process grew past 2.4 GB."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _first_derivation(store: Store, links: Iterator[Link], computed_date: str | None) -> ApplyReport:
    """Nothing stored yet: a small result goes through `apply_recurrences` (one transaction); a large one
    is written as it is derived (1M accidents: 915k links, which as a list took another 600 MB). Killed
    half-way, the next derivation finds links stored and compares them all, so it converges."""
    first = list(islice(links, BULK_LINKS))
    if len(first) < BULK_LINKS:
        first.sort(key=lambda link: (link.from_date, link.from_id, link.to_date, link.to_id))
        return apply_recurrences(store, first, computed_date)
    computed = computed_date or dt.date.today().isoformat()
    return ApplyReport(created=_write_new_links(store, chain(first, links), computed, day_of(computed)))


def _content(row: Row) -> tuple[Any, ...]:
    days = int(row["days"]) if row["days"] is not None else None
    return (row["rule"], list(row["rules"] or []), days, row["earlier_id"], list(row["basis"] or []),
            row["explanation"], row["note"])
