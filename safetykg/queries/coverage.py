"""How complete each accident's accountability chain is, and "named N of M" per published count.

Used by `safetykg coverage`, by the dashboard (accident page: `accountability_counts`; overview:
`coverage_rows` and `coverage_summary`) and by the tests. The mapping from a published count to the
named items that count toward it is declared once in safetykg/graph/counts.yaml.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from ..graph.counts import load_measures, named_count_query
from ..graph.store import Store

Row = dict[str, Any]


def accountability_counts(store: Store, accident_id: str) -> list[Row]:
    """The accident's published counts, each with how many of its items the graph names.

    `named` is None for a measure with no one-to-one named counterpart (see counts.yaml), so that
    "unknown" is never shown as 0. Parts ("其中…") carry `within_id`; they are listed after their parent.
    """
    measures = load_measures()
    counts = store.run(
        "MATCH (c:AccountabilityCount)-[:COUNTED_FOR]->(a:Accident) WHERE a.id = $accident_id "
        "RETURN c.id AS count_id, c.name AS name, c.measure AS measure, c.count AS published, "
        "c.subject AS subject, c.grade AS grade, c.within_id AS within_id, c.stated_date AS stated_date, "
        "c.amount_wan AS amount_wan, c.source_ids AS sources ORDER BY count_id",
        {"accident_id": accident_id},
    )
    named_cache: dict[tuple[str, bool], int | None] = {}
    subject_of = {c["count_id"]: c["subject"] for c in counts}
    rows: list[Row] = []
    for count in counts:
        measure = measures[count["measure"]]
        key = (measure.name, count["subject"] == "official")
        if not _nameable(count, subject_of):
            named: int | None = None
        elif key not in named_cache:
            query = named_count_query(measure, officials_only=key[1])
            named_cache[key] = (
                None if query is None else int(store.run(query, {"accident_id": accident_id})[0]["named"])
            )
            named = named_cache[key]
        else:
            named = named_cache[key]
        rows.append(
            {
                **count,
                "measure_zh": measure.zh,
                "measure_en": measure.en,
                "named": named,
                "sources": sorted(count["sources"] or []),
            }
        )
    # parents first, each followed by its parts
    order = {r["count_id"]: i for i, r in enumerate(rows)}
    rows.sort(key=lambda r: (order.get(r["within_id"] or r["count_id"], 0), r["within_id"] is not None, r["count_id"]))
    return rows


def _nameable(count: Row, subject_of: dict[str, Any]) -> bool:
    """Whether named items can be matched to this count at all.

    A top-level count: yes. A part ("其中…"): only when it narrows its parent to officials ("of the 20
    convicted, 7 officials"), which the role of a named person can show; a part by grade, by type of
    sanction within the same officials, or by other breakdowns cannot be matched and stays empty."""
    if count["within_id"] is None:
        return True
    return bool(count["subject"] == "official" and subject_of.get(count["within_id"]) != "official"
                and count["grade"] is None)


def named_of_published(counts: Iterable[Row]) -> tuple[int, int]:
    """(named, published) summed over top-level counts that have a named counterpart."""
    named = published = 0
    for row in counts:
        if row["within_id"] is None and row["named"] is not None:
            named += min(int(row["named"]), int(row["published"]))
            published += int(row["published"])
    return named, published


@dataclass(frozen=True)
class _Part:
    column: str
    query: str


# One grouped query per part of the chain; every one returns (id, value) for the accidents it concerns.
_PARTS: tuple[_Part, ...] = (
    _Part("investigations", "MATCH (a:Accident)-[:INVESTIGATED_BY]->(i:Investigation) "
          "RETURN a.id AS id, count(DISTINCT i.id) AS v"),
    _Part("lead", "MATCH (a:Accident)-[:INVESTIGATED_BY]->(:Investigation)-[:LED_BY]->(d:Department) "
          "RETURN a.id AS id, min(d.name) AS v"),
    _Part("report_date", "MATCH (a:Accident)-[:INVESTIGATED_BY]->(i:Investigation) "
          "WHERE i.approved_date IS NOT NULL OR i.published_date IS NOT NULL "
          "RETURN a.id AS id, min(coalesce(i.approved_date, i.published_date)) AS v"),
    _Part("report_doc", "MATCH (a:Accident)-[:INVESTIGATED_BY]->(i:Investigation) "
          "WHERE i.approval_doc_no IS NOT NULL OR i.report_doc_no IS NOT NULL "
          "RETURN a.id AS id, min(coalesce(i.approval_doc_no, i.report_doc_no)) AS v"),
    _Part("counts", "MATCH (c:AccountabilityCount)-[:COUNTED_FOR]->(a:Accident) "
          "RETURN a.id AS id, count(c) AS v"),
    _Part("count_sources", "MATCH (c:AccountabilityCount)-[:COUNTED_FOR]->(a:Accident) "
          "MATCH (c)-[:CITES]->(s:Source) RETURN a.id AS id, count(DISTINCT c.id) AS v"),
    _Part("persons", "MATCH (a:Accident)-[:INVESTIGATED_BY]->(:Investigation)-[:RECOMMENDS]->()-[:AGAINST]->(x:Person) "
          "RETURN a.id AS id, count(DISTINCT x.id) AS v"),
    _Part("defendants", "MATCH (a:Accident)-[:LED_TO]->(:CriminalCase)<-[:DEFENDANT_IN]-(x:Person) "
          "RETURN a.id AS id, count(DISTINCT x.id) AS v"),
    _Part("enterprises", "MATCH (x:Enterprise)-[:RESPONSIBLE_FOR]->(a:Accident) RETURN a.id AS id, count(DISTINCT x.id) AS v"),
    _Part("departments", "MATCH (x:Department)-[:RESPONSIBLE_FOR]->(a:Accident) RETURN a.id AS id, count(DISTINCT x.id) AS v"),
    _Part("penalties", "MATCH (a:Accident)-[:INVESTIGATED_BY]->(:Investigation)-[:RECOMMENDS]->(p:Penalty) "
          "RETURN a.id AS id, count(DISTINCT p.id) AS v"),
    _Part("penalties_with_amount", "MATCH (a:Accident)-[:INVESTIGATED_BY]->(:Investigation)-[:RECOMMENDS]->(p:Penalty) "
          "WHERE p.amount_wan IS NOT NULL RETURN a.id AS id, count(DISTINCT p.id) AS v"),
    _Part("disciplines", "MATCH (a:Accident)-[:INVESTIGATED_BY]->(:Investigation)-[:RECOMMENDS]->(d:Discipline) "
          "RETURN a.id AS id, count(DISTINCT d.id) AS v"),
    _Part("measures", "MATCH (a:Accident)-[:INVESTIGATED_BY]->(:Investigation)-[:RECOMMENDS]->(m:Measure) "
          "RETURN a.id AS id, count(DISTINCT m.id) AS v"),
    _Part("criminal_cases", "MATCH (a:Accident)-[:LED_TO]->(c:CriminalCase) RETURN a.id AS id, count(DISTINCT c.id) AS v"),
)

COLUMNS_ZH: dict[str, str] = {
    "accident_id": "事故编号",
    "accident": "事故",
    "date": "日期",
    "investigation": "调查",
    "lead": "牵头部门",
    "report_date": "报告批复/公布",
    "report_doc": "批复/报告文号",
    "counts": "公布统计",
    "named_of_published": "点名/公布",
    "persons": "被处理人员",
    "defendants": "被告",
    "enterprises": "责任企业",
    "departments": "责任部门",
    "penalties": "行政处罚",
    "penalties_with_amount": "有金额处罚",
    "disciplines": "党纪政务处分",
    "measures": "整改措施",
    "criminal_cases": "刑事案件",
    "complete": "有调查且有公布统计",
}


def coverage_rows(store: Store) -> list[Row]:
    """One row per accident: what its chain holds (investigation, counts, named items, penalties, …).

    `complete` is true when the accident has an investigation and at least one published count, every
    count cited by a Source — the test the issue sets for breadth.
    """
    accidents = store.run("MATCH (a:Accident) RETURN a.id AS id, a.name AS name, a.date AS date ORDER BY id")
    parts: dict[str, dict[str, Any]] = {}
    for part in _PARTS:
        parts[part.column] = {r["id"]: r["v"] for r in store.run(part.query)}
    rows: list[Row] = []
    for acc in accidents:
        aid = acc["id"]
        value = {column: parts[column].get(aid) for column in parts}
        counts_n = int(value["counts"] or 0)
        named, published = (0, 0)
        if counts_n:
            named, published = named_of_published(accountability_counts(store, aid))
        has_investigation = bool(value["investigations"])
        rows.append(
            {
                "accident_id": aid,
                "accident": acc["name"],
                "date": acc["date"],
                "investigation": has_investigation,
                "lead": value["lead"],
                "report_date": value["report_date"],
                "report_doc": value["report_doc"],
                "counts": counts_n,
                "named_of_published": f"{named}/{published}" if published else None,
                "persons": int(value["persons"] or 0),
                "defendants": int(value["defendants"] or 0),
                "enterprises": int(value["enterprises"] or 0),
                "departments": int(value["departments"] or 0),
                "penalties": int(value["penalties"] or 0),
                "penalties_with_amount": int(value["penalties_with_amount"] or 0),
                "disciplines": int(value["disciplines"] or 0),
                "measures": int(value["measures"] or 0),
                "criminal_cases": int(value["criminal_cases"] or 0),
                "complete": has_investigation and counts_n > 0 and int(value["count_sources"] or 0) == counts_n,
            }
        )
    return rows


def coverage_summary(rows: list[Row]) -> Row:
    """Totals for the overview: how many accidents have an investigation and a published count."""
    complete = sum(1 for r in rows if r["complete"])
    return _summary(len(rows), complete, sum(1 for r in rows if r["investigation"]), sum(1 for r in rows if r["counts"]))


_PART_QUERIES = {part.column: part.query for part in _PARTS}
_TOTALS = (
    "MATCH (a:Accident) "
    "RETURN count(a) AS accidents, "
    "sum(CASE WHEN EXISTS { MATCH (a)-[:INVESTIGATED_BY]->(:Investigation) } THEN 1 ELSE 0 END) AS investigated"
)
_INVESTIGATED_AMONG = ("MATCH (a:Accident)-[:INVESTIGATED_BY]->(:Investigation) WHERE a.id IN $ids "
                       "RETURN DISTINCT a.id AS id")


def coverage_totals(store: Store) -> Row:
    """`coverage_summary` of every accident without a row per accident: the overview's line. At 1M
    accidents `coverage_rows` took 61 s, and the dashboard's first paint waited for it."""
    totals = store.run(_TOTALS)[0]
    counts = {r["id"]: int(r["v"] or 0) for r in store.run(_PART_QUERIES["counts"])}
    cited = {r["id"]: int(r["v"] or 0) for r in store.run(_PART_QUERIES["count_sources"])}
    with_counts = [aid for aid, n in counts.items() if n]
    investigated = {r["id"] for r in store.run(_INVESTIGATED_AMONG, {"ids": with_counts})} if with_counts else set()
    complete = sum(1 for aid in with_counts if aid in investigated and cited.get(aid, 0) == counts[aid])
    return _summary(int(totals["accidents"] or 0), complete, int(totals["investigated"] or 0), len(with_counts))


def _summary(total: int, complete: int, with_investigation: int, with_counts: int) -> Row:
    return {
        "accidents": total,
        "complete": complete,
        "with_investigation": with_investigation,
        "with_counts": with_counts,
        "line_zh": f"{total} 起事故中 {complete} 起有调查且至少有一项公布的问责统计",
        "line_en": f"{complete} of {total} accidents have an investigation and at least one published count",
    }
