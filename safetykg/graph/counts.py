"""The count model (counts.yaml): which named items count toward each published accountability measure.

One declaration serves the accident page, `safetykg coverage` and the saved audit
`accountability-gaps.cypher`; the audit's query text is generated here (`gaps_audit_text`) and a test
keeps the shipped file equal to it, so the mapping cannot drift between Python and Cypher.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from .schema import load_schema

COUNTS_PATH = Path(__file__).with_name("counts.yaml")


@dataclass(frozen=True)
class NamedPattern:
    """A path from the accident `a` to a counted item `x`, with an optional condition."""

    match: str
    where: str | None = None


@dataclass(frozen=True)
class Measure:
    name: str
    zh: str
    en: str
    named: NamedPattern | None


class CountModelError(ValueError):
    """counts.yaml disagrees with the schema (unknown or missing measure, pattern without `a`/`x`)."""


def parse_measures(document: dict[str, Any]) -> dict[str, Measure]:
    measures: dict[str, Measure] = {}
    for name, spec in (document.get("measures") or {}).items():
        named_spec = spec.get("named")
        named = NamedPattern(str(named_spec["match"]), named_spec.get("where")) if named_spec else None
        if named and ("(a)" not in named.match or "(x:" not in named.match):
            raise CountModelError(f"counts.yaml: {name}: the pattern must start at (a) and bind (x:Label)")
        measures[name] = Measure(name, str(spec.get("zh", "")), str(spec.get("en", "")), named)
    declared = set(load_schema().label("AccountabilityCount").properties["measure"].enum)
    if set(measures) != declared:
        raise CountModelError(
            "counts.yaml and schema.yaml AccountabilityCount.measure differ: "
            f"missing {sorted(declared - set(measures))}, unknown {sorted(set(measures) - declared)}"
        )
    return measures


@lru_cache(maxsize=1)
def load_measures(path: Path = COUNTS_PATH) -> dict[str, Measure]:
    return parse_measures(yaml.safe_load(path.read_text(encoding="utf-8")))


def named_count_query(measure: Measure, officials_only: bool = False) -> str | None:
    """Cypher counting the distinct named items of one measure for the accident `$accident_id`.

    `officials_only` narrows a person count to role `official`, for a count whose subject is officials
    (e.g. "of the 20 convicted, 7 officials")."""
    if measure.named is None:
        return None
    conditions = [c for c in (measure.named.where,) if c]
    if officials_only and "(x:Person)" in measure.named.match and "x.role = 'official'" not in conditions:
        conditions.append("x.role = 'official'")
    where = f" WHERE {' AND '.join(conditions)}" if conditions else ""
    return (
        "MATCH (a:Accident) WHERE a.id = $accident_id "
        f"MATCH {measure.named.match}{where} "
        "RETURN count(DISTINCT x.id) AS named"
    )


_GAPS_HEADER = """\
// id: accountability-gaps
// title_zh: 公布的问责人数多于图中点名的人数
// title_en: Published accountability counts the graph does not name in full
// severity: medium
// explains_zh: 每行是一条公布的问责统计（如“49名公职人员被追责问责”，AccountabilityCount，非“其中”子项），
//   图中按 safetykg/graph/counts.yaml 对应到的点名对象（人员、企业、部门、处罚）少于公布数：
//   named 为图中点名数，published 为公布数，unnamed 为差额。差额通常意味着名单未公开或尚未录入；
//   研究人员和记者可据此向纪检监察机关、法院或应急管理部门申请公开名单，录入人员可据此补全。
//   没有一一对应点名对象的口径（总数、组织处理、移交纪检）不列出。
// explains_en: Each row is a published accountability count (e.g. "49 officials held accountable"; an
//   AccountabilityCount that is not a "of whom" part of another) for which the graph names fewer items than
//   published, matched by the declaration in safetykg/graph/counts.yaml: named = items named in the graph,
//   published = the published count, unnamed = the difference. A gap usually means the list was never
//   published or not yet entered; ask the discipline body, court or safety regulator for the list. Measures
//   without a one-to-one named counterpart (overall totals, organisational handling, transfers) are not listed.
// param: as_of date today 基准日 / reference date (counts published after it are ignored)
// row_key: count_id
// order: unnamed desc, accident_id, count_id
// count_zh: x = 点名不全的公布统计数；y = 可对应点名对象的公布统计总数
// count_en: x = published counts not named in full; y = published counts with a named counterpart
"""


def _named_branches(measures: dict[str, Measure]) -> list[str]:
    """Every top-level count known by `as_of`, with `named` computed by its measure's declared pattern:
    one UNION ALL branch per distinct pattern, taking only the counts of the measures that share it.

    A count has exactly one measure, so only its own branch has to walk its pattern. (One OPTIONAL
    MATCH per measure chained in one query made every count pass through all thirteen patterns, and
    LadybugDB evaluates each such pattern over the whole graph: ~1 s at 100k accidents with no count
    at all.) The rows, subgraph and count sections share the branches; the runner adds up the count
    rows, and the rows' order is the `order:` header."""
    groups: dict[tuple[str, str | None], list[str]] = {}
    for measure in measures.values():
        if measure.named is not None:
            groups.setdefault((measure.named.match, measure.named.where), []).append(measure.name)
    branches = []
    for (match, where), names in groups.items():
        listed = ", ".join(f"'{name}'" for name in names)
        lines = [
            "MATCH (c:AccountabilityCount)-[:COUNTED_FOR]->(a:Accident)",
            f"WHERE c.within_id IS NULL AND c.measure IN [{listed}]",
            "  AND (c.stated_day IS NULL OR c.stated_day <= $as_of_day)",
            f"OPTIONAL MATCH {match}",
            *([f"WHERE {where}"] if where else []),
            "WITH c, a, count(DISTINCT x.id) AS named",
        ]
        branches.append("\n".join(lines) + "\n")
    return branches


def gaps_audit_text(measures: dict[str, Measure] | None = None) -> str:
    """The full text of safetykg/queries/accountability-gaps.cypher, generated from the declaration."""
    measures = measures if measures is not None else load_measures()
    branches = _named_branches(measures)
    rows = "UNION ALL\n".join(
        branch + "WHERE named < c.count\n"
        "RETURN a.id AS accident_id, a.name AS accident, c.id AS count_id, c.measure AS measure,\n"
        "       c.count AS published, named AS named, c.count - named AS unnamed, c.stated_date AS stated_date,\n"
        "       c.source_ids AS sources\n"
        for branch in branches
    )
    subgraph = "UNION ALL\n".join(
        branch + "WHERE named < c.count\n"
        "RETURN c.id AS src, 'AccountabilityCount' AS src_label, 'COUNTED_FOR' AS rel, a.id AS dst,\n"
        "       'Accident' AS dst_label, c.name AS src_name, a.name AS dst_name\n"
        for branch in branches
    )
    count = "UNION ALL\n".join(
        branch + "RETURN sum(CASE WHEN named < c.count THEN 1 ELSE 0 END) AS x, count(c) AS y\n" for branch in branches
    )
    return f"{_GAPS_HEADER}{rows}\n// ---- subgraph\n{subgraph}\n// ---- count\n{count}"
