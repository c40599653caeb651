"""The saved audit queries, as the dashboard and the exports see them.

The runner (`safetykg.queries.runner`) is owned by the audits work; everything here goes
through `runner()`, which is None when it is not importable, so the dashboard still starts.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
from collections.abc import Mapping
from types import ModuleType
from typing import Any

RUNNER_MODULE = "safetykg.queries.runner"


def runner() -> ModuleType | None:
    try:
        return importlib.import_module(RUNNER_MODULE)
    except ImportError:
        return None


def list_audits() -> list[Any]:
    module = runner()
    return list(module.list_audits()) if module is not None else []


def get_audit(audit_id: str) -> Any:
    module = runner()
    if module is None:
        raise LookupError("the audit runner (safetykg.queries.runner) is not available")
    return module.get_audit(audit_id)


def audit_title(audit: Any, lang: str = "zh") -> str:
    title = getattr(audit, "title_en", None) if lang == "en" else getattr(audit, "title_zh", None)
    return str(title or getattr(audit, "title_zh", None) or audit.id)


def audit_explains(audit: Any, lang: str = "zh") -> str:
    text = getattr(audit, "explains_en", None) if lang == "en" else getattr(audit, "explains_zh", None)
    return str(text or getattr(audit, "explains_zh", None) or "")


def parse_date(value: Any) -> dt.date:
    """A date parameter's value: a date, an ISO string, or 'today' / empty for today."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = str(value or "").strip()
    if not text or text.lower() == "today":
        return dt.date.today()
    return dt.date.fromisoformat(text[:10])


def as_list(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    text = str(value)
    if text.startswith("["):
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError:
            parsed = None
        if isinstance(parsed, list):
            return [str(v) for v in parsed]
    return [part.strip() for part in text.replace("\n", ",").split(",") if part.strip()]


def coerce(param: Any, value: Any) -> Any:
    """A parameter value in the type the audit declares (date as ISO text, int, string, list)."""
    kind = getattr(param, "type", "string")
    if kind == "date":
        return parse_date(value).isoformat()
    if kind == "int":
        return int(value)
    if kind == "list":
        return as_list(value)
    return "" if value is None else str(value)


def default_of(param: Any) -> Any:
    """The widget's starting value for a parameter."""
    kind = getattr(param, "type", "string")
    default = getattr(param, "default", None)
    if kind == "date":
        return parse_date(default)
    if kind == "int":
        return int(default) if default not in (None, "") else 0
    if kind == "list":
        return as_list(default)
    return "" if default is None else str(default)


def coerce_all(audit: Any, given: Mapping[str, Any]) -> dict[str, Any]:
    """Typed values for the parameters given; unknown names are refused."""
    declared = {p.name: p for p in getattr(audit, "params", [])}
    unknown = sorted(set(given) - set(declared))
    if unknown:
        raise ValueError(f"unknown parameter(s) for {audit.id}: {', '.join(unknown)}; declared: {', '.join(declared)}")
    return {name: coerce(declared[name], value) for name, value in given.items()}


def run(store: Any, audit: Any, params: Mapping[str, Any]) -> tuple[list[dict[str, Any]], tuple[int, int] | None]:
    module = runner()
    if module is None:
        raise LookupError("the audit runner (safetykg.queries.runner) is not available")
    result = module.run_audit(store, audit, dict(params))
    count = getattr(result, "count", None)
    return list(result.rows), ((int(count[0]), int(count[1])) if count else None)


def subgraph_rows(store: Any, audit: Any, params: Mapping[str, Any]) -> list[dict[str, Any]]:
    module = runner()
    if module is None:
        return []
    return list(module.audit_subgraph(store, audit, dict(params)) or [])
