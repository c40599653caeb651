"""What every command group shares: exit codes, global settings, opening the store, `k=v` parameters.

Exit codes: 0 success; 1 engine or runtime failure; 2 bad input (validation, usage);
3 no graph yet (run `safetykg load data/` first).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from ..graph.ladybug_store import StoreMissing
from ..graph.store import Store, StoreConfig, open_store
from ..output import FORMATS

EXIT_RUNTIME, EXIT_INPUT, EXIT_NO_GRAPH = 1, 2, 3

err = Console(stderr=True)


class Settings:
    def __init__(self, uri: str | None, data_dir: Path | None, fmt: str, batch_size: int) -> None:
        self.uri = uri
        self.data_dir = data_dir
        self.fmt = fmt
        self.batch_size = batch_size

    def config(self, read_only: bool = False) -> StoreConfig:
        return StoreConfig.from_env(
            uri=self.uri, data_dir=self.data_dir, read_only=read_only, batch_size=self.batch_size
        )


def settings(ctx: typer.Context) -> Settings:
    obj = ctx.find_root().obj
    assert isinstance(obj, Settings)
    return obj


FormatOption = typer.Option(None, "--format", "-f", help="output: table | json | csv | md (overrides the global option)")


def output_format(ctx: typer.Context, fmt: str | None) -> str:
    chosen = fmt or settings(ctx).fmt
    if chosen not in FORMATS:
        raise typer.BadParameter(f"--format must be one of {', '.join(FORMATS)}")
    return chosen


def open_or_exit(ctx: typer.Context, read_only: bool = False) -> Store:
    config = settings(ctx).config(read_only=read_only)
    try:
        return open_store(config)
    except StoreMissing as exc:
        err.print(f"[red]{exc}[/red]")
        raise typer.Exit(EXIT_NO_GRAPH) from exc
    except Exception as exc:  # engine unreachable, locked store, bad credentials
        err.print(f"[red]无法打开图数据库 / cannot open the graph ({config.describe()}): {exc}[/red]")
        raise typer.Exit(EXIT_RUNTIME) from exc



def parse_params(pairs: list[str]) -> dict[str, Any]:
    """`k=v` pairs; values that parse as JSON (numbers, lists, true) keep that type."""
    params: dict[str, Any] = {}
    for pair in pairs:
        if "=" not in pair:
            raise typer.BadParameter(f"--param expects k=v, got {pair!r}")
        key, value = pair.split("=", 1)
        try:
            params[key] = json.loads(value)
        except json.JSONDecodeError:
            params[key] = value
    return params
