"""`safetykg coverage`: per accident, what its accountability chain holds and what it lacks."""

from __future__ import annotations

import json

import typer

from ..output import print_rows
from ..queries.coverage import COLUMNS_ZH, accountability_counts, coverage_rows, coverage_summary
from .common import FormatOption, err, open_or_exit, output_format


def _zh(rows: list[dict[str, object]], names: dict[str, str]) -> list[dict[str, object]]:
    """Chinese-first column headers: `中文 english`."""
    return [{f"{names.get(k, k)} {k}": v for k, v in row.items()} for row in rows]


COUNT_COLUMNS_ZH = {
    "count_id": "编号", "name": "名称", "measure": "统计口径", "measure_zh": "口径", "measure_en": "measure (en)",
    "published": "公布数", "named": "图中点名数", "subject": "对象", "grade": "等级", "within_id": "其中(上级)",
    "stated_date": "公布日期", "amount_wan": "金额(万元)", "sources": "来源",
}


def register(app: typer.Typer) -> None:
    """Attach `coverage` to the main CLI."""

    @app.command()
    def coverage(
        ctx: typer.Context,
        accident: str = typer.Option(None, "--accident", "-a", help="one accident id: its published counts, named N of M"),
        incomplete: bool = typer.Option(False, "--incomplete", help="only accidents without investigation + count"),
        fmt: str = FormatOption,
    ) -> None:
        """覆盖度 / How complete each accident's chain is: investigation, published counts, named items, penalties."""
        fmt = output_format(ctx, fmt)
        with open_or_exit(ctx, read_only=True) as store:
            if accident:
                counts = accountability_counts(store, accident)
                if fmt == "json":
                    print(json.dumps(counts, ensure_ascii=False, indent=2))
                else:
                    print_rows(_zh(counts, COUNT_COLUMNS_ZH), fmt, title=f"问责统计 / published counts — {accident}")
                if not counts:
                    err.print(f"{accident}: 没有公布的问责统计 / no published counts in the graph")
                return
            rows = coverage_rows(store)
        summary = coverage_summary(rows)
        shown = [r for r in rows if not r["complete"]] if incomplete else rows
        if fmt == "json":
            print(json.dumps({"summary": summary, "accidents": shown}, ensure_ascii=False, indent=2))
            return
        print_rows(_zh(shown, COLUMNS_ZH), fmt, title="事故问责链覆盖度 / chain coverage per accident")
        err.print(f"{summary['line_zh']} / {summary['line_en']}")
