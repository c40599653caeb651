"""Saved audit files without an engine: header parsing, parameter declaration and coercion, the
read-only check on audit text, row sorting and snapshot diffs. Engine tests live in test_audits.py."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from safetykg.graph.store import ReadOnlyViolation
from safetykg.queries.report import diff_snapshots, snapshot
from safetykg.queries.runner import (
    SEVERITIES,
    Audit,
    AuditError,
    AuditParam,
    AuditParamError,
    AuditWriteRefused,
    OrderTerm,
    UnknownAudit,
    coerce_param,
    get_audit,
    list_audits,
    pages_itself,
    parse_audit,
    query_params,
    resolve_params,
    run_audit,
    sort_rows,
    unpaged,
)

AUDIT_IDS = {
    "unexecuted-penalties", "licence-not-revoked", "undisciplined-officials", "stalled-criminal-cases",
    "cross-province-accountability-breaks", "repeat-incidents", "short-interval-relapse", "rectification-overdue",
    "resumed-before-rectified", "approval-chain-failures", "regulatory-blind-spots", "department-scorecard",
    "review-findings-by-category", "accountability-gaps",
}
D = "2020-09-30"


HEADER = """// id: sample
// title_zh: 样例
// title_en: Sample
// severity: low
// explains_zh: 第一行
//   第二行
// explains_en: first line
//   second line
"""


def test_every_shipped_audit_parses_with_metadata():
    audits = list_audits()
    assert {a.id for a in audits} == AUDIT_IDS
    for audit in audits:
        assert audit.severity in SEVERITIES
        assert audit.title_zh and audit.title_en and audit.explains_zh and audit.explains_en
        assert (audit.count_query or audit.count_sums) and audit.count_zh and audit.count_en, audit.id
        assert audit.row_key, audit.id
        assert audit.param("as_of") is not None and audit.param("as_of").default == "today"
        for param in audit.params:
            assert param.description, (audit.id, param.name)
            assert param.default_value(dt.date(2020, 1, 1)) is not None
    assert [a.severity for a in audits] == sorted((a.severity for a in audits), key=SEVERITIES.index)
    assert get_audit("repeat-incidents").param("window_days") == AuditParam(
        "window_days", "int", "365", "时间窗（天） / maximum days between the two accidents"
    )


def test_header_continuations_join_without_spaces_in_chinese():
    audit = parse_audit(HEADER + "MATCH (a:Accident) RETURN a.id AS id ORDER BY id")
    assert audit.explains_zh == "第一行第二行"
    assert audit.explains_en == "first line second line"
    assert audit.columns == ["id"]


def test_undeclared_parameter_is_rejected():
    with pytest.raises(AuditError, match=r"undeclared parameter\(s\) \$days"):
        parse_audit(HEADER + "MATCH (a:Accident) WHERE a.day <= $days RETURN a.id AS id")
    with pytest.raises(AuditError, match=r"\$limit"):
        parse_audit(
            HEADER + "// param: as_of date today d\nMATCH (a:Accident) WHERE a.day <= $as_of_day RETURN a.id AS id\n"
            "// ---- count\nMATCH (a:Accident) RETURN count(a) AS x, $limit AS y"
        )
    # a `$` inside a string literal or a comment is not a parameter
    parse_audit(HEADER + "MATCH (a:Accident) WHERE a.name <> '$x' // $y\nRETURN a.id AS id")


def test_declared_parameter_must_be_used():
    with pytest.raises(AuditError, match="never used: days"):
        parse_audit(HEADER + "// param: days int 60 d\nMATCH (a:Accident) RETURN a.id AS id")


def test_date_parameter_gives_iso_and_day_and_only_referenced_ones_are_passed():
    audit = parse_audit(
        HEADER + "// param: as_of date today d\n// param: days int 60 d\n"
        "MATCH (a:Accident) WHERE a.day <= $as_of_day AND a.day >= $as_of_day - $days RETURN a.id AS id"
    )
    resolved = resolve_params(audit, {"as_of": "2020-09-30", "days": "30"})
    assert resolved == {"as_of": dt.date(2020, 9, 30), "days": 30}
    assert query_params(audit.rows_query, resolved) == {"as_of_day": 18535, "days": 30}
    assert query_params("RETURN $as_of AS d", resolved) == {"as_of": "2020-09-30"}
    assert resolve_params(audit, {}, today=dt.date(2021, 1, 1))["as_of"] == dt.date(2021, 1, 1)


@pytest.mark.parametrize(
    "clause",
    [
        "CREATE (x:Accident {id: 'X'})",
        "MATCH (a:Accident) SET a.name = 'x'",
        "MATCH (a:Accident) DETACH DELETE a",
        "MERGE (x:Accident {id: 'X'})",
        "CALL apoc.do.it()",
    ],
)
def test_write_clause_is_refused(clause: str):
    with pytest.raises(AuditWriteRefused) as caught:
        parse_audit(HEADER + clause + " RETURN 1 AS one")
    assert isinstance(caught.value, ReadOnlyViolation)
    with pytest.raises(AuditWriteRefused):
        parse_audit(HEADER + "MATCH (a:Accident) RETURN a.id AS id\n// ---- subgraph\n" + clause + " RETURN 1 AS src")
    # the word inside a string is harmless
    parse_audit(HEADER + "MATCH (a:Accident) WHERE a.name CONTAINS 'CREATE' RETURN a.id AS id")


def test_bad_files_are_rejected():
    with pytest.raises(AuditError, match="missing"):
        parse_audit("// id: x\nMATCH (a:Accident) RETURN a.id AS id")
    with pytest.raises(AuditError, match="severity"):
        parse_audit(HEADER.replace("severity: low", "severity: urgent") + "MATCH (a) RETURN 1 AS x")
    with pytest.raises(AuditError, match="type"):
        parse_audit(HEADER + "// param: n float 1 d\nMATCH (a:Accident) WHERE a.deaths > $n RETURN a.id AS id")
    with pytest.raises(AuditError, match="bad default"):
        parse_audit(HEADER + "// param: n int ten d\nMATCH (a:Accident) WHERE a.deaths > $n RETURN a.id AS id")
    with pytest.raises(AuditError, match="unknown header key"):
        parse_audit(HEADER + "// colour: red\nMATCH (a:Accident) RETURN a.id AS id")
    with pytest.raises(AuditError, match="must return x and y"):
        parse_audit(HEADER + "MATCH (a:Accident) RETURN a.id AS id\n// ---- count\nMATCH (a:Accident) RETURN count(a) AS n")
    with pytest.raises(AuditError, match="must return x and y"):  # y alone means x = the rows' total; x alone means nothing
        parse_audit(HEADER + "MATCH (a:Accident) RETURN a.id AS id\n// ---- count\nMATCH (a:Accident) RETURN count(a) AS x")
    with pytest.raises(AuditError, match="subgraph query must return"):
        parse_audit(HEADER + "MATCH (a:Accident) RETURN a.id AS id\n// ---- subgraph\nMATCH (a:Accident) RETURN a.id AS src")
    with pytest.raises(AuditError, match="row_key"):
        parse_audit(HEADER + "// row_key: nope\nMATCH (a:Accident) RETURN a.id AS id")
    with pytest.raises(AuditError, match="does not match the file name"):
        parse_audit(HEADER + "MATCH (a:Accident) RETURN a.id AS id", Path("other.cypher"))


def test_parameter_coercion():
    date, number, text, listed = (AuditParam("p", kind, None, "") for kind in ("date", "int", "string", "list"))
    assert coerce_param(date, "2020-09-30") == dt.date(2020, 9, 30)
    assert coerce_param(date, dt.date(2020, 9, 30)) == dt.date(2020, 9, 30)
    assert coerce_param(date, "today", today=dt.date(2021, 2, 3)) == dt.date(2021, 2, 3)
    assert coerce_param(number, "365") == 365 and coerce_param(number, 7) == 7 and coerce_param(number, "-2") == -2
    assert coerce_param(text, 12) == "12"
    assert coerce_param(listed, "盲区, 空白") == ["盲区", "空白"]
    assert coerce_param(listed, '["a", "b,c"]') == ["a", "b,c"]
    assert coerce_param(listed, ("x",)) == ["x"]
    for param, bad in ((date, "2020-13-01"), (date, "30/09/2020"), (number, "3.5"), (number, True), (number, "ten")):
        with pytest.raises(AuditParamError):
            coerce_param(param, bad)
    audit = get_audit("repeat-incidents")
    with pytest.raises(AuditParamError, match="unknown parameter"):
        resolve_params(audit, {"window": 3})
    assert resolve_params(audit, {"window_days": "30", "as_of": D})["window_days"] == 30


def test_unknown_audit():
    with pytest.raises(UnknownAudit):
        get_audit("no-such-audit")
    with pytest.raises(UnknownAudit):
        get_audit("../runner")


def test_sort_rows_is_total_and_puts_nulls_where_asked():
    data = [{"k": None, "n": 1}, {"k": 3, "n": 2}, {"k": 5, "n": 3}, {"k": 3, "n": 0}]
    assert [r["n"] for r in sort_rows(data, [OrderTerm("k")])] == [0, 2, 3, 1]
    assert [r["n"] for r in sort_rows(data, [OrderTerm("k", descending=True)])] == [1, 3, 0, 2]
    assert [r["n"] for r in sort_rows(data, [OrderTerm("k", True, nulls_last=True)])] == [3, 0, 2, 1]
    assert sort_rows([{"l": ["b", "a"]}], []) == [{"l": ["a", "b"]}]


def test_snapshot_diff_without_row_key_compares_whole_rows():
    def snap(values: list[int]) -> dict[str, Any]:
        audit = parse_audit(HEADER + "MATCH (a:Accident) RETURN a.deaths AS n")
        from safetykg.queries.report import AuditRun
        from safetykg.queries.runner import AuditResult

        return snapshot([AuditRun(audit, AuditResult([{"n": v} for v in values], None))], D, "test")

    (diff,) = diff_snapshots(snap([1, 2]), snap([2, 3]))
    assert (diff.appeared, diff.disappeared, diff.changed) == ([{"n": 3}], [{"n": 1}], [])


def test_audit_type_is_what_the_dashboard_reads():
    audit: Audit = get_audit("stalled-criminal-cases")
    assert [p.name for p in audit.params] == ["as_of", "years"]
    assert audit.rows_query.lstrip().startswith("MATCH")
    assert audit.subgraph_query and "src_label" in audit.subgraph_query
    assert audit.count_query and " AS x" in audit.count_query


# ---------------------------------------------------------------------------- paging sections
EARLY = HEADER + """// param: as_of date today d
// row_key: id
MATCH (a:Accident) WHERE a.day <= $as_of_day
WITH a ORDER BY a.id SKIP $page_offset LIMIT $page_limit  // page
OPTIONAL MATCH (a)-[:OCCURRED_IN]->(r:Region)
RETURN a.id AS id, collect(r.name) AS places
ORDER BY id
// ---- total
MATCH (a:Accident) WHERE a.day <= $as_of_day RETURN count(a) AS total
"""


class FakeStore:
    """Records each query and its parameters; answers a total query with 7 and a rows query with `rows`."""

    engine = "fake"

    def __init__(self, rows: list[dict[str, Any]]):
        self.rows = rows
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def run(self, query: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        self.calls.append((query, dict(params or {})))
        return [{"total": 7}] if "AS total" in query else list(self.rows)


def test_total_section_and_early_paging_are_parsed_and_checked():
    audit = parse_audit(EARLY)
    assert pages_itself(audit.rows_query)
    assert unpaged(audit.rows_query) == audit.rows_query.replace(
        "WITH a ORDER BY a.id SKIP $page_offset LIMIT $page_limit  // page\n", ""
    )
    assert audit.total_query and audit.query("total") == audit.total_query
    assert audit.columns == ["id", "places"]
    broken = [  # (what a malformed early-paging audit reads like, the error that names the mistake)
        (EARLY.split("// ---- total")[0], "needs a '// ---- total' section"),
        (EARLY.replace("count(a) AS total", "count(a) AS n"), "total query must return one column"),
        (EARLY.replace("SKIP $page_offset ", ""), "use both"),
        (EARLY.replace("  // page", ""), "used only on '// page' lines"),
        (EARLY.replace("RETURN count(a) AS total", "RETURN count(a) AS total SKIP $page_offset LIMIT $page_limit"),
         "only the rows query may page itself"),
        (EARLY.replace("// row_key: id", "// param: page_limit int 5 d\n// row_key: id"), "reserved for paging"),
        (EARLY.replace("// ---- total", "// ---- totals"), "unknown section"),
    ]
    for text, message in broken:
        with pytest.raises(AuditError, match=message):
            parse_audit(text)


def test_early_paged_audit_gets_the_page_and_counts_with_its_total_section():
    audit = parse_audit(EARLY)
    rows = [{"id": "A2", "places": []}, {"id": "A1", "places": ["x"]}]
    store = FakeStore(rows)
    every = run_audit(store, audit, {"as_of": D})  # type: ignore[arg-type]
    assert [r["id"] for r in every.rows] == ["A1", "A2"] and every.total == 2
    assert [c[0] for c in store.calls] == [unpaged(audit.rows_query)]  # every row: the page lines dropped
    assert store.calls[0][1] == {"as_of_day": 18535}
    store = FakeStore(rows)
    page = run_audit(store, audit, {"as_of": D}, limit=2, offset=2)  # type: ignore[arg-type]
    assert (page.total, page.offset, page.limit) == (7, 2, 2)
    assert [(c[1].get("page_offset"), c[1].get("page_limit")) for c in store.calls] == [(2, 2), (None, None)]
    assert store.calls[1][0] == audit.total_query
    store = FakeStore(rows)
    short = run_audit(store, audit, {"as_of": D}, limit=5, offset=3)  # type: ignore[arg-type]
    assert short.total == 5 and len(store.calls) == 1  # a short page shows the total itself


def test_engine_paged_audit_counts_with_its_total_section_when_it_has_one():
    plain = HEADER + "// row_key: id\nMATCH (a:Accident) RETURN a.id AS id ORDER BY id\n"
    store = FakeStore([{"id": "A1"}, {"id": "A2"}])
    run_audit(store, parse_audit(plain), limit=2)  # type: ignore[arg-type]
    assert "SKIP $page_offset LIMIT $page_limit" in store.calls[0][0]
    assert "count(*) AS total" in store.calls[1][0]
    store = FakeStore([{"id": "A1"}, {"id": "A2"}])
    with_total = parse_audit(plain + "// ---- total\nMATCH (a:Accident) RETURN count(a) AS total\n")
    assert run_audit(store, with_total, limit=2).total == 7  # type: ignore[arg-type]
    assert store.calls[1][0] == with_total.total_query


def test_count_sums_add_two_columns_up_and_refuse_count_and_paging():
    query = "MATCH (d:Department) RETURN d.id AS id, 1 AS open_items, 2 AS items ORDER BY id"
    audit = parse_audit(HEADER + "// count_sums: open_items, items\n" + query)
    assert audit.count_sums == ("open_items", "items") and audit.count_query is None
    with pytest.raises(AuditError, match="two columns"):
        parse_audit(HEADER + "// count_sums: open_items\n" + query)
    with pytest.raises(AuditError, match="not returned"):
        parse_audit(HEADER + "// count_sums: open_items, nothing\n" + query)
    with pytest.raises(AuditError, match="no count or total section"):
        parse_audit(HEADER + "// count_sums: open_items, items\n" + query + "\n// ---- count\nRETURN 1 AS y")


def test_a_scorecard_page_carries_the_total_and_the_count_of_every_row(ladybug_store):
    """department-scorecard pages in Python (count_sums): a page of 2 still has every department's total
    and the count summed over all of them, the same as the whole run."""
    from safetykg.loaders.load import load_paths

    load_paths(ladybug_store, [Path(__file__).resolve().parents[1] / "data"])
    audit = get_audit("department-scorecard")
    whole = run_audit(ladybug_store, audit, {"as_of": "2026-01-01"})
    assert whole.total == len(whole.rows) > 2
    assert whole.count == (sum(r["open_items"] for r in whole.rows), sum(r["items"] for r in whole.rows))
    page = run_audit(ladybug_store, audit, {"as_of": "2026-01-01"}, limit=2, offset=1)
    assert page.rows == whole.rows[1:3] and page.total == whole.total and page.count == whole.count


def test_a_count_section_of_several_statements_runs_each_and_adds_x_and_y_up(ladybug_store):
    """A count section may repeat `// ---- count`: each statement runs on its own (repeat-incidents counts
    1M accidents and 79k links faster apart), and the result equals one statement counting both."""
    from safetykg.loaders.load import load_paths
    from safetykg.queries.runner import count_statements

    load_paths(ladybug_store, [Path(__file__).resolve().parents[1] / "data"])
    rows = "MATCH (a:Accident) RETURN a.id AS id ORDER BY id\n"
    together = parse_audit(HEADER + rows + "// ---- count\n"
                           "MATCH (a:Accident) WITH count(a) AS n MATCH (r:Region) RETURN n AS x, count(r) AS y\n")
    apart = parse_audit(HEADER + rows + "// ---- count\nMATCH (r:Region) RETURN count(r) AS y\n\n"
                        "// ---- count\n// the accidents\nMATCH (a:Accident) RETURN count(a) AS x\n")
    assert [s.splitlines()[-1] for s in count_statements(apart.query("count") or "")] == [
        "MATCH (r:Region) RETURN count(r) AS y", "MATCH (a:Accident) RETURN count(a) AS x"]
    expected = run_audit(ladybug_store, together).count
    assert expected and expected[0] > 0 and expected[1] > 0
    assert run_audit(ladybug_store, apart).count == expected
    y_alone = parse_audit(HEADER + rows + "// ---- count\nMATCH (r:Region) RETURN count(r) AS y\n"
                          "// ---- count\nMATCH (r:Region) RETURN count(r) AS y\n")
    whole = run_audit(ladybug_store, y_alone)
    assert whole.count == (whole.total, 2 * expected[1])  # no statement returns x: x is the rows' total
    for text, message in [
        (rows + "// ---- count\nMATCH (a:Accident) RETURN count(a) AS x\n// ---- count\nRETURN 1 AS x\n", "one of them y"),
        (rows + "// ---- count\nRETURN 1 AS y\n// ---- count\nRETURN 1 AS n\n", "x, y or both"),
        (rows + "// ---- total\nRETURN 1 AS total\n// ---- total\nRETURN 1 AS total\n", "appears twice"),
    ]:
        with pytest.raises(AuditError, match=message):
            parse_audit(HEADER + text)


def test_total_x_takes_the_page_total_from_the_count(ladybug_store):
    """`total: x` (rows one per item x counts): a page's total is the count's x, with no pass of its own."""
    from safetykg.loaders.load import load_paths

    load_paths(ladybug_store, [Path(__file__).resolve().parents[1] / "data"])
    rows = "// total: x\nMATCH (a:Accident) RETURN a.id AS id ORDER BY id\n"
    count = "// ---- count\nMATCH (a:Accident) RETURN count(a) AS x, count(a) AS y\n"
    audit = parse_audit(HEADER + rows + count)
    assert audit.total_is_x and audit.total_query is None
    every = run_audit(ladybug_store, audit)
    page = run_audit(ladybug_store, audit, limit=2, offset=1)
    assert every.total == len(every.rows) > 3 and page.total == every.total and page.count == every.count
    assert page.rows == every.rows[1:3]
    lying = parse_audit(HEADER + rows + count.replace("count(a) AS x", "count(a) + 1 AS x"))
    assert run_audit(ladybug_store, lying, limit=2).total == every.total + 1  # the count is what it reads
    for text, message in [
        (rows.replace("total: x", "total: y") + count, "total names the count's x"),
        (rows + count + "// ---- total\nMATCH (a:Accident) RETURN count(a) AS total\n", "no total section"),
        (rows + "// ---- count\nMATCH (a:Accident) RETURN count(a) AS y\n", "returns x"),
        (rows, "returns x"),
    ]:
        with pytest.raises(AuditError, match=message):
            parse_audit(HEADER + text)
