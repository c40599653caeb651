"""The saved audit queries, as the dashboard and the exports see them: the runner, called directly.

Parameters are coerced by the runner (`resolve_params`), the one place that knows the
declared types; this module only adds what a page needs around it — titles in the
reader's language, a widget's starting value, reader names for columns and values.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..graph.schema import load_schema
from ..graph.store import Store
from ..queries.runner import Audit, AuditParam, audit_subgraph, get_audit, list_audits, resolve_params, run_audit
from ..queries.vocabulary import load_vocabulary

__all__ = ["Audit", "AuditParam", "AuditRun", "get_audit", "list_audits"]


@dataclass(frozen=True)
class AuditRun:
    """One run of an audit as a page shows it: rows, columns, x-of-y count and the parameters used."""

    rows: list[dict[str, Any]]
    columns: list[str]
    count: tuple[int, int] | None
    params: dict[str, Any]
    total: int | None = None  # every row's number when `rows` is one page of them
    offset: int = 0


# The label an audit judges, by the id column its rows lead with; its items need a date or status to be judged.
JUDGED_BY_COLUMN = {
    "penalty_id": "Penalty", "discipline_id": "Discipline", "case_id": "CriminalCase", "measure_id": "Measure",
    "earlier_id": "Accident",
}


def judged_label(audit: Audit) -> str | None:
    return next((JUDGED_BY_COLUMN[c] for c in audit.columns if c in JUDGED_BY_COLUMN), None)


STATUS_PROPERTIES = ("status", "stage", "checked_status")


def unjudged_query(label: str) -> str:
    """Count the items of `label` an audit cannot place in time: an accident without a date; an item
    without any dated stage and without a status. Label and property names come from the schema, never
    from the reader; the count runs in the engine, so a national graph is never pulled into memory."""
    spec = load_schema().labels[label]
    if label == "Accident":
        wanted = ["date"]
    else:
        wanted = [p for p in spec.properties if p.endswith("_date") or p == "date"]
        wanted += [p for p in STATUS_PROPERTIES if p in spec.properties]
    blank = " AND ".join(f"coalesce(n.{p}, '') = ''" for p in wanted) or "true"
    return f"MATCH (n:{spec.name}) WHERE {blank} RETURN count(n) AS c"


def unjudged(store: Store, label: str) -> int:
    found = store.run(unjudged_query(label))
    return int(found[0]["c"]) if found else 0


def page_run(store: Store, audit: Audit, params: Mapping[str, Any], limit: int, offset: int = 0) -> AuditRun:
    """One page of an audit's rows, with the number of all rows (`total`) and the count."""
    result = run_audit(store, audit, params, limit=limit, offset=offset)
    count = (int(result.count[0]), int(result.count[1])) if result.count else None
    return AuditRun(list(result.rows), list(result.columns), count, dict(result.params), result.total, offset)


def audit_title(audit: Audit, lang: str = "zh") -> str:
    return (audit.title_en if lang == "en" else audit.title_zh) or audit.title_zh or audit.id


def audit_explains(audit: Audit, lang: str = "zh") -> str:
    return (audit.explains_en if lang == "en" else audit.explains_zh) or audit.explains_zh or ""


def count_meaning(audit: Audit, lang: str = "zh") -> str:
    return (audit.count_en if lang == "en" else audit.count_zh) or audit.count_zh or ""


def severity_name(audit: Audit, lang: str = "zh") -> str:
    return load_vocabulary().group_name("audit_severity", audit.severity, lang)


def param_caption(param: AuditParam, lang: str = "zh") -> str:
    """A widget label: the parameter's declared reader name (its description goes into the help text)."""
    return load_vocabulary().param_name(param.name, lang)


def default_of(param: AuditParam, today: dt.date | None = None) -> Any:
    """The widget's starting value: the runner's own coercion of the declared default."""
    value = param.default_value(today)
    if value is None:
        return {"date": today or dt.date.today(), "int": 0, "list": []}.get(param.type, "")
    return value


def resolve(audit: Audit, given: Mapping[str, Any]) -> dict[str, Any]:
    """Typed values for every declared parameter (the runner's coercion; AuditParamError on bad input)."""
    return resolve_params(audit, given)


def run(store: Store, audit: Audit, params: Mapping[str, Any]) -> AuditRun:
    result = run_audit(store, audit, params)
    count = (int(result.count[0]), int(result.count[1])) if result.count else None
    return AuditRun(list(result.rows), list(result.columns), count, dict(result.params))


def subgraph_rows(store: Store, audit: Audit, params: Mapping[str, Any]) -> list[dict[str, Any]]:
    return list(audit_subgraph(store, audit, params) or [])
