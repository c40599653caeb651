"""`safetykg audit …`: list, run, report, snapshot and diff the saved audit queries.

Exit codes are the CLI's (common.py): 2 for an unknown audit, bad parameters or unreadable snapshot
files; 1 when a query fails on the engine; 3 when there is no graph yet.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import typer

from ..graph.store import Store
from ..output import print_readable, to_json
from ..queries.report import AuditRun, SnapshotError, diff_snapshots, read_snapshot, render_diff, render_report, run_all, snapshot
from ..queries.runner import (
    Audit,
    AuditError,
    AuditParam,
    AuditParamError,
    UnknownAudit,
    coerce_param,
    get_audit,
    list_audits,
    run_audit,
)
from ..queries.vocabulary import load_vocabulary
from .common import EXIT_RUNTIME, err, fail, open_or_exit, output_format, parse_params, settings

_AS_OF = AuditParam("as_of", "date", "today", "reference date")  # --as-of is parsed like a date parameter

audit_app = typer.Typer(
    help="审计查询 / saved audit queries: where the accountability chain breaks",
    no_args_is_help=True,
    add_completion=False,
)

_FORMAT_HELP = "output: table | json | csv | md (overrides the global option)"


def _as_of(value: str | None) -> dt.date:
    if value is None:
        return dt.date.today()
    try:
        parsed = coerce_param(_AS_OF, value)
    except AuditParamError as exc:
        raise fail(f"--as-of: {exc}") from exc
    assert isinstance(parsed, dt.date)
    return parsed


def _load_all() -> list[Audit]:
    try:
        return list_audits()
    except AuditError as exc:
        raise fail(f"审计文件有误 / bad audit file: {exc}", EXIT_RUNTIME) from exc


@contextmanager
def _store(ctx: typer.Context) -> Iterator[Store]:
    store = open_or_exit(ctx, read_only=True)
    try:
        yield store
    finally:
        store.close()


def _engine_name(store: Store) -> str:
    try:
        return str(store.server_version())
    except Exception:  # version lookup is cosmetic
        return store.engine


def _write_or_print(text: str, out: Path | None) -> None:
    if out:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
        err.print(f"wrote {out}")
    else:
        print(text, end="" if text.endswith("\n") else "\n")


@audit_app.command("list")
def list_command(
    ctx: typer.Context,
    fmt: str = typer.Option(None, "--format", "-f", help=_FORMAT_HELP),
) -> None:
    """列出审计 / List the saved audits and their parameters."""
    chosen = output_format(ctx, fmt)
    rows = [
        {
            "id": a.id,
            "severity": a.severity,
            "title_zh": a.title_zh,
            "title_en": a.title_en,
            "params": ", ".join(f"{p.name}:{p.type}={p.default if p.default is not None else '-'}" for p in a.params),
            "subgraph": a.subgraph_query is not None,
            "count": a.count_query is not None or a.count_sums is not None,
        }
        for a in _load_all()
    ]
    print_readable(rows, chosen, title="审计 / audits")


@audit_app.command("run")
def run_command(
    ctx: typer.Context,
    audit_id: str = typer.Argument(..., help="audit id (see `safetykg audit list`)"),
    param: list[str] = typer.Option([], "--param", "-p", help="k=v (repeatable); values are coerced to the declared type"),
    as_of: str = typer.Option(None, "--as-of", help="reference date YYYY-MM-DD (same as --param as_of=…)"),
    fmt: str = typer.Option(None, "--format", "-f", help=_FORMAT_HELP),
    limit: int = typer.Option(None, "--limit", min=0, help="print at most this many rows (a page)"),
    offset: int = typer.Option(0, "--offset", min=0, help="skip this many rows first (the page's start)"),
) -> None:
    """运行一项审计 / Run one audit and print its rows (or one page of them: --limit/--offset)."""
    chosen = output_format(ctx, fmt)
    try:
        audit = get_audit(audit_id)
    except UnknownAudit as exc:
        known = ", ".join(a.id for a in _load_all())
        raise fail(f"{exc}; known: {known}") from exc
    except AuditError as exc:
        raise fail(f"审计文件有误 / bad audit file: {exc}", EXIT_RUNTIME) from exc
    params: dict[str, Any] = parse_params(param)
    if as_of is not None:
        if audit.param("as_of") is None:
            raise fail(f"{audit.id} has no as_of parameter")
        params["as_of"] = as_of
    with _store(ctx) as store:
        try:
            result = run_audit(store, audit, params, limit=limit, offset=offset)
        except AuditParamError as exc:
            raise fail(str(exc)) from exc
        except Exception as exc:
            raise fail(f"审计查询失败 / audit query failed: {exc}", EXIT_RUNTIME) from exc
    title = f"{audit.title_zh} / {audit.title_en}"
    count = f"{result.count[0]} / {result.count[1]}" if result.count else None
    print_readable(result.rows, chosen, title=title, columns=result.columns)
    if chosen == "md" and count:
        print(f"统计 / count: {count}\n")
    elif count:
        err.print(f"统计 / count: {count}")
    if chosen in ("table", "md"):
        vocabulary = load_vocabulary()
        err.print("参数 / params: " + ", ".join(f"{vocabulary.param_name(k)}={v}" for k, v in result.params.items()))
    if limit is not None or offset:
        shown = f"{offset + 1}–{offset + len(result.rows)}" if result.rows else "0"
        err.print(f"行 / rows: {shown} / {result.total}")


def _run_every_audit(ctx: typer.Context, day: dt.date) -> tuple[list[AuditRun], str]:
    """Every audit as of `day` on the configured store, with the engine's name for the report."""
    audits = _load_all()
    with _store(ctx) as store:
        try:
            runs = run_all(store, day, audits)
        except Exception as exc:
            raise fail(f"审计查询失败 / audit query failed: {exc}", EXIT_RUNTIME) from exc
        return runs, _engine_name(store)


@audit_app.command("all")
def all_command(
    ctx: typer.Context,
    as_of: str = typer.Option(None, "--as-of", help="reference date YYYY-MM-DD for every audit (default today)"),
    out: Path = typer.Option(None, "--out", "-o", help="write the Markdown report here instead of stdout"),
) -> None:
    """全部审计报告 / Run every audit and write one Markdown report (Chinese first)."""
    day = _as_of(as_of)
    runs, engine = _run_every_audit(ctx, day)
    _write_or_print(render_report(runs, day.isoformat(), engine), out)


@audit_app.command("snapshot")
def snapshot_command(
    ctx: typer.Context,
    as_of: str = typer.Option(None, "--as-of", help="reference date YYYY-MM-DD for every audit (default today)"),
    out: Path = typer.Option(None, "--out", "-o", help="write the JSON here instead of stdout"),
) -> None:
    """审计快照 / Every audit's rows as JSON with metadata, for `safetykg audit diff`."""
    day = _as_of(as_of)
    runs, engine = _run_every_audit(ctx, day)
    data = snapshot(runs, day.isoformat(), engine)
    _write_or_print(json.dumps(data, ensure_ascii=False, indent=2) + "\n", out)


@audit_app.command("diff")
def diff_command(
    ctx: typer.Context,
    before: Path = typer.Argument(..., help="earlier snapshot (JSON from `safetykg audit snapshot`)"),
    after: Path = typer.Argument(..., help="later snapshot"),
    fmt: str = typer.Option(None, "--format", "-f", help="md | json (default md)"),
) -> None:
    """比较两个快照 / Rows that appeared and disappeared per audit between two snapshots."""
    chosen = fmt or (settings(ctx).fmt if settings(ctx).fmt in ("md", "json") else "md")
    if chosen not in ("md", "json"):
        raise fail("--format must be md or json for diff")
    snapshots = []
    for path in (before, after):
        try:
            snapshots.append(read_snapshot(path.read_text(encoding="utf-8"), str(path)))
        except OSError as exc:
            raise fail(f"{path}: {exc}") from exc
        except SnapshotError as exc:
            raise fail(str(exc)) from exc
    diffs = diff_snapshots(snapshots[0], snapshots[1])
    if chosen == "json":
        print(to_json([{"id": d.audit_id, **d.as_dict()} for d in diffs if not d.empty]))
        return
    a_label = f"{before.name} ({snapshots[0].get('as_of')})"
    b_label = f"{after.name} ({snapshots[1].get('as_of')})"
    print(render_diff(diffs, a_label, b_label), end="")
