"""What the overview and each audit's first page read, prepared in the server when it starts and
whenever the graph changes, so the first analyst to open a page does not wait for a national scan.

At 1M accidents the overview's reads take about 3 s and counting every audit's open items 20-30 s; an
audit's first page up to 7 s. All of them go through the cached reads of `data`, so the server's
warm-up thread (`keep_prepared`, started by serve.py) and a page ask for the same entries, and a page
opened while the warm-up is still at work waits for the entry being computed instead of computing it
twice. `SAFETYKG_DASHBOARD_PREPARE=0` switches the warm-up off (every entry is then computed by the
first page that asks).
"""

from __future__ import annotations

import logging
import os
import sys
import time
from typing import Any

from . import audits, data, filterbar

PAGE_ROWS = 200  # an audit page's rows fetched and shown at a time; the total is counted by the audit
PICTURE_MAX_ROWS = 2000  # above this many rows the picture would be a hairball and its query a national scan
PROVINCES = "MATCH (r:Region) WHERE r.level = $level RETURN r.adcode AS adcode, r.name AS name"
REVIEWS = (
    "MATCH (r:Review) RETURN r.id AS id, r.name AS name, r.period_from AS period_from, r.period_to AS period_to, "
    "r.accidents_especially_major AS accidents_especially_major, r.accidents_major AS accidents_major, "
    "r.provinces AS provinces, r.problems_found AS problems_found, r.recommendations AS recommendations, "
    "r.notice_date AS notice_date, r.evaluation_done_date AS evaluation_done_date, r.summary AS summary"
)
REVIEWED = "MATCH (r:Review)-[:REVIEWED]->(a:Accident) WHERE r.id = $id RETURN count(a) AS c"
FINDINGS = "MATCH (r:Review)-[:FOUND]->(f:Finding) WHERE r.id = $id RETURN count(f) AS c"
READY_MARK = "[safetykg] dashboard prepared"
PREPARE_ENV = "SAFETYKG_DASHBOARD_PREPARE"
POLL_S = 15.0

log = logging.getLogger(__name__)


def first_page(audit: audits.Audit) -> audits.AuditRun:
    """The audit's first page with its default parameters (as of today): what the overview counts and
    what the audit page shows when 运行 is pressed without changing anything."""
    return data.audit_page(audit, audits.resolve(audit, {}), PAGE_ROWS)


def open_items() -> list[dict[str, Any]]:
    """Every saved audit with its default parameters: how many rows (open items) it returns, and how many
    items it cannot judge. One broken audit must not hide the others."""
    found = []
    for audit in audits.list_audits():
        judged = audits.judged_label(audit)
        try:
            run = first_page(audit)
            found.append({"id": audit.id, "rows": run.total, "unjudged": data.unjudged(judged) if judged else None,
                          "count": f"{run.count[0]} / {run.count[1]}" if run.count else "", "error": ""})
        except Exception as exc:
            found.append({"id": audit.id, "rows": None, "unjudged": None, "count": "", "error": str(exc)})
    return found


def overview() -> list[dict[str, Any]]:
    """The overview's reads, in the order it shows them (the sidebar's first); its open items."""
    filterbar.regions()
    filterbar.facets()
    data.counts()
    data.rows(PROVINCES, {"level": "province"})
    data.coverage_summary()
    items = open_items()
    for review in data.rows(REVIEWS):
        data.rows(REVIEWED, {"id": review["id"]})
        data.rows(FINDINGS, {"id": review["id"]})
    return items


def audit_pictures(items: list[dict[str, Any]]) -> None:
    """The picture of every audit whose default result (`open_items`) is small enough to draw, with what
    names its nodes and sources (the whole graph in memory only when it is small, as the pages do). An
    audit whose first page failed is not run again: its page shows the error when opened."""
    data.sources()
    if not data.graph_is_large():
        data.full_graph()
    by_id = {audit.id: audit for audit in audits.list_audits()}
    for item in items:
        if item["rows"] is not None and item["rows"] <= PICTURE_MAX_ROWS:
            audit = by_id[item["id"]]
            try:
                data.audit_subgraph(audit, audits.resolve(audit, {}))
            except Exception:  # one broken picture must not keep the others from being prepared
                continue


def prepare() -> float:
    """Everything above, for the store's current version; returns the seconds it took."""
    began = time.perf_counter()
    audit_pictures(overview())
    return time.perf_counter() - began


def keep_prepared() -> None:
    """The server's warm-up loop: prepare once the graph opens, and again whenever its version changes.
    Prints `READY_MARK` with the seconds it took (on stderr, where the server logs)."""
    done: str | None = None
    while True:
        try:
            version = data.holder().version()
            if version != done:
                data.holder().store()  # no graph yet: wait for one
                seconds = prepare()
                done = version
                print(f"{READY_MARK} in {seconds:.1f} s ({data.holder().config.describe()})", file=sys.stderr,
                      flush=True)
        except Exception as exc:  # the pages report store errors; the warm-up tries again later
            log.warning("dashboard warm-up failed: %s", exc)
        time.sleep(POLL_S)


def enabled() -> bool:
    return os.environ.get(PREPARE_ENV, "1") != "0"
