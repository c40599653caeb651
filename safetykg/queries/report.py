"""Running every audit at once: the Markdown report, JSON snapshots, and the diff of two snapshots."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..graph.store import Store
from ..output import cell, to_markdown
from .runner import Audit, AuditResult, list_audits, run_audit

SNAPSHOT_FORMAT = "safetykg-audit-snapshot"
SNAPSHOT_VERSION = 1
SEVERITY_ZH = {"high": "高", "medium": "中", "low": "低"}


@dataclass
class AuditRun:
    audit: Audit
    result: AuditResult


def params_for(audit: Audit, as_of: dt.date | str | None) -> dict[str, Any]:
    """`as_of` for every audit that declares it; everything else keeps its default."""
    if as_of is not None and audit.param("as_of") is not None:
        return {"as_of": as_of}
    return {}


def run_all(store: Store, as_of: dt.date | str | None = None, audits: Sequence[Audit] | None = None) -> list[AuditRun]:
    chosen = list(audits) if audits is not None else list_audits()
    return [AuditRun(a, run_audit(store, a, params_for(a, as_of))) for a in chosen]


def _param_text(params: Mapping[str, Any]) -> str:
    if not params:
        return "无 / none"
    return "，".join(f"`{k}` = {cell(v)}" for k, v in params.items())


def _count_text(run: AuditRun) -> str | None:
    count = run.result.count
    if count is None:
        return None
    text = f"**{count[0]} / {count[1]}**"
    notes = [n for n in (run.audit.count_zh, run.audit.count_en) if n]
    return text + ("（" + "；".join(notes) + "）" if notes else "")


def render_report(runs: Sequence[AuditRun], as_of: str, engine: str, generated: str | None = None) -> str:
    """One Markdown document: contents table, then each audit — Chinese first — with params and rows."""
    out: list[str] = []
    add = out.append
    add("# 生产安全事故问责审计报告 / Accountability audit report\n")
    add(f"- 基准日 / as of: **{as_of}**")
    add(f"- 图数据库 / graph: {engine}")
    add(f"- 生成日期 / generated: {generated or dt.date.today().isoformat()}")
    add(f"- 审计项 / audits: {len(runs)}，命中行数合计 / rows in total: {sum(len(r.result.rows) for r in runs)}\n")
    add("## 目录 / Contents\n")
    add(to_markdown([
        {
            "#": str(i),
            "审计 audit": f"{r.audit.title_zh} / {r.audit.title_en}",
            "编号 id": r.audit.id,
            "严重程度 severity": f"{SEVERITY_ZH.get(r.audit.severity, '')} {r.audit.severity}",
            "行数 rows": len(r.result.rows),
            "x / y": f"{r.result.count[0]} / {r.result.count[1]}" if r.result.count else "",
        }
        for i, r in enumerate(runs, start=1)
    ]))
    for i, run in enumerate(runs, start=1):
        audit = run.audit
        add(f"## {i}. {audit.title_zh} / {audit.title_en}\n")
        add(f"`{audit.id}` · 严重程度 / severity: {SEVERITY_ZH.get(audit.severity, '')} {audit.severity}\n")
        add(f"**说明**：{' '.join(audit.explains_zh.split())}\n")
        add(f"**Explanation**: {' '.join(audit.explains_en.split())}\n")
        add(f"参数 / parameters: {_param_text(run.result.params)}\n")
        count = _count_text(run)
        if count:
            add(f"统计 / count: {count}\n")
        add(f"结果 / rows: {len(run.result.rows)}\n")
        add(to_markdown(run.result.rows, run.result.columns))
    return "\n".join(out).rstrip() + "\n"


def snapshot(runs: Sequence[AuditRun], as_of: str, engine: str, generated: str | None = None) -> dict[str, Any]:
    """Every audit's rows with the metadata needed to compare two snapshots later."""
    return {
        "format": SNAPSHOT_FORMAT,
        "version": SNAPSHOT_VERSION,
        "as_of": as_of,
        "engine": engine,
        "generated": generated or dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
        "audits": {
            run.audit.id: {
                "title_zh": run.audit.title_zh,
                "title_en": run.audit.title_en,
                "severity": run.audit.severity,
                "params": run.result.params,
                "columns": run.result.columns,
                "row_key": list(run.audit.row_key),
                "count": list(run.result.count) if run.result.count is not None else None,
                "rows": run.result.rows,
            }
            for run in runs
        },
    }


class SnapshotError(ValueError):
    """A file that is not an audit snapshot."""


def read_snapshot(text: str, where: str = "<snapshot>") -> dict[str, Any]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SnapshotError(f"{where}: not JSON: {exc}") from exc
    if not isinstance(data, dict) or data.get("format") != SNAPSHOT_FORMAT or not isinstance(data.get("audits"), dict):
        raise SnapshotError(f"{where}: not a safetykg audit snapshot (run `safetykg audit snapshot`)")
    return data


@dataclass
class AuditDiff:
    audit_id: str
    title: str
    row_key: list[str]
    appeared: list[dict[str, Any]] = field(default_factory=list)
    disappeared: list[dict[str, Any]] = field(default_factory=list)
    changed: list[dict[str, Any]] = field(default_factory=list)
    only_in: str | None = None  # "a" or "b" when the audit is in one snapshot only

    @property
    def empty(self) -> bool:
        return not (self.appeared or self.disappeared or self.changed or self.only_in)

    def as_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "row_key": self.row_key,
            "only_in": self.only_in,
            "appeared": self.appeared,
            "disappeared": self.disappeared,
            "changed": self.changed,
        }


def _identity(row: Mapping[str, Any], key: Sequence[str]) -> str:
    chosen = {k: row.get(k) for k in key} if key else dict(row)
    return json.dumps(chosen, ensure_ascii=False, sort_keys=True, default=str)


def diff_snapshots(a: Mapping[str, Any], b: Mapping[str, Any]) -> list[AuditDiff]:
    """Per audit: rows that appeared in B, disappeared from A, and (with a row_key) rows whose values changed."""
    audits_a, audits_b = a["audits"], b["audits"]
    diffs = []
    for audit_id in sorted(set(audits_a) | set(audits_b)):
        entry_a, entry_b = audits_a.get(audit_id), audits_b.get(audit_id)
        entry = entry_b or entry_a
        title = f"{entry.get('title_zh', audit_id)} / {entry.get('title_en', '')}".rstrip(" /")
        key = list((entry_b or {}).get("row_key") or (entry_a or {}).get("row_key") or [])
        result = AuditDiff(audit_id, title, key)
        if entry_a is None or entry_b is None:
            result.only_in = "b" if entry_a is None else "a"
            result.appeared = list((entry_b or {}).get("rows") or [])
            result.disappeared = list((entry_a or {}).get("rows") or [])
            diffs.append(result)
            continue
        rows_a = {_identity(r, key): r for r in entry_a.get("rows") or []}
        rows_b = {_identity(r, key): r for r in entry_b.get("rows") or []}
        result.appeared = [rows_b[k] for k in rows_b if k not in rows_a]
        result.disappeared = [rows_a[k] for k in rows_a if k not in rows_b]
        for k in rows_b:
            if k in rows_a and rows_a[k] != rows_b[k]:
                old, new = rows_a[k], rows_b[k]
                changes = {
                    c: [old.get(c), new.get(c)] for c in dict.fromkeys([*old, *new]) if old.get(c) != new.get(c)
                }
                result.changed.append({**{c: new.get(c) for c in key}, "changes": changes})
        diffs.append(result)
    return diffs


def render_diff(diffs: Sequence[AuditDiff], a_label: str, b_label: str) -> str:
    out: list[str] = []
    add = out.append
    add(f"# 审计结果变化 / Audit diff: {a_label} → {b_label}\n")
    changed = [d for d in diffs if not d.empty]
    if not changed:
        add("_(无变化 / no differences)_\n")
        return "\n".join(out)
    add(to_markdown([
        {"编号 id": d.audit_id, "新增 appeared": len(d.appeared), "消失 disappeared": len(d.disappeared),
         "变化 changed": len(d.changed)}
        for d in changed
    ]))
    for d in changed:
        add(f"## {d.title} (`{d.audit_id}`)\n")
        if d.only_in:
            add(f"仅见于 / only in: {a_label if d.only_in == 'a' else b_label}\n")
        if d.appeared:
            add(f"### 新增 / appeared ({len(d.appeared)})\n")
            add(to_markdown(d.appeared))
        if d.disappeared:
            add(f"### 消失 / disappeared ({len(d.disappeared)})\n")
            add(to_markdown(d.disappeared))
        if d.changed:
            add(f"### 变化 / changed ({len(d.changed)})\n")
            add(to_markdown([
                {
                    **{k: v for k, v in row.items() if k != "changes"},
                    "changes": "；".join(f"{c}: {cell(o)} → {cell(n)}" for c, (o, n) in row["changes"].items()),
                }
                for row in d.changed
            ]))
    return "\n".join(out).rstrip() + "\n"
