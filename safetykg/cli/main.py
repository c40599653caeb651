"""The `safetykg` command line: load, stats, query, and the command groups of the other modules here.

The top of the package: it imports every layer, nothing imports it. `run` is the installed entry
point; it turns a missing optional dependency anywhere into exit 2 and the install line.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ..extras import as_missing_extra
from ..graph.engines import engine_for
from ..graph.errors import StoreConfigError, StoreError
from ..graph.readonly import ReadOnlyViolation, check_user_query
from ..graph.schema import load_schema
from ..loaders.load import LoadFailed, NotEnoughSpace, UnknownField, derive_after_load, load_paths
from ..loaders.records import RecordFileError
from ..output import FORMATS, print_readable, print_rows
from . import analyze, audit, coverage, dashboard, extract
from .common import (
    EXIT_INPUT,
    EXIT_RUNTIME,
    FormatOption,
    Settings,
    err,
    exit_code_for,
    fail,
    open_or_exit,
    output_format,
    parse_params,
)

app = typer.Typer(
    help="safetykg — 生产安全事故问责知识图谱 / accountability knowledge graph of China's major accidents",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
@app.callback()
def main(
    ctx: typer.Context,
    uri: str = typer.Option(
        None, "--uri",
        help="store address: bolt:// or neo4j:// (+s, +ssc) for Neo4j, a directory or file: for the embedded graph; "
        "default: $NEO4J_URI, else the embedded engine. Passwords only via $NEO4J_PASSWORD",
    ),
    data_dir: Path = typer.Option(None, "--data-dir", help="embedded graph directory; default: $SAFETYKG_DATA_DIR or ./.safetykg/graph"),
    fmt: str = typer.Option("table", "--format", "-f", help="output: table | json | csv | md"),
    batch_size: int = typer.Option(1000, "--batch-size", help="rows per UNWIND batch when writing"),
) -> None:
    if fmt not in FORMATS:
        raise typer.BadParameter(f"--format must be one of {', '.join(FORMATS)}")
    if uri:
        try:
            engine_for(uri)
        except StoreConfigError as exc:
            raise fail(str(exc)) from None
    ctx.obj = Settings(uri, data_dir, fmt, batch_size)


@app.command()
def load(
    ctx: typer.Context,
    paths: list[Path] = typer.Argument(..., help="record files or directories (YAML, JSON, CSV)"),
    dry_run: bool = typer.Option(False, "--dry-run", help="validate and print what would change; write nothing"),
    replace: bool = typer.Option(False, "--replace", help="records are complete: fields they omit are cleared"),
    blank: list[str] = typer.Option([], "--blank", help="clear this field where a record omits it (FIELD or Label.FIELD; repeatable)"),
) -> None:
    """加载记录 / Validate record files and load them; nothing is written if any record is bad.

    A reload keeps the stored value of every field a record omits; `--replace` or `--blank FIELD` clears them."""
    store = open_or_exit(ctx)
    try:
        with Progress(
            TextColumn("[bold]写入 / writing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=err, transient=True, disable=not err.is_terminal,
        ) as bar:
            task = bar.add_task("load", total=None)

            def advance(done: int, total: int) -> None:
                bar.update(task, completed=done, total=total)

            report = load_paths(store, paths, dry_run=dry_run, progress=advance, replace=replace, blank=blank)
            if not dry_run:  # the audits read RECURRENCE_OF and derived enforcement values: derive them now
                derive_after_load(store)
    except UnknownField as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(EXIT_INPUT) from exc
    except NotEnoughSpace as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(EXIT_RUNTIME) from exc
    except (LoadFailed, RecordFileError) as exc:
        errors = exc.errors if isinstance(exc, LoadFailed) else [exc]
        for error in errors:
            err.print(f"[red]错误 / error:[/red] {error}", highlight=False, soft_wrap=True)
        err.print(f"[red]{len(errors)} 个错误，未写入任何数据 / {len(errors)} error(s); nothing was written[/red]")
        raise typer.Exit(EXIT_INPUT) from exc
    except StoreError as exc:
        raise fail(f"写入失败，已回滚 / write failed and was rolled back: {exc}", exit_code_for(exc)) from None
    except ImportError as exc:
        missing = as_missing_extra(exc)
        raise fail(str(missing or exc), EXIT_INPUT if missing else EXIT_RUNTIME) from None
    except Exception as exc:
        err.print(f"[red]写入失败，已回滚 / write failed and was rolled back: {exc}[/red]")
        raise typer.Exit(EXIT_RUNTIME) from exc
    finally:
        store.close()
    verb = "已校验 / validated" if dry_run else "已加载 / loaded"
    changed = [c for c in report.changes if not c.empty]
    if dry_run:
        for change in changed:
            print("\n".join(change.lines()))
    kept = sum(len(c.kept) for c in report.changes)
    err.print(f"{verb}: {report.files} files, {report.nodes} nodes, {report.relationships} relationships; "
              f"{len(changed)} records {'would change' if dry_run else 'changed'}"
              + (f", {kept} omitted fields kept (--replace / --blank to clear)" if kept else ""))


@app.command()
def stats(ctx: typer.Context, fmt: str = FormatOption) -> None:
    """统计 / Counts per label and relationship type."""
    store = open_or_exit(ctx, read_only=True)
    with store:
        counts = store.counts()
        engine = store.server_version()
    schema = load_schema()
    fmt = output_format(ctx, fmt)
    if fmt == "json":
        print(json.dumps({"engine": engine, **counts}, ensure_ascii=False, indent=2))
        return
    label_rows = [
        {"标签 label": f"{schema.labels[k].zh} {k}", "数量 count": v} for k, v in counts["labels"].items()
    ]
    rel_rows = [
        {"关系 relationship": f"{schema.relationships[k].zh} {k}", "数量 count": v}
        for k, v in counts["relationships"].items()
    ]
    print_rows(label_rows, fmt, title=f"节点 / nodes — {engine}")
    print_rows(rel_rows, fmt, title="关系 / relationships")


@app.command()
def query(
    ctx: typer.Context,
    cypher: str = typer.Argument(..., help="a read-only Cypher query; use $name parameters"),
    param: list[str] = typer.Option([], "--param", "-p", help="k=v (repeatable)"),
    fmt: str = FormatOption,
) -> None:
    """只读查询 / Run a read-only Cypher query with parameters."""
    params = parse_params(param, json_values=True)
    try:
        check_user_query(cypher)  # before opening anything: a refused query touches no store
    except ReadOnlyViolation as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(EXIT_INPUT) from exc
    store = open_or_exit(ctx, read_only=True)
    try:
        rows = store.run(cypher, params)
    except ReadOnlyViolation as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(EXIT_INPUT) from exc
    except (StoreError, OSError) as exc:
        err.print(f"[red]图数据库不可用 / engine unavailable: {exc}[/red]")
        raise typer.Exit(EXIT_RUNTIME) from exc
    except Exception as exc:  # a query the engine rejects: syntax, unknown property, bad parameter
        err.print(f"[red]查询失败 / query failed: {exc}[/red]")
        raise typer.Exit(EXIT_INPUT) from exc
    finally:
        store.close()
    print_readable(rows, output_format(ctx, fmt))


@app.command()
def reset(ctx: typer.Context, yes: bool = typer.Option(False, "--yes", help="really delete everything")) -> None:
    """清空 / Delete every node and relationship of the configured graph."""
    if not yes:
        err.print("refusing without --yes")
        raise typer.Exit(EXIT_INPUT)
    with open_or_exit(ctx) as store:
        store.clear()
    err.print("已清空 / cleared")


@app.command("schema-docs")
def schema_docs(out: Path = typer.Option(Path("docs/schema.md"), "--out", "-o")) -> None:
    """生成模式文档 / Regenerate the schema reference page from safetykg/graph/schema.yaml."""
    from ..graph.schema_docs import render_schema_markdown

    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render_schema_markdown(load_schema()), encoding="utf-8")
    err.print(f"wrote {out}")


@app.command()
def synthetic(
    ctx: typer.Context,
    accidents: int = typer.Option(10000, "--accidents", "-n", help="number of synthetic accidents"),
    seed: int = typer.Option(7, "--seed"),
    out: Path = typer.Option(None, "--out", "-o", help="write the bulk files here (a new directory; default: a temporary one)"),
    load: bool = typer.Option(True, "--load/--no-load", help="bulk-load the files into the (empty) graph"),
) -> None:
    """合成数据 / Write a synthetic national-scale graph as bulk files and bulk-load it (cites SRC-SYNTHETIC)."""
    import tempfile
    import time

    from ..graph.bulkfiles import BulkFilesError
    from ..loaders.bulk import BulkTargetNotEmpty, derive_after_load, load_files
    from ..loaders.synthetic import write_files

    with tempfile.TemporaryDirectory(prefix="safetykg-synthetic-") as tmp:
        root = out or Path(tmp) / "files"
        began = time.perf_counter()
        try:
            files = write_files(load_schema(), root, accidents, seed=seed)
        except BulkFilesError as exc:
            err.print(f"[red]{exc}[/red]")
            raise typer.Exit(EXIT_INPUT) from exc
        err.print(f"{files.rows} rows in {len(files.nodes) + len(files.rels)} files under {root} "
                  f"({time.perf_counter() - began:.1f} s)")
        if not load:
            return
        with open_or_exit(ctx) as store:
            began = time.perf_counter()
            try:
                written = load_files(store, files)
            except BulkTargetNotEmpty as exc:
                err.print(f"[red]{exc}[/red]")
                raise typer.Exit(EXIT_INPUT) from exc
            seconds = time.perf_counter() - began
            err.print(f"{written} rows in {seconds:.1f} s ({written / seconds:,.0f} rows/s) on {store.engine}")
            began = time.perf_counter()
            report = derive_after_load(store)
            err.print(f"RECURRENCE_OF: {report.created} links derived ({time.perf_counter() - began:.1f} s)")


app.add_typer(audit.audit_app, name="audit")
analyze.register(app)
dashboard.register(app)
coverage.register(app)
extract.register(app)


def run() -> None:
    """The installed `safetykg` command: the app, with a missing optional dependency explained, exit 2."""
    try:
        app()
    except ImportError as exc:
        missing = as_missing_extra(exc)
        if missing is None:
            raise
        fail(str(missing))  # prints the install line
        sys.exit(EXIT_INPUT)
