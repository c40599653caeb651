"""`safetykg analyze`: derive RECURRENCE_OF links, run the networkx analytics, write both back, report."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import typer

from ..graph.analytics import AnalyticsResult, analyze_graph, pull_graph, replace_recurrences, top_actors, write_analytics
from ..graph.recurrence import (
    DEFAULT_OPERATOR_WINDOW_DAYS,
    DEFAULT_SHORT_INTERVAL_DAYS,
    DEFAULT_WINDOW_DAYS,
    RULE_NAMES,
    WITHIN,
    ApplyReport,
    Link,
    Rule,
    apply_recurrences,
    default_rules,
    derive_links,
    read_accidents,
)
from ..graph.store import Store
from ..output import to_markdown
from .common import EXIT_RUNTIME, err, open_or_exit, settings


def _iso(value: str | None, option: str) -> str:
    if value is None:
        return dt.date.today().isoformat()
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError as exc:
        raise typer.BadParameter(f"{option} expects an ISO date YYYY-MM-DD, got {value!r}") from exc


# entries in each of the report's lists unless `--list` says otherwise; their full lengths are in "totals"
DEFAULT_LISTED = 1000
NAMES = WITHIN + "RETURN a.id AS id, a.name AS name"  # the accidents found by key, as recurrence reads them


def accident_names(store: Store, ids: Iterable[str]) -> dict[str, str]:
    """The names of the accidents a report lists, looked up by key: a national graph's million names are
    never all held for a report that lists a thousand of them."""
    wanted = sorted(set(ids))
    return {str(row["id"]): str(row["name"] or row["id"]) for row in store.iter_rows(NAMES, {"ids": wanted})}


def build_report(
    links: list[Link],
    rules: list[Rule],
    result: AnalyticsResult,
    names: dict[str, str],
    computed_date: str,
    applied: ApplyReport | None,
    written: dict[str, int] | None,
    links_total: int | None = None,
    listed: int = 0,
) -> dict[str, Any]:
    """The report as data. Each list holds its first `listed` entries (0: all) and "totals" says how many
    there are: at 1M accidents the full lists (915k links, 851k actors, 915k lead times) made a 1.1 GB
    JSON and an 11 GB process. `links` may already be cut, with `links_total` their full number."""
    whole: dict[str, list[Any]] = {
        "links": links, "actors": result.actors, "open_items": result.open_items, "clusters": result.clusters,
        "lead_times": result.lead_times,
    }
    totals = {key: len(items) for key, items in whole.items()}
    if links_total is not None:
        totals["links"] = links_total
    cut = {key: _first(items, listed) for key, items in whole.items()}
    return {
        "computed_date": computed_date,
        "as_of": result.as_of,
        "rules": [rule.describe() for rule in rules],
        "links": [
            {**link.as_dict(), "from_name": names.get(link.from_id), "to_name": names.get(link.to_id)}
            for link in cut["links"]
        ],
        "applied": applied.__dict__ if applied else None,
        "written": written,
        "actors": cut["actors"],
        "open_items": cut["open_items"],
        "clusters": [{"id": c.id, "accidents": c.accidents, "links": c.links} for c in cut["clusters"]],
        "rates_by_province": result.rates_by_province,
        "rates_by_kind": result.rates_by_kind,
        "lead_times": cut["lead_times"],
        "lead_time_summary": result.lead_time_summary(),
        "totals": totals,
        "listed": listed,
    }


def listed_accidents(links: list[Link], result: AnalyticsResult, listed: int) -> set[str]:
    """The accidents a report names: the ends of its listed links, its listed clusters and lead times."""
    ids = {end for link in _first(links, listed) for end in (link.from_id, link.to_id)}
    ids.update(a for cluster in _first(result.clusters, listed) for a in cluster.accidents)
    ids.update(row[key] for row in _first(result.lead_times, listed) for key in ("accident", "recurrence"))
    return ids


def _first(items: list[Any], listed: int) -> list[Any]:
    return items[:listed] if listed else items


def _heading(report: dict[str, Any], key: str, unit: str = "条") -> str:
    """"915389 条，列出前 1000 条 / first 1000 listed" where a list was cut, "17 条" where not."""
    total, shown = report["totals"][key], len(report[key])
    return f"{total} {unit}" + (f"，列出前 {shown} {unit} / first {shown} listed" if shown < total else "")


def render_markdown(report: dict[str, Any], names: dict[str, str], top: int = 10) -> str:
    out: list[str] = []
    add = out.append
    add("# 重复发生事故与断链分析 / Recurrence and broken-chain report\n")
    add(f"计算日期 / computed: {report['computed_date']}　未闭环截至 / open items as of: {report['as_of']}\n")
    add("## 规则 / Rules（按强弱排序 / strongest first）\n")
    add(to_markdown(
        [{"规则 rule": r["id"], "名称": r["zh"], "name": r["en"], "依据 basis": r["basis"], "窗口(天) window": r["window_days"]}
         for r in report["rules"]]
    ))
    links = report["links"]
    add(f"## 重复发生关联 / RECURRENCE_OF links（{_heading(report, 'links')}）\n")
    if links:
        add(to_markdown([
            {
                "后发事故 later": f"{link['from_name']}（{link['from_date']}）",
                "先发事故 earlier": f"{link['to_name']}（{link['to_date']}）",
                "间隔 days": link["days"],
                "规则 rule": f"{link['rule_zh']} ({link['rule']})",
                "依据 basis": "；".join(link["basis"]),
            }
            for link in links
        ]))
        add("说明 / explanations:\n")
        for link in links:
            also = [r for r in link["rules"] if r != link["rule"]]
            extra = f"（同时满足 / also: {', '.join(also)}）" if also else ""
            add(f"- {link['explanation']}{extra}")
        add("")
    else:
        add("_(没有派生出关联 / no links derived)_\n")
    applied = report.get("applied")
    if applied:
        add(
            f"写入 / written: 新增 created {applied['created']}，更新 updated {applied['updated']}，"
            f"删除 deleted {applied['deleted']}，未变 unchanged {applied['kept']}\n"
        )
    clusters = report["clusters"]
    add(f"## 关联簇 / Clusters（{_heading(report, 'clusters', '个')}）\n")
    if clusters:
        add(to_markdown([
            {"簇 cluster_id": c["id"], "事故 accidents": "、".join(names.get(a, a) for a in c["accidents"]),
             "关联数 links": c["links"]}
            for c in clusters
        ]))
    else:
        add("_(无 / none)_\n")
    add("## 重复发生率 / Recurrence rates\n")
    add("重复发生率 = 其后又有关联事故的事故数 ÷ 事故数 / rate = accidents that recurred ÷ accidents.\n")
    for key, title in (("rates_by_province", "按省份 / by province"), ("rates_by_kind", "按类别 / by kind")):
        dim = "province" if key == "rates_by_province" else "kind"
        rows = [r for r in report[key] if r["recurred"] or r["repeats"]]
        add(f"### {title}\n")
        if rows:
            add(to_markdown([
                {("省份 province" if dim == "province" else "类别 kind"): r[dim], "事故 accidents": r["accidents"],
                 "再次发生 recurred": r["recurred"], "属重复 repeats": r["repeats"], "比率 rate": f"{r['rate']:.1%}"}
                for r in rows
            ]))
            others = len(report[key]) - len(rows)
            if others:
                add(f"其余 {others} 组无重复发生 / {others} other groups: no recurrence.\n")
        else:
            add("_(无 / none)_\n")
    summary = report["lead_time_summary"]
    add("## 间隔 / Lead times（事故至其再次发生 / accident to its recurrence）\n")
    if report["lead_times"]:
        add(f"（{_heading(report, 'lead_times')}）\n")
        add(to_markdown([
            {"事故 accident": names.get(r["accident"], r["accident"]), "日期": r["date"],
             "再次发生 recurrence": names.get(r["recurrence"], r["recurrence"]), "日期 date": r["recurrence_date"],
             "天数 days": r["days"]}
            for r in report["lead_times"]
        ]))
        add(f"共 {summary['links']} 条；最短 min {summary['min']} 天，中位 median {summary['median']} 天，"
            f"最长 max {summary['max']} 天，平均 mean {summary['mean']} 天\n")
    else:
        add("_(无 / none)_\n")
    add(f"## 断链中心性 / Broken-chain centrality（前 {top} / top {top}）\n")
    actors = report["top_actors"][:top]  # from every actor, not only the listed ones
    open_count = report["totals"]["open_items"]
    add(f"截至 {report['as_of']} 未闭环事项 / open items: {open_count}\n")
    if actors:
        add(to_markdown([
            {"单位 actor": a["name"], "类型": "部门 Department" if a["label"] == "Department" else "企业 Enterprise",
             "未闭环事项 open items": a["open_items"], "介数中心性 betweenness": f"{a['centrality']:.4f}",
             "度中心性 degree": f"{a['degree_centrality']:.4f}"}
            for a in actors
        ]))
    else:
        add("_(没有未闭环事项涉及的部门或企业 / no department or enterprise on an open item)_\n")
    written = report.get("written")
    if written:
        add(f"写回 / written back: 部门与企业 {written['actors']} 个，事故 {written['accidents']} 起（analytics_date）\n")
    return "\n".join(out).rstrip() + "\n"


def register(app: typer.Typer) -> None:
    """Attach the analyze command to the main CLI."""

    @app.command()
    def analyze(
        ctx: typer.Context,
        window_days: int = typer.Option(DEFAULT_WINDOW_DAYS, "--window-days", min=1,
                                        help="same-prefecture (and, unless set, same-mechanism) window"),
        short_interval_days: int = typer.Option(DEFAULT_SHORT_INTERVAL_DAYS, "--short-interval-days", min=1,
                                                help="same-province major-accident window"),
        operator_window_days: int = typer.Option(DEFAULT_OPERATOR_WINDOW_DAYS, "--operator-window-days", min=1,
                                                 help="same enterprise/operator window"),
        mechanism_window_days: int = typer.Option(None, "--mechanism-window-days", min=1,
                                                  help="same-mechanism-in-province window (default: --window-days)"),
        as_of: str = typer.Option(None, "--as-of", help="open accountability items as of this date (default today)"),
        computed_date: str = typer.Option(None, "--computed-date", help="date stamped on what is written (default today)"),
        fmt: str = typer.Option(None, "--format", "-f", help="md | json (default md)"),
        out: Path = typer.Option(None, "--out", "-o", help="write the report here instead of stdout"),
        dry_run: bool = typer.Option(False, "--dry-run", help="derive and report; write nothing"),
        top: int = typer.Option(10, "--top", min=1, help="how many departments/enterprises to list"),
        listed: int = typer.Option(DEFAULT_LISTED, "--list", min=0,
                                   help="at most this many entries in each list of the report (0: all); "
                                        "the totals are always given"),
    ) -> None:
        """重复发生关联与断链分析 / Derive RECURRENCE_OF links, run the networkx analytics, write back, report."""
        chosen = fmt or (settings(ctx).fmt if settings(ctx).fmt in ("md", "json") else "md")
        if chosen not in ("md", "json"):
            raise typer.BadParameter("--format must be md or json")
        as_of_iso = _iso(as_of, "--as-of")
        computed = _iso(computed_date, "--computed-date")
        rules = default_rules(window_days, short_interval_days, operator_window_days, mechanism_window_days)
        store = open_or_exit(ctx, read_only=dry_run)
        try:
            with store:
                links = derive_links(read_accidents(store), rules)
                applied = None if dry_run else apply_recurrences(store, links, computed)
                graph = pull_graph(store)
                if dry_run:
                    replace_recurrences(graph, links)
                links_total = len(links)
                links = _first(links, listed)  # the rest are in the graph (a dry run's: in `graph`)
                store.release_memory()  # what the derivation left (2 GB at 1M) before the analytics' own
                result = analyze_graph(graph, as_of_iso)
                written = None
                if not dry_run:
                    wrote = write_analytics(store, result, computed)
                    written = {"actors": wrote.actors, "accidents": wrote.accidents}
                names = accident_names(store, listed_accidents(links, result, listed))
        except typer.Exit:
            raise
        except Exception as exc:
            err.print(f"[red]分析失败 / analysis failed: {exc}[/red]\n"
                      "未提交的写入已回滚；已提交的分析值保留，重新运行 analyze 即可补全 / what was not committed was "
                      "rolled back; analytics values written in earlier batches stay, and running analyze again "
                      "completes them")
            raise typer.Exit(EXIT_RUNTIME) from exc
        report = build_report(links, rules, result, names, computed, applied, written, links_total, listed)
        report["top_actors"] = top_actors(result, top)
        text = (json.dumps(report, ensure_ascii=False, indent=2) + "\n") if chosen == "json" else render_markdown(
            report, names, top
        )
        if out:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(text, encoding="utf-8")
            err.print(f"wrote {out}")
        else:
            print(text, end="")
        if applied is not None:
            err.print(
                f"RECURRENCE_OF: {links_total} 条 / links (新增 {applied.created}, 更新 {applied.updated}, "
                f"删除 {applied.deleted}, 未变 {applied.kept}"
                + (f", 补全前一起事故编号 / earlier_id filled {applied.filled}" if applied.filled else "") + ")"
            )


__all__ = ["register", "render_markdown", "build_report", "RULE_NAMES"]
